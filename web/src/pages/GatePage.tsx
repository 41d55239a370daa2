import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Button, Field, Notice, PageHeading } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { type GateVerdict, gateTransaction } from '../gate/gate-api.js';
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
        setError('The camera cannot be used here. Paste the text under the pass’s QR code instead.');
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
        <video ref={video} className="scanner-video" muted playsInline aria-label="Camera view" />
      )}
      <Button onClick={onClose}>Stop scanning</Button>
    </div>
  );
}

/** Which box the answer is about, as far as the gate may say. */
function boxLine(verdict: GateVerdict): string {
  if (verdict.visitRef !== 'unidentified') {
    return verdict.containerNumber
      ? `Box ${verdict.containerNumber}, visit ${verdict.visitRef}`
      : `Visit ${verdict.visitRef}`;
  }
  return verdict.containerNumber ? `Box ${verdict.containerNumber}` : 'Box not identified';
}

/**
 * The gate kiosk: the pickup pass from the driver's phone (or the terminal's printed fallback), badge and plate in;
 * the verdict with every check ticked or crossed out.
 */
export function GatePage() {
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
        ? { credential: 'Scan or paste the pickup pass.' }
        : passShape(scannedText) === 'unknown'
          ? {
              credential:
                'This is not a pickup pass. Ask the driver to open the pass under My jobs on his phone, and scan the QR code it shows.',
            }
          : {}),
      ...(badge.trim() ? {} : { badge: 'Enter the badge number from the driver’s card.' }),
      ...(plate.trim() ? {} : { plate: 'Enter the truck plate.' }),
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
      <PageHeading title="Gate-out" />
      <form className="gate-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className={`field gate-field${credentialError ? ' field-invalid' : ''}`}>
          <label htmlFor={credentialId}>Pickup pass</label>
          <p id={`${credentialId}-hint`} className="field-hint">
            Scan the QR code on the driver’s phone, or paste the text under it (it starts with plp1.). It
            changes every 30 seconds: a photo or a copy of an older one is refused.
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
            <Button onClick={() => setScanning(true)}>Scan with camera</Button>
          )
        ) : null}
        <div className="gate-row">
          <Field
            className="gate-field"
            label="Badge number"
            value={badge}
            onChange={(event) => setBadge(event.target.value)}
            error={errors.badge}
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
          />
          <Field
            className="gate-field"
            label="Truck plate"
            value={plate}
            onChange={(event) => setPlate(event.target.value)}
            error={errors.plate}
            autoComplete="off"
            spellCheck={false}
            maxLength={32}
          />
        </div>
        <div className="button-row">
          <Button type="submit" variant="primary" size="large" busy={busy} busyLabel="Checking…">
            Check and release
          </Button>
          <Button size="large" onClick={nextTruck}>
            Next truck
          </Button>
        </div>
      </form>

      {failed ? (
        <Notice tone="error" title="The gate could not check this truck">
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
            {verdict.accepted ? '✓ Accepted: the box may leave' : '✗ Refused: do not release the box'}
          </h2>
          <p className="gate-verdict-meta">
            {boxLine(verdict)} · recorded as audit event {verdict.index}
            {verdict.accepted ? '' : ' · an alert was raised'}
          </p>
          {verdict.checks.some((check) => check.state === 'not_checked') ? (
            <p className="gate-verdict-note">
              The pass does not show that it comes from the driver’s confirmed phone now, so the gate checked
              nothing else. Ask the driver to open the pass under My jobs on his phone and scan it again.
            </p>
          ) : null}
          <ul className="checks" aria-label="Checks">
            {verdict.checks.map((check) => {
              const key = check.state ?? (check.passed ? 'passed' : 'failed');
              const state = gateCheckState(key);
              return (
                <li key={check.check} className={`check-row check-${key.replace('_', '-')}`}>
                  <span className="check-mark" aria-hidden="true">
                    {state.mark}
                  </span>
                  <span className="check-name">
                    {gateCheckName(check.check)}
                    <span className="visually-hidden">: {state.words}</span>
                  </span>
                  {check.reason ? <span className="check-reason">{check.reason}</span> : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
