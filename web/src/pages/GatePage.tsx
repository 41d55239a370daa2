import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Button, Field, Notice, PageHeading } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { checkReason } from '../gate/check-reason.js';
import { type GateVerdict, gateTransaction } from '../gate/gate-api.js';
import { i18next } from '../i18n/index.js';
import { passShape } from '../pickup-pass.js';
import { useSession } from '../session.js';
import { gateCheckName, gateCheckState } from '../terms.js';

/** The part of the Barcode Detection API the kiosk uses (Chromium on Android, ChromeOS and macOS ship it). */
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorConstructor = new (options?: { formats?: string[] }) => BarcodeDetectorLike;

function barcodeDetector(): BarcodeDetectorConstructor | undefined {
  const candidate = (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  return typeof candidate === 'function' ? candidate : undefined;
}

/** Scans a QR code with the camera until one is read, the person cancels, or the camera cannot be used. */
function CameraScanner({ onRead, onClose }: { onRead: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation('gate');
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const Detector = barcodeDetector();
    if (!Detector) return;
    let stream: MediaStream | undefined;
    let stopped = false;
    let timer: number | undefined;
    const detector = new Detector({ formats: ['qr_code'] });
    const tick = async () => {
      if (stopped || !video.current) return;
      try {
        const [code] = await detector.detect(video.current);
        if (code?.rawValue) {
          onRead(code.rawValue.trim());
          return;
        }
      } catch {
        // the frame was not ready yet: try the next one
      }
      timer = window.setTimeout(() => void tick(), 200);
    };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        void tick();
      } catch {
        setError(i18next.t('gate:camera.unavailable'));
      }
    })();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [onRead]);

  return (
    <div className="scanner">
      {error ? (
        <Notice tone="error">{error}</Notice>
      ) : (
        <video ref={video} className="scanner-video" muted playsInline aria-label={t('camera.view')} />
      )}
      <Button onClick={onClose}>{t('camera.stop')}</Button>
    </div>
  );
}

/** Which box the answer is about, as far as the gate may say. */
function boxLine(verdict: GateVerdict): string {
  const t = i18next.t;
  if (verdict.visitRef !== 'unidentified') {
    return verdict.containerNumber
      ? t('gate:box.numberAndVisit', { number: verdict.containerNumber, visit: verdict.visitRef })
      : t('gate:box.visit', { visit: verdict.visitRef });
  }
  return verdict.containerNumber
    ? t('gate:box.number', { number: verdict.containerNumber })
    : t('gate:box.unknown');
}

/**
 * The gate kiosk: the pickup pass from the driver's phone (or the terminal's printed fallback), badge and plate in;
 * the verdict with every check ticked or crossed out.
 */
export function GatePage() {
  const { t } = useTranslation('gate');
  const { signedOut } = useSession();
  const credentialId = useId();
  const credentialRef = useRef<HTMLTextAreaElement>(null);
  const verdictRef = useRef<HTMLDivElement>(null);
  const [credential, setCredential] = useState('');
  const [badge, setBadge] = useState('');
  const [plate, setPlate] = useState('');
  const [errors, setErrors] = useState<{ credential?: string; badge?: string; plate?: string }>({});
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string>();
  const [verdict, setVerdict] = useState<GateVerdict>();
  const [scanning, setScanning] = useState(false);
  const canScan = barcodeDetector() !== undefined && Boolean(navigator.mediaDevices?.getUserMedia);

  // A kiosk: the first field is ready for the scanner or a paste as soon as the screen opens.
  useEffect(() => credentialRef.current?.focus(), []);
  useEffect(() => {
    if (verdict) verdictRef.current?.focus();
  }, [verdict]);

  const scanned = useCallback((text: string) => {
    setCredential(text);
    setScanning(false);
  }, []);
  const stopScanning = useCallback(() => setScanning(false), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const scannedText = credential.trim();
    const next = {
      ...(!scannedText
        ? { credential: t('form.passMissing') }
        : passShape(scannedText) === 'unknown'
          ? { credential: t('form.notAPass') }
          : {}),
      ...(badge.trim() ? {} : { badge: t('form.badgeMissing') }),
      ...(plate.trim() ? {} : { plate: t('form.plateMissing') }),
    };
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    setBusy(true);
    setFailed(undefined);
    setVerdict(undefined);
    try {
      setVerdict(
        await gateTransaction({
          credential: credential.trim(),
          badge: badge.trim(),
          truckPlate: plate.trim(),
        }),
      );
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setFailed(messageOf(error));
    } finally {
      setBusy(false);
    }
  }

  function nextTruck() {
    setCredential('');
    setBadge('');
    setPlate('');
    setErrors({});
    setVerdict(undefined);
    setFailed(undefined);
    credentialRef.current?.focus();
  }

  const credentialError = errors.credential;
  return (
    <div className="page gate">
      <PageHeading title={t('title')} />
      <form className="gate-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className={`field gate-field${credentialError ? ' field-invalid' : ''}`}>
          <label htmlFor={credentialId}>{t('form.pass')}</label>
          <p id={`${credentialId}-hint`} className="field-hint">
            {t('form.passHint')}
          </p>
          <textarea
            id={credentialId}
            ref={credentialRef}
            className="gate-credential"
            rows={3}
            value={credential}
            onChange={(event) => setCredential(event.target.value)}
            onKeyDown={(event) => {
              // Enter sends, as a scanner wedge ends with Enter; Shift+Enter is a new line.
              if (event.key === 'Enter' && !event.shiftKey) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={credentialError ? true : undefined}
            aria-describedby={`${credentialId}-hint${credentialError ? ` ${credentialId}-error` : ''}`}
          />
          {credentialError ? (
            <p id={`${credentialId}-error`} className="field-error">
              {credentialError}
            </p>
          ) : null}
        </div>
        {canScan ? (
          scanning ? (
            <CameraScanner onRead={scanned} onClose={stopScanning} />
          ) : (
            <Button onClick={() => setScanning(true)}>{t('camera.scan')}</Button>
          )
        ) : null}
        <div className="gate-row">
          <Field
            className="gate-field"
            label={t('form.badge')}
            value={badge}
            onChange={(event) => setBadge(event.target.value)}
            error={errors.badge}
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
          />
          <Field
            className="gate-field"
            label={t('form.plate')}
            value={plate}
            onChange={(event) => setPlate(event.target.value)}
            error={errors.plate}
            autoComplete="off"
            spellCheck={false}
            maxLength={32}
          />
        </div>
        <div className="button-row">
          <Button type="submit" variant="primary" size="large" busy={busy} busyLabel={t('form.checking')}>
            {t('form.check')}
          </Button>
          <Button size="large" onClick={nextTruck}>
            {t('form.next')}
          </Button>
        </div>
      </form>

      {failed ? (
        <Notice tone="error" title={t('form.failed')}>
          <p>{failed}</p>
        </Notice>
      ) : null}

      {verdict ? (
        <section
          ref={verdictRef}
          tabIndex={-1}
          className={`gate-verdict ${verdict.accepted ? 'gate-verdict-accepted' : 'gate-verdict-refused'}`}
          aria-labelledby="verdict-heading"
        >
          <h2 id="verdict-heading" className="gate-verdict-banner">
            {verdict.accepted ? t('verdict.accepted') : t('verdict.refused')}
          </h2>
          {verdict.containerNumber ? (
            <p className="gate-verdict-box mono">{verdict.containerNumber}</p>
          ) : null}
          <p className="gate-verdict-meta">
            {boxLine(verdict)} · {t('verdict.recorded', { index: verdict.index })}
            {verdict.accepted ? '' : ` · ${t('verdict.alert')}`}
          </p>
          {verdict.accepted && verdict.yardPosition ? (
            <p className="gate-verdict-goto" data-testid="gate-goto">
              <Trans
                t={t}
                i18nKey="verdict.goTo"
                values={{
                  slot: `${verdict.yardPosition.terminal}/${verdict.yardPosition.block}/${String(verdict.yardPosition.bay).padStart(2, '0')}/${String(verdict.yardPosition.row).padStart(2, '0')}/${verdict.yardPosition.tier}`,
                  ...verdict.yardPosition,
                }}
                components={{ slot: <strong className="mono" /> }}
              />
            </p>
          ) : null}
          {verdict.checks.some((check) => check.state === 'not_checked') ? (
            <p className="gate-verdict-note">{t('verdict.notChecked')}</p>
          ) : null}
          <ul className="checks" aria-label={t('verdict.checks')}>
            {verdict.checks.map((check) => {
              const key = check.state ?? (check.passed ? 'passed' : 'failed');
              const state = gateCheckState(key);
              const reason = checkReason(check, verdict);
              return (
                <li key={check.check} className={`check-row check-${key.replace('_', '-')}`}>
                  <span className="check-mark" aria-hidden="true">
                    {state.mark}
                  </span>
                  <span className="check-name">
                    {gateCheckName(check.check)}
                    <span className="visually-hidden">: {state.words}</span>
                  </span>
                  {reason ? <span className="check-reason">{reason}</span> : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
