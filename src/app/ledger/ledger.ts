import type {
  Clock,
  IdSource,
  Leadership,
  LedgerStore,
  LedgerWriteTx,
  StoredCheckpoint,
  StoredEvent,
} from '../ports.js';
import {
  AuditAppender,
  type LogIdentity,
  type NewEvent,
  signHeadCheckpoint,
  type TreeHead,
} from './audit-log.js';

export interface LedgerOptions {
  readonly store: LedgerStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly log: LogIdentity;
  /**
   * A quiet log gets a checkpoint with every committed batch; under load, at most one per this many
   * milliseconds, and a deferred one signs the rest no later than this.
   */
  readonly checkpointIntervalMs: number;
  /**
   * With several processes on one database, only the holder of `checkpoint-signer` signs (issue 13); the others'
   * writes are signed by its `signPending` timer. Absent: this process signs.
   */
  readonly leadership?: Leadership;
}

/** What every use case runs inside: one serialised transaction plus the clock and id source of this run. */
export interface WriteContext {
  readonly tx: LedgerWriteTx;
  readonly now: Date;
  readonly ids: IdSource;
  /** Appends events to one stream with their audit leaves, stamped with this transaction's time. */
  append(streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<StoredEvent[]>;
  /**
   * Appends to the end of a stream of records that no decision depends on (auth events, alerts): the transaction
   * holds the log, so the version it reads cannot move before it appends.
   */
  appendAtEnd(streamId: string, events: readonly NewEvent[]): Promise<StoredEvent[]>;
}

export interface Ledger {
  readonly store: LedgerStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly log: LogIdentity;
  /**
   * Runs `work` in one write transaction: the events it appends, their leaves and the read models it updates
   * commit together, and a checkpoint is signed in the same transaction when one is due.
   */
  write<T>(work: (context: WriteContext) => Promise<T>): Promise<T>;
  /** Signs a checkpoint covering the whole log now, if the latest does not already. */
  checkpoint(): Promise<StoredCheckpoint>;
  /**
   * Calls `listener` after each commit that signed a new checkpoint, once the checkpoint is committed (the
   * witnesses are asked for it then, off the write path). Returns the function that removes the listener.
   */
  onCheckpointSigned(listener: (checkpoint: StoredCheckpoint) => void): () => void;
  /**
   * Calls `listener` with the number of events each transaction of this process appended, once it has committed
   * (the events-appended counter of `/metrics`, issue 16). Returns the function that removes the listener.
   */
  onEventsCommitted(listener: (events: number) => void): () => void;
  /**
   * Signs a checkpoint when the log has grown past the latest one, if this process signs: the signer's timer, so
   * that the writes of other processes on the same database are signed within the interval too.
   */
  signPending(): Promise<StoredCheckpoint | undefined>;
  /** Signs any deferred checkpoint and stops the timer. Does not close the store. */
  close(): Promise<void>;
}

export function createLedger(options: LedgerOptions): Ledger {
  const { store, clock, ids, log, checkpointIntervalMs } = options;
  const signs = () => options.leadership?.holds('checkpoint-signer') ?? true;
  let lastSignedAt = Number.NEGATIVE_INFINITY;
  let deferred: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  // The border after this process's last commit: when no other writer has appended since, the next transaction
  // appends without reading it back.
  let lastHead: TreeHead | undefined;
  const checkpointListeners = new Set<(checkpoint: StoredCheckpoint) => void>();
  const commitListeners = new Set<(events: number) => void>();
  let lastAnnouncedSize = -1;
  const announce = (checkpoint: StoredCheckpoint | undefined) => {
    if (!checkpoint || checkpoint.treeSize <= lastAnnouncedSize) return;
    lastAnnouncedSize = checkpoint.treeSize;
    for (const listener of checkpointListeners) {
      // The write has committed: a listener's failure must not make it look failed to its caller.
      try {
        listener(checkpoint);
      } catch {}
    }
  };

  async function transaction<T>(
    work: (context: WriteContext, appender: AuditAppender) => Promise<T>,
  ): Promise<T> {
    let appender: AuditAppender | undefined;
    // Counted per attempt: a transaction the store runs again starts from zero.
    let appended = 0;
    const counted = (events: StoredEvent[]) => {
      appended += events.length;
      return events;
    };
    const value = await store.writeTransaction(async (tx) => {
      appender = new AuditAppender(tx, lastHead, log.authenticator);
      appended = 0;
      const current = appender;
      const now = clock.now();
      const context: WriteContext = {
        tx,
        now,
        ids,
        append: async (streamId, expectedVersion, events) =>
          counted(await current.append({ streamId, expectedVersion, events, recordedAt: now, ids })),
        appendAtEnd: async (streamId, events) =>
          counted(
            await current.append({
              streamId,
              expectedVersion: await tx.streamVersion(streamId),
              events,
              recordedAt: now,
              ids,
            }),
          ),
      };
      return work(context, current);
    });
    lastHead = appender?.head ?? lastHead;
    if (appended > 0) {
      for (const listener of commitListeners) {
        // Committed already: a listener's failure must not make the write look failed.
        try {
          listener(appended);
        } catch {}
      }
    }
    return value;
  }

  async function checkpoint(): Promise<StoredCheckpoint> {
    const signed = await transaction(async ({ tx, now }, appender) => {
      const signed = await signHeadCheckpoint(tx, appender, log, now);
      lastSignedAt = now.getTime();
      return signed;
    });
    announce(signed);
    return signed;
  }

  function deferCheckpoint(): void {
    if (deferred || closed) return;
    deferred = setTimeout(() => {
      deferred = undefined;
      checkpoint().catch(() => {
        // The next write or the next deferral signs instead; a failed signing loses no event.
        deferCheckpoint();
      });
    }, checkpointIntervalMs);
    deferred.unref?.();
  }

  return {
    store,
    clock,
    ids,
    log,
    async write(work) {
      let signedNow = false;
      let signed: StoredCheckpoint | undefined;
      const signedBefore = lastSignedAt;
      let result: { value: Awaited<ReturnType<typeof work>>; now: Date };
      try {
        result = await transaction(async (context, appender) => {
          const value = await work(context);
          signedNow = signs() && context.now.getTime() - lastSignedAt >= checkpointIntervalMs;
          if (signedNow) {
            signed = await signHeadCheckpoint(context.tx, appender, log, context.now);
            // Set before the commit: the writes committed with this one (group commit) need not sign again.
            lastSignedAt = context.now.getTime();
          }
          return { value, now: context.now };
        });
      } catch (error) {
        if (signedNow && lastSignedAt !== signedBefore) {
          // The checkpoint was rolled back with this write: the neighbours of its group still need one.
          lastSignedAt = signedBefore;
          if (signs()) deferCheckpoint();
        }
        throw error;
      }
      if (signedNow) announce(signed);
      else if (signs()) deferCheckpoint();
      return result.value;
    },
    checkpoint,
    async signPending() {
      if (!signs()) return undefined;
      const [size, latest] = await Promise.all([store.logSize(), store.latestCheckpoint()]);
      if (size === 0 || latest?.treeSize === size) return undefined;
      return checkpoint();
    },
    onCheckpointSigned(listener) {
      checkpointListeners.add(listener);
      return () => checkpointListeners.delete(listener);
    },
    onEventsCommitted(listener) {
      commitListeners.add(listener);
      return () => commitListeners.delete(listener);
    },
    async close() {
      closed = true;
      if (deferred) {
        clearTimeout(deferred);
        deferred = undefined;
        await checkpoint();
      }
    },
  };
}
