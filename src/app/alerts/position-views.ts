/**
 * Who looked at what (issue 15; MISSION §1: "bulk look-ups are themselves a signal"). Every read that shows a person
 * yard positions, or a visit's history, is noted here and recorded in the audit log as a `PositionsViewed` event on
 * the person's `views-<userId>` stream, with its `position_view` rows in the same transaction. The detection engine's
 * `lookup.bulk` rule counts from these events, so the count survives a restart and adds up across servers.
 *
 * Batched per person: the views one person is shown within `intervalMs` (5 s by default) become one event, and one
 * `ledger.write` records every person's pending views together, from a timer that runs only while views wait, and on
 * close. The read never waits for the write and never fails because of it: a failed write is logged (`onError`).
 *
 * What a crash can lose: the views noted since the last flush, at most the last `intervalMs` of them (a SIGKILL, a
 * power cut; a clean shutdown flushes on close). That is acceptable because the record is a detection signal, not a
 * control: no read is refused on it, and a bulk look-up worth an alert runs for minutes (the rule's window is ten
 * minutes by default), so a few seconds lost at a crash cannot hide one. Writing each view synchronously with its read
 * would put a log write with its fsync on every page a person opens.
 *
 * Only signed-in people are recorded, not API tokens. Machine feeds (a terminal operating system's sync, a customs
 * feed) read the whole yard by design, every few minutes: recording each box they read would make views most of the
 * log and bury the people in it, and the bulk rule would have to ignore them anyway. A token's use is already in the
 * log (`TokenUsed`, at most one a minute, with its network), which is where a stolen token shows (MISSION §1).
 */

import { POSITIONS_VIEWED, type PositionsViewedData, viewsStream } from '../../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import type { StoredEvent } from '../ports.js';
import type { PositionViewRecord } from './position-view.ports.js';

/** The most visits one `PositionsViewed` event names; a person shown more within one interval gets several events. */
export const MAX_VISITS_PER_VIEW_EVENT = 500;

/** The person a read showed positions to, as the event names them. */
export interface Viewer {
  readonly userId: string;
  readonly orgId: string;
  /** The network the read came from (the request's client address). */
  readonly ip: string | null;
}

/** What one read showed: the visits whose position (or history) it showed, or the terminal whose yard map it drew. */
export interface ShownPositions {
  /** Where the read came from: `visit`, `visit.list`, `visit.history`, `visit.search`, `visit.appointment`, `yard.map`. */
  readonly route: string;
  readonly visitRefs?: readonly string[];
  /** A yard map load names its terminal, not its boxes. */
  readonly terminal?: string;
}

export interface PositionViewRecorderOptions {
  readonly ledger: Ledger;
  /** How long one person's views gather before they are written (milliseconds). */
  readonly intervalMs: number;
  /** Where a failed write goes: the read that noted the views has long been answered. */
  readonly onError: (error: unknown, pending: { readonly people: number; readonly views: number }) => void;
}

/** One person's views since the last flush. */
interface Pending {
  readonly viewer: Viewer;
  readonly routes: Set<string>;
  /** Insertion order is the order first shown. */
  readonly visitRefs: Set<string>;
  readonly terminals: Set<string>;
  readonly firstAt: string;
  lastAt: string;
}

/**
 * The `position_view` rows of one `PositionsViewed` event: one per visit, one per terminal whose map was loaded.
 * Pure: the writer puts them with the event, and a rebuild or a test derives the same rows from the log.
 */
export function positionViewRows(event: Pick<StoredEvent, 'index' | 'data'>): PositionViewRecord[] {
  const data = event.data as PositionsViewedData;
  const common = {
    auditIndex: event.index,
    userId: data.userId,
    orgId: data.orgId,
    routes: [...data.routes],
    viewedAt: data.lastAt,
  };
  return [
    ...[...new Set(data.visitRefs)].map((visitRef) => ({
      ...common,
      kind: 'visit' as const,
      subject: visitRef,
    })),
    ...[...new Set(data.terminals)].map((terminal) => ({
      ...common,
      kind: 'terminal' as const,
      subject: terminal,
    })),
  ];
}

/**
 * Gathers the positions reads show people and records them, batched per person.
 *
 * @example
 * ```ts
 * const views = new PositionViewRecorder({ ledger, intervalMs: 5000, onError: (e) => log.error(e) });
 * views.note({ userId: 'u-1', orgId: 'o-1', ip: '10.0.0.7' }, { route: 'visit', visitRefs: ['V-1'] });
 * await views.close(); // writes what waits
 * ```
 */
export class PositionViewRecorder {
  private readonly pending = new Map<string, Pending>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The flush running now, so that flushes never overlap and `close` waits for the last. */
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: PositionViewRecorderOptions) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) {
      throw new RangeError(`the views' batching interval must be positive, not ${options.intervalMs} ms`);
    }
  }

  /** Notes what a read showed `viewer`. Synchronous and never throws: the read goes on at once. */
  note(viewer: Viewer, shown: ShownPositions): void {
    const visitRefs = shown.visitRefs ?? [];
    if (visitRefs.length === 0 && shown.terminal === undefined) return;
    const at = this.options.ledger.clock.now().toISOString();
    // Views from another network are another event: each event names the one network its views came from.
    const key = `${viewer.userId}\u0000${viewer.ip ?? ''}`;
    let person = this.pending.get(key);
    if (!person) {
      person = {
        viewer,
        routes: new Set(),
        visitRefs: new Set(),
        terminals: new Set(),
        firstAt: at,
        lastAt: at,
      };
      this.pending.set(key, person);
    }
    person.routes.add(shown.route);
    for (const visitRef of visitRefs) person.visitRefs.add(visitRef);
    if (shown.terminal !== undefined) person.terminals.add(shown.terminal);
    person.lastAt = at;
    if (this.closed) {
      void this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.intervalMs);
      // A server with nothing else to do may exit; `close` writes what waits.
      this.timer.unref?.();
    }
  }

  /** How many people have views waiting (for tests and the shutdown log). */
  get waiting(): number {
    return this.pending.size;
  }

  /** Writes every pending person's views now, in one write. Never rejects: a failure goes to `onError`. */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.writePending());
    this.flushing = next;
    return next;
  }

  /** Stops the timer and writes what waits; views noted after this are written at once. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    try {
      await this.options.ledger.write(async ({ appendAtEnd, tx }) => {
        for (const person of batch) {
          const events = eventsOf(person).map((data) => ({ type: POSITIONS_VIEWED, data }));
          const stored = await appendAtEnd(viewsStream(person.viewer.userId), events);
          await tx.positionViews.putPositionViews(stored.flatMap(positionViewRows));
        }
      });
    } catch (error) {
      this.options.onError(error, {
        people: batch.length,
        views: batch.reduce((sum, person) => sum + person.visitRefs.size + person.terminals.size, 0),
      });
    }
  }
}

/** One person's pending views as events: one, or several of at most `MAX_VISITS_PER_VIEW_EVENT` visits each. */
function eventsOf(person: Pending): PositionsViewedData[] {
  const visitRefs = [...person.visitRefs];
  const chunks: string[][] = [];
  for (let i = 0; i < visitRefs.length; i += MAX_VISITS_PER_VIEW_EVENT) {
    chunks.push(visitRefs.slice(i, i + MAX_VISITS_PER_VIEW_EVENT));
  }
  if (chunks.length === 0) chunks.push([]);
  return chunks.map((chunk, i) => ({
    userId: person.viewer.userId,
    orgId: person.viewer.orgId,
    routes: [...person.routes],
    visitRefs: chunk,
    // The terminals' map loads go with the first event only.
    terminals: i === 0 ? [...person.terminals] : [],
    firstAt: person.firstAt,
    lastAt: person.lastAt,
    ip: person.viewer.ip,
  }));
}
