/**
 * The decisions of C2SP tlog-witness `add-checkpoint` (https://c2sp.org/tlog-witness §add-checkpoint), pure: the
 * request body is parsed and authenticated against the log keys, then checked against the witness's record of the
 * origin. The shell (`witness.ts`) holds the per-origin lock, the clock and the state file around these.
 *
 * Everything here reads attacker-controlled bytes; nothing throws on bad input.
 */
import { bytesEqual, decodeBase64Strict, decodeUtf8Strict } from '../audit/bytes.js';
import {
  type Checkpoint,
  emptyRootHash,
  HASH_SIZE,
  type NoteVerifier,
  openNote,
  parseCheckpointBody,
  splitSignedNote,
  verifyConsistency,
} from '../audit/index.js';

const MAX_UINT64 = (1n << 64n) - 1n;
// §add-checkpoint: "The client MUST NOT send more than 63 consistency proof lines."
const MAX_PROOF_LINES = 63;
// "ASCII decimal with no leading zeroes (unless the size is zero, in which case the encoding MUST be `0`)".
const OLD_SIZE_LINE = /^old (0|[1-9][0-9]{0,19})$/;

/** The body of an add-checkpoint request, taken apart. */
export interface AddCheckpointRequest {
  readonly oldSize: bigint;
  readonly proof: readonly Uint8Array[];
  /** The checkpoint note, every signature line included. */
  readonly note: string;
}

/** What the witness remembers of one log: the latest checkpoint it cosigned. */
export interface CosignedRecord {
  readonly size: bigint;
  readonly rootHash: Uint8Array;
}

/** A submission whose log signature verified. */
export interface AuthenticatedCheckpoint {
  readonly request: AddCheckpointRequest;
  readonly checkpoint: Checkpoint;
  /** The checkpoint's note text (tlog-cosignature: what the cosignature covers after its two header lines). */
  readonly text: string;
  /** The signature lines of the trusted log keys that verified, to serve with the cosigned checkpoint. */
  readonly logSignatureLines: readonly string[];
}

/** A refusal: the status §add-checkpoint prescribes and why. */
export interface Refusal {
  readonly status: 400 | 403 | 404 | 409 | 422;
  readonly reason: string;
  /** For a 409: the size of the latest cosigned checkpoint, the response body. */
  readonly cosignedSize?: bigint;
  /** Set when a trusted log key had signed the refused checkpoint: evidence of misbehaviour worth keeping. */
  readonly signedByLog?: {
    readonly origin: string;
    readonly oldSize: bigint;
    readonly proof: readonly Uint8Array[];
    readonly note: string;
  };
}

export type AuthenticateResult =
  | ({ readonly ok: true } & AuthenticatedCheckpoint)
  | ({ readonly ok: false } & Refusal);

export type ConsistencyResult = { readonly ok: true } | ({ readonly ok: false } & Refusal);

const refuse = (status: Refusal['status'], reason: string): { ok: false } & Refusal => ({
  ok: false,
  status,
  reason,
});

/**
 * Splits the body into the old size line, the consistency proof lines, the blank line and the checkpoint
 * (§add-checkpoint: "Each line MUST terminate in a newline character").
 */
export function parseAddCheckpointBody(
  body: Uint8Array,
): ({ ok: true } & AddCheckpointRequest) | ({ ok: false } & Refusal) {
  const text = decodeUtf8Strict(body);
  if (text === undefined) return refuse(400, 'the body is not UTF-8');
  const lines: string[] = [];
  let offset = 0;
  for (;;) {
    const end = text.indexOf('\n', offset);
    if (end < 0) return refuse(400, 'the body needs an old size line, proof lines and a blank line');
    const line = text.slice(offset, end);
    offset = end + 1;
    if (line === '') break;
    lines.push(line);
    if (lines.length > 1 + MAX_PROOF_LINES) return refuse(400, `more than ${MAX_PROOF_LINES} proof lines`);
  }
  const [sizeLine, ...proofLines] = lines;
  const size = sizeLine === undefined ? null : OLD_SIZE_LINE.exec(sizeLine);
  if (!size) return refuse(400, 'the first line must be "old <size>"');
  const oldSize = BigInt(size[1]!);
  if (oldSize > MAX_UINT64) return refuse(400, 'the old size exceeds 2^64−1');
  const proof: Uint8Array[] = [];
  for (const line of proofLines) {
    const hash = decodeBase64Strict(line);
    if (hash === undefined || hash.length !== HASH_SIZE) {
      return refuse(400, `a proof line must be the base64 of ${HASH_SIZE} bytes`);
    }
    proof.push(hash);
  }
  return { ok: true, oldSize, proof, note: text.slice(offset) };
}

/**
 * Parses the request and checks the checkpoint's signature against the keys trusted for its origin: 400 for a
 * malformed body, 404 for an unknown origin, 403 when no trusted signature verifies or one fails to, 400 when the
 * old size exceeds the checkpoint's (§add-checkpoint). `logKeys` maps each known origin to its keys.
 */
export function authenticateAddCheckpoint(args: {
  body: Uint8Array;
  logKeys: ReadonlyMap<string, readonly NoteVerifier[]>;
}): AuthenticateResult {
  const request = parseAddCheckpointBody(args.body);
  if (!request.ok) return request;
  const split = splitSignedNote(request.note);
  if (!split.ok) return refuse(400, `the checkpoint is not a signed note: ${split.message}`);
  const checkpoint = parseCheckpointBody(split.text);
  if (!checkpoint.ok) return refuse(400, checkpoint.message);
  const verifiers = args.logKeys.get(checkpoint.origin);
  if (!verifiers || verifiers.length === 0) return refuse(404, 'unknown origin');
  const opened = openNote(request.note, verifiers);
  if (!opened.ok) {
    // A bad signature by a trusted key makes the note malformed per signed-note, which §add-checkpoint answers
    // with 403 like a missing one; only a note that cannot be read at all is a 400.
    const forbidden = ['audit.note_unverified', 'audit.note_invalid_signature', 'audit.note_ambiguous_key'];
    return refuse(forbidden.includes(opened.code) ? 403 : 400, opened.message);
  }
  // §add-checkpoint: "The old size MUST be equal to or lower than the checkpoint size."
  if (request.oldSize > checkpoint.treeSize) {
    return {
      ...refuse(400, `old size ${request.oldSize} exceeds size ${checkpoint.treeSize}`),
      signedByLog: {
        origin: checkpoint.origin,
        oldSize: request.oldSize,
        proof: request.proof,
        note: request.note,
      },
    };
  }
  const logSignatureLines: string[] = [];
  for (const verified of opened.verified) {
    const line = split.signatures.find((s) => s.name === verified.name && s.keyId === verified.keyId);
    if (line) logSignatureLines.push(line.line);
  }
  const { ok: _ok, ...fields } = checkpoint;
  return {
    ok: true,
    request: { oldSize: request.oldSize, proof: request.proof, note: request.note },
    checkpoint: fields,
    text: split.text,
    logSignatureLines,
  };
}

/**
 * Checks an authenticated checkpoint against the latest one the witness cosigned for its origin (`undefined`
 * when none): 409 with the witness's size when the old size is not that size, 422 when the empty tree has another
 * root, when a proof from zero is not empty, when a proof does not verify, or when the sizes are equal and the
 * roots differ (§add-checkpoint). The caller must hold the origin's lock from this check until the new record is
 * persisted.
 */
export function checkConsistencyWithRecord(args: {
  submitted: AuthenticatedCheckpoint;
  record: CosignedRecord | undefined;
}): ConsistencyResult {
  const { request, checkpoint } = args.submitted;
  const cosignedSize = args.record?.size ?? 0n;
  if (request.oldSize !== cosignedSize) {
    return {
      ok: false,
      status: 409,
      reason: `old size ${request.oldSize} is not the cosigned size ${cosignedSize}`,
      cosignedSize,
    };
  }
  // RFC 6962 §2.1: the empty tree's root is the hash of the empty string.
  if (checkpoint.treeSize === 0n && !bytesEqual(checkpoint.rootHash, emptyRootHash())) {
    return refuse(422, 'a checkpoint of size 0 must have the root of the empty tree');
  }
  if (request.oldSize === 0n) {
    return request.proof.length === 0 ? { ok: true } : refuse(422, 'a proof from size 0 must be empty');
  }
  const record = args.record!;
  if (checkpoint.treeSize === record.size) {
    if (!bytesEqual(checkpoint.rootHash, record.rootHash)) {
      return refuse(422, `size ${record.size} was cosigned with another root hash`);
    }
    return request.proof.length === 0 ? { ok: true } : refuse(422, 'equal sizes need an empty proof');
  }
  // RFC 6962 §2.1.2 (RFC 9162 §2.1.4.2): the cosigned tree must be a prefix of the submitted one.
  const verified = verifyConsistency({
    size1: record.size,
    size2: checkpoint.treeSize,
    root1: record.rootHash,
    root2: checkpoint.rootHash,
    proof: request.proof,
  });
  return verified.ok
    ? { ok: true }
    : refuse(422, `the consistency proof from ${record.size} does not verify: ${verified.message}`);
}
