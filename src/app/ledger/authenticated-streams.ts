import type { EntryAuthenticator } from '../../audit/index.js';
import { AppError } from '../errors.js';
import type { LedgerReads, LedgerStore, LedgerWriteTx, StoredEvent, StreamRange } from '../ports.js';

/** Which entries must carry their writer's MAC (from `requiredFrom` on), and the key that checks it. */
export interface StreamMacRule {
  readonly authenticator: EntryAuthenticator;
  readonly requiredFrom: number;
  /**
   * Told of each entry found without its writer's MAC where one was required: the server then checks its whole log
   * at once rather than at the watch's next cycle.
   */
  readonly onRefused?: (index: number) => void;
}

/**
 * The first entry in [from, to) that carries no valid writer MAC, if any. Read in pages; used before a checkpoint
 * is signed, so that the server never signs over an entry it did not write.
 */
export async function firstUnauthenticatedEntry(
  reads: Pick<LedgerReads, 'readLogRows'>,
  rule: StreamMacRule,
  from: number,
  to: number,
): Promise<number | undefined> {
  const PAGE = 1000;
  for (let start = Math.max(from, rule.requiredFrom); start < to; start += PAGE) {
    const rows = await reads.readLogRows(start, Math.min(PAGE, to - start));
    for (const row of rows) {
      if (!rule.authenticator.verify(row.leaf, row.writerMac)) return row.index;
    }
    if (rows.length === 0) break;
  }
  return undefined;
}

/**
 * Refuses a stream that holds an entry no PortLedger process wrote (issue 13): the integrity watch finds such an
 * entry within a cycle, but a decision folded from it meanwhile — a driver's phone confirmed, a booking made or a
 * hold lifted by a database administrator's hand — would already have let a box out. Every stream a use case reads,
 * whole or in part (`readStreamRange`), is checked entry by entry (one HMAC each) before anything is decided on it.
 */
function checked(rule: StreamMacRule, events: StoredEvent[]): StoredEvent[] {
  for (const event of events) {
    if (event.index >= rule.requiredFrom && !rule.authenticator.verify(event.leaf, event.writerMac)) {
      rule.onRefused?.(event.index);
      throw new AppError(
        'integrity.entry_unauthenticated',
        `event ${event.index} of stream ${event.streamId} was not written by PortLedger; nothing is decided on it`,
        { index: event.index },
      );
    }
  }
  return events;
}

function guardReads<T extends Pick<LedgerReads, 'readStream' | 'readStreamRange'>>(
  reads: T,
  rule: StreamMacRule,
): T {
  return new Proxy(reads, {
    get(target, property, receiver) {
      if (property === 'readStream') {
        return async (streamId: string) => checked(rule, await target.readStream(streamId));
      }
      // Part of a stream is held to the same rule, entry by entry: a decision taken on the head or the tail of a
      // stream is as much a decision as one taken on all of it.
      if (property === 'readStreamRange') {
        return async (streamId: string, range: StreamRange) =>
          checked(rule, await target.readStreamRange(streamId, range));
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The store, with every stream read (outside and inside write transactions) held to the writers' MACs.
 *
 * @example
 * const store = withAuthenticatedStreams(await openLedgerStore(url), { authenticator, requiredFrom: 0 });
 */
export function withAuthenticatedStreams(store: LedgerStore, rule: StreamMacRule): LedgerStore {
  const guarded = guardReads(store, rule);
  return new Proxy(guarded, {
    get(target, property, receiver) {
      if (property === 'writeTransaction') {
        return <T>(work: (tx: LedgerWriteTx) => Promise<T>) =>
          store.writeTransaction((tx) => work(guardReads(tx, rule)));
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
