/**
 * The single-use pickup credential a booking answers with, shown once: the driver's phone shows his rotating pass,
 * so the printed QR code here is only a fallback.
 */
import { useId } from 'react';
import { localDateTime, localTime } from '../clock.js';
import { CopyButton, QrCode } from '../qr.js';
import type { Credential } from './appointment-api.js';

export function CredentialCard({
  credential,
  containerNumber,
}: {
  credential: Credential;
  containerNumber: string;
}) {
  const tokenId = useId();
  return (
    <section className="credential" aria-labelledby={`${tokenId}-heading`}>
      <h3 id={`${tokenId}-heading`}>Pickup credential for {containerNumber}</h3>
      <p>
        Valid once, for this driver and truck, from {localDateTime(credential.windowStart)} to{' '}
        {localTime(credential.windowEnd)} (grace included). The driver shows his pickup pass from his own
        phone, under My jobs, once you have confirmed that phone (Approvals, Drivers' phones): there is
        nothing to send him.
      </p>
      <p className="muted">
        The printed pass below is only a fallback: the gate refuses it unless the terminal has switched
        printed passes on, and every use of one raises an alert. It is not stored and is shown this once.
      </p>
      <div className="credential-body">
        <QrCode text={credential.token} label={`QR code of the pickup credential for ${containerNumber}`} />
        <div className="credential-text">
          <label htmlFor={tokenId}>Credential text</label>
          <textarea id={tokenId} className="token" readOnly rows={6} value={credential.token} />
          <CopyButton text={credential.token} label="Copy credential" />
        </div>
      </div>
    </section>
  );
}
