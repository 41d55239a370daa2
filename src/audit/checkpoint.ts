/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed note that commits a log to its size and
 * root hash. The body is `<origin>\n<decimal tree size>\n<base64 root hash>\n`, then optional extension lines.
 */
import {
  decodeBase64Strict,
  encodeBase64,
  hasControlCharacterOtherThanNewline,
  isWellFormedText,
} from './bytes.js';
import { AuditError, type AuditFailure, type CheckpointOpenCode, failure } from './errors.js';
import { HASH_SIZE } from './hash.js';
import {
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseVerifierKey,
  signNote,
  type VerifiedSignature,
} from './signed-note.js';

const MAX_UINT64 = (1n << 64n) - 1n;
// tlog-checkpoint §Note text: ASCII decimal, no leading zeroes unless the tree is empty.
const TREE_SIZE_PATTERN = /^(?:0|[1-9][0-9]{0,19})$/;

/** A parsed checkpoint body. */
export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: bigint;
  readonly rootHash: Uint8Array;
  /** Opaque extension lines (tlog-checkpoint §Note text item 4); usually none. */
  readonly extensions: readonly string[];
}

/** What a log signs. */
export interface CheckpointBody {
  readonly origin: string;
  readonly treeSize: number | bigint;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

/** Outcome of {@link parseCheckpointBody}. */
export type ParseCheckpointResult =
  | ({ readonly ok: true } & Checkpoint)
  | AuditFailure<'audit.checkpoint_malformed'>;

/** Outcome of {@link openCheckpoint}. */
export type OpenCheckpointResult =
  | ({ readonly ok: true; readonly verified: readonly VerifiedSignature[] } & Checkpoint)
  | AuditFailure<CheckpointOpenCode>;

function isValidLine(line: string): boolean {
  return (
    line.length > 0 &&
    isWellFormedText(line) &&
    !hasControlCharacterOtherThanNewline(line) &&
    !line.includes('\n')
  );
}

function invalid(why: string): never {
  throw new AuditError('audit.checkpoint_invalid', why);
}

/**
 * The note text of a checkpoint (tlog-checkpoint §Note text).
 *
 * @throws AuditError `audit.checkpoint_invalid` for an empty or multi-line origin or extension, a tree size
 * outside [0, 2^64−1], or a root hash that is not 32 bytes.
 * @example formatCheckpointBody({ origin: 'example.com/log', treeSize: 8, rootHash }) // 'example.com/log\n8\nXcnaeacGWa…=\n'
 */
export function formatCheckpointBody(body: CheckpointBody): string {
  const { origin, treeSize, rootHash, extensions = [] } = body;
  if (!isValidLine(origin)) invalid('origin must be a non-empty line');
  const size = typeof treeSize === 'number' && Number.isSafeInteger(treeSize) ? BigInt(treeSize) : treeSize;
  if (typeof size !== 'bigint' || size < 0n || size > MAX_UINT64) {
    invalid(`tree size ${treeSize} is not a uint64`);
  }
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) {
    invalid(`root hash must be ${HASH_SIZE} bytes`);
  }
  for (const line of extensions) if (!isValidLine(line)) invalid('extension lines must be non-empty lines');
  return [origin, size.toString(10), encodeBase64(rootHash), ...extensions]
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * Parses a checkpoint body strictly: a non-empty origin, a decimal tree size without leading zeroes that fits in
 * a uint64, a base64 root hash of exactly 32 bytes, then optional non-empty extension lines.
 */
export function parseCheckpointBody(text: string): ParseCheckpointResult {
  const malformed = (why: string) => failure('audit.checkpoint_malformed', why);
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    return malformed('checkpoint must end with a newline');
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return malformed('checkpoint needs origin, tree size and root hash lines');
  if (!lines.every(isValidLine)) {
    return malformed('checkpoint lines must be non-empty, without control characters');
  }
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (!TREE_SIZE_PATTERN.test(sizeLine)) return malformed('tree size must be decimal without leading zeroes');
  const treeSize = BigInt(sizeLine);
  if (treeSize > MAX_UINT64) return malformed('tree size exceeds 2^64−1');
  const rootHash = decodeBase64Strict(rootLine);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE) {
    return malformed(`root hash must be base64 of ${HASH_SIZE} bytes`);
  }
  return { ok: true, origin, treeSize, rootHash, extensions };
}

/**
 * Signs a checkpoint as a C2SP signed note.
 *
 * @example const note = signCheckpoint({ origin: 'portledger.example/log', treeSize, rootHash }, signer);
 */
export function signCheckpoint(body: CheckpointBody, signer: NoteSigner): string {
  return signNote(formatCheckpointBody(body), [signer]);
}

/**
 * Opens a checkpoint note received from outside: it must carry a valid signature by `verifierKey` (a verifier or
 * its key string) and, when `expectedOrigin` is given, name that origin. Never throws on a bad note; a malformed
 * `verifierKey` is configuration and throws as {@link parseVerifierKey} does.
 *
 * @example
 * const opened = openCheckpoint(note, logVerifierKey, 'portledger.example/log');
 * if (opened.ok) verifyConsistency({ size1: last.treeSize, size2: opened.treeSize, ... });
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifierKey: NoteVerifier | string,
  expectedOrigin?: string,
): OpenCheckpointResult {
  const verifier = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const opened = openNote(note, [verifier]);
  if (!opened.ok) return opened;
  const checkpoint = parseCheckpointBody(opened.text);
  if (!checkpoint.ok) return checkpoint;
  if (expectedOrigin !== undefined && checkpoint.origin !== expectedOrigin) {
    return failure('audit.checkpoint_origin_mismatch', `checkpoint origin is not ${expectedOrigin}`);
  }
  return { ...checkpoint, verified: opened.verified };
}
