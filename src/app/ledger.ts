import { type LogIdentity, signHeadCheckpoint } from './audit-log.js';
import type { Clock, IdSource, LedgerStore, LedgerWriteTx, StoredCheckpoint } from './ports.js';

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
}

/** What every use case runs inside: one serialised transaction plus the clock and id source of this run. */
export interface WriteContext {
  readonly tx: LedgerWriteTx;
  readonly now: Date;
  readonly ids: IdSource;
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
  /** Signs any deferred checkpoint and stops the timer. Does not close the store. */
  close(): Promise<void>;
}

export function createLedger(options: LedgerOptions): Ledger {
  const { store, clock, ids, log, checkpointIntervalMs } = options;
  let lastSignedAt = Number.NEGATIVE_INFINITY;
  let deferred: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  async function checkpoint(): Promise<StoredCheckpoint> {
    return store.writeTransaction(async (tx) => {
      const now = clock.now();
      const signed = await signHeadCheckpoint(tx, log, now);
      lastSignedAt = now.getTime();
      return signed;
    });
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
      const result = await store.writeTransaction(async (tx) => {
        const now = clock.now();
        const value = await work({ tx, now, ids });
        signedNow = now.getTime() - lastSignedAt >= checkpointIntervalMs;
        if (signedNow) await signHeadCheckpoint(tx, log, now);
        return { value, now };
      });
      if (signedNow) lastSignedAt = result.now.getTime();
      else deferCheckpoint();
      return result.value;
    },
    checkpoint,
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
