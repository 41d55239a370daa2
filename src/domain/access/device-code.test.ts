import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEVICE_CODE_ATTEMPTS,
  DEVICE_CODE_DOMAIN,
  deviceCodeFromDigest,
  deviceCodeInput,
  normaliseDeviceCode,
} from './device-code.js';

const codeOf = (publicKey: Uint8Array) =>
  deviceCodeFromDigest(createHash('sha256').update(deviceCodeInput(publicKey)).digest());

describe("a driver's phone confirmation code", () => {
  it('hashes the domain, a zero byte and the raw public key, and reads XXXX-XXXX in Crockford base32', () => {
    const key = new Uint8Array(32).fill(7);
    const input = deviceCodeInput(key);
    expect(Buffer.from(input).toString('latin1')).toBe(
      `${DEVICE_CODE_DOMAIN}\u0000${Buffer.from(key).toString('latin1')}`,
    );
    expect(codeOf(key)).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(deviceCodeFromDigest(new Uint8Array(32))).toBe('0000-0000');
    expect(codeOf(new Uint8Array(32).fill(8))).not.toBe(codeOf(key));
    expect(DEVICE_CODE_ATTEMPTS).toBe(5);
  });

  it('shares no hash with the key fingerprint the planner sees (SHA-256 of the bare key)', () => {
    const key = new Uint8Array(32).fill(9);
    const bare = createHash('sha256').update(key).digest();
    expect(codeOf(key)).not.toBe(deviceCodeFromDigest(bare));
  });

  it('takes the code as a person types it', () => {
    expect(normaliseDeviceCode(' 7k3m qw9p ')).toBe('7K3M-QW9P');
    expect(normaliseDeviceCode('7K3M-QW9O')).toBe('7K3M-QW90');
    expect(normaliseDeviceCode('7K3M-QW9')).toBeUndefined();
    expect(normaliseDeviceCode('7K3M-QW9U')).toBeUndefined();
  });
});
