/**
 * `activity.off_hours` (issue 15, stolen credentials): a person active at an hour that is neither theirs nor their
 * peers'. A thief with a forwarder clerk's password works when the clerk sleeps, and when the office is empty.
 *
 * What it learns, from the events' own times (no clock): an hour-of-week histogram (168 bins, UTC) per person and
 * per peer group (organisation kind + role: `forwarder:release_desk`), counting *active hours* (an hour in which the
 * person did anything counts once, however many events it holds), so one busy afternoon weighs no more than one
 * quiet one. Activity is anything the log attributes to the person (`actorOf`), sign-ins included, failed sign-ins
 * not.
 *
 * Times are UTC, not a terminal's zone: people are not tied to one terminal, and a person's own histogram is in the
 * same frame whatever it is. An hour counts as usual with its neighbours (`spreadHours` each side), which also
 * absorbs the one-hour shift of daylight saving time twice a year.
 *
 * When an hour is usual, for a person or for a group (either suffices):
 * - at that hour of the day (± spread), on any day of the week, the share of all their active hours is at least
 *   `minShare` (a weekday worker's Saturday morning is still their hour of the day), or
 * - at that hour of that weekday (± spread) they were active at least `minWeekCount` times (a regular Tuesday night).
 *
 * What is judged: a sign-in, and any activity that is not the continuation of a sign-in at a usual hour within the
 * last `sessionHours`. A customs officer whose evening shift runs three hours late works on in the session they
 * opened at two in the afternoon; a thief at three in the morning signs in at three in the morning.
 *
 * Honest work it leaves alone: shift workers at night (their peers work nights), a clerk starting an hour early or
 * staying late, a new person (nothing is judged before `minPersonHours` of their own history and `minPeerHours` of
 * their group's), the first weeks of the log. At most one alert per person per UTC day.
 */
import { signInOf } from '../actor.js';
import type { PersonFacts, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import { activityOf, entryOf, HOUR_MS, peerGroupsOf, personAlert, timeOf } from './person-activity.js';

export interface OffHoursSettings extends RuleSettings {
  /** Active hours a person must have before their own hours are judged. */
  readonly minPersonHours: number;
  /** Active hours a peer group must have before its hours are judged. */
  readonly minPeerHours: number;
  /** The share of active hours at an hour of the day (± spread) that makes it usual. */
  readonly minShare: number;
  /** Active hours at an hour of a weekday (± spread) that make it usual. */
  readonly minWeekCount: number;
  /** Hours each side of the hour that count with it. */
  readonly spreadHours: number;
  /** Activity this many hours after a sign-in at a usual hour continues that sign-in's work and is not judged. */
  readonly sessionHours: number;
}

/** An hour-of-week histogram: 168 bins, Monday 00:00–01:00 UTC first; and its total. */
interface Histogram {
  h: number[];
  total: number;
}

interface PersonHours extends Histogram {
  /** The last active hour (hours since the epoch), counted once. */
  lastHour: number;
  /** The UTC day of the last alert about them. */
  lastAlertDay: number | null;
  /** When they last signed in at an hour that was not off hours (ms), or `null`. */
  usualSignInAt: number | null;
}

export interface OffHoursState {
  people: Record<string, PersonHours>;
  groups: Record<string, Histogram>;
}

const HOURS_PER_WEEK = 168;
const emptyHistogram = (): Histogram => ({ h: Array<number>(HOURS_PER_WEEK).fill(0), total: 0 });

/** Hour of the week of an hour since the epoch: 1970-01-01 was a Thursday, day 3 of a week from Monday. */
const hourOfWeek = (hour: number) => (hour + 3 * 24) % HOURS_PER_WEEK;

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export const activityOffHoursRule: Rule<OffHoursState, OffHoursSettings> = {
  id: 'activity.off_hours',
  description:
    "Activity at an hour outside both the person's own usual hours and their peer group's (organisation kind and role), learnt per hour of the week in UTC",
  defaults: {
    severity: 'medium',
    minPersonHours: 40,
    minPeerHours: 200,
    minShare: 0.01,
    minWeekCount: 3,
    spreadHours: 1,
    sessionHours: 12,
  },
  initialState: () => ({ people: {}, groups: {} }),
  step(state, event, facts, settings): RuleStep<OffHoursState> {
    const activity = activityOf(event, facts);
    if (!activity) return { state, alerts: [] };
    const { actor, person } = activity;
    const now = timeOf(event);
    const hour = Math.floor(now / HOUR_MS);
    const own = entryOf<PersonHours>(state.people, actor.userId, () => ({
      ...emptyHistogram(),
      lastHour: -1,
      lastAlertDay: null,
      usualSignInAt: null,
    }));
    const signIn = signInOf(event)?.ok === true;
    // Judged and counted once per active hour (its first event), and a sign-in always.
    if (own.lastHour === hour && !signIn) return { state, alerts: [] };
    const groups = peerGroupsOf(person, facts).map((key) => entryOf(state.groups, key, emptyHistogram));
    const day = Math.floor(hour / 24);
    own.usualSignInAt ??= null;
    const continued =
      !signIn && own.usualSignInAt !== null && now - own.usualSignInAt <= settings.sessionHours * HOUR_MS;
    const off = !continued && offHours(own, groups, hour, settings);
    if (signIn) own.usualSignInAt = off ? null : now;
    const alerts =
      own.lastAlertDay !== day && off
        ? [
            personAlert({
              rule: 'activity.off_hours',
              severity: settings.severity,
              actor,
              summary: `${actor.userId} was active at ${clock(hour)} UTC on a ${WEEKDAYS[Math.floor(hourOfWeek(hour) / 24)]}, outside their own usual hours and those of their peers (${peerNames(person, facts)}).`,
              evidence: [event.index],
            }),
          ]
        : [];
    if (alerts.length > 0) own.lastAlertDay = day;
    if (own.lastHour === hour) return { state, alerts };
    const bin = hourOfWeek(hour);
    for (const histogram of [own, ...groups]) {
      histogram.h[bin] = (histogram.h[bin] ?? 0) + 1;
      histogram.total += 1;
    }
    own.lastHour = hour;
    return { state, alerts };
  },
};

/** Off hours: enough history to judge, and the hour usual neither for the person nor for any of their groups. */
function offHours(
  own: Histogram,
  groups: readonly Histogram[],
  hour: number,
  settings: OffHoursSettings,
): boolean {
  if (own.total < settings.minPersonHours) return false;
  const judged = groups.filter((g) => g.total >= settings.minPeerHours);
  // A person in no group the log knows well enough: their peers' hours cannot be judged, so neither is theirs.
  if (judged.length === 0) return false;
  if (usual(own, hour, settings)) return false;
  return !judged.some((g) => usual(g, hour, settings));
}

function usual(histogram: Histogram, hour: number, settings: OffHoursSettings): boolean {
  const bin = hourOfWeek(hour);
  const hourOfDay = bin % 24;
  const spread = settings.spreadHours;
  let atHourOfDay = 0;
  for (let d = 0; d < 7; d++) {
    for (let k = -spread; k <= spread; k++)
      atHourOfDay += histogram.h[d * 24 + ((hourOfDay + k + 24) % 24)] ?? 0;
  }
  if (atHourOfDay >= settings.minShare * histogram.total && atHourOfDay > 0) return true;
  let atHourOfWeek = 0;
  for (let k = -spread; k <= spread; k++) {
    atHourOfWeek += histogram.h[(bin + k + HOURS_PER_WEEK) % HOURS_PER_WEEK] ?? 0;
  }
  return atHourOfWeek >= settings.minWeekCount;
}

const clock = (hour: number) => `${String(((hour % 24) + 24) % 24).padStart(2, '0')}:00`;

function peerNames(person: PersonFacts, facts: PortFacts): string {
  const kind = facts.organisations[person.orgId]?.kind ?? 'unknown';
  return person.roles.map((role) => `${kind} ${role}`).join(', ');
}
