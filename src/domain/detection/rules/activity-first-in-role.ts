/**
 * `activity.first_in_role` (issue 15, stolen credentials): a person does something (an event type) that nobody
 * holding their role has done before, while people in other roles do it. A thief in a clerk's account tries what
 * the account may do but clerks never do: revoke a release, void an event, hand a right on.
 *
 * Roles are taken within the organisation's kind (`forwarder:release_desk`), as for the other peer rules. An action
 * is an event the log attributes to a person (`actorOf`), except the sign-in machinery (`auth-…`, `session-…`) and
 * look-ups (`PositionsViewed`, `lookup.*`'s).
 *
 * Honest work it leaves alone:
 * - the first `warmupDays` of the log, which teach the rule what each role does;
 * - something new to everyone (an event type nobody has done yet: a new feature, a first survey): that is the
 *   port changing, not a person stepping out of their role;
 * - a person with several roles, when any of their roles has done it.
 *
 * Memory: the pairs (role, event type) seen, and the event types seen, both bounded by the log's vocabulary.
 */
import { POSITIONS_VIEWED, type Rule, type RuleSettings, type RuleStep } from '../rule.js';
import { activityOf, DAY_MS, peerGroupsOf, personAlert, timeOf } from './person-activity.js';

export interface FirstInRoleSettings extends RuleSettings {
  /** Days from the first event of the log during which the rule only learns. */
  readonly warmupDays: number;
}

export interface FirstInRoleState {
  /** When the rule saw its first event (ms). */
  startAt: number | null;
  /** `<role group>\t<event type>` → 1, for each pair seen. */
  done: Record<string, 1>;
  /** Event types anyone has done. */
  types: Record<string, 1>;
}

/** Streams whose events are not actions in a role: signing in and out, sessions, look-ups. */
const NOT_ACTIONS = ['auth-', 'session-', 'views-'];

export const activityFirstInRoleRule: Rule<FirstInRoleState, FirstInRoleSettings> = {
  id: 'activity.first_in_role',
  description:
    "An action (event type) no one holding the person's role has done before while other roles do it, after a warm-up",
  defaults: { severity: 'medium', warmupDays: 21 },
  initialState: () => ({ startAt: null, done: {}, types: {} }),
  step(state, event, facts, settings): RuleStep<FirstInRoleState> {
    const now = timeOf(event);
    if (state.startAt === null) state.startAt = now;
    if (event.type === POSITIONS_VIEWED || NOT_ACTIONS.some((prefix) => event.streamId.startsWith(prefix))) {
      return { state, alerts: [] };
    }
    const activity = activityOf(event, facts);
    if (!activity) return { state, alerts: [] };
    const { actor, person } = activity;
    const groups = peerGroupsOf(person, facts);
    if (groups.length === 0) return { state, alerts: [] };
    const keys = groups.map((group) => `${group}\t${event.type}`);
    const firstInRole = keys.every((key) => state.done[key] === undefined);
    const warm = now - state.startAt >= settings.warmupDays * DAY_MS;
    const alerts =
      firstInRole && warm && state.types[event.type] !== undefined
        ? [
            personAlert({
              rule: 'activity.first_in_role',
              severity: settings.severity,
              actor,
              summary: `${actor.userId} did ${event.type}, which no one holding their role (${groups.join(', ')}) has done before.`,
              evidence: [event.index],
            }),
          ]
        : [];
    for (const key of keys) state.done[key] = 1;
    state.types[event.type] = 1;
    return { state, alerts };
  },
};
