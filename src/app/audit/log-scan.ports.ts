/**
 * The integrity check's fast read of the log (issue 13): what it needs of each entry to check it, done as far as it
 * can be in the database, and as text, which a driver hands over several times cheaper than a row object with
 * Buffers. The store's own `readLogRows` stays the exact read: the check turns to it for any row this one cannot
 * vouch for, and names a failure from it.
 */

/**
 * One entry as the scan reads it, a tuple as the driver returns it.
 *
 * - `rowIsLeaf`: 1 when the row's columns, framed as `log-entry.ts` frames a leaf, are byte for byte its leaf, with
 *   every header text one that RFC 8785 writes between quotes as it is (no `"`, `\` or control character), and the
 *   version a safe integer ≥ 0; 0 when anything differs or is of another type. Never 1 for a row that
 *   `leafSaysRow` would not accept.
 * - `leafText`: the leaf's bytes decoded as UTF-8, with U+FFFD for any invalid sequence (so a text without U+FFFD
 *   re-encodes to exactly the leaf's bytes); null when the leaf is not a blob.
 * - `writerMacHex`: the writer's MAC as lower-case hex; null when absent or not a blob.
 */
export type ScannedLogRow = readonly [
  index: number,
  rowIsLeaf: number,
  leafText: string | null,
  writerMacHex: string | null,
];

/** A page of the log as the scan reads it. */
export interface ScannedLogPage {
  /** The entries of the page that exist, in index order. */
  readonly rows: readonly ScannedLogRow[];
  /**
   * The stored level-0 nodes (leaf hashes) of every index of the page, from its first, each as 64 lower-case hex
   * digits, one after another: the hash of index i is at (i − from) × 64. Null unless every one of them is there as a
   * 32-byte blob. One text a page, not one a row: a driver makes each value it hands over, and a join a lookup a row.
   */
  readonly leafHashes: string | null;
}

export interface LogScan {
  /** The page of entries with index in [from, end); a missing entry is simply not among its rows. */
  readPage(from: number, end: number): Promise<ScannedLogPage>;
  close(): Promise<void>;
}
