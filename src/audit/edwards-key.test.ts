import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptableEd25519PublicKey,
  isCanonicalEd25519Encoding,
  isSmallOrderEd25519Key,
  SMALL_ORDER_ED25519_ENCODINGS,
} from './edwards-key.js';
import { isDevicePublicKey, parsePickupPass, verifyPickupPass } from './pickup-pass.js';

// Edwards25519 (RFC 8032 §5.1), in plain BigInt arithmetic: enough to find the small-order points independently of
// the blocklist under test.
const P = 2n ** 255n - 19n;
const mod = (a: bigint) => ((a % P) + P) % P;
const pow = (b: bigint, e: bigint): bigint => {
  let r = 1n;
  let x = mod(b);
  for (let k = e; k > 0n; k >>= 1n, x = mod(x * x)) if (k & 1n) r = mod(r * x);
  return r;
};
const inv = (a: bigint) => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
type Point = readonly [bigint, bigint];
const add = ([x1, y1]: Point, [x2, y2]: Point): Point => {
  const t = mod(D * x1 * x2 * y1 * y2);
  return [mod((x1 * y2 + y1 * x2) * inv(1n + t)), mod((y1 * y2 + x1 * x2) * inv(1n - t))];
};
const times = (n: number, point: Point): Point => {
  let r: Point = [0n, 1n];
  for (let i = 0; i < n; i++) r = add(r, point);
  return r;
};
/** RFC 8032 §5.1.3 decoding (without the canonical check, which is what is under test). */
function decode(bytes: Uint8Array): Point | undefined {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i]! & 0x7f : bytes[i]!);
  y = mod(y);
  const u = mod(y * y - 1n);
  const v = mod(D * y * y + 1n);
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
  if (mod(v * x * x) !== u) x = mod(x * pow(2n, (P - 1n) / 4n));
  if (mod(v * x * x) !== u) return undefined;
  if ((x & 1n) !== BigInt(bytes[31]! >> 7)) x = mod(-x);
  return [x, y];
}
function encode([x, y]: Point): Uint8Array {
  const out = new Uint8Array(32);
  let v = y;
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  out[31]! |= Number(x & 1n) << 7;
  return out;
}
const isIdentity = ([x, y]: Point) => x === 0n && y === 1n;
const withSign = (key: Uint8Array, bit: 0 | 1) => {
  const copy = Uint8Array.from(key);
  copy[31] = (copy[31]! & 0x7f) | (bit << 7);
  return copy;
};
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const publicKeyOf = (seed: Uint8Array) => {
  const spki = createPublicKey(
    createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
  ).export({ format: 'der', type: 'spki' });
  return Uint8Array.from(spki.subarray(spki.length - 32));
};

describe('Ed25519 phone keys (gate issue 4)', () => {
  it('the blocklist holds points of small order only, and the eight of them with every encoding', () => {
    // Each blocklisted y, with either sign bit, decodes to a point P with [8]P the identity.
    for (const encoding of SMALL_ORDER_ED25519_ENCODINGS) {
      for (const bit of [0, 1] as const) {
        const point = decode(withSign(encoding, bit));
        expect(point).toBeDefined();
        expect(isIdentity(times(8, point!))).toBe(true);
      }
    }
    // The order-8 point generates all eight: each multiple, encoded, is refused with either sign bit.
    const order8 = decode(SMALL_ORDER_ED25519_ENCODINGS[2]!)!;
    expect(isIdentity(times(4, order8))).toBe(false);
    const points = new Set<string>();
    for (let k = 0; k < 8; k++) {
      const point = times(k, order8);
      points.add(`${point[0]},${point[1]}`);
      for (const bit of [0, 1] as const) {
        const encoded = withSign(encode(point), bit);
        expect(isSmallOrderEd25519Key(encoded), `[${k}]T sign ${bit}`).toBe(true);
        expect(acceptableEd25519PublicKey(encoded)).toBe(false);
        expect(isDevicePublicKey(encoded)).toBe(false);
      }
    }
    expect(points.size).toBe(8);
    // And their non-canonical encodings, y + p where that fits in 255 bits (0 + p and 1 + p).
    for (const y of [P, P + 1n]) {
      const encoded = encode([0n, y]);
      for (const bit of [0, 1] as const) {
        expect(acceptableEd25519PublicKey(withSign(encoded, bit))).toBe(false);
        expect(isDevicePublicKey(withSign(encoded, bit))).toBe(false);
      }
    }
  });

  it('refuses the identity key, under which Node verifies a forged signature (R = identity, S = 0) for any pass', () => {
    const identity = SMALL_ORDER_ED25519_ENCODINGS[1]!;
    const forged = Buffer.concat([Buffer.from(identity), Buffer.alloc(32)]);
    const pass = `plp1.cr-1.1000.${forged.toString('base64url')}`;
    const parsed = parsePickupPass(pass);
    if (!parsed.ok) throw new Error(parsed.message);
    // The attack as Node alone would see it.
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from('any message'), key, forged)).toBe(true);
    // PortLedger refuses the key, at enrolment and at the pass.
    expect(isDevicePublicKey(identity)).toBe(false);
    expect(verifyPickupPass(parsed, { publicKey: identity, currentCounter: 1000 })).toMatchObject({
      ok: false,
      code: 'pass.device_key_invalid',
    });
  });

  it('refuses every encoding whose y is not below p', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: P, max: 2n ** 255n - 1n }),
        fc.constantFrom(0 as const, 1 as const),
        (y, bit) => {
          const encoded = withSign(encode([0n, y]), bit);
          expect(isCanonicalEd25519Encoding(encoded)).toBe(false);
          expect(acceptableEd25519PublicKey(encoded)).toBe(false);
        },
      ),
    );
  });

  it('accepts random real keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const publicKey = publicKeyOf(seed);
        expect(acceptableEd25519PublicKey(publicKey)).toBe(true);
        expect(isDevicePublicKey(publicKey)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
