/** A QR code drawn on a canvas (the `qrcode` package), and a copy-to-clipboard button for the text it carries. */
import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import { Button } from './components.js';
import { i18next } from './i18n/index.js';

export function QrCode({ text, label, size = 256 }: { text: string; label: string; size?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    setFailed(false);
    QRCode.toCanvas(canvas, text, { errorCorrectionLevel: 'M', margin: 2, width: size }).catch(() =>
      setFailed(true),
    );
  }, [text, size]);
  return (
    <div className="qr">
      <canvas ref={ref} className="qr-canvas" role="img" aria-label={label} width={size} height={size} />
      {failed ? <p className="field-error">{i18next.t('qr.failed')}</p> : null}
    </div>
  );
}

/** Copies `text`; says so politely, or says that copying is not possible here. */
export function CopyButton({ text, label = i18next.t('qr.copy') }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }
  return (
    <span className="copy">
      <Button onClick={() => void copy()}>{label}</Button>
      <span role="status" className="copy-status">
        {state === 'copied' ? i18next.t('qr.copied') : state === 'failed' ? i18next.t('qr.copyFailed') : ''}
      </span>
    </span>
  );
}
