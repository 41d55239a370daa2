/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the Merkle tree served as static "tiles" of 256 consecutive
 * hashes at heights 0, 8, 16…, and the entries as length-prefixed bundles. Paths are parsed strictly, as they
 * come from anyone on the network; a path is accepted only in its one canonical spelling, so that a cache holds
 * one copy per tile.
 */
import { AuditError } from './errors.js';
import { HASH_SIZE } from './hash.js';
import { assertHash, assertSize, type NodeKey, rootOfLeafHashes } from './tree.js';

/** tlog-tiles §Merkle Tree: a full tile is exactly 256 hashes (8,192 bytes) wide. */
export const TILE_WIDTH = 256;
/** tlog-tiles §Merkle Tree: each tile level spans 8 levels of the tree (256 = 2^8). */
export const TILE_HEIGHT = 8;
/** tlog-tiles §Merkle Tree: `<L>` is between 0 and 63. */
export const MAX_TILE_LEVEL = 63;
/** tlog-tiles §Log entries: entries are prefixed by a big-endian uint16 length. */
export const MAX_BUNDLE_ENTRY_BYTES = 0xffff;

/** One tile (or entry bundle) as its path names it: `width` is 256 for a full tile, 1–255 for a partial one. */
export interface TileAddress {
  /** The tile level `<L>`; entry bundles are named with level 0 coordinates. */
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** A parsed tile path: a hash tile, or an entry bundle (`tile/entries/…`). */
export type ParsedTilePath =
  | ({ readonly ok: true; readonly kind: 'hashes' | 'entries' } & TileAddress)
  | { readonly ok: false; readonly why: string };

const DECIMAL_NO_LEADING_ZERO = /^(?:0|[1-9][0-9]*)$/;
const INDEX_ELEMENT = /^x?[0-9]{3}$/;
/** Enough 3-digit elements for any safe integer (2^53 has 16 digits). */
const MAX_INDEX_ELEMENTS = 6;

/**
 * The path form of a tile index (tlog-tiles §Merkle Tree): zero-padded 3-digit elements, all but the last
 * prefixed by `x`.
 *
 * @example formatTileIndex(1234067) // 'x001/x234/067'
 */
export function formatTileIndex(index: number): string {
  assertSize(index, 'tile index');
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

/**
 * The path of a tile below the log prefix, without a leading slash.
 *
 * @example tilePath({ level: 1, index: 0, width: 17 }) // 'tile/1/000.p/17'
 * @example tilePath({ level: 0, index: 3, width: 256 }, 'entries') // 'tile/entries/003'
 */
export function tilePath(tile: TileAddress, kind: 'hashes' | 'entries' = 'hashes'): string {
  assertTile(tile);
  const head = kind === 'entries' ? 'tile/entries' : `tile/${tile.level}`;
  const suffix = tile.width === TILE_WIDTH ? '' : `.p/${tile.width}`;
  return `${head}/${formatTileIndex(tile.index)}${suffix}`;
}

function assertTile(tile: TileAddress): void {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > MAX_TILE_LEVEL) {
    throw new AuditError('audit.invalid_argument', `tile level must be 0–${MAX_TILE_LEVEL}`);
  }
  assertSize(tile.index, 'tile index');
  if (!Number.isInteger(tile.width) || tile.width < 1 || tile.width > TILE_WIDTH) {
    throw new AuditError('audit.invalid_argument', `tile width must be 1–${TILE_WIDTH}`);
  }
}

/**
 * Parses the part of a tile URL after `tile/`: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`. Only the canonical
 * spelling is accepted (no leading zeroes in `<L>` or `<W>`, no `x000/` prefix on `<N>`, `W` below 256): it is
 * re-encoded and compared.
 */
export function parseTilePath(path: string): ParsedTilePath {
  const refuse = (why: string) => ({ ok: false as const, why });
  if (typeof path !== 'string' || path.length > 64) return refuse('not a tile path');
  const parts = path.split('/');
  const head = parts.shift();
  let kind: 'hashes' | 'entries' = 'hashes';
  let level = 0;
  if (head === 'entries') kind = 'entries';
  else if (head !== undefined && DECIMAL_NO_LEADING_ZERO.test(head) && Number(head) <= MAX_TILE_LEVEL) {
    level = Number(head);
  } else return refuse('tile level must be a decimal 0–63 without leading zeroes');

  let width = TILE_WIDTH;
  const last = parts.at(-1);
  const beforeLast = parts.at(-2);
  if (beforeLast?.endsWith('.p') && last !== undefined) {
    if (!DECIMAL_NO_LEADING_ZERO.test(last) || Number(last) < 1 || Number(last) >= TILE_WIDTH) {
      return refuse('partial tile width must be a decimal 1–255 without leading zeroes');
    }
    width = Number(last);
    parts.pop();
    parts[parts.length - 1] = beforeLast.slice(0, -2);
  }
  if (parts.length === 0 || parts.length > MAX_INDEX_ELEMENTS || !parts.every((p) => INDEX_ELEMENT.test(p))) {
    return refuse('tile index must be 3-digit elements, all but the last starting with x');
  }
  const index = Number(parts.map((p) => p.replace('x', '')).join(''));
  if (!Number.isSafeInteger(index) || formatTileIndex(index) !== parts.join('/')) {
    return refuse('tile index is not in its canonical form');
  }
  return { ok: true, kind, level, index, width };
}

/** The number of complete hashes at tile level `level` in a tree of `treeSize` leaves: ⌊size / 256^L⌋. */
export function hashesAtTileLevel(level: number, treeSize: number): number {
  assertSize(treeSize, 'tree size');
  return Math.floor(treeSize / TILE_WIDTH ** level);
}

/**
 * Whether a tree of `treeSize` leaves holds every hash of the tile: its `width` hashes at tile level `level`
 * starting at `index·256` are all complete subtrees. Partial tiles of any width up to the edge are served, not
 * only the one of the latest size, because a client may hold an older checkpoint (tlog-tiles §Partial Tiles).
 */
export function isTileWithin(tile: TileAddress, treeSize: number): boolean {
  assertTile(tile);
  return tile.index * TILE_WIDTH + tile.width <= hashesAtTileLevel(tile.level, treeSize);
}

/**
 * The stored subtrees whose hashes make up a tile, in order: hash i of tile (L, N) is the Merkle Tree Hash of
 * leaves [(N·256 + i)·256^L, (N·256 + i + 1)·256^L), i.e. the tree node at level 8L, index N·256 + i
 * (tlog-tiles §Merkle Tree).
 */
export function tileNodeKeys(tile: TileAddress): NodeKey[] {
  assertTile(tile);
  const level = tile.level * TILE_HEIGHT;
  const first = tile.index * TILE_WIDTH;
  return Array.from({ length: tile.width }, (_, i) => ({ level, index: first + i }));
}

/** The bytes of a hash tile: its hashes concatenated. */
export function encodeHashTile(hashes: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(hashes.length * HASH_SIZE);
  for (const [i, hash] of hashes.entries()) {
    assertHash(hash, `tile hash ${i}`);
    bytes.set(hash, i * HASH_SIZE);
  }
  return bytes;
}

/**
 * Splits hash tile bytes received from a server into hashes. Returns undefined when the length is not
 * `expectedWidth` hashes: a client must not use a tile of the wrong width.
 */
export function decodeHashTile(bytes: Uint8Array, expectedWidth: number): Uint8Array[] | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length !== expectedWidth * HASH_SIZE) return undefined;
  return Array.from({ length: expectedWidth }, (_, i) => bytes.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
}

/**
 * An entry bundle (tlog-tiles §Log entries): each entry prefixed by its length as a big-endian uint16.
 *
 * @throws AuditError `audit.invalid_argument` for an entry longer than 65,535 bytes, which the format cannot carry.
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const [i, entry] of entries.entries()) {
    if (!(entry instanceof Uint8Array) || entry.length > MAX_BUNDLE_ENTRY_BYTES) {
      throw new AuditError('audit.invalid_argument', `entry ${i} does not fit a uint16 length prefix`);
    }
    total += 2 + entry.length;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const entry of entries) {
    bytes[at] = entry.length >> 8;
    bytes[at + 1] = entry.length & 0xff;
    bytes.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return bytes;
}

/** Splits an entry bundle into its entries; undefined when the bytes are not a well-formed bundle. */
export function decodeEntryBundle(bytes: Uint8Array): Uint8Array[] | undefined {
  if (!(bytes instanceof Uint8Array)) return undefined;
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) return undefined;
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + length > bytes.length) return undefined;
    entries.push(bytes.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}

/**
 * Where a client finds a tree node in the tiles: node (level, index) lies in tile level ⌊level/8⌋, and is the
 * Merkle Tree Hash of `count` = 2^(level mod 8) consecutive hashes of that level starting at hash `first`
 * (tlog-tiles §Merkle Tree: "the Merkle Tree levels between those expressed by the tile hashes are
 * reconstructed by hashing the leaves"). The tile is the one holding those hashes; a client picks a full or a
 * partial width from the tree size it verifies.
 */
export function nodeInTiles(key: NodeKey): {
  readonly tileLevel: number;
  readonly tileIndex: number;
  readonly first: number;
  readonly count: number;
} {
  assertSize(key.level, 'node level');
  assertSize(key.index, 'node index');
  const tileLevel = Math.floor(key.level / TILE_HEIGHT);
  const count = 2 ** (key.level % TILE_HEIGHT);
  const firstHash = key.index * count;
  const tileIndex = Math.floor(firstHash / TILE_WIDTH);
  return { tileLevel, tileIndex, first: firstHash - tileIndex * TILE_WIDTH, count };
}

/** The hash of a node from the hashes of the tile {@link nodeInTiles} names. */
export function nodeHashFromTile(key: NodeKey, tileHashes: readonly Uint8Array[]): Uint8Array {
  const { first, count } = nodeInTiles(key);
  if (first + count > tileHashes.length) {
    throw new AuditError(
      'audit.invalid_argument',
      `the tile is too narrow for node (${key.level}, ${key.index})`,
    );
  }
  // 2^r consecutive complete subtrees of equal height form one complete subtree: RFC 9162 §2.1.1 over them.
  return rootOfLeafHashes(tileHashes.slice(first, first + count));
}

/**
 * The tile at (`level`, `index`) as a tree of `treeSize` leaves shows it: full when the tree holds all 256 of
 * its hashes, else partial with the hashes it holds (tlog-tiles §Partial Tiles); undefined when it holds none.
 *
 * @example tileForTreeSize(1, 0, 70_000) // { level: 1, index: 0, width: 17 }
 */
export function tileForTreeSize(level: number, index: number, treeSize: number): TileAddress | undefined {
  const width = Math.min(TILE_WIDTH, hashesAtTileLevel(level, treeSize) - index * TILE_WIDTH);
  return width >= 1 ? { level, index, width } : undefined;
}
