/**
 * The single-use pickup credential (issue 4): what the driver shows at the gate, as a QR code, instead of the
 * nine-digit PIN that Antwerp's release passed by e-mail and fax. It is not a bearer secret: the gate lets a box
 * out only when the badge and truck presented, the slot, the right and the green lights match too, and it
 * accepts each credential once.
 *
 * Format, a minimal cousin of a JWS compact serialisation (RFC 7515 §7.1) without its algorithm agility:
 *
 *     plc1.<base64url(JCS payload)>.<base64url(key id ‖ Ed25519 signature)>
 *
 * - `plc1` names the format and its version; there is no `alg` header to downgrade.
 * - The payload is the RFC 8785 canonical JSON of the claims, so one set of claims has exactly one token, and
 *   an opened credential is re-encoded and compared byte for byte.
 * - The key id is the 4-byte signed-note key id (https://c2sp.org/signed-note#signatures) of the signing key,
 *   so the log key or a dedicated gate key can sign, and keys can be rotated.
 * - The signature covers the ASCII text `plc1.<payload>`. A signed note's text always ends in a newline, which
 *   that text never contains, so a credential signature can never pass for a note signature or the other way.
 * - base64url is RFC 4648 §5 without padding, decoded strictly (no padding, no other alphabet, zero trailing
 *   bits), so every byte string has one text form.
 *
 * Tokens are at most {@link MAX_PICKUP_CREDENTIAL_CHARS} characters: a QR code of version 13 or so at error
 * correction level M, which a gate scanner reads off a phone screen.
 */
import { decodeUtf8Strict, utf8 } from './bytes.js';
import { canonicalJson } from './canonical-json.js';
import { AuditError, type AuditFailure, failure } from './errors.js';
import type { NoteSigner, NoteVerifier } from './signed-note.js';

/** The version and type prefix of every pickup credential. */
export const PICKUP_CREDENTIAL_PREFIX = 'plc1.';

/** The longest token issued or opened: short enough for a QR code. */
export const MAX_PICKUP_CREDENTIAL_CHARS = 600;

/**
 * What a pickup credential binds. Instants are RFC 7519 §2 NumericDates (whole seconds since the epoch, UTC)
 * rather than ISO 8601 texts, which would cost some 60 characters of a QR code.
 */
export type PickupCredentialPayload = {
  /** Payload version; 1. */
  v: 1;
  credentialId: string;
  visitRef: string;
  /** A keyed hash or reference of the driver's badge, never the badge number. */
  driverBadgeRef: string;
  /** Normalised: upper case, no spaces or dashes. */
  truckPlate: string;
  slotId: string;
  /** The gate window, grace included: from `windowStart` (inclusive) to `windowEnd` (exclusive). */
  windowStart: number;
  windowEnd: number;
  rightVersion: number;
  bookingVersion: number;
  issuedAt: number;
};

/** Why {@link openPickupCredential} refused a token, as a closed list the gate switches on. */
export const pickupCredentialOpenCodes = [
  'credential.malformed',
  'credential.too_large',
  'credential.unsupported_version',
  'credential.unknown_key',
  'credential.bad_signature',
  'credential.not_canonical',
  'credential.payload_invalid',
] as const;

/** One of {@link pickupCredentialOpenCodes}. */
export type PickupCredentialOpenCode = (typeof pickupCredentialOpenCodes)[number];

/** Outcome of {@link openPickupCredential}. */
export type OpenPickupCredentialResult =
  | {
      readonly ok: true;
      readonly payload: PickupCredentialPayload;
      /** The key that signed it. */
      readonly key: { readonly name: string; readonly keyId: number };
    }
  | AuditFailure<PickupCredentialOpenCode>;

const KEY_ID_SIZE = 4;
const ED25519_SIGNATURE_SIZE = 64;
const PAYLOAD_KEYS = [
  'bookingVersion',
  'credentialId',
  'driverBadgeRef',
  'issuedAt',
  'rightVersion',
  'slotId',
  'truckPlate',
  'v',
  'visitRef',
  'windowEnd',
  'windowStart',
] as const satisfies readonly (keyof PickupCredentialPayload)[];
const ID = /^[A-Za-z0-9._:~*$=@-]{1,64}$/;
const BADGE_REF = /^[A-Za-z0-9._:~=-]{16,64}$/;
const PLATE = /^[A-Z0-9]{1,15}$/;
// 9999-12-31T23:59:59Z.
const MAX_NUMERIC_DATE = 253_402_300_799;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const OTHER_VERSION = /^plc\d+\./;

/**
 * Signs a pickup credential with a signed-note key (the log key or a dedicated gate key).
 *
 * @throws AuditError `audit.invalid_argument` when the payload is not a valid credential payload, or the token
 * would be longer than {@link MAX_PICKUP_CREDENTIAL_CHARS}.
 * @example
 * ```ts
 * const token = issuePickupCredential(pickupClaimsOf(booking, { credentialId, issuedAt, grace }), gateKey);
 * // 'plc1.eyJib29raW5nVmVyc2lvbiI6Mi…'
 * ```
 */
export function issuePickupCredential(payload: PickupCredentialPayload, signer: NoteSigner): string {
  const problem = payloadProblem(payload);
  if (problem !== undefined) throw new AuditError('audit.invalid_argument', `pickup credential ${problem}`);
  const body = `${PICKUP_CREDENTIAL_PREFIX}${encodeBase64Url(utf8(canonicalJson(payload)))}`;
  const keyId = new Uint8Array(KEY_ID_SIZE);
  new DataView(keyId.buffer).setUint32(0, signer.keyId);
  const signature = signer.sign(utf8(body));
  const sealed = new Uint8Array(KEY_ID_SIZE + signature.length);
  sealed.set(keyId);
  sealed.set(signature, KEY_ID_SIZE);
  const token = `${body}.${encodeBase64Url(sealed)}`;
  if (token.length > MAX_PICKUP_CREDENTIAL_CHARS) {
    throw new AuditError(
      'audit.invalid_argument',
      `pickup credential would be ${token.length} characters, more than ${MAX_PICKUP_CREDENTIAL_CHARS}`,
    );
  }
  return token;
}

/**
 * Opens a token read at the gate: checks its form, its signature against the known keys, and its payload. The
 * token is attacker-controlled (anyone can print a QR code), so it is parsed defensively and this never throws.
 * Whether the credential is still good — unused, current, for this driver, truck and time — is the gate
 * verdict's business (`gateVerdict` in src/domain/gate).
 *
 * @example
 * ```ts
 * const opened = openPickupCredential(scanned, [parseVerifierKey(settings.gateKey)]);
 * if (!opened.ok) console.log(opened.code); // 'credential.bad_signature'
 * ```
 */
export function openPickupCredential(
  token: unknown,
  verifiers: NoteVerifier | readonly NoteVerifier[],
): OpenPickupCredentialResult {
  if (typeof token !== 'string') return failure('credential.malformed', 'a pickup credential is a text');
  if (token.length > MAX_PICKUP_CREDENTIAL_CHARS) {
    return failure(
      'credential.too_large',
      `a pickup credential is at most ${MAX_PICKUP_CREDENTIAL_CHARS} characters`,
    );
  }
  if (!token.startsWith(PICKUP_CREDENTIAL_PREFIX)) {
    return OTHER_VERSION.test(token)
      ? failure(
          'credential.unsupported_version',
          `only ${PICKUP_CREDENTIAL_PREFIX} credentials are understood`,
        )
      : failure('credential.malformed', `a pickup credential starts with ${PICKUP_CREDENTIAL_PREFIX}`);
  }
  const parts = token.slice(PICKUP_CREDENTIAL_PREFIX.length).split('.');
  const payloadBytes = parts.length === 2 ? decodeBase64UrlStrict(parts[0]!) : undefined;
  const sealed = parts.length === 2 ? decodeBase64UrlStrict(parts[1]!) : undefined;
  if (payloadBytes === undefined || sealed === undefined || payloadBytes.length === 0) {
    return failure(
      'credential.malformed',
      'a pickup credential is plc1.<base64url payload>.<base64url signature>',
    );
  }
  if (sealed.length !== KEY_ID_SIZE + ED25519_SIGNATURE_SIZE) {
    return failure(
      'credential.malformed',
      'the signature part is a 4-byte key id and a 64-byte Ed25519 signature',
    );
  }

  const keyId = new DataView(sealed.buffer, sealed.byteOffset, sealed.byteLength).getUint32(0);
  const candidates = (Array.isArray(verifiers) ? verifiers : [verifiers]) as readonly NoteVerifier[];
  const known = candidates.filter((verifier) => verifier.keyId === keyId);
  if (known.length === 0) {
    return failure('credential.unknown_key', `no known key has id ${keyId.toString(16).padStart(8, '0')}`);
  }
  // The signature is checked before the payload is parsed, so unsigned input never reaches the JSON parser.
  const signed = utf8(token.slice(0, token.lastIndexOf('.')));
  const signature = sealed.subarray(KEY_ID_SIZE);
  const signer = known.find((verifier) => verifier.verify(signed, signature));
  if (signer === undefined) return failure('credential.bad_signature', 'the signature does not verify');

  const text = decodeUtf8Strict(payloadBytes);
  let payload: unknown;
  try {
    payload = text === undefined ? undefined : JSON.parse(text);
  } catch {
    payload = undefined;
  }
  if (payload === undefined) return failure('credential.payload_invalid', 'the payload is not JSON');
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(payload);
  } catch {
    canonical = undefined;
  }
  // Also catches duplicate member names, which JSON.parse silently collapses.
  if (canonical !== text) {
    return failure('credential.not_canonical', 'the payload is not in RFC 8785 canonical form');
  }
  const v = typeof payload === 'object' && payload !== null ? (payload as { v?: unknown }).v : undefined;
  if (typeof v === 'number' && v !== 1) {
    return failure('credential.unsupported_version', 'only payload version 1 is understood');
  }
  const problem = payloadProblem(payload);
  if (problem !== undefined) return failure('credential.payload_invalid', `the payload ${problem}`);
  return {
    ok: true,
    payload: payload as PickupCredentialPayload,
    key: { name: signer.name, keyId: signer.keyId },
  };
}

/** What is wrong with a payload, or `undefined` when it is a valid version 1 payload. */
function payloadProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  const payload = value as Record<string, unknown>;
  const keys = Object.keys(payload).sort();
  if (keys.length !== PAYLOAD_KEYS.length || keys.some((key, i) => key !== PAYLOAD_KEYS[i])) {
    return `must have exactly the members ${PAYLOAD_KEYS.join(', ')}`;
  }
  if (payload.v !== 1) return 'must have v = 1';
  for (const field of ['credentialId', 'visitRef', 'slotId'] as const) {
    if (typeof payload[field] !== 'string' || !ID.test(payload[field]))
      return `${field} must be an identifier`;
  }
  if (typeof payload.driverBadgeRef !== 'string' || !BADGE_REF.test(payload.driverBadgeRef)) {
    return 'driverBadgeRef must be a keyed hash or reference of 16 to 64 characters';
  }
  if (typeof payload.truckPlate !== 'string' || !PLATE.test(payload.truckPlate)) {
    return 'truckPlate must be a normalised plate';
  }
  for (const field of ['rightVersion', 'bookingVersion'] as const) {
    const n = payload[field];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return `${field} must be a whole number`;
  }
  for (const field of ['windowStart', 'windowEnd', 'issuedAt'] as const) {
    const n = payload[field];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > MAX_NUMERIC_DATE) {
      return `${field} must be a NumericDate (whole seconds since 1970-01-01T00:00:00Z)`;
    }
  }
  if ((payload.windowStart as number) >= (payload.windowEnd as number))
    return 'windowStart must be before windowEnd';
  return undefined;
}

/** base64url without padding (RFC 4648 §5). */
function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes unpadded base64url (RFC 4648 §5), or `undefined` for anything else, including encodings whose unused
 * trailing bits are not zero (RFC 4648 §3.5), because Node's decoder accepts all of those silently.
 */
function decodeBase64UrlStrict(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Uint8Array.from(Buffer.from(text, 'base64url'));
  return encodeBase64Url(bytes) === text ? bytes : undefined;
}
