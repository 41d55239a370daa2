/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 keys (signature type 0x01), byte-compatible with
 * golang.org/x/mod/sumdb/note. Keys come in as bytes or key strings; nothing here draws randomness.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import {
  bytesEqual,
  concatBytes,
  decodeBase64Strict,
  decodeUtf8Strict,
  encodeBase64,
  hasControlCharacterOtherThanNewline,
  isWellFormedText,
  utf8,
} from './bytes.js';
import { AuditError, type AuditFailure, failure, type NoteOpenCode } from './errors.js';
import {
  ED25519_KEY_BYTES as ED25519_KEY_SIZE,
  ED25519_KEY_TYPE as ED25519_SIGNATURE_TYPE,
  isValidKeyName,
  parseNoteKeyFields,
} from './note-key.js';

export { isValidKeyName } from './note-key.js';

const ED25519_SIGNATURE_SIZE = 64;
// DER framing of an RFC 8410 Ed25519 private key (PKCS#8) and public key (SPKI) around the raw 32 bytes.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Go's note.Open refuses more than 100 signatures; signed-note §Format asks for a limit of at least 16. */
export const MAX_NOTE_SIGNATURES = 100;
/** Upper bound on a whole note, so a hostile note cannot make us hash or split megabytes. */
export const MAX_NOTE_BYTES = 1 << 20;

const SIGNATURE_LINE_PREFIX = '\u2014 ';
const SIGNER_KEY_PREFIX = 'PRIVATE+KEY+';

/** A key that can verify note signatures: its name, 32-bit key ID and raw Ed25519 public key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** True when `signature` is a valid Ed25519 signature of `message` by this key. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** A key that can sign notes. The seed stays inside this module; see {@link encodeSignerKey}. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** One signature of a note that verified against a known key. */
export interface VerifiedSignature {
  readonly name: string;
  readonly keyId: number;
}

/** Outcome of {@link openNote}. */
export type OpenNoteResult =
  | { readonly ok: true; readonly text: string; readonly verified: readonly VerifiedSignature[] }
  | AuditFailure<NoteOpenCode>;

// Seeds are kept off the signer objects so that logging or serialising a signer cannot leak them.
const seedOfSigner = new WeakMap<NoteSigner, Uint8Array>();

/** signed-note §Signatures: key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4], big-endian. */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(concatBytes(utf8(name), Uint8Array.of(0x0a, ED25519_SIGNATURE_TYPE), publicKey))
    .digest();
  return digest.readUInt32BE(0);
}

/** The 8 lower-case hex digits of a key id, as key strings and messages write it. */
export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function assertKeyName(name: unknown): asserts name is string {
  if (!isValidKeyName(name)) {
    throw new AuditError('audit.key_malformed', 'key name must be non-empty UTF-8 without spaces or "+"');
  }
}

/**
 * A raw 32-byte Ed25519 public key as Node's verifier takes it (note verifiers and cosignature verifiers).
 *
 * @throws AuditError `audit.key_malformed` when it is not one.
 */
export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  try {
    return createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    throw new AuditError('audit.key_malformed', 'not an Ed25519 public key');
  }
}

function makeVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  const key = ed25519PublicKey(publicKey);
  return Object.freeze({
    name,
    keyId: noteKeyId(name, publicKey),
    publicKey: Uint8Array.from(publicKey),
    verify(message: Uint8Array, signature: Uint8Array): boolean {
      if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
      try {
        return verify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  });
}

/**
 * A note signer from a key name and a raw 32-byte Ed25519 seed (RFC 8032 private key).
 *
 * @throws AuditError `audit.key_malformed` for an invalid name or a seed that is not 32 bytes.
 * @example const signer = signerFromSeed('portledger.example/log', seed);
 */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  assertKeyName(name);
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_KEY_SIZE) {
    throw new AuditError('audit.key_malformed', `an Ed25519 seed is ${ED25519_KEY_SIZE} bytes`);
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Uint8Array.from(spki.subarray(spki.length - ED25519_KEY_SIZE));
  const signer: NoteSigner = Object.freeze({
    name,
    keyId: noteKeyId(name, publicKey),
    publicKey,
    sign: (message: Uint8Array) => new Uint8Array(sign(null, message, privateKey)),
  });
  seedOfSigner.set(signer, Uint8Array.from(seed));
  return signer;
}

/** The verifier that matches a signer. */
export function verifierFromSigner(signer: NoteSigner): NoteVerifier {
  return makeVerifier(signer.name, signer.publicKey);
}

/**
 * The key string `<name>+<8 hex key id>+base64(keyType ‖ key bytes)` (signed-note §Verifier keys) of a public key,
 * or, for a seed and `secret`, the signer key string `PRIVATE+KEY+<name>+<key id>+base64(keyType ‖ seed)`.
 * `keyType` is the signature type byte: 0x01 for a note signer, 0x04 for a cosigner (tlog-cosignature §Format).
 */
export function encodeNoteKey(
  keyType: number,
  key: { readonly name: string; readonly keyId: number },
  keyBytes: Uint8Array,
  secret = false,
): string {
  const encoded = encodeBase64(concatBytes(Uint8Array.of(keyType), keyBytes));
  return `${secret ? SIGNER_KEY_PREFIX : ''}${key.name}+${keyIdHex(key.keyId)}+${encoded}`;
}

/**
 * Parses a key string of type `keyType` (see `note-key.ts`, shared with the browser) into the key `make` builds from
 * its name and bytes, whose key id must be the one the string claims.
 *
 * @throws AuditError `audit.key_malformed`, `audit.key_unsupported_algorithm` or `audit.key_id_mismatch`.
 */
export function parseNoteKey<Key extends { readonly keyId: number }>(
  text: string,
  keyType: number,
  make: (name: string, keyBytes: Uint8Array) => Key,
): Key {
  const fields = parseNoteKeyFields(text, keyType);
  if (!fields.ok) throw new AuditError(fields.code, fields.message);
  const key = make(fields.name, fields.keyBytes);
  if (key.keyId !== fields.keyId) {
    throw new AuditError(
      'audit.key_id_mismatch',
      `key id ${fields.keyIdHex} does not match the key (${keyIdHex(key.keyId)})`,
    );
  }
  return key;
}

/**
 * Parses a signer key string `PRIVATE+KEY+…` of type `keyType` (see {@link parseNoteKey}); `what` names the key in
 * the refusal of a string without that prefix ("signer", "cosigner").
 *
 * @throws AuditError `audit.key_malformed`, `audit.key_unsupported_algorithm` or `audit.key_id_mismatch`.
 */
export function parseSecretNoteKey<Key extends { readonly keyId: number }>(
  text: string,
  keyType: number,
  make: (name: string, seed: Uint8Array) => Key,
  what: string,
): Key {
  if (typeof text !== 'string' || !text.startsWith(SIGNER_KEY_PREFIX)) {
    throw new AuditError('audit.key_malformed', `${what} key must start with PRIVATE+KEY+`);
  }
  return parseNoteKey(text.slice(SIGNER_KEY_PREFIX.length), keyType, make);
}

/**
 * Parses a signer key string `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`, as written by
 * golang.org/x/mod/sumdb/note `GenerateKey`.
 *
 * @throws AuditError `audit.key_malformed`, `audit.key_unsupported_algorithm` or `audit.key_id_mismatch`.
 */
export function parseSignerKey(text: string): NoteSigner {
  return parseSecretNoteKey(text, ED25519_SIGNATURE_TYPE, signerFromSeed, 'signer');
}

/**
 * The signer key string of a signer made by this module. Secret: store it like a password.
 *
 * @throws AuditError `audit.invalid_argument` for a signer this module did not create.
 */
export function encodeSignerKey(signer: NoteSigner): string {
  const seed = seedOfSigner.get(signer);
  if (!seed) throw new AuditError('audit.invalid_argument', 'signer was not created by signerFromSeed');
  return encodeNoteKey(ED25519_SIGNATURE_TYPE, signer, seed, true);
}

/** The public verifier key string `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>` of a signer or verifier. */
export function verifierKeyString(key: Pick<NoteSigner, 'name' | 'keyId' | 'publicKey'>): string {
  return encodeNoteKey(ED25519_SIGNATURE_TYPE, key, key.publicKey);
}

/**
 * Parses a verifier key string `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>`.
 *
 * @throws AuditError `audit.key_malformed`, `audit.key_unsupported_algorithm` or `audit.key_id_mismatch`.
 * @example const verifier = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
 */
export function parseVerifierKey(text: string): NoteVerifier {
  return parseNoteKey(text, ED25519_SIGNATURE_TYPE, makeVerifier);
}

function assertNoteText(text: string): void {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new AuditError('audit.note_text_invalid', 'note text must end with a newline');
  }
  if (!isWellFormedText(text) || hasControlCharacterOtherThanNewline(text)) {
    throw new AuditError(
      'audit.note_text_invalid',
      'note text must be UTF-8 without control characters but newline',
    );
  }
}

/**
 * Signs a note: the text, a blank line, then one line `— <name> base64(key id ‖ signature)` per signer
 * (signed-note §Format). Each signature covers the text including its final newline.
 *
 * @throws AuditError `audit.note_text_invalid` when the text does not end in a newline, has control characters
 * other than newline or lone surrogates, or the note would exceed {@link MAX_NOTE_BYTES}.
 * @example signNote('hello\n', [signer]) // 'hello\n\n— name AbCd…\n'
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertNoteText(text);
  if (signers.length === 0 || signers.length > MAX_NOTE_SIGNATURES) {
    throw new AuditError('audit.invalid_argument', `a note needs 1 to ${MAX_NOTE_SIGNATURES} signers`);
  }
  const message = utf8(text);
  const lines = signers.map((signer) => {
    assertKeyName(signer.name);
    const keyId = new Uint8Array(4);
    new DataView(keyId.buffer).setUint32(0, signer.keyId);
    const signature = concatBytes(keyId, signer.sign(message));
    return `${SIGNATURE_LINE_PREFIX}${signer.name} ${encodeBase64(signature)}\n`;
  });
  const note = `${text}\n${lines.join('')}`;
  if (utf8(note).length > MAX_NOTE_BYTES) {
    throw new AuditError('audit.note_text_invalid', `a note is at most ${MAX_NOTE_BYTES} bytes`);
  }
  return note;
}

/**
 * Opens a signed note received from outside and checks its signatures against the known verifiers
 * (signed-note §Signatures): signatures by unknown keys are ignored, a known key's bad signature rejects the
 * whole note, and at least one known key must have signed. Never throws on bad input.
 *
 * @example
 * const opened = openNote(noteText, [parseVerifierKey(logKey)]);
 * if (opened.ok) use(opened.text);
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenNoteResult {
  const tooLarge = failure('audit.note_too_large', `note exceeds ${MAX_NOTE_BYTES} bytes`);
  let text: string;
  if (note instanceof Uint8Array) {
    if (note.length > MAX_NOTE_BYTES) return tooLarge;
    const decoded = decodeUtf8Strict(note);
    if (decoded === undefined) return failure('audit.note_malformed', 'note is not valid UTF-8');
    text = decoded;
  } else if (typeof note === 'string') {
    // Every UTF-16 code unit takes at least one UTF-8 byte, so this cheap check comes before encoding.
    if (note.length > MAX_NOTE_BYTES) return tooLarge;
    if (!isWellFormedText(note)) return failure('audit.note_malformed', 'note has a lone surrogate');
    if (utf8(note).length > MAX_NOTE_BYTES) return tooLarge;
    text = note;
  } else {
    return failure('audit.note_malformed', 'note must be a string or bytes');
  }
  // signed-note §Format: valid UTF-8, no ASCII control characters other than newline.
  if (hasControlCharacterOtherThanNewline(text)) {
    return failure('audit.note_malformed', 'note has a control character');
  }
  // The text is separated from the signatures by the last blank line.
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return failure('audit.note_malformed', 'note has no blank line before its signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) {
    return failure('audit.note_malformed', 'signature block must be non-empty and end with a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    return failure('audit.note_too_many_signatures', `note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  const message = utf8(body);

  const parsed: { name: string; keyId: number; signature: Uint8Array }[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_LINE_PREFIX)) {
      return failure('audit.note_malformed', 'signature line must start with an em dash and a space');
    }
    const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? '' : rest.slice(0, space);
    const raw = space < 0 ? undefined : decodeBase64Strict(rest.slice(space + 1));
    // 4 bytes of key ID and at least one byte of signature.
    if (!isValidKeyName(name) || raw === undefined || raw.length < 5) {
      return failure('audit.note_malformed', 'signature line must be "— <name> <base64 signature>"');
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    parsed.push({ name, keyId: view.getUint32(0), signature: raw.subarray(4) });
  }

  const verified: VerifiedSignature[] = [];
  for (const { name, keyId, signature } of parsed) {
    const matches = verifiers.filter((v) => v.name === name && v.keyId === keyId);
    if (matches.length === 0) continue;
    if (matches.length > 1 && !matches.every((v) => bytesEqual(v.publicKey, matches[0]!.publicKey))) {
      return failure('audit.note_ambiguous_key', `more than one known key is ${name}+${keyIdHex(keyId)}`);
    }
    // Like Go's note.Open, only the first signature line of each known key counts.
    if (verified.some((v) => v.name === name && v.keyId === keyId)) continue;
    if (!matches[0]!.verify(message, signature)) {
      return failure('audit.note_invalid_signature', `invalid signature for key ${name}+${keyIdHex(keyId)}`);
    }
    verified.push({ name, keyId });
  }
  if (verified.length === 0) return failure('audit.note_unverified', 'no known key signed the note');
  return { ok: true, text: body, verified };
}
