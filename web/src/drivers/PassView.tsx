/**
 * The pickup pass, full screen on the driver's phone: a QR code the kiosk scans, signed afresh by this phone's key
 * for every 30-second step (see `pickup-pass.ts`), so that a screenshot or a copy is stale within a minute.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTerminalClock } from '../clock.js';
import { Button, Notice } from '../components.js';
import { passCounter, type SignedPass, signPass } from '../pickup-pass.js';
import { QrCode } from '../qr.js';

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

/** Keeps the screen on while the pass is shown (Screen Wake Lock API), where the browser allows it. */
function useWakeLock(): void {
  useEffect(() => {
    let lock: { release(): Promise<void> } | undefined;
    let released = false;
    const wakeLock = (
      navigator as { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }
    ).wakeLock;
    wakeLock
      ?.request('screen')
      .then((granted) => {
        if (released) void granted.release();
        else lock = granted;
      })
      .catch(() => undefined);
    return () => {
      released = true;
      void lock?.release().catch(() => undefined);
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
  const [signed, setSigned] = useState<SignedPass>();
  const [now, setNow] = useState(() => Date.now());
  const [failed, setFailed] = useState(false);
  const { t } = useTranslation('drivers');
  const clock = useTerminalClock(terminal, pass.terminalTimeZone);
  useWakeLock();

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
  const size = Math.max(200, Math.min(360, (typeof window === 'undefined' ? 360 : window.innerWidth) - 48));

  return (
    <div className="pass-view" role="dialog" aria-modal="true" aria-labelledby={headingId}>
      <h1 id={headingId} ref={heading} tabIndex={-1} className="pass-heading">
        {t('pass.heading')}
      </h1>
      <p className="pass-container mono">{containerNumber}</p>
      {failed ? (
        <Notice tone="error" title={t('pass.signFailed')}>
          <p>{t('pass.signFailedBody')}</p>
        </Notice>
      ) : null}
      {signed ? (
        <>
          <QrCode text={signed.text} label={t('pass.qr', { number: containerNumber })} size={size} />
          <p className="pass-countdown" role="timer" aria-live="off">
            {t('pass.newCode', { seconds })}
          </p>
          <p className="pass-text mono" data-testid="pickup-pass-text">
            {signed.text}
          </p>
        </>
      ) : failed ? null : (
        <p className="muted">{t('pass.signing')}</p>
      )}
      {closed ? (
        <Notice tone="warning">{t('pass.closed')}</Notice>
      ) : early ? (
        <Notice tone="info">{t('pass.early')}</Notice>
      ) : null}
      <dl className="facts pass-facts">
        <div>
          <dt>{t('pass.slot')}</dt>
          <dd data-testid="pass-slot">
            {clock.range(slotStart, slotEnd)} ({clock.label})
          </dd>
        </div>
        <div>
          <dt>{t('pass.gateOpen')}</dt>
          <dd data-testid="pass-window">
            {clock.timeRange(pass.windowStart, pass.windowEnd)} ({clock.label})
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
      <p className="muted">{t('pass.show')}</p>
      <Button size="large" onClick={onClose}>
        {t('pass.close')}
      </Button>
    </div>
  );
}
