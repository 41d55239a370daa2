/**
 * Which raw Ed25519 public keys PortLedger accepts as a driver's phone key (outside attacker, gate issue 4).
 *
 * RFC 8032 §5.1.7 verifies `[8][S]B = [8]R + [8][k]A'` (or the unbatched `[S]B = R + [k]A'`): for a public key A of
 * small order (the identity, or any of the eight points of order 1, 2, 4 or 8) `[k]A` is one of those eight points
 * whatever the message, so a signature whose R is chosen among them and whose S is 0 verifies for every message.
 * Node's verifier accepts `R = identity, S = 0` under the identity key: a phone "enrolled" with it lets anyone
 * forge passes with no phone. RFC 8032 §5.1.3 also lets a decoder accept non-canonical encodings (y ≥ p), which
 * give one point many texts.
 *
 * So a phone key must be the canonical encoding (y < p = 2^255 − 19, and no sign bit on a point whose x is 0) of a
 * point not of small order. The small-order encodings are libsodium's blocklist (`ge25519_has_small_order` in
 * `src/libsodium/crypto_core/ed25519/ref10/ed25519_ref10.c`, used by `crypto_sign_verify_detached`): the seven
 * y-coordinates 0, 1, a and b (order 8), p − 1, p and p + 1, compared with the sign bit masked off, which covers
 * all eight small-order points and their non-canonical encodings.
 *
 * Pure: bytes in, a boolean out.
 */

const KEY_SIZE = 32;

const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (byte) => Number.parseInt(byte, 16));

/** libsodium's blocklist of small-order y-coordinates (little-endian, sign bit clear). */
export const SMALL_ORDER_ED25519_ENCODINGS: readonly Uint8Array[] = [
  // 0 (order 4)
  hex('0000000000000000000000000000000000000000000000000000000000000000'),
  // 1 (order 1: the identity)
  hex('0100000000000000000000000000000000000000000000000000000000000000'),
  // 2707385501144840649318225287225658788936804267575313519463743609750303402022 (order 8)
  hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
  // 55188659117513257062467267217118295137698188065244968500265048394206261417927 (order 8)
  hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
  // p − 1 (order 2)
  hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
  // p (≡ 0, order 4, non-canonical)
  hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
  // p + 1 (≡ 1, order 1, non-canonical)
  hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'),
];

/** Whether `key` encodes a point of small order (any sign bit), as libsodium's blocklist says. */
export function isSmallOrderEd25519Key(key: Uint8Array): boolean {
  if (key.length !== KEY_SIZE) return false;
  return SMALL_ORDER_ED25519_ENCODINGS.some((bad) => {
    let diff = (key[31]! & 0x7f) ^ bad[31]!;
    for (let i = 0; i < 31; i++) diff |= key[i]! ^ bad[i]!;
    return diff === 0;
  });
}

/** Whether `key` is 32 bytes whose y-coordinate (the low 255 bits, little-endian) is below p = 2^255 − 19. */
export function isCanonicalEd25519Encoding(key: Uint8Array): boolean {
  if (key.length !== KEY_SIZE) return false;
  if ((key[31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (key[i] !== 0xff) return true;
  return key[0]! < 0xed;
}

/**
 * Whether `key` may be a driver's phone key: 32 bytes, canonical, not of small order. Whether it decodes to a
 * point at all is the caller's (`pickup-pass.ts` asks Node's decoder).
 *
 * @example
 * ```ts
 * acceptableEd25519PublicKey(new Uint8Array(32)); // false: the point (0, ±√−1), of order 4
 * ```
 */
export function acceptableEd25519PublicKey(key: Uint8Array): boolean {
  return key.length === KEY_SIZE && isCanonicalEd25519Encoding(key) && !isSmallOrderEd25519Key(key);
}
