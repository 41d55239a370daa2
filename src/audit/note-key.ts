/**
 * The text form of a C2SP signed-note Ed25519 key (https://c2sp.org/signed-note §Verifier keys):
 * `<name>+<8 hex digits of key id>+<base64(0x01 ‖ 32 key bytes)>`, and golang.org/x/mod/sumdb/note's signer key,
 * which is the same after `PRIVATE+KEY+`.
 *
 * One parser for the server (`signed-note.ts`) and the browser console (`web/src/proof.ts` imports this file), so the
 * two cannot disagree on a key. The name cannot hold a '+' and the key id is exactly 8 hex digits, so the first two
 * '+' end those fields; the base64 after them may hold '+' (and '/') anywhere — about half of all generated keys
 * do. Splitting on every '+' refuses those keys; this does not.
 *
 * No Node built-ins (no Buffer, no node:crypto): the browser runs this file as it is. Checking the key id against
 * the key needs SHA-256, which each side does with its own crypto.
 */
import { hasControlCharacterOtherThanNewline, isWellFormedText } from './text.js';

/** signed-note §Signature types: 0x01 is Ed25519. */
export const ED25519_KEY_TYPE = 0x01;
/** RFC 8032 §5.1.5: an Ed25519 public key (and a seed) is 32 bytes. */
export const ED25519_KEY_BYTES = 32;

// signed-note §Format: key names contain no Unicode spaces and no '+'. Go's unicode.IsSpace also counts U+0085;
// control characters are refused too, since no note could carry them.
const FORBIDDEN_IN_NAME = /[\s\u0085+]/u;
const KEY_ID_HEX = /^[0-9a-f]{8}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a key string was refused. */
export type NoteKeyParseCode = 'audit.key_malformed' | 'audit.key_unsupported_algorithm';

/** A key string taken apart: its name, the key id it claims, and the 32 key bytes (public key or seed). */
export interface NoteKeyFields {
  readonly ok: true;
  readonly name: string;
  /** The key id the string claims, as a 32-bit unsigned integer; the caller checks it against the key. */
  readonly keyId: number;
  readonly keyIdHex: string;
  readonly keyBytes: Uint8Array;
}

export type NoteKeyParseResult =
  | NoteKeyFields
  | { readonly ok: false; readonly code: NoteKeyParseCode; readonly message: string };

/** True when `name` is a valid key name (signed-note §Format). */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    isWellFormedText(name) &&
    !FORBIDDEN_IN_NAME.test(name) &&
    !hasControlCharacterOtherThanNewline(name)
  );
}

/**
 * Decodes standard padded base64 (RFC 4648 §4) or returns `undefined`, refusing non-zero unused bits (§3.5) so each
 * key has one text form. `atob`/`btoa` exist in browsers and in Node ≥ 16.
 */
function decodeBase64Canonical(text: string): Uint8Array | undefined {
  if (!BASE64_PATTERN.test(text)) return undefined;
  const binary = atob(text);
  if (btoa(binary) !== text) return undefined;
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Takes apart `<name>+<key id>+<base64 key>` (input from configuration or the network: attacker-controlled). Never
 * throws. `keyType` is the signature type byte the key must carry (signed-note §Signature types): 0x01 for a note
 * signer, 0x04 for an Ed25519 cosigner (tlog-cosignature §Format); both are 32-byte Ed25519 keys.
 *
 * @example
 * parseNoteKeyFields('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')
 * // { ok: true, name: 'PeterNeumann', keyId: 0xc74f20a3, keyIdHex: 'c74f20a3', keyBytes: Uint8Array(32) }
 */
export function parseNoteKeyFields(text: unknown, keyType: number = ED25519_KEY_TYPE): NoteKeyParseResult {
  const malformed = (message: string) => ({ ok: false, code: 'audit.key_malformed', message }) as const;
  if (typeof text !== 'string') return malformed('a key is a string');
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return malformed('key string must be <name>+<8 hex digits>+<base64 key>');
  const name = text.slice(0, first);
  const keyIdHex = text.slice(first + 1, second);
  // Everything after the second '+' is the key, '+' and all: the name and the key id cannot contain one.
  const raw = decodeBase64Canonical(text.slice(second + 1));
  if (!isValidKeyName(name)) return malformed('key name must be non-empty UTF-8 without spaces or "+"');
  if (!KEY_ID_HEX.test(keyIdHex) || raw === undefined || raw.length === 0) {
    return malformed('key string must be <name>+<8 hex digits>+<base64 key>');
  }
  if (raw[0] !== keyType) {
    return {
      ok: false,
      code: 'audit.key_unsupported_algorithm',
      message: `signature type ${raw[0]} is not the expected ${keyType} (0x01 Ed25519, 0x04 Ed25519 cosignature)`,
    };
  }
  if (raw.length !== 1 + ED25519_KEY_BYTES) return malformed(`an Ed25519 key is ${ED25519_KEY_BYTES} bytes`);
  return { ok: true, name, keyId: Number.parseInt(keyIdHex, 16), keyIdHex, keyBytes: raw.subarray(1) };
}
