import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash } from './hash.js';
import {
  consistencyProofFromLeaves,
  consistencyProofPlan,
  inclusionProofFromLeaves,
  inclusionProofPlan,
  rootPlan,
} from './proof.js';
import { appendLeaves, type NodeKey, rootFromBorder, rootOfLeafHashes } from './tree.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

const MAX_LEAVES = 2000;
const allLeaves = Array.from({ length: MAX_LEAVES }, (_, i) =>
  leafHash(Uint8Array.of(i & 0xff, i >> 8, 0x5a)),
);

/** A tree grown in the given batch sizes, its complete subtrees stored as a store would keep them. */
function grow(size: number, batchSizes: readonly number[]) {
  const stored = new Map<string, Uint8Array>();
  const rootsBySize = new Map<number, Uint8Array>([[0, rootFromBorder([])]]);
  let grown = 0;
  let border: Uint8Array[] = [];
  for (let batch = 0; grown < size; batch++) {
    const count = Math.min(size - grown, batchSizes[batch % batchSizes.length]!);
    const result = appendLeaves(grown, border, allLeaves.slice(grown, grown + count));
    for (const node of result.newNodes) stored.set(`${node.level}/${node.index}`, node.hash);
    ({ size: grown, border } = result);
    rootsBySize.set(grown, rootFromBorder(border));
  }
  const read = (keys: readonly NodeKey[]) =>
    keys.map(({ level, index }) => {
      const hash = stored.get(`${level}/${index}`);
      if (!hash) throw new Error(`node ${level}/${index} was never stored`);
      return hash;
    });
  return { stored, rootsBySize, read };
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

const treeArbitrary = fc
  .record({
    size: fc.integer({ min: 1, max: MAX_LEAVES }),
    batchSizes: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
    picks: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }),
    bit: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ size, batchSizes, picks, bit }) => ({
    size,
    batchSizes,
    bit,
    pairs: picks.map(([a, b]) => {
      const n = (b % size) + 1;
      return { i: a % n, m: (a % n) + 1, n };
    }),
  }));

describe('proof plans over stored subtrees', () => {
  it('give the RFC 9162 proofs, which verify, and any flipped bit breaks them', () => {
    fc.assert(
      fc.property(treeArbitrary, ({ size, batchSizes, pairs, bit }) => {
        const { read } = grow(size, batchSizes);
        for (const { i, m, n } of pairs) {
          const leaves = allLeaves.slice(0, n);
          const root = rootOfLeafHashes(leaves);
          const rootOfM = rootOfLeafHashes(allLeaves.slice(0, m));
          expect(rootPlan(n).assemble(read(rootPlan(n).keys))).toEqual(root);

          // RFC 9162 §2.1.3: inclusion of leaf i in the tree of n leaves.
          const inclusionPlan = inclusionProofPlan(i, n);
          const inclusion = inclusionPlan.assemble(read(inclusionPlan.keys));
          expect(inclusion).toEqual(inclusionProofFromLeaves(i, leaves));
          const inclusionInput = {
            leafIndex: BigInt(i),
            treeSize: BigInt(n),
            leafHash: allLeaves[i]!,
            proof: inclusion,
            rootHash: root,
          };
          expect(verifyInclusion(inclusionInput)).toEqual({ ok: true });
          expect(verifyInclusion({ ...inclusionInput, leafHash: flipBit(allLeaves[i]!, bit) }).ok).toBe(
            false,
          );
          expect(verifyInclusion({ ...inclusionInput, rootHash: flipBit(root, bit) }).ok).toBe(false);
          for (const [k, hash] of inclusion.entries()) {
            const proof = inclusion.with(k, flipBit(hash, bit));
            expect(verifyInclusion({ ...inclusionInput, proof }).ok).toBe(false);
          }

          // RFC 9162 §2.1.4: consistency of the first m leaves with the first n.
          const consistencyPlan = consistencyProofPlan(m, n);
          const consistency = consistencyPlan.assemble(read(consistencyPlan.keys));
          expect(consistency).toEqual(consistencyProofFromLeaves(m, leaves));
          const consistencyInput = {
            size1: BigInt(m),
            size2: BigInt(n),
            root1: rootOfM,
            root2: root,
            proof: consistency,
          };
          expect(verifyConsistency(consistencyInput)).toEqual({ ok: true });
          expect(verifyConsistency({ ...consistencyInput, root1: flipBit(rootOfM, bit) }).ok).toBe(false);
          expect(verifyConsistency({ ...consistencyInput, root2: flipBit(root, bit) }).ok).toBe(false);
          for (const [k, hash] of consistency.entries()) {
            const proof = consistency.with(k, flipBit(hash, bit));
            expect(verifyConsistency({ ...consistencyInput, proof }).ok).toBe(false);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('give the MTH of every prefix from the stored nodes, equal to the incremental roots', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }),
        (size, batchSizes) => {
          const { read, rootsBySize } = grow(size, batchSizes);
          for (let n = 0; n <= size; n++) {
            const expected = rootOfLeafHashes(allLeaves.slice(0, n));
            const plan = rootPlan(n);
            expect(plan.assemble(read(plan.keys))).toEqual(expected);
            const incremental = rootsBySize.get(n);
            if (incremental) expect(incremental).toEqual(expected);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('break verification when any single bit of any hash flips (exhaustive over bits, one tree)', () => {
    const n = 13;
    const leaves = allLeaves.slice(0, n);
    const root = rootOfLeafHashes(leaves);
    const input = {
      leafIndex: 6n,
      treeSize: BigInt(n),
      leafHash: leaves[6]!,
      proof: inclusionProofFromLeaves(6, leaves),
      rootHash: root,
    };
    const consistency = {
      size1: 6n,
      size2: BigInt(n),
      root1: rootOfLeafHashes(leaves.slice(0, 6)),
      root2: root,
      proof: consistencyProofFromLeaves(6, leaves),
    };
    expect(verifyInclusion(input).ok).toBe(true);
    expect(verifyConsistency(consistency).ok).toBe(true);
    for (let bit = 0; bit < 256; bit++) {
      expect(verifyInclusion({ ...input, leafHash: flipBit(input.leafHash, bit) }).ok).toBe(false);
      expect(verifyInclusion({ ...input, rootHash: flipBit(root, bit) }).ok).toBe(false);
      for (const [k, hash] of input.proof.entries()) {
        expect(verifyInclusion({ ...input, proof: input.proof.with(k, flipBit(hash, bit)) }).ok).toBe(false);
      }
      expect(verifyConsistency({ ...consistency, root1: flipBit(consistency.root1, bit) }).ok).toBe(false);
      for (const [k, hash] of consistency.proof.entries()) {
        expect(
          verifyConsistency({ ...consistency, proof: consistency.proof.with(k, flipBit(hash, bit)) }).ok,
        ).toBe(false);
      }
    }
  });

  it('deduplicate keys and need no more than O(log n) of them', () => {
    const plan = inclusionProofPlan(1234, 1999);
    const ids = plan.keys.map(({ level, index }) => `${level}/${index}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(plan.keys.length).toBeLessThanOrEqual(2 * 11);
  });

  it('work for sizes beyond 32 bits without touching the leaves', () => {
    const size = 2 ** 40 + 3;
    expect(inclusionProofPlan(size - 1, size).keys).toEqual([
      { level: 1, index: 2 ** 39 },
      { level: 40, index: 0 },
    ]);
    expect(consistencyProofPlan(2 ** 33, size).keys.length).toBeGreaterThan(0);
  });

  it('check their ranges', () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return undefined;
    };
    expect(codeOf(() => inclusionProofPlan(3, 3))).toBe('audit.index_out_of_range');
    expect(codeOf(() => inclusionProofPlan(-1, 3))).toBe('audit.index_out_of_range');
    expect(codeOf(() => inclusionProofPlan(0, 0))).toBe('audit.index_out_of_range');
    expect(codeOf(() => inclusionProofPlan(0, 2 ** 53))).toBe('audit.size_out_of_range');
    expect(codeOf(() => consistencyProofPlan(0, 3))).toBe('audit.size_out_of_range');
    expect(codeOf(() => consistencyProofPlan(4, 3))).toBe('audit.size_out_of_range');
    expect(consistencyProofPlan(3, 3).keys).toEqual([]);
    expect(consistencyProofPlan(3, 3).assemble([])).toEqual([]);
    expect(codeOf(() => inclusionProofPlan(0, 2).assemble([]))).toBe('audit.invalid_argument');
    expect(codeOf(() => inclusionProofFromLeaves(2, allLeaves.slice(0, 2)))).toBe('audit.index_out_of_range');
    expect(codeOf(() => consistencyProofFromLeaves(3, allLeaves.slice(0, 2)))).toBe(
      'audit.size_out_of_range',
    );
  });
});
