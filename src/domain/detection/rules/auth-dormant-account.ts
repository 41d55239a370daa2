/**
 * `auth.dormant_account` (issue 15, stolen credentials): a person who had been active, then did nothing for
 * `dormantDays`, signs in or acts again. An account whose owner left, or no longer needs it, keeps working for
 * whoever holds its password or passkey; a thief likes one nobody watches.
 *
 * Activity is anything the log attributes to the person (`actorOf`): sign-ins, bookings, look-ups, approvals; a
 * failed sign-in is not the person being active.
 *
 * Honest work it leaves alone: holidays and leave shorter than `dormantDays`; a person who had used the account on
 * fewer than `minActiveDays` days (an account set up weeks before its owner started); and a person whose use is
 * irregular by nature: a gap no longer than `gapRatio` times the longest gap they had before (an auditor who
 * signs in once a month) is their rhythm, not a waking.
 */
import type { Rule, RuleSettings, RuleStep } from '../rule.js';
import { activityOf, DAY_MS, personAlert, timeOf, utcDay } from './person-activity.js';

export interface DormantAccountSettings extends RuleSettings {
  /** Days without any activity that make an account dormant. */
  readonly dormantDays: number;
  /** Distinct days of activity the person must have had before, for the account to count as having been used. */
  readonly minActiveDays: number;
  /** The gap must also be longer than this many times the person's longest earlier gap. */
  readonly gapRatio: number;
}

interface Activity {
  /** The last activity: ms and audit index. */
  at: number;
  index: number;
  /** The longest gap between two activities before (ms). */
  longestGap: number;
  /** Distinct UTC days with activity (counted up to 1000), and the last of them. */
  days: number;
  lastDay: number;
}

export interface DormantAccountState {
  people: Record<string, Activity>;
}

export const authDormantAccountRule: Rule<DormantAccountState, DormantAccountSettings> = {
  id: 'auth.dormant_account',
  description: 'A sign-in or action by a person who had been active, after D days without any activity',
  defaults: { severity: 'medium', dormantDays: 30, minActiveDays: 2, gapRatio: 1.5 },
  initialState: () => ({ people: {} }),
  step(state, event, facts, settings): RuleStep<DormantAccountState> {
    const activity = activityOf(event, facts);
    if (!activity) return { state, alerts: [] };
    const { actor } = activity;
    const now = timeOf(event);
    const day = utcDay(now);
    const before = state.people[actor.userId];
    if (!before) {
      state.people[actor.userId] = { at: now, index: event.index, longestGap: 0, days: 1, lastDay: day };
      return { state, alerts: [] };
    }
    const gap = now - before.at;
    const dormant =
      gap >= settings.dormantDays * DAY_MS &&
      before.days >= settings.minActiveDays &&
      gap > settings.gapRatio * before.longestGap;
    const alerts = dormant
      ? [
          personAlert({
            rule: 'auth.dormant_account',
            severity: settings.severity,
            actor,
            summary: `${actor.userId} was active again after ${Math.floor(gap / DAY_MS)} days without any activity.`,
            evidence: [before.index, event.index],
          }),
        ]
      : [];
    if (now >= before.at) {
      before.longestGap = Math.max(before.longestGap, gap);
      before.at = now;
      before.index = event.index;
    }
    if (day !== before.lastDay) {
      before.days = Math.min(1000, before.days + 1);
      before.lastDay = day;
    }
    return { state, alerts };
  },
};
