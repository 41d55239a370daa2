/**
 * The bulk look-up rule (`lookup.bulk`, MISSION §1: "bulk look-ups are themselves a signal"). The Antwerp gang
 * used stolen logins to look up where their containers stood; a person who is shown the yard positions of an
 * unusual number of distinct visits in a short time raises an alert.
 *
 * The count is kept in memory, per server process: a map of the visits each person was recently shown, pruned as
 * the window slides. That is acceptable because the alert is a signal, not a control: no read is refused on it,
 * and a restart loses at most one window of counting. Memory is bounded: between calls a person holds at most
 * `limit` entries (a crossing clears them, and the window after an alert is not counted again), and people with
 * nothing left in the window are dropped once per window.
 *
 * Only signed-in people are counted, not API tokens (machine feeds read in bulk by design), and only reads that
 * showed a position: the yard map is the terminal staff's daily tool and is not counted.
 */

import type { Ledger } from '../ledger/index.js';
import type { Clock, WindowCounts } from '../ports.js';
import type { AlertRecord } from './alert.ports.js';
import { ALERTS_STREAM, lookupAlertRecord } from './alert-records.js';

/** How many visitRefs a `LookupAlertRaised` event names as a sample. */
export const LOOKUP_SAMPLE_SIZE = 10;

export interface LookupWatchSettings {
  /** The most distinct visits one person may be shown within the window without an alert. */
  readonly limit: number;
  readonly windowMinutes: number;
}

/** A person's count crossed the limit: what the alert says. */
export interface LookupCrossing {
  readonly userId: string;
  readonly count: number;
  readonly windowMinutes: number;
  readonly firstAt: string;
  readonly lastAt: string;
  /** Up to `LOOKUP_SAMPLE_SIZE` of the visits, the earliest first. */
  readonly visitRefs: readonly string[];
}

interface PersonWindow {
  /** visitRef → when it was last shown (ms); insertion order is the order last shown, oldest first. */
  readonly seen: Map<string, number>;
  /** After an alert, nothing is counted before this time (ms): one alert covers its window. */
  quietUntil: number;
}

/**
 * A sliding window of the distinct visits each person was shown. No timers: time comes from the injected clock
 * at each call, and pruning happens as people are seen.
 *
 * @example
 * ```ts
 * const watch = new LookupWatch({ limit: 100, windowMinutes: 10 }, { now: () => new Date() });
 * const crossing = watch.record('u-1', ['V-1', 'V-2']); // undefined until u-1 passes 100 distinct visits
 * ```
 */
export class LookupWatch implements LookupCounter {
  readonly limit: number;
  readonly windowMinutes: number;
  private readonly windowMs: number;
  private readonly people = new Map<string, PersonWindow>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    settings: LookupWatchSettings,
    private readonly clock: Clock,
  ) {
    if (!Number.isSafeInteger(settings.limit) || settings.limit < 1) {
      throw new RangeError(`the bulk look-up limit must be a positive integer, not ${settings.limit}`);
    }
    if (!Number.isFinite(settings.windowMinutes) || settings.windowMinutes <= 0) {
      throw new RangeError(`the bulk look-up window must be positive minutes, not ${settings.windowMinutes}`);
    }
    this.limit = settings.limit;
    this.windowMinutes = settings.windowMinutes;
    this.windowMs = settings.windowMinutes * 60_000;
  }

  /**
   * Notes that `userId` was just shown the positions of `visitRefs`. Returns the crossing when this takes the
   * person's distinct count within the window past the limit. The alert covers its window: what the person is
   * shown in the window after it is not counted, and counting starts afresh when that window ends, so a second
   * window of bulk look-ups raises again.
   */
  record(userId: string, visitRefs: readonly string[]): LookupCrossing | undefined {
    const now = this.clock.now().getTime();
    this.sweep(now);
    if (visitRefs.length === 0) return undefined;
    let person = this.people.get(userId);
    if (!person) {
      person = { seen: new Map(), quietUntil: Number.NEGATIVE_INFINITY };
      this.people.set(userId, person);
    }
    if (now < person.quietUntil) return undefined;
    for (const visitRef of visitRefs) {
      // Re-inserting moves the visit to the newest end.
      person.seen.delete(visitRef);
      person.seen.set(visitRef, now);
    }
    this.prune(person, now);
    if (person.seen.size > this.limit) {
      const times = [...person.seen.values()];
      const crossing: LookupCrossing = {
        userId,
        count: person.seen.size,
        windowMinutes: this.windowMinutes,
        firstAt: new Date(times[0]!).toISOString(),
        lastAt: new Date(times.at(-1)!).toISOString(),
        visitRefs: [...person.seen.keys()].slice(0, LOOKUP_SAMPLE_SIZE),
      };
      person.seen.clear();
      person.quietUntil = now + this.windowMs;
      return crossing;
    }
    return undefined;
  }

  /** How many distinct visits `userId` was shown within the window, as counted since their last alert's window. */
  count(userId: string): number {
    const person = this.people.get(userId);
    if (!person) return 0;
    this.prune(person, this.clock.now().getTime());
    return person.seen.size;
  }

  /** How many people the watch holds entries for (for tests of its memory bound). */
  get size(): number {
    return this.people.size;
  }

  private prune(person: PersonWindow, now: number): void {
    const oldest = now - this.windowMs;
    for (const [visitRef, at] of person.seen) {
      if (at > oldest) break;
      person.seen.delete(visitRef);
    }
  }

  /** Once per window, drops the people with nothing left in it and no alert still quieting them. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [userId, person] of this.people) {
      this.prune(person, now);
      if (person.seen.size === 0 && now >= person.quietUntil) this.people.delete(userId);
    }
  }
}

/** What counts the positions people are shown: in this process, or shared by every instance on the database. */
export interface LookupCounter {
  readonly limit: number;
  readonly windowMinutes: number;
  record(
    userId: string,
    visitRefs: readonly string[],
  ): LookupCrossing | undefined | Promise<LookupCrossing | undefined>;
}

/**
 * The same rule counted across every instance on one database (issue 13): a person whose look-ups a load balancer
 * spreads over three instances is counted once, through the store's shared window counts.
 *
 * @example
 * const watch = new SharedLookupWatch({ limit: 100, windowMinutes: 10 }, store.windowCounts!, clock);
 * const crossing = await watch.record('u-1', ['V-1', 'V-2']);
 */
export class SharedLookupWatch implements LookupCounter {
  readonly limit: number;
  readonly windowMinutes: number;

  constructor(
    settings: LookupWatchSettings,
    private readonly counts: WindowCounts,
    private readonly clock: Clock,
  ) {
    // The same checks and messages as the in-process watch.
    const checked = new LookupWatch(settings, clock);
    this.limit = checked.limit;
    this.windowMinutes = checked.windowMinutes;
  }

  async record(userId: string, visitRefs: readonly string[]): Promise<LookupCrossing | undefined> {
    if (visitRefs.length === 0) return undefined;
    const shown = await this.counts.noteDistinct(
      `lookup:${userId}`,
      visitRefs,
      this.clock.now().getTime(),
      this.windowMinutes * 60_000,
      this.limit,
    );
    if (!shown) return undefined;
    return {
      userId,
      count: shown.length,
      windowMinutes: this.windowMinutes,
      firstAt: new Date(shown[0]!.atMs).toISOString(),
      lastAt: new Date(shown.at(-1)!.atMs).toISOString(),
      visitRefs: shown.slice(0, LOOKUP_SAMPLE_SIZE).map((entry) => entry.item),
    };
  }
}

/** The person a read was answered for, as the alert names them. */
export interface LookupPerson {
  readonly userId: string;
  readonly displayName: string;
  readonly orgId: string;
}

/** What `notePositionsShown` needs: the watch, the ledger the alert is written to, and where failures go. */
export interface LookupAlertDeps {
  readonly watch: LookupCounter;
  readonly ledger: Ledger;
  readonly onError: (error: unknown, crossing: LookupCrossing) => void;
}

/**
 * Counts the positions a read showed `person` and raises the `lookup.bulk` alert when the count crosses the
 * limit. Never fails the read: a failure to raise the alert goes to `onError`.
 */
export async function notePositionsShown(
  deps: LookupAlertDeps,
  person: LookupPerson,
  visitRefs: readonly string[],
): Promise<void> {
  const crossing = await deps.watch.record(person.userId, visitRefs);
  if (!crossing) return;
  try {
    await raiseLookupAlert(deps.ledger, person, crossing);
  } catch (error) {
    deps.onError(error, crossing);
  }
}

/**
 * Records a bulk look-up's alert: the `LookupAlertRaised` event on the alerts stream and its row, in one write
 * transaction.
 */
export async function raiseLookupAlert(
  ledger: Ledger,
  person: LookupPerson,
  crossing: LookupCrossing,
): Promise<AlertRecord> {
  return ledger.write(async ({ appendAtEnd, tx }) => {
    const [raised] = await appendAtEnd(ALERTS_STREAM, [
      {
        type: 'LookupAlertRaised',
        data: {
          userId: person.userId,
          displayName: person.displayName,
          orgId: person.orgId,
          count: crossing.count,
          windowMinutes: crossing.windowMinutes,
          firstAt: crossing.firstAt,
          lastAt: crossing.lastAt,
          visitRefs: [...crossing.visitRefs],
        },
      },
    ]);
    const record = lookupAlertRecord(raised!);
    await tx.putAlertRecord(record);
    return record;
  });
}
