import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditError } from './errors.js';
import { emptyRootHash, leafHash, nodeHash } from './hash.js';
import {
  appendLeaves,
  borderKeys,
  hashOfSubtreeParts,
  type NodeKey,
  rootFromBorder,
  rootOfLeafHashes,
  subtreeKeysOfRange,
} from './tree.js';

const here = import.meta.dirname ?? path.dirname(fileURLToPath(import.meta.url));
const conformanceDir = path.resolve(here, '../../../shared/conformance');
const referenceTreeFile = path.join(conformanceDir, 'merkle/reference-tree.json');
const hasReferenceTree = existsSync(referenceTreeFile);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const syntheticLeaves = (n: number) =>
  Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(i & 0xff, i >> 8)));

describe('hash', () => {
  it('hashes the empty tree, leaves and nodes as RFC 9162 §2.1.1 says', () => {
    expect(hex(emptyRootHash())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(leafHash(new Uint8Array()))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(leafHash(new Uint8Array())).toBeInstanceOf(Uint8Array);
    expect(() => nodeHash(new Uint8Array(31), new Uint8Array(32))).toThrow(AuditError);
  });
});

describe.skipIf(!hasReferenceTree)(
  hasReferenceTree ? 'RFC 6962 reference tree' : 'RFC 6962 reference tree: SKIPPED, conformance data missing',
  () => {
    const reference = hasReferenceTree
      ? (JSON.parse(readFileSync(referenceTreeFile, 'utf8')) as {
          leafInputs: string[];
          leafHashes: string[];
          rootHashes: { treeSize: number; root: string }[];
        })
      : { leafInputs: [], leafHashes: [], rootHashes: [] };
    const leaves = reference.leafInputs.map((input) => leafHash(fromHex(input)));

    it('has the reference leaf hashes', () => {
      expect(leaves.map(hex)).toEqual(reference.leafHashes);
    });

    it('has the reference root for every size 0..8, directly and incrementally', () => {
      let size = 0;
      let border: Uint8Array[] = [];
      for (const { treeSize, root } of reference.rootHashes) {
        expect(hex(rootOfLeafHashes(leaves.slice(0, treeSize)))).toBe(root);
        ({ size, border } = appendLeaves(size, border, leaves.slice(size, treeSize)));
        expect(hex(rootFromBorder(border))).toBe(root);
      }
    });
  },
);

describe('borderKeys', () => {
  it('lists one complete subtree per set bit, highest first', () => {
    expect(borderKeys(0)).toEqual([]);
    expect(borderKeys(1)).toEqual([{ level: 0, index: 0 }]);
    expect(borderKeys(6)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
    ]);
    expect(borderKeys(7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
  });

  it('works beyond 32 bits', () => {
    const size = 2 ** 40 + 5;
    expect(borderKeys(size)).toEqual([
      { level: 40, index: 0 },
      { level: 2, index: 2 ** 38 },
      { level: 0, index: 2 ** 40 + 4 },
    ]);
    expect(borderKeys(Number.MAX_SAFE_INTEGER)).toHaveLength(53);
  });

  it('rejects sizes that are not safe integers ≥ 0', () => {
    for (const size of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => borderKeys(size)).toThrow(expect.objectContaining({ code: 'audit.size_out_of_range' }));
    }
  });
});

describe('appendLeaves', () => {
  it('reports every leaf and every interior node that became complete', () => {
    const leaves = syntheticLeaves(4);
    const { newNodes } = appendLeaves(0, [], leaves);
    expect(newNodes.map(({ level, index }) => `${level}/${index}`)).toEqual([
      '0/0',
      '0/1',
      '1/0',
      '0/2',
      '0/3',
      '1/1',
      '2/0',
    ]);
    expect(newNodes.at(-1)!.hash).toEqual(rootOfLeafHashes(leaves));
  });

  it('rejects a border of the wrong length or a hash of the wrong size', () => {
    const leaves = syntheticLeaves(3);
    expect(() => appendLeaves(3, [leaves[0]!], [])).toThrow(
      expect.objectContaining({ code: 'audit.invalid_argument' }),
    );
    expect(() => appendLeaves(0, [], [new Uint8Array(31)])).toThrow(
      expect.objectContaining({ code: 'audit.invalid_argument' }),
    );
  });

  it('gives the MTH of every prefix whatever the batch sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 40 }), (batches) => {
        const leaves = syntheticLeaves(batches.reduce((a, b) => a + b, 0));
        let size = 0;
        let border: Uint8Array[] = [];
        const stored = new Map<string, Uint8Array>();
        for (const batch of batches) {
          const result = appendLeaves(size, border, leaves.slice(size, size + batch));
          for (const node of result.newNodes) stored.set(`${node.level}/${node.index}`, node.hash);
          ({ size, border } = result);
          expect(rootFromBorder(border)).toEqual(rootOfLeafHashes(leaves.slice(0, size)));
        }
        // Every complete subtree of the final tree was reported, with its MTH.
        for (let level = 0; 2 ** level <= size; level++) {
          for (let index = 0; (index + 1) * 2 ** level <= size; index++) {
            const leavesOfNode = leaves.slice(index * 2 ** level, (index + 1) * 2 ** level);
            expect(stored.get(`${level}/${index}`)).toEqual(rootOfLeafHashes(leavesOfNode));
          }
        }
        expect(stored.size).toBe(size === 0 ? 0 : 2 * size - popCount(size));
      }),
      { numRuns: 60 },
    );
  });
});

function popCount(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

describe('subtreeKeysOfRange', () => {
  const keyText = (keys: NodeKey[]) => keys.map(({ level, index }) => `${level}/${index}`);

  it('splits a left-aligned range into its complete subtrees', () => {
    expect(keyText(subtreeKeysOfRange(8, 13))).toEqual(['2/2', '0/12']);
    expect(keyText(subtreeKeysOfRange(0, 7))).toEqual(['2/0', '1/2', '0/6']);
    expect(keyText(subtreeKeysOfRange(16, 32))).toEqual(['4/1']);
    expect(subtreeKeysOfRange(5, 5)).toEqual([]);
  });

  it('rejects ranges that no proof contains', () => {
    for (const [start, end] of [
      [1, 3],
      [4, 9],
      [6, 10],
      [3, 2],
    ] as const) {
      expect(() => subtreeKeysOfRange(start, end)).toThrow(
        expect.objectContaining({ code: 'audit.range_not_aligned' }),
      );
    }
  });

  it('folds to the MTH of the range', () => {
    const leaves = syntheticLeaves(64);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.nat(), fc.nat(), (levelOfAlignment, slot, cut) => {
        const width = 2 ** levelOfAlignment;
        const start = (slot % (64 / width)) * width;
        const end = start + (cut % width) + 1;
        const parts = subtreeKeysOfRange(start, end).map(({ level, index }) =>
          rootOfLeafHashes(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
        );
        expect(hashOfSubtreeParts(parts)).toEqual(rootOfLeafHashes(leaves.slice(start, end)));
      }),
    );
  });
});
