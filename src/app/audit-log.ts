import {
  appendLeaves,
  borderKeys,
  encodeLogEntry,
  leafHash,
  type NoteSigner,
  rootFromBorder,
  signCheckpoint,
} from '../audit/index.js';
import type {
  IdSource,
  JsonObject,
  LedgerReads,
  LedgerWriteTx,
  StoredCheckpoint,
  StoredEvent,
} from './ports.js';

/** An event as a use case produces it, before the log gives it a place. */
export interface NewEvent {
  readonly type: string;
  readonly data: JsonObject;
}

/** Who signs the log's checkpoints, and the origin line they carry (C2SP tlog-checkpoint). */
export interface LogIdentity {
  readonly origin: string;
  readonly signer: NoteSigner;
}

/**
 * Appends events to one stream together with their audit leaves and every subtree hash they complete, inside the
 * caller's write transaction. Because the transaction holds the log head, `logSize()` is exact and the leaves land
 * in commit order.
 */
export async function appendAudited(
  tx: LedgerWriteTx,
  args: {
    streamId: string;
    expectedVersion: number;
    events: readonly NewEvent[];
    recordedAt: Date;
    ids: IdSource;
  },
): Promise<StoredEvent[]> {
  if (args.events.length === 0) return [];
  const size = await tx.logSize();
  const recordedAt = args.recordedAt.toISOString();
  const stored = args.events.map((event, offset): StoredEvent => {
    const entry = {
      index: size + offset,
      eventId: args.ids.eventId(),
      streamId: args.streamId,
      streamVersion: args.expectedVersion + offset + 1,
      type: event.type,
      recordedAt,
      data: event.data,
    };
    return { ...entry, leaf: encodeLogEntry(entry) };
  });
  const border = await tx.readNodes(borderKeys(size));
  const { newNodes } = appendLeaves(
    size,
    border,
    stored.map((event) => leafHash(event.leaf)),
  );
  await tx.appendToStream(args.streamId, args.expectedVersion, stored);
  await tx.insertNodes(newNodes);
  return stored;
}

/** The root hash of the first `treeSize` leaves, from the stored complete subtrees: O(log n) reads. */
export async function rootAt(reads: LedgerReads, treeSize: number): Promise<Uint8Array> {
  return rootFromBorder(await reads.readNodes(borderKeys(treeSize)));
}

/**
 * Signs a checkpoint of the log as it stands in this transaction, unless the latest checkpoint already covers it.
 * Checkpoints are kept forever, so any party holding one can later ask for a consistency proof from it.
 */
export async function signHeadCheckpoint(
  tx: LedgerWriteTx,
  log: LogIdentity,
  now: Date,
): Promise<StoredCheckpoint> {
  const treeSize = await tx.logSize();
  const latest = await tx.latestCheckpoint();
  if (latest && latest.treeSize === treeSize) return latest;
  const rootHash = await rootAt(tx, treeSize);
  const checkpoint: StoredCheckpoint = {
    treeSize,
    rootHash,
    note: signCheckpoint({ origin: log.origin, treeSize, rootHash }, log.signer),
    signedAt: now.toISOString(),
  };
  await tx.insertCheckpoint(checkpoint);
  return checkpoint;
}
