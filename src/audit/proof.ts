/**
 * RFC 9162 inclusion and consistency proofs, built from stored complete subtrees.
 *
 * A plan names the stored nodes a proof needs; the caller reads them in one batch and hands their hashes back
 * to `assemble`. Every proof hash is the Merkle Tree Hash of a leaf range that is a left-aligned subtree
 * possibly cut by the tree's edge, so it folds from O(log n) stored nodes.
 */
import { AuditError } from './errors.js';
import {
  assertHash,
  assertSize,
  hashOfSubtreeParts,
  largestPowerOfTwoBelow,
  type NodeKey,
  rootOfLeafHashes,
  subtreeKeysOfRange,
} from './tree.js';

/**
 * The stored nodes a proof needs and how to turn their hashes into the proof.
 *
 * @example
 * const plan = inclusionProofPlan(index, size);
 * const proof = plan.assemble(await store.readNodes(plan.keys));
 */
export interface ProofPlan {
  /** Every stored node needed, without duplicates. */
  readonly keys: readonly NodeKey[];
  /** Takes the hashes of `keys`, in the same order, and returns the proof hashes in RFC 9162 order. */
  assemble(hashes: readonly Uint8Array[]): Uint8Array[];
}

/** Like {@link ProofPlan}, for the root hash of the tree at one size. */
export interface RootPlan {
  readonly keys: readonly NodeKey[];
  assemble(hashes: readonly Uint8Array[]): Uint8Array;
}

interface LeafRange {
  readonly start: number;
  readonly end: number;
}

function assertIndexInTree(index: number, size: number): void {
  assertSize(size, 'tree size');
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new AuditError(
      'audit.index_out_of_range',
      `leaf index ${index} is not in a tree of ${size} leaves`,
    );
  }
}

function assertConsistencySizes(size1: number, size2: number): void {
  assertSize(size1, 'first tree size');
  assertSize(size2, 'second tree size');
  if (size1 === 0 || size1 > size2) {
    throw new AuditError(
      'audit.size_out_of_range',
      `a consistency proof needs 0 < size1 ≤ size2, got ${size1} and ${size2}`,
    );
  }
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]), unrolled: the sibling ranges from the leaf up to the root. */
function inclusionRanges(index: number, size: number): LeafRange[] {
  const topDown: LeafRange[] = [];
  let offset = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      topDown.push({ start: offset + k, end: offset + n });
      n = k;
    } else {
      topDown.push({ start: offset, end: offset + k });
      offset += k;
      m -= k;
      n -= k;
    }
  }
  return topDown.reverse();
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], true), unrolled; the recursion's innermost output comes first. */
function consistencyRanges(size1: number, size2: number): LeafRange[] {
  const topDown: LeafRange[] = [];
  let offset = 0;
  let m = size1;
  let n = size2;
  let wholeOldTree = true;
  while (m !== n) {
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      topDown.push({ start: offset + k, end: offset + n });
      n = k;
    } else {
      topDown.push({ start: offset, end: offset + k });
      offset += k;
      m -= k;
      n -= k;
      wholeOldTree = false;
    }
  }
  // SUBPROOF(m, D[m], false) = MTH(D[m]); with b = true the verifier already holds that hash as the old root.
  if (!wholeOldTree) topDown.push({ start: offset, end: offset + m });
  return topDown.reverse();
}

function planFromRanges(ranges: readonly LeafRange[]): ProofPlan {
  const keys: NodeKey[] = [];
  const slotOfKey = new Map<string, number>();
  const slotsOfRange = ranges.map(({ start, end }) =>
    subtreeKeysOfRange(start, end).map((key) => {
      const id = `${key.level}/${key.index}`;
      let slot = slotOfKey.get(id);
      if (slot === undefined) {
        slot = keys.length;
        keys.push(key);
        slotOfKey.set(id, slot);
      }
      return slot;
    }),
  );
  return {
    keys,
    assemble(hashes) {
      if (hashes.length !== keys.length) {
        throw new AuditError(
          'audit.invalid_argument',
          `expected ${keys.length} node hashes, got ${hashes.length}`,
        );
      }
      for (const [i, hash] of hashes.entries()) assertHash(hash, `node hash ${i}`);
      return slotsOfRange.map((slots) => hashOfSubtreeParts(slots.map((slot) => hashes[slot]!)));
    },
  };
}

/**
 * Plans the inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1).
 *
 * @throws AuditError `audit.index_out_of_range` unless 0 ≤ index < size.
 */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  assertIndexInTree(index, size);
  return planFromRanges(inclusionRanges(index, size));
}

/**
 * Plans the consistency proof from the tree of `size1` leaves to the tree of `size2` leaves
 * (RFC 9162 §2.1.4.1). Equal sizes give an empty proof.
 *
 * @throws AuditError `audit.size_out_of_range` unless 0 < size1 ≤ size2.
 */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  assertConsistencySizes(size1, size2);
  return planFromRanges(consistencyRanges(size1, size2));
}

/** Plans the root hash of the tree of `size` leaves: its border, folded (RFC 9162 §2.1.1). */
export function rootPlan(size: number): RootPlan {
  assertSize(size, 'tree size');
  const plan = planFromRanges([{ start: 0, end: size }]);
  return { keys: plan.keys, assemble: (hashes) => plan.assemble(hashes)[0]! };
}

/**
 * The inclusion proof of leaf `index` computed from all leaf hashes, written straight from the recursive
 * definition of RFC 9162 §2.1.3.1. O(n): an oracle for tests and small callers.
 */
export function inclusionProofFromLeaves(index: number, leafHashes: readonly Uint8Array[]): Uint8Array[] {
  assertIndexInTree(index, leafHashes.length);
  const path = (m: number, leaves: readonly Uint8Array[]): Uint8Array[] => {
    const n = leaves.length;
    if (n <= 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k
      ? [...path(m, leaves.slice(0, k)), rootOfLeafHashes(leaves.slice(k))]
      : [...path(m - k, leaves.slice(k)), rootOfLeafHashes(leaves.slice(0, k))];
  };
  return path(index, leafHashes);
}

/**
 * The consistency proof from the first `size1` leaves to all of `leafHashes`, written straight from the
 * recursive definition of RFC 9162 §2.1.4.1. O(n): an oracle for tests and small callers.
 */
export function consistencyProofFromLeaves(size1: number, leafHashes: readonly Uint8Array[]): Uint8Array[] {
  assertConsistencySizes(size1, leafHashes.length);
  const subproof = (m: number, leaves: readonly Uint8Array[], wholeOldTree: boolean): Uint8Array[] => {
    const n = leaves.length;
    if (m === n) return wholeOldTree ? [] : [rootOfLeafHashes(leaves)];
    const k = largestPowerOfTwoBelow(n);
    return m <= k
      ? [...subproof(m, leaves.slice(0, k), wholeOldTree), rootOfLeafHashes(leaves.slice(k))]
      : [...subproof(m - k, leaves.slice(k), false), rootOfLeafHashes(leaves.slice(0, k))];
  };
  return subproof(size1, leafHashes, true);
}
