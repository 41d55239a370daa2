import { type StoredEvent, StoreIntegrityError } from '../app/ports.js';

/**
 * Refuses events that do not continue the log and the stream exactly: the i-th event must have index
 * `logSize + i` and stream version `expectedVersion + i + 1`, and belong to `streamId`. Every adapter runs it
 * before touching storage, so a caller bug cannot leave a gap in the audit tree.
 *
 * @example
 * checkAppend({ streamId: 's', expectedVersion: 0, logSize: 7, events: [{ index: 7, streamVersion: 1, … }] });
 */
export function checkAppend(args: {
  streamId: string;
  expectedVersion: number;
  logSize: number;
  events: readonly StoredEvent[];
}): void {
  const { streamId, expectedVersion, logSize, events } = args;
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new StoreIntegrityError('store.index_gap', `expected version ${expectedVersion} is not a version`);
  }
  events.forEach((event, offset) => {
    if (event.streamId !== streamId) {
      throw new StoreIntegrityError(
        'store.index_gap',
        `event ${event.eventId} belongs to stream ${event.streamId}, not ${streamId}`,
      );
    }
    if (event.index !== logSize + offset) {
      throw new StoreIntegrityError(
        'store.index_gap',
        `event ${event.eventId} has index ${event.index}; the log continues at ${logSize + offset}`,
      );
    }
    if (event.streamVersion !== expectedVersion + offset + 1) {
      throw new StoreIntegrityError(
        'store.index_gap',
        `event ${event.eventId} has stream version ${event.streamVersion}; stream ${streamId} continues at ${expectedVersion + offset + 1}`,
      );
    }
  });
}

/** The methods of `T`, without its other properties. */
export type FunctionsOf<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K];
};

/**
 * The bookkeeping of one write transaction, shared by the adapters: the log size as this transaction has
 * extended it, whether the transaction is still running, and whether a write failed. A failed write dooms the
 * transaction — it rolls back even when `work` catches the error — because on PostgreSQL a failed statement
 * aborts the transaction anyway, and every adapter must behave the same.
 */
export class TransactionGuard {
  /** The log size inside this transaction: the committed size plus what it appended. */
  size: number;
  #open = true;
  #failure: { error: unknown } | undefined;

  constructor(size: number) {
    this.size = size;
  }

  assertOpen(): void {
    if (!this.#open) {
      throw new Error('portledger: this write transaction has ended; use the store or a new transaction');
    }
    if (this.#failure) throw this.#failure.error;
  }

  /** Throws the first failed write's error, if any, so that the transaction rolls back. */
  assertNotDoomed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  close(): void {
    this.#open = false;
  }

  /** A write that checks the transaction is usable, and dooms it when it fails. */
  wrap<A extends unknown[], R = void>(run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      this.assertOpen();
      try {
        return await run(...args);
      } catch (error) {
        this.#failure ??= { error };
        throw error;
      }
    };
  }

  /** The same writes, each as `wrap` makes it. */
  wrapWrites<T extends object>(writes: T): FunctionsOf<T> {
    const guarded = {} as Record<string, unknown>;
    for (const [name, write] of Object.entries(writes)) {
      if (typeof write === 'function')
        guarded[name] = this.wrap(write as (...args: unknown[]) => Promise<unknown>);
    }
    return guarded as FunctionsOf<T>;
  }

  /** The same reads, refused once the transaction has ended. Only functions are kept: nested objects are the caller's. */
  wrapReads<T extends object>(reads: T): FunctionsOf<T> {
    const guarded = {} as Record<string, unknown>;
    for (const [name, read] of Object.entries(reads) as [
      string,
      (...args: unknown[]) => Promise<unknown>,
    ][]) {
      if (typeof read !== 'function') continue;
      guarded[name] = async (...args: unknown[]) => {
        this.assertOpen();
        return read(...args);
      };
    }
    return guarded as FunctionsOf<T>;
  }
}
