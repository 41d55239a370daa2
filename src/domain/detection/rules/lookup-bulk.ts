/**
 * `lookup.bulk` (MISSION §1: "bulk look-ups are themselves a signal"): a person shown the yard positions (or the
 * history, or the pickup appointment) of more distinct boxes than `limit` within `windowMinutes` raises an alert. The
 * Antwerp gang used keylogged logins to find where their containers stood; a stolen login reading the yard box by
 * box is the same act.
 *
 * Counted from `PositionsViewed` events (issue 15), which every read that showed a person positions writes, batched
 * per person: the count lives in the log, so it survives a restart and adds up across servers sharing one database,
 * where the in-process window it replaces forgot on restart and counted half on each of two servers. The meaning of
 * the settings is the one the in-process rule had: distinct visits, a sliding window, and one alert covers its window
 * (what the person is shown in the window after an alert is not counted, and counting starts afresh after it, so a
 * second window of bulk look-ups raises again).
 *
 * Not counted: a yard map load (the staff's daily tool; its event names the terminal and no visits), the same box
 * shown again (distinct visits), and machine feeds (API tokens write no views at all). Time is the events' own
 * (`recordedAt`); a view is counted at the time its batch was recorded, at most a few seconds after it was shown.
 *
 * State is bounded: between events a person holds at most `limit` visits (a crossing clears them) and the audit
 * indexes of at most 19 events, and a person with nothing left in the window is dropped at the next sweep, once a
 * window.
 */
import { POSITIONS_VIEWED, type Rule, type RuleSettings, type RuleStep } from '../rule.js';
import { MINUTE_MS, personAlert, timeOf } from './person-activity.js';

export interface LookupBulkSettings extends RuleSettings {
  /** The most distinct visits one person may be shown within the window without an alert. */
  readonly limit: number;
  /** The sliding window, in minutes; a person raises at most one such alert per window. */
  readonly windowMinutes: number;
}

interface PersonWindow {
  /** visitRef → when last shown (ms); key order is the order last shown, oldest first. */
  seen: Record<string, number>;
  /** The events that counted in the window, as [audit index, ms], oldest first (at most 19). */
  events: [number, number][];
  /** After an alert, nothing is counted before this time (ms). */
  quietUntil: number;
}

export interface LookupBulkState {
  people: Record<string, PersonWindow>;
  /** When people with nothing in the window were last dropped (ms). */
  lastSweep: number;
}

/** Evidence holds at most 20 indexes: 19 earlier events and the current one. */
const EARLIER_EVIDENCE = 19;

export const lookupBulkRule: Rule<LookupBulkState, LookupBulkSettings> = {
  id: 'lookup.bulk',
  description:
    'A person shown the yard positions of more distinct containers than the limit within the window (the yard map is not counted)',
  defaults: { severity: 'high', limit: 100, windowMinutes: 10 },
  initialState: () => ({ people: {}, lastSweep: 0 }),
  step(state, event, facts, settings): RuleStep<LookupBulkState> {
    if (event.type !== POSITIONS_VIEWED) return { state, alerts: [] };
    const now = timeOf(event);
    const windowMs = settings.windowMinutes * MINUTE_MS;
    sweep(state, now, windowMs);
    const userId = typeof event.data.userId === 'string' ? event.data.userId : undefined;
    const visitRefs = Array.isArray(event.data.visitRefs)
      ? event.data.visitRefs.filter((ref): ref is string => typeof ref === 'string')
      : [];
    if (!userId || visitRefs.length === 0) return { state, alerts: [] };
    let person = state.people[userId];
    if (!person) {
      person = { seen: {}, events: [], quietUntil: 0 };
      state.people[userId] = person;
    }
    if (now < person.quietUntil) return { state, alerts: [] };
    for (const visitRef of visitRefs) {
      // Deleting first moves a visit shown again to the newest end.
      delete person.seen[visitRef];
      person.seen[visitRef] = now;
    }
    prune(person, now, windowMs);
    const count = Object.keys(person.seen).length;
    if (count <= settings.limit) {
      person.events.push([event.index, now]);
      if (person.events.length > EARLIER_EVIDENCE)
        person.events.splice(0, person.events.length - EARLIER_EVIDENCE);
      return { state, alerts: [] };
    }
    const firstAt = Math.min(...Object.values(person.seen));
    const evidence = [...person.events.map(([index]) => index), event.index];
    person.seen = {};
    person.events = [];
    person.quietUntil = now + windowMs;
    const orgId =
      typeof event.data.orgId === 'string' ? event.data.orgId : (facts.people[userId]?.orgId ?? '');
    const minutes = Math.max(1, Math.ceil((now - firstAt) / MINUTE_MS));
    return {
      state,
      alerts: [
        personAlert({
          rule: 'lookup.bulk',
          severity: settings.severity,
          actor: { userId, orgId },
          summary: `${userId} was shown the yard positions of ${count} containers within ${minutes} minute${minutes === 1 ? '' : 's'} (limit ${settings.limit} in ${settings.windowMinutes}).`,
          evidence,
        }),
      ],
    };
  },
};

/** Drops the visits and events that left the window ending at `now`. */
function prune(person: PersonWindow, now: number, windowMs: number): void {
  const oldest = now - windowMs;
  for (const [visitRef, at] of Object.entries(person.seen)) {
    if (at > oldest) break;
    delete person.seen[visitRef];
  }
  const keep = person.events.findIndex(([, at]) => at > oldest);
  person.events.splice(0, keep === -1 ? person.events.length : keep);
}

/** Once per window: drops the people with nothing left in it and no alert quieting them. */
function sweep(state: LookupBulkState, now: number, windowMs: number): void {
  if (now - state.lastSweep < windowMs) return;
  state.lastSweep = now;
  for (const [userId, person] of Object.entries(state.people)) {
    prune(person, now, windowMs);
    if (Object.keys(person.seen).length === 0 && now >= person.quietUntil) delete state.people[userId];
  }
}
