import type { EntryAuthenticator } from '../../audit/index.js';
import { AppError } from '../errors.js';
import type { LedgerReads, LedgerStore, LedgerWriteTx, StoredEvent } from '../ports.js';

/** Which entries must carry their writer's MAC (from `requiredFrom` on), and the key that checks it. */
export interface StreamMacRule {
  readonly authenticator: EntryAuthenticator;
  readonly requiredFrom: number;
}

/**
 * Refuses a stream that holds an entry no PortLedger process wrote (issue 13): the integrity watch finds such an
 * entry within a cycle, but a decision folded from it meanwhile — a driver's phone confirmed, a booking made or a
 * hold lifted by a database administrator's hand — would already have let a box out. Every stream a use case reads
 * is checked entry by entry (one HMAC each) before anything is decided on it.
 */
function checked(rule: StreamMacRule, events: StoredEvent[]): StoredEvent[] {
  for (const event of events) {
    if (event.index >= rule.requiredFrom && !rule.authenticator.verify(event.leaf, event.writerMac)) {
      throw new AppError(
        'integrity.entry_unauthenticated',
        `event ${event.index} of stream ${event.streamId} was not written by PortLedger; nothing is decided on it`,
        { index: event.index },
      );
    }
  }
  return events;
}

function guardReads<T extends Pick<LedgerReads, 'readStream'>>(reads: T, rule: StreamMacRule): T {
  return new Proxy(reads, {
    get(target, property, receiver) {
      if (property === 'readStream') {
        return async (streamId: string) => checked(rule, await target.readStream(streamId));
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
