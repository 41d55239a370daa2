import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { argon2idHasher } from './passwords.js';
import { aesGcmSealer } from './sealer.js';
import { randomTokens } from './tokens.js';
import { rfc6238Totp } from './totp.js';

describe('argon2id password hashing', () => {
  const hasher = argon2idHasher({ memoryCost: 4096, timeCost: 1 });
  it('verifies the right password and refuses a wrong one or a broken hash', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'Correct horse battery staple')).toBe(false);
    expect(await hasher.verify('not a hash', 'x')).toBe(false);
  });
});

describe('RFC 6238 TOTP', () => {
  const totp = rfc6238Totp();
  // RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890"; at T = 59 s the 8-digit code is 94287082, whose
  // last 6 digits are the 6-digit code.
  const rfcSecret = new Uint8Array(Buffer.from('12345678901234567890', 'ascii'));

  it('matches the RFC 6238 test vector and names its time step', () => {
    expect(totp.matchStep({ secret: rfcSecret, code: '287082', at: new Date(59_000) })).toBe(1);
    expect(totp.matchStep({ secret: rfcSecret, code: '081804', at: new Date(1_111_111_109_000) })).toBe(
      37_037_036,
    );
  });

  it('accepts one step of drift either side, no more', () => {
    const secret = totp.newSecret();
    const at = new Date('2026-11-26T12:00:15Z');
    const codeAt = (ms: number) =>
      new TOTP({ secret: new Secret({ buffer: secret.slice().buffer as ArrayBuffer }) }).generate({
        timestamp: ms,
      });
    const step = Math.floor(at.getTime() / 30_000);
    expect(totp.matchStep({ secret, code: codeAt(at.getTime()), at })).toBe(step);
    expect(totp.matchStep({ secret, code: codeAt(at.getTime() - 30_000), at })).toBe(step - 1);
    expect(totp.matchStep({ secret, code: codeAt(at.getTime() + 30_000), at })).toBe(step + 1);
    expect(totp.matchStep({ secret, code: codeAt(at.getTime() - 90_000), at })).toBeUndefined();
    expect(totp.matchStep({ secret, code: 'abcdef', at })).toBeUndefined();
    expect(totp.uri({ secret, account: 'driver1', issuer: 'PortLedger' })).toMatch(
      /^otpauth:\/\/totp\/PortLedger:driver1\?/,
    );
  });
});

describe('AES-256-GCM sealing', () => {
  const k1 = new Uint8Array(32).fill(1);
  const k2 = new Uint8Array(32).fill(2);
  it('opens what it sealed, and still opens old values after the key rotates', () => {
    const old = aesGcmSealer({ current: 'k1', keys: new Map([['k1', k1]]) });
    const sealed = old.seal(new Uint8Array([1, 2, 3]));
    const rotated = aesGcmSealer({
      current: 'k2',
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
    });
    expect(rotated.open(sealed)).toEqual(new Uint8Array([1, 2, 3]));
    const fresh = rotated.seal(new Uint8Array([4]));
    expect(Buffer.from(fresh).subarray(2, 4).toString()).toBe('k2');
    expect(rotated.open(fresh)).toEqual(new Uint8Array([4]));
  });
  it('refuses a tampered value, a relabelled key id and an unknown key', () => {
    const sealer = aesGcmSealer({
      current: 'k1',
      keys: new Map([
        ['k1', k1],
        ['k2', k1],
      ]),
    });
    const sealed = sealer.seal(new Uint8Array([9, 9, 9]));
    const flipped = sealed.slice();
    flipped[flipped.length - 20]! ^= 1;
    expect(() => sealer.open(flipped)).toThrow();
    const relabelled = sealed.slice();
    relabelled[3] = '2'.charCodeAt(0);
    expect(() => sealer.open(relabelled)).toThrow();
    expect(() => aesGcmSealer({ current: 'k2', keys: new Map([['k2', k2]]) }).open(sealed)).toThrow(
      /no data key k1/,
    );
  });
});

describe('random tokens', () => {
  it('are 256-bit base64url and hash to SHA-256', () => {
    const tokens = randomTokens();
    const token = tokens.newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.newToken()).not.toBe(token);
    expect(tokens.hash('abc')).toEqual(
      new Uint8Array(Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex')),
    );
  });
});
