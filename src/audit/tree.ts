/**
 * The RFC 9162 Merkle tree over trusted, in-process data. Sizes and indices are JavaScript numbers: the log
 * cannot outgrow Number.MAX_SAFE_INTEGER leaves, and every entry point checks that.
 *
 * Nodes are addressed as C2SP tlog-tiles does: node (level, index) is the complete subtree over leaves
 * [index·2^level, (index+1)·2^level); level 0 holds the leaf hashes. Arithmetic stays in floating point
 * (`2 ** level`, division) because bitwise operators would truncate sizes to 32 bits.
 */
import { AuditError } from './errors.js';
import { emptyRootHash, HASH_SIZE, nodeHash } from './hash.js';

/** Address of one complete, aligned subtree: it covers leaves [index·2^level, (index+1)·2^level). */
export interface NodeKey {
  readonly level: number;
  readonly index: number;
}

/** A complete, aligned subtree together with its hash, as a store persists it. */
export interface SubtreeNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/** @internal Throws unless `value` is a safe integer ≥ 0. */
export function assertSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AuditError('audit.size_out_of_range', `${what} must be a safe integer ≥ 0, got ${value}`);
  }
}

/** @internal Throws unless `hash` is a Uint8Array of {@link HASH_SIZE} bytes. */
export function assertHash(hash: Uint8Array | undefined, what: string): asserts hash is Uint8Array {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new AuditError('audit.invalid_argument', `${what} must be ${HASH_SIZE} bytes`);
  }
}

/** @internal The largest power of two strictly smaller than `n`, for n ≥ 2 (RFC 9162 §2.1.1 split point). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The highest level whose width 2^level does not exceed `n`, for n ≥ 1. */
function highestLevelWithin(n: number): number {
  let level = 0;
  while (2 ** (level + 1) <= n) level++;
  return level;
}

/**
 * The Merkle Tree Hash of a list of leaf hashes, straight from RFC 9162 §2.1.1: the empty list hashes to
 * SHA-256(""), one leaf to its own leaf hash, and n > 1 leaves split at the largest power of two below n.
 *
 * @example rootOfLeafHashes(entries.map((entry) => leafHash(encodeLogEntry(entry))))
 */
export function rootOfLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  for (const [i, hash] of leafHashes.entries()) assertHash(hash, `leaf hash ${i}`);
  if (leafHashes.length === 0) return emptyRootHash();
  return rootOfRange(leafHashes, 0, leafHashes.length);
}

function rootOfRange(leafHashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 1) return leafHashes[start]!;
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(rootOfRange(leafHashes, start, start + k), rootOfRange(leafHashes, start + k, end));
}

/**
 * The complete, aligned subtrees that make up a tree of `size` leaves, left to right: one per set bit of
 * `size`, the highest first. Their hashes are the "right border" from which both the next append and the root
 * follow.
 *
 * @example borderKeys(6) // [{ level: 2, index: 0 }, { level: 1, index: 2 }]
 */
export function borderKeys(size: number): NodeKey[] {
  assertSize(size, 'tree size');
  return subtreeKeysOfRange(0, size);
}

/**
 * Appends leaf hashes to a tree known only by its size and right border.
 *
 * `newNodes` lists every complete subtree the new leaves create: each leaf (level 0) and every interior node
 * that became complete. A store that keeps them all can later answer any proof with O(log n) reads, as
 * C2SP tlog-tiles does.
 *
 * @param size the number of leaves already in the tree.
 * @param border the hashes of {@link borderKeys}(size), in the same order.
 * @param leafHashes the hashes of the leaves to append, in log order.
 * @example
 * const { border, newNodes } = appendLeaves(size, await store.readNodes(borderKeys(size)), hashes);
 */
export function appendLeaves(
  size: number,
  border: readonly Uint8Array[],
  leafHashes: readonly Uint8Array[],
): { size: number; border: Uint8Array[]; newNodes: SubtreeNode[] } {
  const keys = borderKeys(size);
  if (border.length !== keys.length) {
    throw new AuditError(
      'audit.invalid_argument',
      `a tree of ${size} leaves has ${keys.length} border hashes, got ${border.length}`,
    );
  }
  assertSize(size + leafHashes.length, 'new tree size');
  const stack: SubtreeNode[] = keys.map((key, i) => {
    const hash = border[i];
    assertHash(hash, `border hash ${i}`);
    return { ...key, hash };
  });
  const newNodes: SubtreeNode[] = [];
  let nextIndex = size;
  for (const [i, hash] of leafHashes.entries()) {
    assertHash(hash, `leaf hash ${i}`);
    let node: SubtreeNode = { level: 0, index: nextIndex, hash };
    newNodes.push(node);
    // Appending a leaf is a binary increment of the size: equal-level subtrees at the end of the border carry.
    while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      newNodes.push(node);
    }
    stack.push(node);
    nextIndex++;
  }
  return { size: nextIndex, border: stack.map((node) => node.hash), newNodes };
}

/**
 * The root hash of a tree from its right border (the hashes of {@link borderKeys}(size)): folded right to
 * left with the node hash; the empty border gives the empty tree's root (RFC 9162 §2.1.1).
 */
export function rootFromBorder(border: readonly Uint8Array[]): Uint8Array {
  return hashOfSubtreeParts(border);
}

/**
 * Splits a leaf range [start, end) into complete, aligned subtrees, left to right.
 *
 * The range must be one that occurs in RFC 9162 proofs: `start` is a multiple of a power of two that is at
 * least the range's length, i.e. a left-aligned subtree possibly cut on the right by the edge of the tree.
 * Then the parts are one per set bit of the length, highest first, and {@link hashOfSubtreeParts} of their
 * hashes is the Merkle Tree Hash of the range.
 *
 * @throws AuditError `audit.range_not_aligned` for any other range.
 * @example subtreeKeysOfRange(8, 13) // [{ level: 2, index: 2 }, { level: 0, index: 12 }]
 */
export function subtreeKeysOfRange(start: number, end: number): NodeKey[] {
  assertSize(start, 'range start');
  assertSize(end, 'range end');
  if (end < start) throw new AuditError('audit.range_not_aligned', `range [${start}, ${end}) is reversed`);
  const length = end - start;
  if (length === 0) return [];
  const topLevel = highestLevelWithin(length);
  const alignment = 2 ** topLevel === length ? length : 2 ** (topLevel + 1);
  if (start % alignment !== 0) {
    throw new AuditError(
      'audit.range_not_aligned',
      `range [${start}, ${end}) does not start on a multiple of ${alignment}`,
    );
  }
  const keys: NodeKey[] = [];
  let covered = start;
  for (let level = topLevel; level >= 0; level--) {
    const width = 2 ** level;
    if (end - covered >= width) {
      keys.push({ level, index: covered / width });
      covered += width;
    }
  }
  return keys;
}

/**
 * The Merkle Tree Hash of a range from the hashes of its {@link subtreeKeysOfRange} parts: folded right to
 * left, because in RFC 9162 §2.1.1 the left part of every split is the largest complete subtree.
 */
export function hashOfSubtreeParts(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRootHash();
  let acc = hashes[hashes.length - 1];
  assertHash(acc, 'subtree hash');
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}
