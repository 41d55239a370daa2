/**
 * The console's rotating pickup pass (web/src/pickup-pass.ts) against the server's own parser and verifier
 * (src/audit/pickup-pass.ts): the phone signs with WebCrypto exactly the bytes the gate checks, so a pass the driver's
 * phone shows is one the gate accepts, and the same pass a minute later is not. Node's WebCrypto stands in for the
 * phone's; both implement Ed25519 of RFC 8032 and WebCrypto's "raw" public key export.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parsePickupPass,
  pickupPassCounter,
  pickupPassMessage,
  verifyPickupPass,
} from '../../src/audit/pickup-pass.js';
import { base64url, passCounter, passMessage, passShape, signPass } from '../../web/src/pickup-pass.js';

async function phoneKey(): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return {
    privateKey: pair.privateKey,
    publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)),
  };
}

const at = Date.parse('2030-03-04T09:59:47Z');

describe('the rotating pickup pass the console signs', () => {
  it('counts 30-second steps and signs the bytes the server verifies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        (ms, id) => {
          expect(passCounter(ms)).toBe(pickupPassCounter(ms));
          expect(passMessage(id, passCounter(ms))).toEqual(pickupPassMessage(id, passCounter(ms)));
        },
      ),
    );
  });

  it('is accepted by the gate in its own step and one either side, and refused a minute later', async () => {
    const phone = await phoneKey();
    const signed = await signPass(phone.privateKey, 'Xy3kQ9c_R2-dL0aB', at);
    expect(signed.text).toMatch(/^plp1\.Xy3kQ9c_R2-dL0aB\.\d+\.[A-Za-z0-9_-]{86}$/);
    expect(signed.renewsAt).toBe(Date.parse('2030-03-04T10:00:00Z'));
    const parsed = parsePickupPass(signed.text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed).toMatchObject({ credentialId: 'Xy3kQ9c_R2-dL0aB', counter: pickupPassCounter(at) });
    for (const seconds of [-30, 0, 30])
      expect(
        verifyPickupPass(parsed, {
          publicKey: phone.publicKey,
          currentCounter: pickupPassCounter(at + seconds * 1000),
        }),
      ).toEqual({ ok: true });
    // A screenshot shown a minute after it was taken.
    expect(
      verifyPickupPass(parsed, {
        publicKey: phone.publicKey,
        currentCounter: pickupPassCounter(at + 60_000),
      }),
    ).toMatchObject({ ok: false, code: 'pass.stale' });
  });

  it("is refused under another phone's key", async () => {
    const [phone, other] = [await phoneKey(), await phoneKey()];
    const parsed = parsePickupPass((await signPass(phone.privateKey, 'Xy3kQ9c_R2-dL0aB', at)).text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(
      verifyPickupPass(parsed, { publicKey: other.publicKey, currentCounter: pickupPassCounter(at) }),
    ).toMatchObject({ ok: false, code: 'pass.bad_signature' });
  });

  it('encodes base64url without padding, as RFC 4648 §5', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
  });

  it('tells a rotating pass and a printed one from anything else the kiosk is given', () => {
    expect(passShape(' plp1.Xy3kQ9c_R2-dL0aB.67666666.abc ')).toBe('rotating');
    expect(passShape('plc1.eyJ2IjoxfQ.c2ln')).toBe('printed');
    for (const other of ['ANR-DEMO-0001', '123456789', 'https://example.org/plp1.x', 'PLP1.x.1.y', ''])
      expect(passShape(other)).toBe('unknown');
  });
});
