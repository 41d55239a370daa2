/**
 * The pickup pass, full screen on the driver's phone: a QR code the kiosk scans, signed afresh by this phone's key
 * for every 30-second step (see `pickup-pass.ts`), so that a screenshot or a copy is stale within a minute.
 *
 * It is a modal dialog over the whole viewport (the rest of the console is inert behind it), asks the browser for
 * the whole screen where the Fullscreen API is offered, keeps the screen on (Screen Wake Lock) and shows the code as
 * large as the screen allows, black on white, with the gate window in the terminal's time beside it.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { useTerminalClock } from '../clock.js';
import { Button, Notice } from '../components.js';
import { passCounter, type SignedPass, signPass } from '../pickup-pass.js';
import { QrCode } from '../qr.js';
import { passQrSize } from './pass-layout.js';

interface PassViewProps {
  containerNumber: string;
  terminal: string;
  slotStart: string;
  slotEnd: string;
  truckPlate: string;
  pass: { credentialId: string; windowStart: string; windowEnd: string; terminalTimeZone: string };
  privateKey: CryptoKey;
  onClose: () => void;
}

type WakeLockSentinel = { release(): Promise<void> };
type WakeLockApi = { request(type: 'screen'): Promise<WakeLockSentinel> };

/**
 * Keeps the screen on while the pass is shown (Screen Wake Lock API), where the browser allows it. The browser
 * drops the lock whenever the page is hidden, so it is asked for again each time the page is shown.
 */
function useWakeLock(): void {
  useEffect(() => {
    const wakeLock = (navigator as { wakeLock?: WakeLockApi }).wakeLock;
    if (!wakeLock) return;
    let lock: WakeLockSentinel | undefined;
    let done = false;
    const acquire = () => {
      if (document.visibilityState !== 'visible') return;
      wakeLock
        .request('screen')
        .then((granted) => {
          if (done) void granted.release().catch(() => undefined);
          else lock = granted;
        })
        .catch(() => undefined);
    };
    acquire();
    document.addEventListener('visibilitychange', acquire);
    return () => {
      done = true;
      document.removeEventListener('visibilitychange', acquire);
      void lock?.release().catch(() => undefined);
    };
  }, []);
}

/**
 * Asks for the whole screen for `element` while it is shown (the browser's bars hidden on a phone), and gives it
 * back on close. Where the Fullscreen API is missing (iPhone Safari) or refused, the overlay still fills the
 * viewport. The request follows the tap on "Show the pickup pass" within the browser's user-activation window.
 */
function useFullscreen(element: HTMLElement | null): void {
  useEffect(() => {
    if (!element || typeof element.requestFullscreen !== 'function' || !document.fullscreenEnabled) return;
    element.requestFullscreen({ navigationUI: 'hide' }).catch(() => undefined);
    return () => {
      if (document.fullscreenElement === element) void document.exitFullscreen().catch(() => undefined);
    };
  }, [element]);
}

const viewportSize = () => ({ width: window.innerWidth, height: window.innerHeight });

/** The viewport's size, followed as it turns, resizes or enters full screen. */
function useViewport(): { width: number; height: number } {
  const [viewport, setViewport] = useState(viewportSize);
  useEffect(() => {
    const update = () => setViewport(viewportSize());
    window.addEventListener('resize', update);
    document.addEventListener('fullscreenchange', update);
    return () => {
      window.removeEventListener('resize', update);
      document.removeEventListener('fullscreenchange', update);
    };
  }, []);
  return viewport;
}

/** Makes everything but the dialog inert (not focusable, not read out) while it is shown. */
function useInertBehind(): void {
  useEffect(() => {
    const root = document.getElementById('root');
    if (!root) return;
    root.inert = true;
    return () => {
      root.inert = false;
    };
  }, []);
}

export function PassView({
  containerNumber,
  terminal,
  slotStart,
  slotEnd,
  truckPlate,
  pass,
  privateKey,
  onClose,
}: PassViewProps) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [overlay, setOverlay] = useState<HTMLDivElement | null>(null);
  const [signed, setSigned] = useState<SignedPass>();
  const [now, setNow] = useState(() => Date.now());
  const [failed, setFailed] = useState(false);
  const { t } = useTranslation('drivers');
  const clock = useTerminalClock(terminal, pass.terminalTimeZone);
  const viewport = useViewport();
  useWakeLock();
  useFullscreen(overlay);
  useInertBehind();

  useEffect(() => heading.current?.focus(), []);

  // Every second: the countdown moves, and when this phone's clock enters a new 30-second step, a new signature.
  useEffect(() => {
    let live = true;
    let counter: number | undefined;
    const tick = async () => {
      const at = Date.now();
      setNow(at);
      const step = passCounter(at);
      if (step === counter) return;
      counter = step;
      try {
        const next = await signPass(privateKey, pass.credentialId, at);
        if (live) {
          setSigned(next);
          setFailed(false);
        }
      } catch {
        if (live) setFailed(true);
      }
    };
    void tick();
    const timer = window.setInterval(() => void tick(), 1000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [privateKey, pass.credentialId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const seconds = signed ? Math.max(0, Math.ceil((signed.renewsAt - now) / 1000)) : undefined;
  const closed = now > Date.parse(pass.windowEnd);
  const early = now < Date.parse(pass.windowStart);
  const size = passQrSize(viewport);

  return createPortal(
    <div ref={setOverlay} className="pass-view" role="dialog" aria-modal="true" aria-labelledby={headingId}>
      <div className="pass-top">
        <h1 id={headingId} ref={heading} tabIndex={-1} className="pass-heading">
          {t('pass.heading')}
        </h1>
        <Button onClick={onClose}>{t('pass.close')}</Button>
      </div>
      <p className="pass-container mono">{containerNumber}</p>
      <div className="pass-body">
        <div className="pass-code">
          {signed ? (
            <QrCode
              text={signed.text}
              label={t('pass.qr', { number: containerNumber })}
              size={size}
              margin={4}
            />
          ) : failed ? null : (
            <p className="muted">{t('pass.signing')}</p>
          )}
          {failed ? (
            <Notice tone="error" title={t('pass.signFailed')}>
              <p>{t('pass.signFailedBody')}</p>
            </Notice>
          ) : null}
        </div>
        <div className="pass-side">
          <p className="pass-window" data-testid="pass-window">
            <span className="pass-window-label">{t('pass.gateOpen')}</span>{' '}
            <strong className="pass-window-time">{clock.timeRange(pass.windowStart, pass.windowEnd)}</strong>{' '}
            <span className="pass-window-zone">({clock.label})</span>
          </p>
          {closed ? (
            <Notice tone="warning">{t('pass.closed')}</Notice>
          ) : early ? (
            <Notice tone="info">{t('pass.early')}</Notice>
          ) : null}
          {signed ? (
            <p className="pass-countdown" role="timer" aria-live="off">
              {t('pass.newCode', { seconds })}
            </p>
          ) : null}
          <dl className="facts pass-facts">
            <div>
              <dt>{t('pass.slot')}</dt>
              <dd data-testid="pass-slot">
                {clock.range(slotStart, slotEnd)} ({clock.label})
              </dd>
            </div>
            <div>
              <dt>{t('pass.terminal')}</dt>
              <dd>{clock.name ? `${clock.name} (${terminal})` : terminal}</dd>
            </div>
            <div>
              <dt>{t('pass.truck')}</dt>
              <dd className="mono">{truckPlate}</dd>
            </div>
          </dl>
          <p className="pass-show">{t('pass.show')}</p>
          {signed ? (
            <p className="pass-text mono" data-testid="pickup-pass-text">
              {signed.text}
            </p>
          ) : null}
        </div>
      </div>
    </div>,
    document.body,
  );
}
