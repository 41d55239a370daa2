/**
 * `lookup.above_baseline` (issue 15, stolen credentials): a person's positions viewed in one day far above what
 * they look at on a normal day, and far above what the busiest of their peers look at. In Antwerp the gang read the
 * boxes' positions through a clerk's account (MISSION §1); `lookup.bulk` counts a burst against one fixed limit,
 * this rule against the person's own rhythm, so a quiet account looking up a few dozen boxes shows too.
 *
 * Counted from `PositionsViewed` events (`visitRefs.length`: the visits whose position was shown; a yard map load
 * names its terminal, not its boxes, and counts none). Days are UTC days.
 *
 * Fires, at most once per person per day, as soon as the day's count is
 * - at least `minViews`, and
 * - more than `ownFactor` × the person's median over their last `historyDays` active days (days with no views, a
 *   holiday, are not in it), once they have `minOwnDays` such days, and
 * - more than `peerFactor` × the 95th percentile of their peer group's (organisation kind + role) person-days, once
 *   the group has `minPeerDays` of them.
 *
 * Honest work it leaves alone: a busy day (twice the usual), a person whose role looks at many boxes (a planner's
 * normal day is far above a clerk's, and the planner's peers look at as many), a person back from holiday.
 */
import { POSITIONS_VIEWED, type Rule, type RuleSettings, type RuleStep } from '../rule.js';
import { activityOf, entryOf, peerGroupsOf, personAlert, timeOf, utcDay } from './person-activity.js';

export interface AboveBaselineSettings extends RuleSettings {
  /** A day's views below this never fire. */
  readonly minViews: number;
  /** The day's views must exceed this many times the person's own median day. */
  readonly ownFactor: number;
  /** The day's views must exceed this many times the peer group's 95th-percentile day. */
  readonly peerFactor: number;
  /** Active days of the person's own before their baseline is judged. */
  readonly minOwnDays: number;
  /** Person-days of the group before its percentile is judged. */
  readonly minPeerDays: number;
  /** Active days kept per person for their median. */
  readonly historyDays: number;
  /** Person-days kept per peer group for its percentile. */
  readonly peerSample: number;
}

interface PersonViews {
  /** The UTC day counted now, its views so far, the events that counted (at most 19 kept), and if it fired. */
  day: number;
  count: number;
  indexes: number[];
  alerted: boolean;
  /** The views of the person's last active days, oldest first. */
  history: number[];
}

export interface AboveBaselineState {
  people: Record<string, PersonViews>;
  /** Per peer group: the views of recent person-days of its members, oldest first. */
  groups: Record<string, number[]>;
}

export const lookupAboveBaselineRule: Rule<AboveBaselineState, AboveBaselineSettings> = {
  id: 'lookup.above_baseline',
  description:
    "A person's positions viewed in one day far above their own median day and their peer group's 95th percentile",
  defaults: {
    severity: 'medium',
    minViews: 30,
    ownFactor: 5,
    peerFactor: 3,
    minOwnDays: 5,
    minPeerDays: 20,
    historyDays: 28,
    peerSample: 1000,
  },
  initialState: () => ({ people: {}, groups: {} }),
  step(state, event, facts, settings): RuleStep<AboveBaselineState> {
    if (event.type !== POSITIONS_VIEWED) return { state, alerts: [] };
    const activity = activityOf(event, facts);
    const views = Array.isArray(event.data.visitRefs) ? event.data.visitRefs.length : 0;
    if (!activity || views === 0) return { state, alerts: [] };
    const { actor, person } = activity;
    const day = utcDay(timeOf(event));
    const groupKeys = peerGroupsOf(person, facts);
    const own = entryOf<PersonViews>(state.people, actor.userId, () => ({
      day,
      count: 0,
      indexes: [],
      alerted: false,
      history: [],
    }));
    if (own.day !== day) {
      // The day before is over: it joins the person's history and their groups' samples.
      if (own.count > 0) {
        own.history.push(own.count);
        if (own.history.length > settings.historyDays)
          own.history.splice(0, own.history.length - settings.historyDays);
        for (const key of groupKeys) {
          const sample = entryOf<number[]>(state.groups, key, () => []);
          sample.push(own.count);
          if (sample.length > settings.peerSample) sample.splice(0, sample.length - settings.peerSample);
        }
      }
      own.day = day;
      own.count = 0;
      own.indexes = [];
      own.alerted = false;
    }
    own.count += views;
    own.indexes.push(event.index);
    if (own.indexes.length > 19) own.indexes.splice(0, own.indexes.length - 19);
    if (own.alerted || own.count < settings.minViews || own.history.length < settings.minOwnDays) {
      return { state, alerts: [] };
    }
    const median = quantile(own.history, 0.5);
    if (own.count <= settings.ownFactor * median) return { state, alerts: [] };
    const samples = groupKeys
      .map((key) => state.groups[key] ?? [])
      .filter((sample) => sample.length >= settings.minPeerDays);
    // Above every group the person belongs to: a person with two roles is measured by the busier one.
    if (samples.length === 0) return { state, alerts: [] };
    const peerP95 = Math.max(...samples.map((sample) => quantile(sample, 0.95)));
    if (own.count <= settings.peerFactor * peerP95) return { state, alerts: [] };
    own.alerted = true;
    return {
      state,
      alerts: [
        personAlert({
          rule: 'lookup.above_baseline',
          severity: settings.severity,
          actor,
          summary: `${actor.userId} viewed the positions of ${own.count} boxes today, against a usual ${median} a day and ${peerP95} on a busy day for their peers.`,
          evidence: own.indexes,
        }),
      ],
    };
  },
};

/** The `q` quantile of `values` (nearest rank); 0 for none. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}
