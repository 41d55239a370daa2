import {
  encodeEntryBundle,
  encodeHashTile,
  isTileWithin,
  parseTilePath,
  TILE_WIDTH,
  type TileAddress,
  tileNodeKeys,
} from '../../audit/tiles.js';
import { AppError } from '../errors.js';
import type { LedgerReads } from '../ports.js';

/** A tile's bytes, and whether it is full (immutable for ever) or partial (superseded as the log grows). */
export interface TileBytes {
  readonly bytes: Uint8Array;
  readonly full: boolean;
}

/**
 * Resolves a tile path against the latest signed checkpoint: only what a checkpoint commits to is served, so a
 * mirror never caches a tile no signed tree covers (tlog-tiles §Partial Tiles: clients fetch partial tiles only
 * for a checkpoint that requires them).
 */
async function resolveTile(
  reads: LedgerReads,
  path: string,
  kind: 'hashes' | 'entries',
): Promise<TileAddress> {
  const parsed = parseTilePath(path);
  const notFound = (why: string) => new AppError('audit.tile_not_found', why, { path: `tile/${path}` });
  if (!parsed.ok) throw notFound(parsed.why);
  if (parsed.kind !== kind) throw notFound('not a tile of this kind');
  const checkpoint = await reads.latestCheckpoint();
  if (!checkpoint || !isTileWithin(parsed, checkpoint.treeSize)) {
    throw notFound(`the latest checkpoint (size ${checkpoint?.treeSize ?? 0}) does not cover this tile`);
  }
  return parsed;
}

/**
 * A hash tile (tlog-tiles §Merkle Tree) from the stored complete subtrees: one read of at most 256 nodes, since
 * hash i of tile (L, N) is the stored node at level 8L, index 256N + i.
 *
 * @param path the URL path after `tile/`, e.g. `1/x001/234.p/17`.
 * @throws AppError `audit.tile_not_found` for a malformed path or a tile beyond the latest checkpoint.
 */
export async function readHashTile(reads: LedgerReads, path: string): Promise<TileBytes> {
  const tile = await resolveTile(reads, path, 'hashes');
  return {
    bytes: encodeHashTile(await reads.readNodes(tileNodeKeys(tile))),
    full: tile.width === TILE_WIDTH,
  };
}

/**
 * An entry bundle (tlog-tiles §Log entries): the exact leaf bytes of entries [256N, 256N + W), each hashing to
 * the matching hash of level 0 tile N.
 *
 * @param path the URL path after `tile/`, e.g. `entries/003.p/17`.
 * @throws AppError `audit.tile_not_found` for a malformed path or a bundle beyond the latest checkpoint.
 */
export async function readEntryBundle(reads: LedgerReads, path: string): Promise<TileBytes> {
  const tile = await resolveTile(reads, path, 'entries');
  const events = await reads.readEvents(tile.index * TILE_WIDTH, tile.width);
  if (events.length !== tile.width) {
    throw new AppError('audit.tile_not_found', 'the log holds fewer entries than its checkpoint', {
      path: `tile/${path}`,
    });
  }
  return { bytes: encodeEntryBundle(events.map((event) => event.leaf)), full: tile.width === TILE_WIDTH };
}
