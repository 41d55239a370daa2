import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryAuthenticatorFor, entryAuthenticatorFromKey } from './entry-mac.js';
import { signerFromSeed } from './signed-note.js';

describe('entry MACs (issue 13)', () => {
  const signer = signerFromSeed('port.example/log', new Uint8Array(32).fill(3));
  const leaf = new TextEncoder().encode('{"at":"2026-12-06T10:00:00.000Z","data":{},"id":"e","index":0}');

  it('derives one key from the log key, in every process, and none from another key', () => {
    const here = entryAuthenticatorFor(signer);
    const there = entryAuthenticatorFor(signerFromSeed('port.example/log', new Uint8Array(32).fill(3)));
    const other = entryAuthenticatorFor(signerFromSeed('port.example/log', new Uint8Array(32).fill(4)));
    expect(Buffer.from(here.key)).toEqual(Buffer.from(there.key));
    expect(Buffer.from(here.key)).not.toEqual(Buffer.from(other.key));
    expect(here.verify(leaf, there.mac(leaf))).toBe(true);
    expect(here.verify(leaf, other.mac(leaf))).toBe(false);
  });

  it('is HMAC-SHA-256 over the leaf, and refuses a missing, short or altered MAC', () => {
    const auth = entryAuthenticatorFor(signer);
    const mac = auth.mac(leaf);
    expect(Buffer.from(mac)).toEqual(createHmac('sha256', auth.key).update(leaf).digest());
    expect(entryAuthenticatorFromKey(auth.key).verify(leaf, mac)).toBe(true);
    expect(auth.verify(leaf, undefined)).toBe(false);
    expect(auth.verify(leaf, mac.slice(0, 16))).toBe(false);
    const altered = Uint8Array.from(mac);
    altered[0]! ^= 1;
    expect(auth.verify(leaf, altered)).toBe(false);
    expect(auth.verify(leaf.slice(1), mac)).toBe(false);
  });

  it('is HMAC-SHA-256 for any key and leaf, keys longer than a block and leaves larger than the scratch too', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 2000 }), (key, bytes) => {
        const mac = entryAuthenticatorFromKey(key).mac(bytes);
        expect(Buffer.from(mac)).toEqual(createHmac('sha256', key).update(bytes).digest());
      }),
    );
    const key = new Uint8Array(32).fill(9);
    const large = new Uint8Array(100_000).fill(0x61);
    const auth = entryAuthenticatorFromKey(key);
    expect(Buffer.from(auth.mac(large))).toEqual(createHmac('sha256', key).update(large).digest());
    expect(Buffer.from(auth.mac(leaf))).toEqual(createHmac('sha256', key).update(leaf).digest());
  });
});
