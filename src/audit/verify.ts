/**
 * Verifiers of Merkle proofs received from outside: every argument is attacker-controlled. Indices and sizes
 * are bigint and checked against the uint64 range of RFC 9162; hashes must be exactly 32 bytes; proof length is
 * bounded before any hashing. Bad input yields a failure result with a closed code, never an exception.
 */
import { bytesEqual } from './bytes.js';
import { type AuditFailure, type AuditVerifyCode, failure } from './errors.js';
import { HASH_SIZE, nodeHash } from './hash.js';

const MAX_UINT64 = (1n << 64n) - 1n;
// A uint64 tree is at most 64 levels deep: an inclusion proof has at most one hash per level, and a
// consistency proof at most one more, the seed subtree (RFC 9162 §2.1.4.1).
const MAX_INCLUSION_PROOF_LENGTH = 64;
const MAX_CONSISTENCY_PROOF_LENGTH = 65;

/** Outcome of a proof verification. */
export type VerifyResult = { readonly ok: true } | AuditFailure<AuditVerifyCode>;

/** Outcome of {@link rootFromInclusionProof}. */
export type RootResult = { readonly ok: true; readonly rootHash: Uint8Array } | AuditFailure<AuditVerifyCode>;

/** Arguments of {@link verifyInclusion}. */
export interface InclusionProofInput {
  readonly leafIndex: bigint;
  readonly treeSize: bigint;
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}

/** Arguments of {@link verifyConsistency}. */
export interface ConsistencyProofInput {
  readonly size1: bigint;
  readonly size2: bigint;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

const OK: VerifyResult = Object.freeze({ ok: true });

function isUint64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_UINT64;
}

/** Checks the shape of a proof array; its elements' sizes are checked separately. */
function checkProofShape(proof: unknown, maxLength: number): AuditFailure<AuditVerifyCode> | undefined {
  if (!Array.isArray(proof)) {
    return failure('audit.proof_input_malformed', 'proof must be an array of hashes');
  }
  if (proof.length > maxLength) {
    return failure(
      'audit.proof_too_long',
      `proof has ${proof.length} hashes, at most ${maxLength} are possible`,
    );
  }
  for (const [i, hash] of proof.entries()) {
    if (!(hash instanceof Uint8Array))
      return failure('audit.proof_input_malformed', `proof[${i}] is not bytes`);
    if (hash.length !== HASH_SIZE) {
      return failure('audit.hash_wrong_size', `proof[${i}] is ${hash.length} bytes, not ${HASH_SIZE}`);
    }
  }
  return undefined;
}

function hashFailure(value: unknown, what: string): AuditFailure<AuditVerifyCode> | undefined {
  if (!(value instanceof Uint8Array)) return failure('audit.proof_input_malformed', `${what} is not bytes`);
  if (value.length !== HASH_SIZE) {
    return failure('audit.hash_wrong_size', `${what} is ${value.length} bytes, not ${HASH_SIZE}`);
  }
  return undefined;
}

/**
 * Computes the root hash that an inclusion proof implies for a leaf (RFC 9162 §2.1.3.2 steps 1–5, without the
 * final comparison).
 */
export function rootFromInclusionProof(input: Omit<InclusionProofInput, 'rootHash'>): RootResult {
  const { leafIndex, treeSize, leafHash, proof } = input ?? ({} as Partial<InclusionProofInput>);
  if (typeof leafIndex !== 'bigint' || typeof treeSize !== 'bigint') {
    return failure('audit.proof_input_malformed', 'leafIndex and treeSize must be bigint');
  }
  if (!isUint64(treeSize)) return failure('audit.size_out_of_range', `tree size ${treeSize} is not a uint64`);
  // RFC 9162 §2.1.3.2 step 1: the index must lie inside the tree.
  if (!isUint64(leafIndex) || leafIndex >= treeSize) {
    return failure(
      'audit.index_out_of_range',
      `leaf index ${leafIndex} is not in a tree of ${treeSize} leaves`,
    );
  }
  const bad = hashFailure(leafHash, 'leaf hash') ?? checkProofShape(proof, MAX_INCLUSION_PROOF_LENGTH);
  if (bad) return bad;

  // RFC 9162 §2.1.3.2 steps 2–4.
  let fn = leafIndex;
  let sn = treeSize - 1n;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0n)
      return failure('audit.proof_wrong_length', 'proof has more hashes than the tree has levels');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // RFC 9162 §2.1.3.2 step 5: the proof must have reached the root.
  if (sn !== 0n) {
    return failure('audit.proof_wrong_length', 'proof has fewer hashes than the tree has levels');
  }
  return { ok: true, rootHash: r };
}

/**
 * Verifies that `leafHash` is the leaf at `leafIndex` of the tree of `treeSize` leaves whose root is `rootHash`
 * (RFC 9162 §2.1.3.2).
 *
 * @example
 * const result = verifyInclusion({ leafIndex: 3n, treeSize: 8n, leafHash, proof, rootHash });
 * if (!result.ok) console.log(result.code);
 */
export function verifyInclusion(input: InclusionProofInput): VerifyResult {
  const computed = rootFromInclusionProof(input);
  if (!computed.ok) return computed;
  const bad = hashFailure(input.rootHash, 'root hash');
  if (bad) return bad;
  if (!bytesEqual(computed.rootHash, input.rootHash)) {
    return failure('audit.root_mismatch', 'the proof leads to a different root hash');
  }
  return OK;
}

/**
 * Verifies that the tree of `size1` leaves with root `root1` is a prefix of the tree of `size2` leaves with root
 * `root2` (RFC 9162 §2.1.4.2). A proof from the empty tree is always rejected: it proves nothing, and the
 * transparency-dev golden data expects that even for size1 = size2 = 0.
 *
 * @example
 * const result = verifyConsistency({ size1: 3n, size2: 7n, root1, root2, proof });
 */
export function verifyConsistency(input: ConsistencyProofInput): VerifyResult {
  const { size1, size2, root1, root2, proof } = input ?? ({} as Partial<ConsistencyProofInput>);
  if (typeof size1 !== 'bigint' || typeof size2 !== 'bigint') {
    return failure('audit.proof_input_malformed', 'size1 and size2 must be bigint');
  }
  if (!isUint64(size1) || !isUint64(size2)) {
    return failure('audit.size_out_of_range', `sizes ${size1} and ${size2} must be uint64`);
  }
  if (size1 === 0n) {
    return failure('audit.consistency_from_empty_tree', 'a proof from the empty tree is meaningless');
  }
  if (size1 > size2) {
    return failure('audit.size_out_of_range', `size1 ${size1} is larger than size2 ${size2}`);
  }
  const badProof = checkProofShape(proof, MAX_CONSISTENCY_PROOF_LENGTH);
  if (badProof) return badProof;
  if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array)) {
    return failure('audit.proof_input_malformed', 'root1 and root2 must be bytes');
  }
  if (size1 === size2) {
    // Nothing is hashed here: the trees are the same iff the roots are, byte for byte. The transparency-dev golden
    // data (consistency/additional/sizes-are-equal-one-and-proof-is-empty.json) expects this even for roots that
    // are not 32 bytes long, so the length check applies only where the roots are recomputed below.
    if (proof.length !== 0) return failure('audit.proof_not_empty', 'equal sizes need an empty proof');
    return bytesEqual(root1, root2) ? OK : failure('audit.root_mismatch', 'equal sizes with different roots');
  }
  const badRoot = hashFailure(root1, 'root1') ?? hashFailure(root2, 'root2');
  if (badRoot) return badRoot;
  // RFC 9162 §2.1.4.2 step 1.
  if (proof.length === 0) return failure('audit.proof_wrong_length', 'the proof is empty');

  // Step 2: when size1 is a power of two, the old root is itself the seed subtree.
  const path = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : [...proof];
  // Steps 3–4.
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0n) return failure('audit.proof_wrong_length', 'proof has more hashes than the trees need');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7.
  if (sn !== 0n) return failure('audit.proof_wrong_length', 'proof has fewer hashes than the trees need');
  if (!bytesEqual(fr, root1)) return failure('audit.root_mismatch', 'the proof does not lead to root1');
  if (!bytesEqual(sr, root2)) return failure('audit.root_mismatch', 'the proof does not lead to root2');
  return OK;
}
