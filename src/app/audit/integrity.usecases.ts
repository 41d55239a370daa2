import {
  borderKeys,
  bytesEqual,
  canonicalBytes,
  decodeLogEntry,
  describeHistoryBreak,
  type EntryAuthenticator,
  encodeLogEntry,
  HexBorder,
  LeafDigests,
  type LogEntry,
  leafHash,
  leafSaysRow,
  type NoteVerifier,
  openCheckpoint,
  parseVerifierKey,
  rootFromBorder,
  textsEqualInConstantTime,
  toHex,
} from '../../audit/index.js';
import { ALERTS_STREAM, integrityAlertRecord, raiseReadModelAlert } from '../alerts/index.js';
import type { Ledger } from '../ledger/index.js';
import {
  type CheckpointKeeper,
  compareLogWithKept,
  type HistoryBreakFinding,
  type KeptHead,
} from '../ledger/index.js';
import type {
  JsonObject,
  LedgerReads,
  NodeKey,
  StoredCheckpoint,
  StoredEvent,
  StoredLogRow,
} from '../ports.js';
import type { LogScan, ScannedLogPage, ScannedLogRow } from './log-scan.ports.js';
import type { ReadModelCheck, ReadModelCheckResult } from './read-model-check.js';
import { READ_MODEL_VERSION } from './read-model-projection.js';

/** Why a check failed: a closed set, so callers (the alert, `/readyz`, the CLI) can switch on it. */
export type IntegrityCode =
  | 'integrity.event_missing'
  | 'integrity.event_unreadable'
  | 'integrity.entry_mismatch'
  | 'integrity.leaf_hash_missing'
  | 'integrity.leaf_hash_mismatch'
  | 'integrity.orphan_leaf_hash'
  | 'integrity.subtree_mismatch'
  | 'integrity.entry_unauthenticated'
  | 'integrity.checkpoint_invalid'
  | 'integrity.checkpoint_root_mismatch'
  | 'integrity.checkpoint_beyond_log'
  | 'integrity.read_model_mismatch'
  | 'integrity.rollback'
  | 'integrity.fork';

/** The outcome of one full check of the stored log. */
export type IntegrityResult =
  | {
      readonly ok: true;
      readonly checkedAt: string;
      readonly logSize: number;
      readonly checkpointsChecked: number;
      /** Size of the largest checkpoint whose root and signature were verified, or null when none is signed yet. */
      readonly verifiedTreeSize: number | null;
      /** The root of the whole log (`logSize` leaves), recomputed from the leaves (RFC 9162 §2.1.1). */
      readonly rootHash: Uint8Array;
      /** The read models were compared with the log folded up to this many events (absent: not checked). */
      readonly readModelWatermark?: number;
      readonly durationMs: number;
      /** What this check verified, from which the next one can go on (`from`). */
      readonly prefix: VerifiedPrefix;
    }
  | {
      readonly ok: false;
      readonly checkedAt: string;
      readonly logSize: number;
      readonly checkpointsChecked: number;
      readonly code: IntegrityCode;
      /**
       * The first index that cannot be trusted. For a checkpoint whose root does not match while every row agrees
       * with its leaf and leaf hash, it is the first index past the last verified checkpoint.
       */
      readonly firstBadIndex: number;
      /** The tree size of the checkpoint that failed, when a checkpoint did. */
      readonly checkpointSize: number | null;
      readonly reason: string;
      /**
       * For `integrity.read_model_mismatch`: the table, the row's key and the first differing field (null for a
       * whole row); `firstBadIndex` is then the latest event the row derives from, and the log itself is sound.
       */
      readonly readModel?: { readonly table: string; readonly key: string; readonly field: string | null };
      readonly durationMs: number;
    };

export type IntegrityFailure = Extract<IntegrityResult, { ok: false }>;

/**
 * The part of the log a check has verified: its first `size` leaves, held as the right border of their tree (the
 * hashes of `borderKeys(size)`, RFC 9162 §2.1.1), with the checkpoints found on the way. A check given one goes on
 * from it (issue 13): it reads only the entries after it, so each cycle of the watch costs what was appended since.
 */
/** Which entries must carry a writer's MAC, and the key to check it with. */
export interface EntryMacRule {
  readonly authenticator: EntryAuthenticator;
  /** The log size when a release that writes MACs first started: every entry from this index on has one. */
  readonly requiredFrom: number;
}

export interface VerifiedPrefix {
  readonly size: number;
  readonly border: readonly Uint8Array[];
  readonly verifiedTreeSize: number | null;
  readonly checkpointsChecked: number;
}

const DEFAULT_BATCH = 5000;
/** Hex digits of one SHA-256 hash. */
const HEX_HASH = 64;

const CHECKPOINT_PAGE = 1000;

const ENTRY_FIELDS = ['index', 'eventId', 'streamId', 'streamVersion', 'type', 'recordedAt'] as const;

function entryOf(event: StoredEvent): LogEntry {
  return {
    index: event.index,
    eventId: event.eventId,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    type: event.type,
    recordedAt: event.recordedAt,
    data: event.data,
  };
}

/** Why a row does not match its leaf, or undefined when the leaf is exactly the row's canonical entry. */
function entryMismatch(event: StoredEvent): string | undefined {
  let expected: Uint8Array;
  try {
    expected = encodeLogEntry(entryOf(event));
  } catch (error) {
    return `the row cannot be encoded as a log entry: ${(error as Error).message}`;
  }
  if (bytesEqual(expected, event.leaf)) return undefined;
  let decoded: LogEntry;
  try {
    decoded = decodeLogEntry(event.leaf);
  } catch (error) {
    return `the leaf bytes are not a canonical log entry: ${(error as Error).message}`;
  }
  const differing: string[] = ENTRY_FIELDS.filter((field) => decoded[field] !== event[field]);
  if (!bytesEqual(canonicalBytes(decoded.data), canonicalBytes(event.data))) differing.push('data');
  return `the row's ${differing.join(', ') || 'fields'} differ from its leaf`;
}

/** Reads one page of rows; when the page cannot be read, finds the first row that cannot. */
async function readPage(
  reads: LedgerReads,
  from: number,
  limit: number,
): Promise<{ rows: StoredLogRow[] } | { unreadable: number; reason: string }> {
  try {
    return { rows: await reads.readLogRows(from, limit) };
  } catch (pageError) {
    const rows: StoredLogRow[] = [];
    for (let index = from; index < from + limit; index++) {
      try {
        const [row] = await reads.readLogRows(index, 1);
        if (!row) break;
        rows.push(row);
        index = row.index;
      } catch (error) {
        return { unreadable: index, reason: (error as Error).message };
      }
    }
    return { unreadable: rows.at(-1)?.index ?? from, reason: (pageError as Error).message };
  }
}

/**
 * Why a row does not say what its leaf says, or undefined when it does. Rows whose data text is the leaf's own (what
 * the writer stores) are compared as strings; any other is parsed and re-encoded, so a row written by an older
 * release is judged as before. `unreadable` when the row's data is not JSON at all.
 */
function rowMismatch(row: StoredLogRow): { unreadable?: true; reason: string } | undefined {
  if (leafSaysRow(row, row.dataText, row.leaf)) return undefined;
  let data: JsonObject;
  try {
    data = JSON.parse(row.dataText) as JsonObject;
  } catch (error) {
    return { unreadable: true, reason: `its data is not JSON: ${(error as Error).message}` };
  }
  const { dataText: _text, ...fields } = row;
  const reason = entryMismatch({ ...fields, data });
  return reason === undefined ? undefined : { reason };
}

/** Level-0 node hashes of `indices`; `undefined` where a node is missing (found one by one, only on failure). */
async function readLeafHashes(
  reads: LedgerReads,
  indices: readonly number[],
): Promise<(Uint8Array | undefined)[]> {
  const keys: NodeKey[] = indices.map((index) => ({ level: 0, index }));
  try {
    return await reads.readNodes(keys);
  } catch {
    const hashes: (Uint8Array | undefined)[] = [];
    for (const key of keys)
      hashes.push(
        await reads.readNodes([key]).then(
          ([hash]) => hash,
          () => undefined,
        ),
      );
    return hashes;
  }
}

/** The checkpoints in tree-size order from `start`, page by page. */
async function* iterateCheckpoints(
  reads: LedgerReads,
  start: number,
  end: number,
): AsyncGenerator<StoredCheckpoint> {
  let from = start;
  for (;;) {
    const page = await reads.readCheckpoints(from, CHECKPOINT_PAGE);
    for (const checkpoint of page) if (checkpoint.treeSize <= end) yield checkpoint;
    if (page.length < CHECKPOINT_PAGE) return;
    from = page.at(-1)!.treeSize + 1;
  }
}

/**
 * Recomputes the audit tree (RFC 9162 §2.1.1) from the stored events and checks the database against itself:
 *
 * - every event row's leaf bytes are exactly the canonical log entry of that row (`log-entry.ts`), so an edited
 *   column or an edited leaf shows;
 * - every leaf hashes (RFC 9162 §2.1.1, `0x00 ‖ leaf`) to the stored level-0 `audit_node`;
 * - the indices run 0, 1, 2, … without a gap up to the log size;
 * - every stored checkpoint is signed by `verifierKey` (C2SP signed-note), says what its row says, and its root is
 *   the recomputed root at its size; no checkpoint covers more events than the log holds;
 * - with `entryMacs`, every entry from its first index on carries its writer's MAC.
 *
 * Events stream in index order, `batchSize` at a time, and only the tree's right border is kept: memory is
 * O(batch + log n). Never throws on what it finds; a failing database connection does throw.
 *
 * With `scan` (issue 13) each page is first read the fast way (`log-scan.ports.ts`): a row the database holds to its
 * leaf, whose leaf text hashes to its stored leaf hash and MACs to its stored MAC, is taken from there; from the first
 * row that is not, the rest of the page is read and checked the exact way, which names what is wrong.
 *
 * @example
 * const result = await checkLogIntegrity({ reads: store, verifierKey });
 * if (!result.ok) console.error(`first bad index ${result.firstBadIndex}: ${result.reason}`);
 */
export async function checkLogIntegrity(args: {
  reads: LedgerReads;
  verifierKey: string | NoteVerifier;
  batchSize?: number;
  now?: () => Date;
  onProgress?: (checked: number, total: number) => void;
  /**
   * Go on from what an earlier check verified: only the entries and checkpoints after it are read. An entry
   * before it that was edited since is found by a check from the start (the watch's full sweep).
   */
  from?: VerifiedPrefix;
  /**
   * Check only the entries before this index, and the checkpoints up to it: one part of a check split in two
   * (`checkLogIntegrityInTwo`). What concerns the log's end (a checkpoint beyond it, an orphan leaf hash) is left
   * to the part that reaches it.
   */
  end?: number;
  /** Awaited between pages, so that a long check lets other work run (the watch passes a macrotask yield). */
  pause?: () => Promise<void>;
  /**
   * Each entry from `requiredFrom` on must carry its writer's MAC (`entry-mac.ts`, issue 13): a row appended by
   * hand, with consistent leaves and subtree hashes, has none. Entries before it were written by a release that
   * wrote none.
   */
  entryMacs?: EntryMacRule;
  /** The fast read of the log; without it every row is read the exact way (`readLogRows`). */
  scan?: LogScan;
  /** Ends the check between two pages, throwing the signal's reason. */
  signal?: AbortSignal;
}): Promise<IntegrityResult> {
  const { reads, scan, signal } = args;
  const now = args.now ?? (() => new Date());
  const started = Date.now();
  const checkedAt = now().toISOString();
  const verifier =
    typeof args.verifierKey === 'string' ? parseVerifierKey(args.verifierKey) : args.verifierKey;
  const batchSize = args.batchSize ?? DEFAULT_BATCH;
  // The latest checkpoint first: checkpoints are signed only over committed events, so one larger than the size
  // read after it means events were removed.
  const latest = await reads.latestCheckpoint();
  const logSize = await reads.logSize();
  const reachesEnd = args.end === undefined || args.end >= logSize;
  const checkedEnd = reachesEnd ? logSize : args.end!;

  const from = args.from;
  let checkpointsChecked = from?.checkpointsChecked ?? 0;
  let verifiedTreeSize: number | null = from?.verifiedTreeSize ?? null;
  const fail = (
    code: IntegrityCode,
    firstBadIndex: number,
    reason: string,
    checkpointSize: number | null = null,
  ): IntegrityResult => ({
    ok: false,
    checkedAt,
    logSize,
    checkpointsChecked,
    code,
    firstBadIndex,
    checkpointSize,
    reason,
    durationMs: Date.now() - started,
  });

  if (from && logSize < from.size) {
    return fail(
      'integrity.event_missing',
      logSize,
      `the log holds ${logSize} events, fewer than the ${from.size} already verified: events from ${logSize} on are gone`,
    );
  }
  const tree = new HexBorder(from?.size ?? 0, from?.border ?? []);
  // A checkpoint at the prefix's own size was verified with it.
  const checkpoints = iterateCheckpoints(reads, from ? from.size + 1 : 0, logSize);
  let next = (await checkpoints.next()).value as StoredCheckpoint | undefined;
  const checkCheckpointsAt = async (treeSize: number): Promise<IntegrityResult | undefined> => {
    while (next && next.treeSize === treeSize) {
      const checkpoint = next;
      const firstUnverified = verifiedTreeSize ?? 0;
      const opened = openCheckpoint(checkpoint.note, verifier);
      if (!opened.ok) {
        return fail(
          'integrity.checkpoint_invalid',
          firstUnverified,
          `checkpoint ${treeSize}: ${opened.message}`,
          treeSize,
        );
      }
      if (opened.treeSize !== BigInt(treeSize) || !bytesEqual(opened.rootHash, checkpoint.rootHash)) {
        return fail(
          'integrity.checkpoint_invalid',
          firstUnverified,
          `checkpoint ${treeSize}: the stored size or root differs from the signed note`,
          treeSize,
        );
      }
      if (!tree.hasRoot(opened.rootHash)) {
        return fail(
          'integrity.checkpoint_root_mismatch',
          firstUnverified,
          `checkpoint ${treeSize}: entries [${firstUnverified}, ${treeSize}) do not hash to its signed root`,
          treeSize,
        );
      }
      checkpointsChecked += 1;
      verifiedTreeSize = treeSize;
      next = (await checkpoints.next()).value as StoredCheckpoint | undefined;
    }
    return undefined;
  };

  if (!from) {
    const atStart = await checkCheckpointsAt(0);
    if (atStart) return atStart;
  }
  const macs = args.entryMacs;
  // The fast way computes the MAC itself from the rule's key: HMAC-SHA-256, which is what `entry-mac.ts` is.
  const digests = scan ? new LeafDigests(macs?.authenticator.key) : undefined;
  /** Whether a row read the fast way passes every check of the exact way (then its leaf hash is in `digests`). */
  const holds = (row: ScannedLogRow, index: number, page: ScannedLogPage, from: number): boolean => {
    const [rowIndex, rowIsLeaf, leafText, writerMacHex] = row;
    if (rowIndex !== index || rowIsLeaf !== 1 || leafText === null || page.leafHashes === null) return false;
    // A leaf that is not UTF-8 was decoded with U+FFFD, and its text no longer encodes its bytes.
    if (leafText.includes('\uFFFD')) return false;
    digests!.digest(leafText);
    const at = (index - from) * HEX_HASH;
    if (!page.leafHashes.startsWith(digests!.leafHash, at)) return false;
    if (!macs || index < macs.requiredFrom) return true;
    return writerMacHex !== null && textsEqualInConstantTime(digests!.mac, writerMacHex);
  };

  let expected = tree.size;
  const firstIndex = expected;
  while (expected < checkedEnd) {
    if (expected > firstIndex) {
      signal?.throwIfAborted();
      await args.pause?.();
    }
    const pageStart = expected;
    const pageEnd = Math.min(expected + batchSize, checkedEnd);
    if (scan) {
      let page: ScannedLogPage = { rows: [], leafHashes: null };
      try {
        page = await scan.readPage(pageStart, pageEnd);
      } catch {
        // Read the exact way below, which names the row that cannot be read.
      }
      for (const row of page.rows) {
        if (!holds(row, expected, page, pageStart)) break;
        tree.push(digests!.leafHash);
        expected += 1;
        if (next?.treeSize === expected) {
          const failed = await checkCheckpointsAt(expected);
          if (failed) return failed;
        }
      }
    }
    if (expected < pageEnd) {
      const failed = await checkExactly(expected, pageEnd);
      if (failed) return failed;
      expected = pageEnd;
    }
    args.onProgress?.(expected, checkedEnd);
  }

  /** Entries [start, end) read as stored and checked one by one; the first failure, if any. */
  async function checkExactly(start: number, end: number): Promise<IntegrityResult | undefined> {
    const page = await readPage(reads, start, end - start);
    if (!('rows' in page)) {
      return fail('integrity.event_unreadable', page.unreadable, `event ${page.unreadable}: ${page.reason}`);
    }
    const events = page.rows;
    let index = start;
    if (events.length === 0) {
      return fail('integrity.event_missing', index, `event ${index} is missing (the log holds ${logSize})`);
    }
    const hashes = await readLeafHashes(
      reads,
      events.map((event) => event.index),
    );
    for (const [i, event] of events.entries()) {
      if (event.index !== index) {
        return fail(
          'integrity.event_missing',
          index,
          `event ${index} is missing (the next row has index ${event.index})`,
        );
      }
      const mismatch = rowMismatch(event);
      if (mismatch?.unreadable) {
        return fail('integrity.event_unreadable', index, `event ${index}: ${mismatch.reason}`);
      }
      if (mismatch) return fail('integrity.entry_mismatch', index, `event ${index}: ${mismatch.reason}`);
      const hash = leafHash(event.leaf);
      const stored = hashes[i];
      if (!stored) {
        return fail('integrity.leaf_hash_missing', index, `event ${index}: its leaf hash node is missing`);
      }
      if (!bytesEqual(hash, stored)) {
        return fail(
          'integrity.leaf_hash_mismatch',
          index,
          `event ${index}: the stored leaf hash differs from the hash of its leaf`,
        );
      }
      if (
        macs &&
        event.index >= macs.requiredFrom &&
        !macs.authenticator.verify(event.leaf, event.writerMac)
      ) {
        return fail(
          'integrity.entry_unauthenticated',
          index,
          `event ${index} was not written by PortLedger: its writer's MAC is ${event.writerMac ? 'wrong' : 'missing'}`,
        );
      }
      tree.push(toHex(hash));
      index += 1;
      const failed = await checkCheckpointsAt(index);
      if (failed) return failed;
    }
    if (index < end) {
      return fail('integrity.event_missing', index, `event ${index} is missing (the log holds ${logSize})`);
    }
    return undefined;
  }

  if (reachesEnd) {
    if (latest && latest.treeSize > logSize) {
      return fail(
        'integrity.checkpoint_beyond_log',
        logSize,
        `checkpoint ${latest.treeSize} covers more events than the log holds (${logSize}): events from ${logSize} on are gone`,
        latest.treeSize,
      );
    }
    // A leaf hash past the end with no event: the event rows were deleted and the nodes kept. Re-read the size, so
    // an append that committed during the check is not taken for one.
    const [orphan] = await readLeafHashes(reads, [logSize]);
    if (orphan && (await reads.logSize()) === logSize) {
      return fail(
        'integrity.orphan_leaf_hash',
        logSize,
        `a leaf hash is stored for index ${logSize}, but the log ends before it: events were deleted`,
      );
    }
  }
  const border = tree.border();
  return {
    ok: true,
    checkedAt,
    logSize,
    checkpointsChecked,
    verifiedTreeSize,
    rootHash: rootFromBorder(border),
    durationMs: Date.now() - started,
    prefix: { size: tree.size, border, verifiedTreeSize, checkpointsChecked },
  };
}

/** The JSON form of a result, as `/readyz`, the API and the alert show it. */
export function integritySummary(result: IntegrityResult) {
  if (result.ok) {
    return {
      ok: true as const,
      checkedAt: result.checkedAt,
      logSize: result.logSize,
      checkpointsChecked: result.checkpointsChecked,
      verifiedTreeSize: result.verifiedTreeSize,
      ...(result.readModelWatermark === undefined ? {} : { readModelWatermark: result.readModelWatermark }),
    };
  }
  return {
    ok: false as const,
    checkedAt: result.checkedAt,
    code: result.code,
    firstBadIndex: result.firstBadIndex,
    checkpointSize: result.checkpointSize,
    reason: result.reason,
    ...(result.readModel ? { readModel: result.readModel } : {}),
  };
}

export type IntegritySummary = ReturnType<typeof integritySummary>;

/**
 * Records a failed check as an `IntegrityAlertRaised` event on the alerts stream. The tampered store may refuse the
 * write (a deleted tail makes the next leaf collide with its kept node); the in-memory alert stands regardless.
 */
export async function raiseIntegrityAlert(ledger: Ledger, failure: IntegrityFailure): Promise<number> {
  const { readModel } = failure;
  if (readModel) {
    // A read model that differs from the log: its own rule, naming the table and the key.
    return ledger.write(async (context) => {
      const record = await raiseReadModelAlert(context, {
        table: readModel.table,
        key: readModel.key,
        field: readModel.field,
        reason: failure.reason,
        code: failure.code,
        lastIndex: failure.firstBadIndex,
        checkedAt: failure.checkedAt,
      });
      return record.alertId;
    });
  }
  return ledger.write(async ({ appendAtEnd, tx }) => {
    const [raised] = await appendAtEnd(ALERTS_STREAM, [
      {
        type: 'IntegrityAlertRaised',
        data: {
          firstBadIndex: failure.firstBadIndex,
          reason: failure.reason,
          code: failure.code,
          checkedAt: failure.checkedAt,
        },
      },
    ]);
    await tx.putAlertRecord(integrityAlertRecord(raised!));
    return raised!.index;
  });
}

/**
 * Holds the keeper to what one full check found (issue 11): a log shorter than the kept checkpoint is a rollback
 * whatever else the check found; a sound log must extend it by a consistency proof to the root recomputed from its
 * leaves; and a sound log's largest verified checkpoint becomes the kept one.
 */
async function compareHistory(
  keeper: CheckpointKeeper,
  reads: LedgerReads,
  kept: KeptHead | undefined,
  result: IntegrityResult,
): Promise<void> {
  if (keeper.standing()) return;
  if (kept) {
    if (result.logSize < kept.size) {
      const comparison = await compareLogWithKept(reads, kept, {
        size: result.logSize,
        rootHash: new Uint8Array(32),
      });
      if (!comparison.ok) keeper.hold(comparison);
      return;
    }
    if (!result.ok) return;
    const comparison = await compareLogWithKept(reads, kept, {
      size: result.logSize,
      rootHash: result.rootHash,
    });
    if (!comparison.ok) {
      keeper.hold(comparison);
      return;
    }
  }
  if (result.ok && result.verifiedTreeSize !== null) {
    const verified = await reads.checkpointAt(result.verifiedTreeSize);
    if (verified) await keeper.verified(verified, reads);
  }
}

/**
 * Whether a check found the log's history broken: a rollback (entries lost) or a fork (another history) against the
 * checkpoint kept outside the database or a witness's view.
 */
export function isHistoryBreak(
  result: IntegrityResult | undefined,
): result is IntegrityFailure & { readonly code: 'integrity.rollback' | 'integrity.fork' } {
  return result?.ok === false && (result.code === 'integrity.rollback' || result.code === 'integrity.fork');
}

/** A rollback or fork as the watch reports it: `/readyz`, the alert and the CLI switch on its code. */
export function historyBreakFailure(finding: HistoryBreakFinding, at: Date): IntegrityFailure {
  return {
    ok: false,
    checkedAt: at.toISOString(),
    logSize: finding.logSize,
    checkpointsChecked: 0,
    code: finding.kind === 'rollback' ? 'integrity.rollback' : 'integrity.fork',
    // A rollback lost every entry from the log's end on; a fork's first rewritten entry lies somewhere before the
    // kept size, which only the true history could pin down.
    firstBadIndex: finding.kind === 'rollback' ? finding.logSize : 0,
    checkpointSize: finding.keptSize,
    reason: describeHistoryBreak(finding),
    durationMs: 0,
  };
}

/** A passing log check, with what the read-model cycle found. */
function withReadModels(
  result: Extract<IntegrityResult, { ok: true }>,
  readModels: ReadModelCheckResult | undefined,
): IntegrityResult {
  if (!readModels) return result;
  if (readModels.ok) return { ...result, readModelWatermark: readModels.watermark };
  return readModelFailure(result, readModels.mismatch);
}

/** A read model that differs from the log, as a failure of the cycle that found it. */
function readModelFailure(
  result: Pick<IntegrityResult, 'checkedAt' | 'logSize' | 'checkpointsChecked' | 'durationMs'>,
  mismatch: Extract<ReadModelCheckResult, { ok: false }>['mismatch'],
): IntegrityFailure {
  const { table, key, field, reason, lastIndex } = mismatch;
  return {
    ok: false,
    checkedAt: result.checkedAt,
    logSize: result.logSize,
    checkpointsChecked: result.checkpointsChecked,
    code: 'integrity.read_model_mismatch',
    firstBadIndex: Math.max(lastIndex, 0),
    checkpointSize: null,
    reason: `read model ${table}, key ${key}${field ? `, field ${field}` : ''}: ${reason}`,
    readModel: { table, key, field },
    durationMs: result.durationMs,
  };
}

/** The server's watch over its own log: the latest result, kept in memory. */
export interface IntegrityWatch {
  /** The last finished check, or undefined before the first one ends (`/readyz` says "verifying"). */
  latest(): IntegrityResult | undefined;
  /** Runs a cycle now (or joins the one running) and returns its result. */
  checkNow(): Promise<IntegrityResult>;
  /** Runs a full sweep now (or joins the one running), then a cycle, and returns the cycle's result. */
  sweepNow(): Promise<IntegrityResult>;
  /**
   * A failure found outside the database, such as a witness that cosigned a longer or another history (issue 11).
   * It is raised once and stays `latest()` for the life of the process, whatever the next checks of the database
   * find: the database is exactly what such a finding says cannot be trusted.
   */
  report(failure: IntegrityFailure): Promise<void>;
  stop(): void;
}

/** The watch's page: small enough that one page's work keeps the event loop's delay in tens of milliseconds. */
const WATCH_BATCH = 1000;

/** Lets timers and I/O run between two pages of a long check (a resolved promise would not: it is a microtask). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The prefix a watch may start from: the checkpoint kept outside the database, which this server signed over
 * leaves it hashed itself or verified one by one (issue 11), when the stored subtrees still give its root. Then a
 * start costs O(log n) reads and the entries since, not a pass over the whole log; the entries before it are held
 * by the full sweep. Undefined when there is nothing kept or its subtrees do not give its root (the first cycle
 * then checks from the start).
 */
async function prefixFromKept(
  reads: LedgerReads,
  kept: KeptHead | undefined,
): Promise<VerifiedPrefix | undefined> {
  if (!kept || kept.size === 0) return undefined;
  try {
    const border = await reads.readNodes(borderKeys(kept.size));
    if (!bytesEqual(rootFromBorder(border), kept.rootHash)) return undefined;
    return { size: kept.size, border, verifiedTreeSize: kept.size, checkpointsChecked: 0 };
  } catch {
    return undefined;
  }
}

/**
 * The stored subtrees on the log's right border, which every proof the server hands out is built from, against
 * the border recomputed from the leaves: an edited interior node shows at once, not only at the next sweep.
 */
async function storedBorderMismatch(
  reads: LedgerReads,
  result: Extract<IntegrityResult, { ok: true }>,
): Promise<IntegrityResult | undefined> {
  const keys = borderKeys(result.logSize);
  let stored: Uint8Array[];
  try {
    stored = await reads.readNodes(keys);
  } catch (error) {
    return borderFailure(result, 0, `a subtree on the log's border is missing: ${(error as Error).message}`);
  }
  const at = stored.findIndex((hash, i) => !bytesEqual(hash, result.prefix.border[i]!));
  if (at < 0) return undefined;
  const key = keys[at]!;
  return borderFailure(
    result,
    key.index * 2 ** key.level,
    `the stored subtree (level ${key.level}, index ${key.index}) differs from the one recomputed from the leaves`,
  );
}

function borderFailure(
  result: Extract<IntegrityResult, { ok: true }>,
  firstBadIndex: number,
  reason: string,
): IntegrityFailure {
  return {
    ok: false,
    checkedAt: result.checkedAt,
    logSize: result.logSize,
    checkpointsChecked: result.checkpointsChecked,
    code: 'integrity.subtree_mismatch',
    firstBadIndex,
    checkpointSize: null,
    reason,
    durationMs: result.durationMs,
  };
}

/**
 * Watches the log without stalling the server, at any size (issue 13):
 * - each cycle (on start, then every `intervalMs`) checks only what was appended since the last one, from a
 *   verified prefix kept in memory: the new entries and leaf hashes, the new checkpoints, the stored border, the
 *   kept checkpoint's consistency and the read models' new events;
 * - a full sweep rechecks the whole log from its first entry every `sweepIntervalMs` (first soon after a start
 *   that took its prefix from the kept checkpoint), pausing between pages so that requests are served meanwhile:
 *   an entry edited behind the prefix is found by it;
 * - the first cycle starts from the kept checkpoint when its subtrees still give its root, so a start costs the
 *   entries since, not the log.
 *
 * A failure calls `onAlert` once per distinct finding (same code and index are not raised again), and is kept as
 * `latest()` whatever `onAlert` does.
 *
 * @example
 * const watch = startIntegrityWatch({ reads: store, verifierKey, intervalMs: 300_000, sweepIntervalMs: 3_600_000,
 *   onAlert: (failure) => raiseIntegrityAlert(ledger, failure) });
 */
export function startIntegrityWatch(args: {
  reads: LedgerReads;
  verifierKey: string;
  intervalMs: number;
  /** How often the whole log is checked from its first entry; default 12 cycles. */
  sweepIntervalMs?: number;
  /**
   * Runs the full sweep elsewhere (the server: a worker thread with its own connection, `integrity-sweep.ts`);
   * without it the sweep runs here, pausing between pages.
   */
  sweep?: () => Promise<IntegrityResult>;
  /**
   * With several processes on one database, only the one this says yes to sweeps (the holder of
   * `integrity-sweep`, issue 13); the others look again a cycle later. Their cycles run as always.
   */
  sweepWhen?: () => boolean;
  /** Each entry from `requiredFrom` on must carry its writer's MAC (issue 13). */
  entryMacs?: EntryMacRule;
  batchSize?: number;
  /**
   * When given, each cycle whose log check passes also compares the read models with the log (issue 10, row E),
   * a bounded number of keys at a time (`read-model-check.ts`).
   */
  readModels?: ReadModelCheck;
  /**
   * The checkpoint kept outside the database (issue 11): each cycle also checks that the log extends it, keeps the
   * largest verified checkpoint, and a rollback or fork stands (`latest()` fails) until a person resolves its alert.
   */
  keeper?: CheckpointKeeper;
  /**
   * Raises the alert of a failure. When it returns (or resolves to) a number, that is the alert's id, so that its
   * resolution can be seen.
   */
  onAlert?: (failure: IntegrityFailure) => unknown;
  onError?: (error: unknown) => void;
}): IntegrityWatch {
  let latest: IntegrityResult | undefined;
  let reported: IntegrityFailure | undefined;
  let running: Promise<IntegrityResult> | undefined;
  let sweeping: Promise<void> | undefined;
  const raised = new Set<string>();
  let stopped = false;
  const sweepIntervalMs = args.sweepIntervalMs ?? 12 * args.intervalMs;
  const verifier = parseVerifierKey(args.verifierKey);
  // What the cycles have verified; undefined until the first one (which may start from the kept checkpoint).
  let prefix: VerifiedPrefix | undefined;
  let started = false;
  // The last full sweep's failure: it stands until a sweep passes again.
  let sweepFailure: IntegrityFailure | undefined;
  let sweepTimer: ReturnType<typeof setTimeout> | undefined;

  // The break the keeper holds, as a result; its alert's id once written.
  let standing: { finding: HistoryBreakFinding; failure: IntegrityFailure; alertId?: number } | undefined;
  const standingFailure = (): IntegrityFailure | undefined => {
    const finding = args.keeper?.standing();
    if (!finding) return undefined;
    if (standing?.finding !== finding)
      standing = { finding, failure: historyBreakFailure(finding, new Date()) };
    return standing.failure;
  };

  /** A person resolved the standing break's alert: compare afresh (it holds again at once if the log still breaks). */
  async function releaseIfResolved(): Promise<void> {
    const alertId = standing?.alertId;
    if (!args.keeper?.standing() || alertId === undefined) return;
    const alert = await args.reads.getAlertRecord(alertId);
    if (alert?.status !== 'resolved') return;
    args.keeper.release();
    standing = undefined;
    raised.clear();
    // What was verified may be the broken history's: the next cycle checks the log from its first entry.
    prefix = undefined;
  }

  async function raise(result: IntegrityFailure): Promise<void> {
    const where = result.readModel ? `${result.readModel.table}:${result.readModel.key}` : '';
    const key = `${result.code}:${result.firstBadIndex}:${result.checkpointSize}:${where}`;
    if (raised.has(key)) return;
    // Each distinct finding once, for as long as any stands: several can stand at once (the log's and the read
    // models'), and one must not hide the next.
    raised.add(key);
    const raisedFor = standing;
    try {
      const alertId = await args.onAlert?.(result);
      if (raisedFor && raisedFor.failure === result && typeof alertId === 'number')
        raisedFor.alertId = alertId;
    } catch (error) {
      args.onError?.(error);
    }
  }

  async function run(): Promise<IntegrityResult> {
    await releaseIfResolved();
    // Taken before the check reads the log's size, so a checkpoint signed meanwhile is not taken for a rollback.
    const kept = args.keeper?.kept();
    if (!started) {
      started = true;
      prefix = await prefixFromKept(args.reads, kept);
      // The entries behind a prefix taken on trust are swept soon, in the background.
      scheduleSweep(prefix ? Math.min(args.intervalMs, sweepIntervalMs) : sweepIntervalMs);
    }
    let logResult = await checkLogIntegrity({
      reads: args.reads,
      verifierKey: verifier,
      batchSize: args.batchSize ?? WATCH_BATCH,
      from: prefix,
      pause: yieldToEventLoop,
      ...(args.entryMacs ? { entryMacs: args.entryMacs } : {}),
    });
    if (logResult.ok) {
      prefix = logResult.prefix;
      logResult = (await storedBorderMismatch(args.reads, logResult)) ?? logResult;
    }
    if (args.keeper) await compareHistory(args.keeper, args.reads, kept, logResult);
    const failure = standingFailure() ?? sweepFailure;
    // A new finding of the log's own, under one a sweep found (a forged entry appended after an edit the sweep found),
    // is its own alert: issue 13's second outside attacker had one absorbed by the first. Under a broken history
    // (a rollback or a fork) the whole log is in question, and that alert says so.
    if (!standingFailure() && sweepFailure && !logResult.ok) await raise(logResult);
    if ((failure || !logResult.ok) && args.readModels) {
      // The log's failure stands and is what /readyz says. The read models are still checked each cycle, and what
      // they show is raised too: issue 13's outside attacker tripped one loud failure, then deleted visits and
      // alerts and forged a yard slot under it, unseen. Not rows an older projection built, which the rebuild at
      // start refuses to replace over a failing log: they differ from the fold by design, not by a hand.
      latest = failure ?? logResult;
      if ((await args.reads.readModels?.projectionVersion()) === READ_MODEL_VERSION) {
        const models = await args.readModels.run();
        if (models && !models.ok) await raise(readModelFailure(logResult, models.mismatch));
      }
    } else if (failure || !logResult.ok || !args.readModels) {
      latest = failure ?? logResult;
    } else {
      // The read models are derived from the log: they are worth checking only against a log that is sound. A
      // mismatch found before stands while they are checked again.
      if (latest === undefined || latest.ok) latest = logResult;
      latest = withReadModels(logResult, await args.readModels.run());
    }
    const result = latest;
    if (result.ok) raised.clear();
    else await raise(result);
    return result;
  }

  /** A check of the whole log from its first entry, with pauses; what it finds stands until a sweep passes. */
  async function sweep(): Promise<void> {
    const kept = args.keeper?.kept();
    const result = args.sweep
      ? await args.sweep()
      : await checkLogIntegrity({
          reads: args.reads,
          verifierKey: verifier,
          batchSize: args.batchSize ?? WATCH_BATCH,
          pause: yieldToEventLoop,
          ...(args.entryMacs ? { entryMacs: args.entryMacs } : {}),
        });
    if (args.keeper) await compareHistory(args.keeper, args.reads, kept, result);
    sweepFailure = result.ok ? undefined : result;
    const failure = standingFailure() ?? sweepFailure;
    if (failure) {
      latest = failure;
      await raise(failure);
    }
  }

  function sweepNow(): Promise<void> {
    sweeping ??= sweep().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  }

  function scheduleSweep(delayMs: number): void {
    if (stopped) return;
    clearTimeout(sweepTimer);
    sweepTimer = setTimeout(() => {
      if (args.sweepWhen && !args.sweepWhen()) {
        scheduleSweep(Math.min(args.intervalMs, sweepIntervalMs));
        return;
      }
      sweepNow()
        .catch((error) => args.onError?.(error))
        .finally(() => scheduleSweep(sweepIntervalMs));
    }, delayMs);
    sweepTimer.unref?.();
  }

  function checkNow(): Promise<IntegrityResult> {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  const tick = () => {
    if (stopped) return;
    checkNow().catch((error) => args.onError?.(error));
  };
  const timer = setInterval(tick, args.intervalMs);
  timer.unref?.();
  tick();

  return {
    latest: () => reported ?? standingFailure() ?? sweepFailure ?? latest,
    checkNow,
    async sweepNow() {
      await sweepNow();
      return checkNow();
    },
    async report(failure) {
      if (reported) return;
      reported = failure;
      // A witness that saw a longer or another history: the server signs nothing more over this log, and keeps the
      // checkpoint file as it is (issue 11).
      if (isHistoryBreak(failure)) {
        args.keeper?.hold({
          ok: false,
          kind: failure.code === 'integrity.rollback' ? 'rollback' : 'fork',
          keptSize: failure.checkpointSize ?? failure.logSize,
          logSize: failure.logSize,
          message: failure.reason,
        });
      }
      try {
        await args.onAlert?.(failure);
      } catch (error) {
        args.onError?.(error);
      }
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(sweepTimer);
    },
  };
}
