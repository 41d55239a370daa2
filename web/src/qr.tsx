/** A QR code drawn on a canvas (the `qrcode` package), and a copy-to-clipboard button for the text it carries. */
import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import { Button } from './components.js';
import { i18next } from './i18n/index.js';
import { qrModulesAcross, qrOptions } from './qr-options.js';

/**
 * The code of `text`, at most `size` CSS pixels across. Each module is a whole number of device pixels, so that
 * no module is drawn a pixel wider than its neighbour (which blurs the edges a scanner looks for); `margin` is the
 * quiet zone in modules.
 */
export function QrCode({
  text,
  label,
  size = 256,
  margin = 2,
}: {
  text: string;
  label: string;
  size?: number;
  margin?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    setFailed(false);
    const ratio = window.devicePixelRatio || 1;
    const across = qrModulesAcross(text, margin);
    if (across === undefined) {
      setFailed(true);
      return;
    }
    const scale = Math.max(1, Math.floor((size * ratio) / across));
    QRCode.toCanvas(canvas, text, { ...qrOptions, margin, scale })
      .then(() => {
        // `qrcode` sizes the canvas in device pixels; shown at CSS pixels, it stays sharp on a high-density screen.
        const shown = `${(across * scale) / ratio}px`;
        canvas.style.width = shown;
        canvas.style.height = shown;
      })
      .catch(() => setFailed(true));
  }, [text, size, margin]);
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
