import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deviceKeyFingerprint,
  formatPickupPass,
  isDevicePublicKey,
  PICKUP_PASS_PREFIX,
  parsePickupPass,
  pickupPassCounter,
  pickupPassMessage,
  verifyPickupPass,
} from './pickup-pass.js';

// A fixed device seed: Ed25519 is deterministic (RFC 8032 §5.1.6), so every pass below is reproducible.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
function deviceKey(fill: number) {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.alloc(32, fill)]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    publicKey: Uint8Array.from(spki.subarray(spki.length - 32)),
    sign: (message: Uint8Array) => Uint8Array.from(sign(null, message, privateKey)),
  };
}

const phone = deviceKey(3);
const otherPhone = deviceKey(4);
const credentialId = 'Xy3kQ9mW2vT5rP8nL1bC0dEf';
// 2025-03-01T08:00:10Z.
const now = Date.parse('2025-03-01T08:00:10Z');
const counter = pickupPassCounter(now);
const passAt = (step: number, key = phone, id = credentialId) =>
  formatPickupPass(id, step, key.sign(pickupPassMessage(id, step)));

const verifyText = (text: string, publicKey = phone.publicKey) => {
  const parsed = parsePickupPass(text);
  return parsed.ok ? verifyPickupPass(parsed, { publicKey, currentCounter: counter }) : parsed;
};

describe('the rotating pickup pass', () => {
  it('counts 30-second steps since the epoch (RFC 6238 §4, T0 = 0, X = 30)', () => {
    expect(pickupPassCounter(Date.parse('2025-03-01T08:00:00Z'))).toBe(1_740_816_000 / 30);
    expect(pickupPassCounter(Date.parse('2025-03-01T08:00:29.999Z'))).toBe(1_740_816_000 / 30);
    expect(pickupPassCounter(Date.parse('2025-03-01T08:00:30Z'))).toBe(1_740_816_000 / 30 + 1);
  });

  it('signs exactly the contract message: a fixed first line, the credential id and the counter', () => {
    expect(new TextDecoder().decode(pickupPassMessage('c-1', 58_036_320))).toBe(
      'portledger pickup pass v1\nc-1\n58036320\n',
    );
    expect(passAt(counter)).toMatch(/^plp1\.Xy3kQ9mW2vT5rP8nL1bC0dEf\.58027200\.[A-Za-z0-9_-]{86}$/);
  });

  it('accepts a pass of the current step and of one step either side, signed by the enrolled device', () => {
    for (const step of [counter - 1, counter, counter + 1])
      expect(verifyText(passAt(step))).toEqual({ ok: true });
  });

  it('refuses a pass two steps old or ahead: a pass captured a minute earlier is stale', () => {
    expect(verifyText(passAt(counter - 2))).toMatchObject({ ok: false, code: 'pass.stale' });
    expect(verifyText(passAt(counter + 2))).toMatchObject({ ok: false, code: 'pass.stale' });
  });

  it("refuses a pass signed by another device, or for another credential under this one's signature", () => {
    expect(verifyText(passAt(counter, otherPhone))).toMatchObject({ ok: false, code: 'pass.bad_signature' });
    const signature = phone.sign(pickupPassMessage('another-credential', counter));
    expect(verifyText(formatPickupPass(credentialId, counter, signature))).toMatchObject({
      ok: false,
      code: 'pass.bad_signature',
    });
  });

  it('refuses a printed plc1. credential, texts that are not passes and padded or over-long signatures', () => {
    const good = passAt(counter);
    for (const text of [
      'plc1.eyJ2IjoxfQ.AAAA',
      '',
      PICKUP_PASS_PREFIX,
      `${PICKUP_PASS_PREFIX}${credentialId}.${counter}`,
      `${good}=`,
      `${good}A`,
      good.replace(`.${counter}.`, `.0${counter}.`),
      good.replace(`.${counter}.`, '.-1.'),
      `${PICKUP_PASS_PREFIX}.${counter}.${good.split('.').at(-1)}`,
      `${good}${'A'.repeat(200)}`,
    ]) {
      expect(parsePickupPass(text), text).toMatchObject({ ok: false, code: 'pass.malformed' });
    }
  });

  it('parses a credential id with dots from the right', () => {
    const dotted = passAt(counter, phone, 'a.b.c');
    expect(parsePickupPass(dotted)).toMatchObject({ ok: true, credentialId: 'a.b.c', counter });
    expect(verifyText(dotted)).toEqual({ ok: true });
  });

  it('refuses any single-character change, insertion or deletion of a valid pass', () => {
    const good = passAt(counter);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    fc.assert(
      fc.property(
        fc.nat({ max: good.length }),
        fc.constantFrom(...alphabet),
        fc.constantFrom('replace', 'insert', 'delete'),
        (position, character, how) => {
          const at = Math.min(position, good.length - (how === 'insert' ? 0 : 1));
          const mutated =
            how === 'replace'
              ? good.slice(0, at) + character + good.slice(at + 1)
              : how === 'insert'
                ? good.slice(0, at) + character + good.slice(at)
                : good.slice(0, at) + good.slice(at + 1);
          fc.pre(mutated !== good);
          expect(verifyText(mutated).ok).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses any other bytes as the signature, and any other key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (signature) => {
        expect(verifyText(formatPickupPass(credentialId, counter, signature)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    expect(verifyText(passAt(counter), new Uint8Array(31))).toMatchObject({
      ok: false,
      code: 'pass.device_key_invalid',
    });
  });

  it('checks device keys and prints a short fingerprint to compare', () => {
    expect(isDevicePublicKey(phone.publicKey)).toBe(true);
    expect(isDevicePublicKey(new Uint8Array(33))).toBe(false);
    expect(deviceKeyFingerprint(phone.publicKey)).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
    expect(deviceKeyFingerprint(phone.publicKey)).not.toBe(deviceKeyFingerprint(otherPhone.publicKey));
  });
});
