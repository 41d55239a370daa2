/**
 * The confirmation code of a driver's phone (issue 10, row C), as device pairing does it. A driver's password and
 * TOTP code can be keylogged, so whoever holds them can set up a phone of their own in his name, with a label of
 * their choosing; a planner who sees one phone waiting would confirm it. So the phone shows the driver a code
 * derived from its own public key, the driver reads it out to his planner (in person, or on a call the planner
 * places), and the planner must type it to confirm. The gang's phone has another code, which the driver never sees;
 * the planner's list never shows it.
 *
 * The code is the first 40 bits of SHA-256 over {@link DEVICE_CODE_DOMAIN}, a zero byte and the raw 32-byte Ed25519
 * public key, in Crockford's base32, shown `XXXX-XXXX` (the enrolment code's encoding). The domain separates it from
 * the key fingerprint the planner is shown (SHA-256 of the bare key), which therefore tells nothing of the code.
 * The caller computes the digest, so that the domain stays free of side effects; the console computes the same
 * code on the phone (`web/src/pickup-pass.ts` imports this file).
 */
import { enrolmentCodeFromDigest, normaliseEnrolmentCode } from './enrolment.js';

/** Wrong codes a pending phone takes before it can only be rejected. */
export const DEVICE_CODE_ATTEMPTS = 5;

/** What the hash of a phone's confirmation code starts with. */
export const DEVICE_CODE_DOMAIN = 'portledger driver phone confirmation code v1';

/** The bytes whose SHA-256 gives a phone's confirmation code: the domain, a zero byte, the raw public key. */
export function deviceCodeInput(publicKey: Uint8Array): Uint8Array<ArrayBuffer> {
  const domain = new TextEncoder().encode(DEVICE_CODE_DOMAIN);
  const bytes = new Uint8Array(domain.length + 1 + publicKey.length);
  bytes.set(domain, 0);
  bytes.set(publicKey, domain.length + 1);
  return bytes;
}

/**
 * The `XXXX-XXXX` code from the SHA-256 digest of {@link deviceCodeInput}.
 *
 * @example
 * ```ts
 * deviceCodeFromDigest(new Uint8Array(32)); // '0000-0000'
 * ```
 */
export function deviceCodeFromDigest(digest: Uint8Array): string {
  return enrolmentCodeFromDigest(digest);
}

/**
 * A code as a planner may type it — any case, hyphens and spaces anywhere, I/L for 1 and O for 0 — in its canonical
 * form; `undefined` when it is not eight Crockford symbols.
 *
 * @example
 * ```ts
 * normaliseDeviceCode(' 7k3m qw9p '); // '7K3M-QW9P'
 * ```
 */
export function normaliseDeviceCode(input: string): string | undefined {
  return normaliseEnrolmentCode(input);
}
