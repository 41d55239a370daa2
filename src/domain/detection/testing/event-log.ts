/**
 * A log of events for detection tests: each event gets the next audit index and a time the test moves on, so a
 * test writes the events the use cases write (their real data shapes) without a store.
 *
 * @example
 * ```ts
 * const log = eventLog('2026-03-02T08:00:00.000Z');
 * log.add('visit-V1', 'VisitAnnounced', { visitRef: 'V1', containerNumber: 'MSCU1234565', line: 'MSCU' });
 * log.after(5).add('visit-V1', 'ContainerDischarged', { visitRef: 'V1', slot });
 * for (const event of log.events) foldFacts(facts, event);
 * ```
 */
import type { JsonObject } from '../../json.js';
import type { LogEvent } from '../rule.js';

export interface EventLog {
  readonly events: LogEvent[];
  /** Appends one event at the current time; returns it. */
  add(streamId: string, type: string, data: JsonObject): LogEvent;
  /** Moves the clock on by `minutes`; returns the log, to chain `add`. */
  after(minutes: number): EventLog;
}

export function eventLog(start: string, firstIndex = 0): EventLog {
  let at = Date.parse(start);
  const events: LogEvent[] = [];
  const log: EventLog = {
    events,
    add(streamId, type, data) {
      const recordedAt = new Date(at).toISOString();
      const event: LogEvent = { index: firstIndex + events.length, streamId, type, recordedAt, data };
      events.push(event);
      return event;
    },
    after(minutes) {
      at += minutes * 60_000;
      return log;
    },
  };
  return log;
}
