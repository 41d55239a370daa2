/**
 * C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), the Ed25519 `cosignature/v1` type: a witness's
 * statement that, as of a time, the checkpoint is the largest consistent tree head it has seen for the origin.
 *
 * A cosignature is a signed-note signature line whose key ID is derived with signature type 0x04
 * (signed-note §Signature types) and whose signature bytes are a `timestamped_signature`: a big-endian u64
 * POSIX timestamp followed by a 64-byte Ed25519 signature over {@link cosignedMessage}. Keys are 32-byte Ed25519
 * keys written like note keys, with type byte 0x04. Nothing here reads the clock: the caller passes the time.
 */
import { createHash, verify } from 'node:crypto';
import {
  concatBytes,
  decodeBase64Strict,
  decodeUtf8Strict,
  encodeBase64,
  hasControlCharacterOtherThanNewline,
  isWellFormedText,
  utf8,
} from './bytes.js';
import { AuditError, type AuditFailure, failure, type NoteOpenCode } from './errors.js';
import { ED25519_KEY_BYTES, isValidKeyName } from './note-key.js';
import {
  ed25519PublicKey,
  encodeNoteKey,
  keyIdHex,
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  parseNoteKey,
  parseSecretNoteKey,
  signerFromSeed,
} from './signed-note.js';

/** signed-note §Signature types: 0x04 is a timestamped Ed25519 checkpoint cosignature. */
export const COSIGNATURE_KEY_TYPE = 0x04;
/** tlog-cosignature §Ed25519 signed message: the header line that separates this domain from plain notes. */
export const COSIGNATURE_V1_HEADER = 'cosignature/v1';
/** tlog-cosignature §Format: u64 timestamp ‖ 64-byte Ed25519 signature. */
export const TIMESTAMPED_SIGNATURE_BYTES = 8 + 64;

const SIGNATURE_LINE_PREFIX = '\u2014 ';

/**
 * The port through which a cosignature is signed, shaped like a note signer: a name, the 0x04 key ID and the
 * public key, and a raw Ed25519 signature over the message bytes.
 */
export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** A cosigner's public half: checks a raw Ed25519 signature over the message bytes. */
export interface CosignatureVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** One signature line of a note, taken apart but not verified. */
export interface NoteSignatureLine {
  /** The whole line, em dash to newline included, so it can be carried over to another view of the note. */
  readonly line: string;
  readonly name: string;
  readonly keyId: number;
  /** The bytes after the key ID. */
  readonly signature: Uint8Array;
}

/** A note split into its text and every signature line (the log's and any cosigners'). */
export interface SplitNote {
  readonly ok: true;
  /** The signed text, final newline included, blank line excluded (signed-note §Format). */
  readonly text: string;
  readonly signatures: readonly NoteSignatureLine[];
}

/** A cosignature that verified against a known cosigner. */
export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: number;
  /** Seconds since the Epoch at which the cosigner made the statement. */
  readonly timestamp: number;
  readonly line: string;
}

export type SplitNoteResult = SplitNote | AuditFailure<NoteOpenCode>;

export type VerifyCosignaturesResult =
  | { readonly ok: true; readonly text: string; readonly cosignatures: readonly VerifiedCosignature[] }
  | AuditFailure<NoteOpenCode | 'audit.cosignature_malformed'>;

// Seeds are kept off the cosigner objects so that logging or serialising one cannot leak them.
const seedOfCosigner = new WeakMap<Cosigner, Uint8Array>();

/**
 * tlog-cosignature §Format: key ID = SHA-256(name ‖ "\n" ‖ 0x04 ‖ 32-byte Ed25519 public key)[:4], big-endian.
 *
 * @example cosignatureKeyId('witness.example/w1', publicKey) // a uint32
 */
export function cosignatureKeyId(name: string, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(concatBytes(utf8(name), Uint8Array.of(0x0a, COSIGNATURE_KEY_TYPE), publicKey))
    .digest()
    .readUInt32BE(0);
}

function assertTimestamp(timestamp: number): void {
  // tlog-cosignature §Format: at most 2^63−1; a number of seconds beyond 2^53 is no date anyone will sign.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new AuditError('audit.invalid_argument', `timestamp ${timestamp} is not a non-negative integer`);
  }
}

/**
 * The bytes an Ed25519 cosigner signs (tlog-cosignature §Ed25519 signed message): `cosignature/v1\n`,
 * `time <decimal>\n`, then the whole checkpoint note text, final newline included, signature lines excluded.
 *
 * @example cosignedMessage('example.com/log\n5\nAbC…=\n', 1679315147)
 * // utf8('cosignature/v1\ntime 1679315147\nexample.com/log\n5\nAbC…=\n')
 */
export function cosignedMessage(noteText: string, timestamp: number): Uint8Array {
  assertTimestamp(timestamp);
  if (typeof noteText !== 'string' || !noteText.endsWith('\n')) {
    throw new AuditError('audit.note_text_invalid', 'note text must end with a newline');
  }
  return utf8(`${COSIGNATURE_V1_HEADER}\ntime ${timestamp}\n${noteText}`);
}

/**
 * A cosigner from its name and 32-byte Ed25519 seed. The Ed25519 operation is the note signer's; only the key ID
 * differs (type 0x04 instead of 0x01), as tlog-cosignature §Format requires.
 *
 * @throws AuditError `audit.key_malformed` for an invalid name or a seed that is not 32 bytes.
 */
export function cosignerFromSeed(name: string, seed: Uint8Array): Cosigner {
  const ed25519 = signerFromSeed(name, seed);
  const cosigner: Cosigner = Object.freeze({
    name,
    keyId: cosignatureKeyId(name, ed25519.publicKey),
    publicKey: ed25519.publicKey,
    sign: (message: Uint8Array) => ed25519.sign(message),
  });
  seedOfCosigner.set(cosigner, Uint8Array.from(seed));
  return cosigner;
}

/** A cosignature verifier from a name and a raw 32-byte Ed25519 public key. */
export function cosignatureVerifierFromPublicKey(name: string, publicKey: Uint8Array): CosignatureVerifier {
  if (!isValidKeyName(name)) {
    throw new AuditError('audit.key_malformed', 'key name must be non-empty UTF-8 without spaces or "+"');
  }
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_KEY_BYTES) {
    throw new AuditError('audit.key_malformed', `an Ed25519 public key is ${ED25519_KEY_BYTES} bytes`);
  }
  const key = ed25519PublicKey(publicKey);
  return Object.freeze({
    name,
    keyId: cosignatureKeyId(name, publicKey),
    publicKey: Uint8Array.from(publicKey),
    verify(message: Uint8Array, signature: Uint8Array): boolean {
      if (signature.length !== 64) return false;
      try {
        return verify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  });
}

/** The verifier that matches a cosigner. */
export function cosignatureVerifierOf(cosigner: Pick<Cosigner, 'name' | 'publicKey'>): CosignatureVerifier {
  return cosignatureVerifierFromPublicKey(cosigner.name, cosigner.publicKey);
}

/**
 * The cosigner key string `PRIVATE+KEY+<name>+<key id>+base64(0x04 ‖ seed)`, the signed-note signer key form with
 * the cosignature type byte. Secret: store it like a password.
 *
 * @throws AuditError `audit.invalid_argument` for a cosigner this module did not create.
 */
export function encodeCosignerKey(cosigner: Cosigner): string {
  const seed = seedOfCosigner.get(cosigner);
  if (!seed) throw new AuditError('audit.invalid_argument', 'cosigner was not created by cosignerFromSeed');
  return encodeNoteKey(COSIGNATURE_KEY_TYPE, cosigner, seed, true);
}

/**
 * The verifier key (vkey) `<name>+<key id>+base64(0x04 ‖ public key)` of a cosigner (tlog-cosignature §Format,
 * signed-note §Verifier keys).
 */
export function cosignatureVerifierKeyString(key: Pick<Cosigner, 'name' | 'keyId' | 'publicKey'>): string {
  return encodeNoteKey(COSIGNATURE_KEY_TYPE, key, key.publicKey);
}

/**
 * Parses a cosigner key string written by {@link encodeCosignerKey}.
 *
 * @throws AuditError `audit.key_malformed`, `audit.key_unsupported_algorithm` (not type 0x04) or
 * `audit.key_id_mismatch`.
 */
export function parseCosignerKey(text: string): Cosigner {
  return parseSecretNoteKey(text, COSIGNATURE_KEY_TYPE, cosignerFromSeed, 'cosigner');
}

/**
 * Parses a cosigner's verifier key `<name>+<key id>+base64(0x04 ‖ public key)`.
 *
 * @throws AuditError `audit.key_malformed`, `audit.key_unsupported_algorithm` (not type 0x04) or
 * `audit.key_id_mismatch`.
 * @example parseCosignatureVerifierKey('customs.portledger.example/witness+1a2b3c4d+BL…')
 */
export function parseCosignatureVerifierKey(text: string): CosignatureVerifier {
  return parseNoteKey(text, COSIGNATURE_KEY_TYPE, cosignatureVerifierFromPublicKey);
}

/**
 * The cosignature line `— <name> base64(key id ‖ u64 timestamp ‖ Ed25519 signature)\n` over a checkpoint's note
 * text, made at `timestamp` (seconds since the Epoch, never zero per tlog-witness §add-checkpoint).
 *
 * @throws AuditError `audit.invalid_argument` for a timestamp that is not a positive integer.
 */
export function cosignatureLine(args: { cosigner: Cosigner; noteText: string; timestamp: number }): string {
  const { cosigner, noteText, timestamp } = args;
  if (timestamp === 0)
    throw new AuditError('audit.invalid_argument', 'a cosignature timestamp is never zero');
  const message = cosignedMessage(noteText, timestamp);
  const head = new Uint8Array(12);
  const view = new DataView(head.buffer);
  view.setUint32(0, cosigner.keyId);
  view.setBigUint64(4, BigInt(timestamp));
  const signature = cosigner.sign(message);
  return `${SIGNATURE_LINE_PREFIX}${cosigner.name} ${encodeBase64(concatBytes(head, signature))}\n`;
}

/**
 * Splits a signed note received from outside into its text and all its signature lines, checking only the form
 * (signed-note §Format): nothing is verified here. Never throws.
 */
export function splitSignedNote(note: string | Uint8Array): SplitNoteResult {
  let text: string;
  if (note instanceof Uint8Array) {
    if (note.length > MAX_NOTE_BYTES)
      return failure('audit.note_too_large', `note exceeds ${MAX_NOTE_BYTES} bytes`);
    const decoded = decodeUtf8Strict(note);
    if (decoded === undefined) return failure('audit.note_malformed', 'note is not valid UTF-8');
    text = decoded;
  } else if (typeof note === 'string') {
    if (note.length > MAX_NOTE_BYTES || utf8(note).length > MAX_NOTE_BYTES) {
      return failure('audit.note_too_large', `note exceeds ${MAX_NOTE_BYTES} bytes`);
    }
    if (!isWellFormedText(note)) return failure('audit.note_malformed', 'note has a lone surrogate');
    text = note;
  } else {
    return failure('audit.note_malformed', 'note must be a string or bytes');
  }
  if (hasControlCharacterOtherThanNewline(text))
    return failure('audit.note_malformed', 'note has a control character');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return failure('audit.note_malformed', 'note has no blank line before its signatures');
  const block = text.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) {
    return failure('audit.note_malformed', 'signature block must be non-empty and end with a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    return failure('audit.note_too_many_signatures', `note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  const signatures: NoteSignatureLine[] = [];
  for (const line of lines) {
    const rest = line.startsWith(SIGNATURE_LINE_PREFIX)
      ? line.slice(SIGNATURE_LINE_PREFIX.length)
      : undefined;
    const space = rest === undefined ? -1 : rest.indexOf(' ');
    const name = space < 0 ? '' : rest!.slice(0, space);
    const raw = space < 0 ? undefined : decodeBase64Strict(rest!.slice(space + 1));
    if (!isValidKeyName(name) || raw === undefined || raw.length < 5) {
      return failure('audit.note_malformed', 'signature line must be "— <name> <base64 signature>"');
    }
    const keyId = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(0);
    signatures.push({ line: `${line}\n`, name, keyId, signature: raw.subarray(4) });
  }
  return { ok: true, text: text.slice(0, split + 1), signatures };
}

/**
 * Verifies the cosignatures of a note against the cosigners the caller trusts (tlog-cosignature §Format:
 * "ignore any signature lines that don't match the name and key ID"). Lines of other keys (the log's, unknown
 * witnesses') are ignored; a known cosigner's line that does not verify rejects the note, as signed-note
 * §Signatures asks. Only a cosigner's first line counts. The log's own signature is not checked here: open the
 * checkpoint with its key as well. Never throws.
 *
 * @example
 * const result = verifyCosignatures(note, [parseCosignatureVerifierKey(customsWitnessKey)]);
 * if (result.ok && result.cosignatures.length >= quorum) trust(note);
 */
export function verifyCosignatures(
  note: string | Uint8Array,
  cosigners: readonly CosignatureVerifier[],
): VerifyCosignaturesResult {
  const split = splitSignedNote(note);
  if (!split.ok) return split;
  const cosignatures: VerifiedCosignature[] = [];
  for (const { line, name, keyId, signature } of split.signatures) {
    const cosigner = cosigners.find((c) => c.name === name && c.keyId === keyId);
    if (!cosigner || cosignatures.some((c) => c.name === name && c.keyId === keyId)) continue;
    if (signature.length !== TIMESTAMPED_SIGNATURE_BYTES) {
      return failure(
        'audit.cosignature_malformed',
        `cosignature of ${name} is not a timestamped Ed25519 signature`,
      );
    }
    const timestamp = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
    // tlog-cosignature §Format: at most 2^63−1; anything beyond 2^53 seconds is far in the future, which a
    // verifier MAY reject, and keeps the timestamp an exact number.
    if (timestamp === 0n || timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
      return failure('audit.cosignature_malformed', `cosignature of ${name} has timestamp ${timestamp}`);
    }
    const message = cosignedMessage(split.text, Number(timestamp));
    if (!cosigner.verify(message, signature.subarray(8))) {
      return failure(
        'audit.note_invalid_signature',
        `invalid cosignature for key ${name}+${keyIdHex(keyId)}`,
      );
    }
    cosignatures.push({ name, keyId, timestamp: Number(timestamp), line });
  }
  return { ok: true, text: split.text, cosignatures };
}

/**
 * The note with more signature lines appended (tlog-witness §add-checkpoint: a client "MAY concatenate [the
 * response] to the checkpoint"). Lines already present are not repeated.
 *
 * @throws AuditError `audit.note_text_invalid` when the note or a line is not in signed-note form.
 */
export function appendSignatureLines(note: string, lines: readonly string[]): string {
  const split = splitSignedNote(note);
  if (!split.ok) throw new AuditError('audit.note_text_invalid', split.message);
  const present = new Set(split.signatures.map((s) => s.line));
  let out = note;
  for (const line of lines) {
    const parsed = splitSignedNote(`x\n\n${line}`);
    if (!parsed.ok || parsed.signatures.length !== 1) {
      throw new AuditError('audit.note_text_invalid', 'not one signature line');
    }
    if (present.has(line)) continue;
    present.add(line);
    out += line;
  }
  return out;
}
