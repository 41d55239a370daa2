import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditError } from './errors.js';
import { leafHash } from './hash.js';
import {
  consistencyProofFromLeaves,
  consistencyProofPlan,
  inclusionProofFromLeaves,
  inclusionProofPlan,
  rootPlan,
} from './proof.js';
import {
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  encodeHashTile,
  formatTileIndex,
  isTileWithin,
  nodeHashFromTile,
  nodeInTiles,
  parseTilePath,
  TILE_WIDTH,
  type TileAddress,
  tileForTreeSize,
  tileNodeKeys,
  tilePath,
} from './tiles.js';
import { appendLeaves, type NodeKey, rootOfLeafHashes } from './tree.js';

/** The size tlog-tiles §Partial Tiles uses as its example. */
const SPEC_EXAMPLE_SIZE = 70_000;
const leaves = Array.from({ length: SPEC_EXAMPLE_SIZE }, (_, i) =>
  leafHash(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, i >> 16)),
);
/** Every complete subtree of the tree, as the store's audit_node table keeps them. */
const nodes = new Map<string, Uint8Array>();
for (const node of appendLeaves(0, [], leaves).newNodes) nodes.set(`${node.level}/${node.index}`, node.hash);

/** What the server does: a tile's bytes from the stored subtrees. */
function serveTile(tile: TileAddress, treeSize: number): Uint8Array | undefined {
  if (!isTileWithin(tile, treeSize)) return undefined;
  return encodeHashTile(tileNodeKeys(tile).map((key) => nodes.get(`${key.level}/${key.index}`)!));
}

/** What a client does: any node of the tree of `treeSize` leaves, from the tiles that tree requires. */
function nodeFromTiles(key: NodeKey, treeSize: number, fetched: Set<string>): Uint8Array {
  const where = nodeInTiles(key);
  const tile = tileForTreeSize(where.tileLevel, where.tileIndex, treeSize);
  if (!tile) throw new Error(`no tile holds node (${key.level}, ${key.index})`);
  const bytes = serveTile(tile, treeSize);
  if (!bytes) throw new Error(`the server refused ${tilePath(tile)}`);
  fetched.add(tilePath(tile));
  return nodeHashFromTile(key, decodeHashTile(bytes, tile.width)!);
}

describe('tile paths (tlog-tiles §Merkle Tree)', () => {
  it('encodes indexes as 3-digit elements, all but the last with an x, as the spec example', () => {
    expect(formatTileIndex(1_234_067)).toBe('x001/x234/067');
    expect(formatTileIndex(0)).toBe('000');
    expect(formatTileIndex(999)).toBe('999');
    expect(formatTileIndex(1000)).toBe('x001/000');
    expect(tilePath({ level: 1, index: 0, width: 17 })).toBe('tile/1/000.p/17');
    expect(tilePath({ level: 0, index: 1_234_067, width: TILE_WIDTH }, 'entries')).toBe(
      'tile/entries/x001/x234/067',
    );
  });

  it('parses every path it formats back to the same tile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 256 }),
        fc.boolean(),
        (level, index, width, entries) => {
          const kind = entries ? 'entries' : 'hashes';
          const tile = { level: entries ? 0 : level, index, width };
          const parsed = parseTilePath(tilePath(tile, kind).slice('tile/'.length));
          expect(parsed).toEqual({ ok: true, kind, ...tile });
        },
      ),
    );
  });

  it.each([
    ['00/000', 'a level with a leading zero'],
    ['64/000', 'a level above 63'],
    ['0/0', 'an element of fewer than 3 digits'],
    ['0/x000/067', 'a non-canonical x000 prefix'],
    ['0/001/234', 'a non-last element without x'],
    ['0/x001', 'a last element with x'],
    ['0/000.p/0', 'a partial width of 0'],
    ['0/000.p/256', 'a partial width of 256 (that is the full tile)'],
    ['0/000.p/017', 'a width with a leading zero'],
    ['0/000.p', 'a partial tile without width'],
    ['entries/000.p/', 'an empty width'],
    ['x/000', 'a level that is not a number'],
    ['0/x009/x007/x199/x254/x740/993', 'an index beyond 2^53'],
  ])('refuses %s (%s)', (path) => {
    expect(parseTilePath(path).ok).toBe(false);
  });
});

describe('tiles of the spec example tree of 70,000 leaves (tlog-tiles §Partial Tiles)', () => {
  it('has 273 full level 0 tiles, a partial of 112, one full level 1 tile, a partial of 17, a level 2 partial of 1', () => {
    const fullAt = (level: number) => {
      let n = 0;
      while (isTileWithin({ level, index: n, width: TILE_WIDTH }, SPEC_EXAMPLE_SIZE)) n++;
      return n;
    };
    expect([fullAt(0), fullAt(1), fullAt(2)]).toEqual([273, 1, 0]);
    expect(tileForTreeSize(0, 273, SPEC_EXAMPLE_SIZE)).toEqual({ level: 0, index: 273, width: 112 });
    expect(tileForTreeSize(1, 1, SPEC_EXAMPLE_SIZE)).toEqual({ level: 1, index: 1, width: 17 });
    expect(tileForTreeSize(2, 0, SPEC_EXAMPLE_SIZE)).toEqual({ level: 2, index: 0, width: 1 });
    expect(tileForTreeSize(3, 0, SPEC_EXAMPLE_SIZE)).toBeUndefined();
    expect(isTileWithin({ level: 0, index: 273, width: 113 }, SPEC_EXAMPLE_SIZE)).toBe(false);
  });

  it('a tree of 256 is a full level 0 tile and a level 1 partial of width 1', () => {
    expect(tileForTreeSize(0, 0, 256)).toEqual({ level: 0, index: 0, width: 256 });
    expect(tileForTreeSize(1, 0, 256)).toEqual({ level: 1, index: 0, width: 1 });
  });

  it('level 1 hashes are the Merkle Tree Hashes of the full level 0 tiles', () => {
    const level1 = decodeHashTile(serveTile({ level: 1, index: 0, width: 256 }, SPEC_EXAMPLE_SIZE)!, 256)!;
    const level0 = decodeHashTile(serveTile({ level: 0, index: 5, width: 256 }, SPEC_EXAMPLE_SIZE)!, 256)!;
    expect(level1[5]).toEqual(rootOfLeafHashes(level0));
    expect(level0).toEqual(leaves.slice(5 * 256, 6 * 256));
  });

  it('a client rebuilding the root from tiles gets the root of tree.ts, for many sizes', () => {
    for (const size of [1, 2, 255, 256, 257, 65_535, 65_536, 65_537, SPEC_EXAMPLE_SIZE, 12_345]) {
      const plan = rootPlan(size);
      const fetched = new Set<string>();
      const root = plan.assemble(plan.keys.map((key) => nodeFromTiles(key, size, fetched)));
      expect(root, `size ${size}`).toEqual(rootOfLeafHashes(leaves.slice(0, size)));
      // The right edge of a tree needs at most one tile per level.
      expect(fetched.size, `size ${size}`).toBeLessThanOrEqual(2 * 3);
    }
  });

  it('inclusion and consistency proofs computed from tiles equal those computed from the leaves', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: SPEC_EXAMPLE_SIZE })
          .chain((size) =>
            fc.tuple(
              fc.constant(size),
              fc.integer({ min: 0, max: size - 1 }),
              fc.integer({ min: 1, max: size }),
            ),
          ),
        ([size, index, older]) => {
          const fetched = new Set<string>();
          const inclusion = inclusionProofPlan(index, size);
          expect(inclusion.assemble(inclusion.keys.map((key) => nodeFromTiles(key, size, fetched)))).toEqual(
            inclusionProofFromLeaves(index, leaves.slice(0, size)),
          );
          const consistency = consistencyProofPlan(older, size);
          expect(
            consistency.assemble(consistency.keys.map((key) => nodeFromTiles(key, size, fetched))),
          ).toEqual(consistencyProofFromLeaves(older, leaves.slice(0, size)));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('serves no tile the tree does not hold, so an empty tile is never served', () => {
    expect(serveTile({ level: 0, index: 274, width: 1 }, SPEC_EXAMPLE_SIZE)).toBeUndefined();
    expect(serveTile({ level: 1, index: 1, width: 18 }, SPEC_EXAMPLE_SIZE)).toBeUndefined();
    expect(serveTile({ level: 3, index: 0, width: 1 }, SPEC_EXAMPLE_SIZE)).toBeUndefined();
    expect(serveTile({ level: 0, index: 0, width: 1 }, 0)).toBeUndefined();
  });
});

describe('entry bundles (tlog-tiles §Log entries)', () => {
  it('prefixes each entry with its big-endian uint16 length, and decodes back', () => {
    const entries = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(300).fill(9)];
    const bundle = encodeEntryBundle(entries);
    expect([...bundle.slice(0, 7)]).toEqual([0, 0, 0, 3, 1, 2, 3]);
    expect([...bundle.slice(7, 9)]).toEqual([1, 44]);
    expect(decodeEntryBundle(bundle)).toEqual(entries);
  });

  it('refuses an entry the uint16 prefix cannot carry, and truncated bundles', () => {
    expect(() => encodeEntryBundle([new Uint8Array(65_536)])).toThrow(AuditError);
    expect(encodeEntryBundle([new Uint8Array(65_535)]).length).toBe(65_537);
    expect(decodeEntryBundle(Uint8Array.of(0))).toBeUndefined();
    expect(decodeEntryBundle(Uint8Array.of(0, 2, 1))).toBeUndefined();
  });
});
