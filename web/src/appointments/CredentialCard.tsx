/**
 * The single-use pickup credential a booking answers with, shown once: the driver's phone shows his rotating pass,
 * so the printed QR code here is only a fallback.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useTerminalClock } from '../clock.js';
import { CopyButton, QrCode } from '../qr.js';
import type { Credential } from './appointment-api.js';

export function CredentialCard({
  credential,
  containerNumber,
  terminal,
}: {
  credential: Credential;
  containerNumber: string;
  /** The terminal of the booking: the window is shown in its time. */
  terminal: string;
}) {
  const { t } = useTranslation('appointments');
  const clock = useTerminalClock(terminal);
  const tokenId = useId();
  return (
    <section className="credential" aria-labelledby={`${tokenId}-heading`}>
      <h3 id={`${tokenId}-heading`}>{t('credential.heading', { number: containerNumber })}</h3>
      <p>
        {t('credential.valid', {
          from: clock.dateTime(credential.windowStart),
          to: clock.time(credential.windowEnd),
          zone: clock.label,
        })}
      </p>
      <p className="muted">{t('credential.fallback')}</p>
      <div className="credential-body">
        <QrCode text={credential.token} label={t('credential.qr', { number: containerNumber })} />
        <div className="credential-text">
          <label htmlFor={tokenId}>{t('credential.text')}</label>
          <textarea id={tokenId} className="token" readOnly rows={6} value={credential.token} />
          <CopyButton text={credential.token} label={t('credential.copy')} />
        </div>
      </div>
    </section>
  );
}
