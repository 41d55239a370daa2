/**
 * Issue 14: the pass a driver holds up at the gate is a large, low-density QR code — version 10 or less at error
 * correction M, so that its modules stay big enough for a kiosk scanner on a phone screen. The console hands the
 * `qrcode` library M explicitly and lets it pick the smallest version (web/src/qr.tsx); this checks the version it
 * picks for the longest pass the phone can show (web/src/pickup-pass.ts) and the gate would read
 * (src/audit/pickup-pass.ts), signed for real.
 */
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { issuePickupCredential } from '../../src/audit/pickup-credential.js';
import { MAX_PICKUP_PASS_CHARS, parsePickupPass } from '../../src/audit/pickup-pass.js';
import { signerFromSeed } from '../../src/audit/signed-note.js';
import { passQrSize } from '../../web/src/drivers/pass-layout.js';
import { signPass } from '../../web/src/pickup-pass.js';
import { qrModulesAcross, qrOptions } from '../../web/src/qr-options.js';

const versionOf = (text: string) => QRCode.create(text, qrOptions).version;

async function phoneKey(): Promise<CryptoKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign'])) as CryptoKeyPair;
  return pair.privateKey;
}

describe('the pass QR code (issue 14)', () => {
  it('is made at error correction M, with no version forced', () => {
    expect(qrOptions).toEqual({ errorCorrectionLevel: 'M' });
  });

  it('encodes the longest pass a phone signs at version 10 or less', async () => {
    const key = await phoneKey();
    // The server issues 16-character credential ids (12 random bytes, base64url); the last 30-second step of the
    // year 9999 has a 10-digit counter, one more than today's.
    const credentialId = 'Zz9-_Zz9-_Zz9-_Z';
    const signed = await signPass(key, credentialId, Date.parse('9999-12-31T23:59:59Z'));
    expect(signed.text).toMatch(/^plp1\.[A-Za-z0-9_-]{16}\.\d{10}\.[A-Za-z0-9_-]{86}$/);
    expect(parsePickupPass(signed.text).ok).toBe(true);
    expect(versionOf(signed.text)).toBeLessThanOrEqual(10);
    // Today's pass comes out smaller still: version 7, 45 modules across.
    const today = await signPass(key, credentialId, Date.parse('2030-03-04T09:59:47Z'));
    expect(versionOf(today.text)).toBe(7);
    expect(qrModulesAcross(today.text, 4)).toBe(45 + 8);
  });

  it('still fits version 10 at the longest text the gate reads as a pass (a 64-character credential id)', async () => {
    const signed = await signPass(await phoneKey(), 'a'.repeat(64), Date.parse('9999-12-31T23:59:59Z'));
    expect(signed.text.length).toBeLessThanOrEqual(MAX_PICKUP_PASS_CHARS);
    expect(versionOf(signed.text)).toBeLessThanOrEqual(10);
  });

  it('the printed fallback credential is longer and does not fit version 10: it is left as it is', () => {
    // The planner's printed `plc1.` credential carries its claims and a 68-byte seal (src/audit/pickup-credential.ts):
    // some 390 characters, version 13 at M. It is a fallback the gate may switch off, shown on paper or a desk
    // screen rather than a phone, so it keeps its own size.
    const token = issuePickupCredential(
      {
        v: 1,
        credentialId: 'Zz9-_Zz9-_Zz9-_Z',
        visitRef: 'V-7K3M-QW9P-0D5T-HZ2B-RC8N-J',
        driverBadgeRef: 'hb1.mQ3vYt0S2d7kPz9xW4cR1aL8eN6uJ5hG3bF0qZ2yX1w',
        truckPlate: '1ABC123',
        slotId: 'T1@20300304T1000Z',
        windowStart: 1_898_928_000,
        windowEnd: 1_898_933_400,
        rightVersion: 4,
        bookingVersion: 2,
        issuedAt: 1_898_860_000,
      },
      signerFromSeed('gate.example', new Uint8Array(32).fill(7)),
    );
    expect(versionOf(token)).toBeGreaterThan(10);
  });

  it('is drawn as large as the screen allows, leaving the gate window in view', () => {
    // An upright phone: the width less its margins, the window below the code.
    expect(passQrSize({ width: 390, height: 844 })).toBe(358);
    // A laptop: the height less the heading, the facts beside the code.
    expect(passQrSize({ width: 1280, height: 800 })).toBe(660);
    // A tiny screen still gets a scannable code.
    expect(passQrSize({ width: 200, height: 300 })).toBe(200);
  });
});
