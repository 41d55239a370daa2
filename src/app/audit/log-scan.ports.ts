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
 *   every header text made of printable ASCII other than `"` and `\` (which RFC 8785 writes as they are), and the
 *   version a safe integer ≥ 0; 0 when anything differs or is of another type. Never 1 for a row that
 *   `leafSaysRow` would not accept.
 * - `leafText`: the leaf's bytes decoded as UTF-8, with U+FFFD for any invalid sequence (so a text without U+FFFD
 *   re-encodes to exactly the leaf's bytes); null when the leaf is not a blob.
 * - `writerMacHex`, `leafHashHex`: the writer's MAC and the stored level-0 node as lower-case hex; null when absent
 *   or not a blob.
 */
export type ScannedLogRow = readonly [
  index: number,
  rowIsLeaf: number,
  leafText: string | null,
  writerMacHex: string | null,
  leafHashHex: string | null,
];

export interface LogScan {
  /** The entries with index in [from, end), in index order; a missing entry is simply not there. */
  readRows(from: number, end: number): Promise<readonly ScannedLogRow[]>;
  close(): Promise<void>;
}
