/**
 * The rotating pickup pass (issue 10, row C: "a copied pass is worthless"). The pickup credential of issue 4
 * (`pickup-credential.ts`) is a signed token the haulier prints or forwards: whoever holds a copy of it, the
 * badge number and the plate could present all three together. The pass the gate now asks for is signed afresh,
 * every 30 seconds, by a key made on the driver's own phone that never leaves it (WebCrypto, non-extractable),
 * and bound to the driver's account when he enrols that phone and a planner of his haulier confirms it:
 *
 *     plp1.<credentialId>.<counter>.<base64url(Ed25519 signature)>
 *
 * - `plp1` names the format and its version; there is no algorithm to choose.
 * - `counter` is `floor(unixSeconds / 30)`, the RFC 6238 §4 time step (T0 = 0, X = 30), in decimal without
 *   leading zeros. The gate accepts the current step and one either side of it (RFC 6238 §5.2's allowance for
 *   clock drift and the time to scan), so a pass captured a minute earlier is refused.
 * - The signature is RFC 8032 Ed25519 over the UTF-8 bytes of
 *   `"portledger pickup pass v1\n" + credentialId + "\n" + counter + "\n"`. The fixed first line keeps the message
 *   apart from everything else PortLedger signs (signed notes, `plc1.` credentials, passkey assertions).
 * - base64url is RFC 4648 §5 without padding, decoded strictly, so one signature has one text.
 *
 * Pure: the caller passes the current time step and the device's public key; nothing here reads a clock.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { utf8 } from './bytes.js';
import { acceptableEd25519PublicKey } from './edwards-key.js';
import { type AuditFailure, failure } from './errors.js';

/** The version and type prefix of every rotating pass. */
export const PICKUP_PASS_PREFIX = 'plp1.';

/** The time step of the pass counter, in seconds (RFC 6238 §4, X = 30). */
export const PICKUP_PASS_STEP_SECONDS = 30;

/** How many steps either side of the current one the gate accepts. */
export const PICKUP_PASS_ALLOWED_DRIFT = 1;

/** The longest pass text read: a 64-character credential id, a counter and an 86-character signature. */
export const MAX_PICKUP_PASS_CHARS = 200;

/** The first line of every signed pass message. */
const MESSAGE_DOMAIN = 'portledger pickup pass v1\n';
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
// DER framing of an RFC 8410 Ed25519 private key (PKCS#8) and public key (SPKI) around the raw 32 bytes.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const CREDENTIAL_ID = /^[A-Za-z0-9_:~*$=@-][A-Za-z0-9._:~*$=@-]{0,63}$/;
const COUNTER = /^(0|[1-9][0-9]{0,14})$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Why a pass was refused, as a closed list the gate switches on. */
export const pickupPassCodes = [
  'pass.malformed',
  'pass.bad_signature',
  'pass.stale',
  'pass.device_key_invalid',
] as const;

/** One of {@link pickupPassCodes}. */
export type PickupPassCode = (typeof pickupPassCodes)[number];

/** A pass text taken apart; not yet verified. */
export interface ParsedPickupPass {
  readonly credentialId: string;
  readonly counter: number;
  readonly signature: Uint8Array;
}

/** Outcome of {@link parsePickupPass}. */
export type ParsePickupPassResult =
  | ({ readonly ok: true } & ParsedPickupPass)
  | AuditFailure<'pass.malformed'>;

/** Outcome of {@link verifyPickupPass}. */
export type VerifyPickupPassResult =
  | { readonly ok: true }
  | AuditFailure<'pass.bad_signature' | 'pass.stale' | 'pass.device_key_invalid'>;

/**
 * The pass counter at `unixMs` milliseconds since the epoch: `floor(unixSeconds / 30)`.
 *
 * @example
 * ```ts
 * pickupPassCounter(Date.parse('2025-03-01T08:00:00Z')); // 58036320
 * ```
 */
export function pickupPassCounter(unixMs: number): number {
  return Math.floor(Math.floor(unixMs / 1000) / PICKUP_PASS_STEP_SECONDS);
}

/**
 * The bytes the device signs for one credential and one time step.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(pickupPassMessage('c-1', 58036320)); // 'portledger pickup pass v1\nc-1\n58036320\n'
 * ```
 */
export function pickupPassMessage(credentialId: string, counter: number): Uint8Array {
  return utf8(`${MESSAGE_DOMAIN}${credentialId}\n${counter}\n`);
}

/**
 * The pass text from its parts, as the driver's phone shows it under the QR code.
 *
 * @example
 * ```ts
 * const counter = pickupPassCounter(clock.now().getTime());
 * formatPickupPass(credentialId, counter, deviceSign(pickupPassMessage(credentialId, counter)));
 * // 'plp1.Xy3….58036320.q1w2…'
 * ```
 */
export function formatPickupPass(credentialId: string, counter: number, signature: Uint8Array): string {
  const sig = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64url');
  return `${PICKUP_PASS_PREFIX}${credentialId}.${counter}.${sig}`;
}

/** Whether a scanned text claims to be a rotating pass (rather than a printed `plc1.` credential). */
export function isPickupPassText(text: unknown): text is string {
  return typeof text === 'string' && text.startsWith(PICKUP_PASS_PREFIX);
}

/**
 * Takes a scanned text apart. The text is attacker-controlled (anyone can print a QR code), so it is parsed
 * defensively and this never throws. The credential id may itself contain dots, so the counter and signature
 * are taken from the right.
 *
 * @example
 * ```ts
 * const parsed = parsePickupPass(scanned);
 * if (parsed.ok) parsed.credentialId; // 'Xy3…'
 * ```
 */
export function parsePickupPass(text: unknown): ParsePickupPassResult {
  const shape = `a pickup pass is ${PICKUP_PASS_PREFIX}<credential id>.<counter>.<base64url signature>`;
  if (!isPickupPassText(text) || text.length > MAX_PICKUP_PASS_CHARS) return failure('pass.malformed', shape);
  const rest = text.slice(PICKUP_PASS_PREFIX.length);
  const sigDot = rest.lastIndexOf('.');
  const counterDot = sigDot <= 0 ? -1 : rest.lastIndexOf('.', sigDot - 1);
  if (counterDot <= 0) return failure('pass.malformed', shape);
  const credentialId = rest.slice(0, counterDot);
  const counterText = rest.slice(counterDot + 1, sigDot);
  const signatureText = rest.slice(sigDot + 1);
  if (!CREDENTIAL_ID.test(credentialId) || !COUNTER.test(counterText))
    return failure('pass.malformed', shape);
  const counter = Number(counterText);
  if (!Number.isSafeInteger(counter)) return failure('pass.malformed', shape);
  const signature = decodeBase64UrlStrict(signatureText);
  if (signature === undefined || signature.length !== ED25519_SIGNATURE_SIZE) {
    return failure('pass.malformed', 'the signature of a pickup pass is 64 bytes of unpadded base64url');
  }
  return { ok: true, credentialId, counter, signature };
}

/**
 * Verifies a parsed pass against the device key bound to the driver and the gate's current time step: the
 * signature first (so a forged pass is called forged whatever its counter), then freshness.
 *
 * @example
 * ```ts
 * verifyPickupPass(parsed, { publicKey: device.publicKey, currentCounter: pickupPassCounter(now.getTime()) });
 * // { ok: false, code: 'pass.stale', message: '…' }
 * ```
 */
export function verifyPickupPass(
  pass: ParsedPickupPass,
  args: { readonly publicKey: Uint8Array; readonly currentCounter: number },
): VerifyPickupPassResult {
  const key = devicePublicKey(args.publicKey);
  if (key === undefined) return failure('pass.device_key_invalid', 'the device key is not an Ed25519 key');
  let good = false;
  try {
    good =
      pass.signature.length === ED25519_SIGNATURE_SIZE &&
      verify(null, pickupPassMessage(pass.credentialId, pass.counter), key, pass.signature);
  } catch {
    good = false;
  }
  if (!good) return failure('pass.bad_signature', "the pass is not signed by the driver's enrolled device");
  if (Math.abs(pass.counter - args.currentCounter) > PICKUP_PASS_ALLOWED_DRIFT) {
    return failure(
      'pass.stale',
      `the pass was made for time step ${pass.counter}, the gate is at ${args.currentCounter}: a pass is good for ${PICKUP_PASS_STEP_SECONDS} seconds either side`,
    );
  }
  return { ok: true };
}

/** Whether `publicKey` is a usable raw 32-byte Ed25519 public key (a point the decoder accepts). */
export function isDevicePublicKey(publicKey: Uint8Array): boolean {
  return devicePublicKey(publicKey) !== undefined;
}

/**
 * The fingerprint people compare when a planner confirms a driver's device: the first 8 bytes of SHA-256 of the
 * raw public key, as four groups of four lower-case hex digits.
 *
 * @example
 * ```ts
 * deviceKeyFingerprint(publicKey); // '3f2a:91bc:07de:55a1'
 * ```
 */
export function deviceKeyFingerprint(publicKey: Uint8Array): string {
  const hex = createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
  return hex.match(/.{4}/g)!.join(':');
}

/** A device key held by PortLedger itself: the demo's simulated drivers' phones. */
export interface PickupPassSigner {
  /** The raw 32-byte Ed25519 public key, as a phone registers it. */
  readonly publicKey: Uint8Array;
  /** The pass for `credentialId` in time step `counter`. */
  pass(credentialId: string, counter: number): string;
}

/**
 * A device key from a secret text (its SHA-256 is the RFC 8032 seed), for phones that are simulated rather than
 * real: the demo derives each simulated driver's key from its data key, so the key survives a restart and is
 * written nowhere. A real phone's key is made on the phone and never leaves it.
 *
 * @example
 * ```ts
 * const phone = pickupPassSignerFromSecret(sealer.badgeRef('demo phone sim-anr-demo-0002'));
 * phone.pass(credentialId, pickupPassCounter(clock.now().getTime())); // 'plp1.…'
 * ```
 */
export function pickupPassSignerFromSecret(secret: string): PickupPassSigner {
  const seed = createHash('sha256').update(utf8(secret)).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    publicKey: Uint8Array.from(spki.subarray(spki.length - ED25519_KEY_SIZE)),
    pass: (credentialId, counter) =>
      formatPickupPass(
        credentialId,
        counter,
        sign(null, pickupPassMessage(credentialId, counter), privateKey),
      ),
  };
}

/**
 * The device key as Node's verifier takes it, or `undefined`: a key of small order or not canonically encoded
 * (`edwards-key.ts`, gate issue 4) is refused at enrolment and, in depth, at every pass.
 */
function devicePublicKey(publicKey: Uint8Array): KeyObject | undefined {
  if (publicKey.length !== ED25519_KEY_SIZE || !acceptableEd25519PublicKey(publicKey)) return undefined;
  try {
    return createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined;
  }
}

/**
 * Decodes unpadded base64url (RFC 4648 §5), or `undefined` for anything else, including encodings whose unused
 * trailing bits are not zero (RFC 4648 §3.5), which Node's decoder accepts silently.
 *
 * @example
 * ```ts
 * decodeBase64UrlStrict('AQI'); // Uint8Array [1, 2]
 * ```
 */
export function decodeBase64UrlStrict(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Uint8Array.from(Buffer.from(text, 'base64url'));
  return Buffer.from(bytes).toString('base64url') === text ? bytes : undefined;
}
