import { bytesEqual, type EntryAuthenticator, encodeLogEntry, leafDataText } from '../../audit/index.js';
import { AppError, type AppErrorCode } from '../errors.js';
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

/** Streams whose length this process remembers, most recently seen last; the oldest are forgotten past this. */
const REMEMBERED_STREAMS = 100_000;

/**
 * How long each stream was when this process last saw it committed. The log only grows, so a stream that reads
 * shorter than that has lost an entry to a database administrator's hand: its row moved to another stream or
 * hidden for the few seconds a decision takes (issue 13's outside attacker hid a customs hold that way). The rows
 * cannot prove their own completeness, since whoever edits the tail can edit every table; this memory, like the
 * checkpoint kept outside the database, is what the database cannot roll back.
 */
class StreamLengths {
  readonly #lengths = new Map<string, number>();

  known(streamId: string): number {
    return this.#lengths.get(streamId) ?? 0;
  }

  saw(streamId: string, length: number): void {
    const known = this.#lengths.get(streamId);
    if (known !== undefined && known >= length) return;
    this.#lengths.delete(streamId);
    this.#lengths.set(streamId, length);
    if (this.#lengths.size > REMEMBERED_STREAMS) {
      this.#lengths.delete(this.#lengths.keys().next().value as string);
    }
  }
}

/** The message names the log index only: it may reach a kiosk, which is told no visit it did not name. */
function refuse(rule: StreamMacRule, code: AppErrorCode, index: number, message: string): never {
  rule.onRefused?.(index);
  throw new AppError(code, message, { index });
}

/** Whether the row's columns say exactly what its leaf says: the leaf is what the MAC and the tree hold. */
function rowIsItsLeaf(event: StoredEvent): boolean {
  // The writer stores the data as the leaf's own canonical text, so one string comparison settles nearly every row;
  // the rest (data whose keys JavaScript orders otherwise, such as "10" before "2") are encoded again and compared.
  if (leafDataText(event, event.leaf) === JSON.stringify(event.data)) return true;
  try {
    return bytesEqual(encodeLogEntry(event), event.leaf);
  } catch {
    return false;
  }
}

/**
 * Refuses a stream that holds an entry no PortLedger process wrote, or whose columns say other than its leaf (issue
 * 13): the integrity watch finds either within a cycle or a sweep, but a decision folded from it meanwhile — a
 * driver's phone confirmed, a booking made or a hold lifted by a database administrator's hand, or a phone key, a
 * slot or an event type edited in the row for the few seconds a decision takes and put back after — would already
 * have let a box out. Every stream a use case reads, whole or in part (`readStreamRange`), is checked entry by entry
 * (one HMAC and one string comparison each) before anything is decided on it: every entry must be the stream's,
 * its versions must follow one another from the first asked for, and a whole stream must be no shorter than this
 * process has seen it.
 */
function checked(
  rule: StreamMacRule,
  lengths: StreamLengths,
  streamId: string,
  fromVersion: number,
  events: StoredEvent[],
  whole: boolean,
): StoredEvent[] {
  for (const [offset, event] of events.entries()) {
    if (event.index >= rule.requiredFrom && !rule.authenticator.verify(event.leaf, event.writerMac)) {
      refuse(
        rule,
        'integrity.entry_unauthenticated',
        event.index,
        `audit log entry ${event.index} was not written by PortLedger; nothing is decided on it`,
      );
    }
    if (event.streamId !== streamId || event.streamVersion !== fromVersion + offset || !rowIsItsLeaf(event)) {
      refuse(
        rule,
        'integrity.entry_mismatch',
        event.index,
        `audit log entry ${event.index} is not as it was written; nothing is decided on it`,
      );
    }
  }
  if (whole && events.length < lengths.known(streamId)) {
    refuse(
      rule,
      'integrity.entry_mismatch',
      events.at(-1)?.index ?? 0,
      `a record reads ${events.length} entries where this server has seen ${lengths.known(streamId)}: an entry was moved or hidden; nothing is decided on it`,
    );
  }
  return events;
}

/** `reads` with its stream reads checked; `observe` is told each length a whole-stream read found. */
function guardReads<T extends Pick<LedgerReads, 'readStream' | 'readStreamRange' | 'readStreams'>>(
  reads: T,
  rule: StreamMacRule,
  lengths: StreamLengths,
  observe: (streamId: string, length: number) => void,
): T {
  return new Proxy(reads, {
    get(target, property, receiver) {
      if (property === 'readStream') {
        return async (streamId: string) => {
          const events = checked(rule, lengths, streamId, 1, await target.readStream(streamId), true);
          observe(streamId, events.length);
          return events;
        };
      }
      // Many whole streams at once (bulk ingest): each held to the rule as one `readStream` would be.
      if (property === 'readStreams') {
        return async (streamIds: readonly string[]) => {
          const found = await target.readStreams(streamIds);
          for (const [streamId, events] of found) {
            checked(rule, lengths, streamId, 1, events, true);
            observe(streamId, events.length);
          }
          return found;
        };
      }
      // Part of a stream is held to the same rule, entry by entry: a decision taken on the head or the tail of a
      // stream is as much a decision as one taken on all of it.
      if (property === 'readStreamRange') {
        return async (streamId: string, range: StreamRange) =>
          checked(
            rule,
            lengths,
            streamId,
            range.fromVersion ?? 1,
            await target.readStreamRange(streamId, range),
            false,
          );
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
  const lengths = new StreamLengths();
  const guarded = guardReads(store, rule, lengths, (streamId, length) => lengths.saw(streamId, length));
  return new Proxy(guarded, {
    get(target, property, receiver) {
      if (property === 'writeTransaction') {
        return async <T>(work: (tx: LedgerWriteTx) => Promise<T>) => {
          // Inside a transaction a stream includes its own appends: remembered only once they are committed.
          const seen: [string, number][] = [];
          const result = await store.writeTransaction((tx) =>
            work(guardReads(tx, rule, lengths, (streamId, length) => seen.push([streamId, length]))),
          );
          for (const [streamId, length] of seen) lengths.saw(streamId, length);
          return result;
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
