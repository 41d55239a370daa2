import { decodeLogEntry, HexBorder, leafHash, openCheckpoint, toHex } from '../../audit/index.js';

/** One exported entry as the verifier reads it: attacker-controlled until checked. */
export interface EntryToVerify {
  /** The index the entry claims for itself (the export's `index` field). */
  readonly index: number;
  readonly leaf: Uint8Array;
  /** The leaf hash the export claims, when it has one: lets a mismatch be pinned to its index. */
  readonly leafHash?: Uint8Array;
}

export type LogVerification =
  | { readonly ok: true; readonly treeSize: number; readonly rootHash: Uint8Array; readonly origin: string }
  | {
      readonly ok: false;
      readonly reason: 'bad_checkpoint' | 'bad_entry' | 'size_mismatch' | 'root_mismatch';
      /** First index at which the entries stop matching, when it can be named. */
      readonly index?: number;
      readonly message: string;
    };

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * Recomputes the Merkle tree (RFC 9162 §2.1.1) from a stream of entries and checks it against a signed checkpoint:
 * its signature, its size and its root. Only the right border is kept, so memory is O(log n) whatever the size.
 */
export async function verifyLog(args: {
  entries: AsyncIterable<EntryToVerify>;
  checkpointNote: string;
  verifierKey: string;
  onProgress?: (verified: number, total: number) => void;
}): Promise<LogVerification> {
  const opened = openCheckpoint(args.checkpointNote, args.verifierKey);
  if (!opened.ok) return { ok: false, reason: 'bad_checkpoint', message: `checkpoint: ${opened.message}` };
  const { origin, rootHash } = opened;
  if (opened.treeSize > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, reason: 'bad_checkpoint', message: 'checkpoint: tree size out of range' };
  }
  const treeSize = Number(opened.treeSize);

  const tree = new HexBorder();
  let expected = 0;
  for await (const entry of args.entries) {
    if (entry.index !== expected) {
      return {
        ok: false,
        reason: 'bad_entry',
        index: expected,
        message:
          entry.index > expected
            ? `entry ${expected} is missing (next entry claims index ${entry.index})`
            : `entry ${expected} claims index ${entry.index}`,
      };
    }
    const hash = leafHash(entry.leaf);
    if (entry.leafHash && !equalBytes(hash, entry.leafHash)) {
      return {
        ok: false,
        reason: 'bad_entry',
        index: expected,
        message: `entry ${expected}: leaf does not match its leaf hash`,
      };
    }
    try {
      const decoded = decodeLogEntry(entry.leaf);
      if (decoded.index !== expected) throw new Error(`leaf says index ${decoded.index}`);
    } catch (error) {
      return {
        ok: false,
        reason: 'bad_entry',
        index: expected,
        message: `entry ${expected}: ${(error as Error).message}`,
      };
    }
    tree.push(toHex(hash));
    expected += 1;
    if (expected % 4096 === 0) args.onProgress?.(expected, treeSize);
  }
  const size = tree.size;
  args.onProgress?.(size, treeSize);
  if (size !== treeSize) {
    return {
      ok: false,
      reason: 'size_mismatch',
      index: Math.min(size, treeSize),
      message: `checkpoint covers ${treeSize} entries, the export holds ${size}`,
    };
  }
  if (!tree.hasRoot(rootHash)) {
    return {
      ok: false,
      reason: 'root_mismatch',
      message:
        'the entries do not hash to the signed root; every entry is self-consistent, so a leaf and its hash were both altered',
    };
  }
  return { ok: true, treeSize, rootHash, origin };
}
