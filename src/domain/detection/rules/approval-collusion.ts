/**
 * `approval.collusion` (issue 15): the same two people approving each other's requests unusually often. Two-person
 * approval stops one stolen login (MISSION §1); it does not stop two people who agree, or one person holding two
 * logins, and what gives them away is that they pick each other when others could have decided.
 *
 * "Unusually often" is measured against who else could have approved at that moment, not against the whole
 * organisation: for each grant, the people who might have approved it are the approver and every colleague of the
 * approver's organisation who holds a role that approves that kind of request (`approverRolesFor`) and was at work
 * (any event they did, `actorOf`: a sign-in, a look-up, a move) within the last shift, the requester aside. Each of
 * them "expects" an equal share of that grant. A pair fires
 * when, within the window, each approved the other at least `minEachWay` times, at least `minApprovals` in all, and
 * at least `aboveExpected` times what those shares expect. So two planners alone on the night shift, or a team of
 * two, who can only approve each other, never fire; a pair who keep choosing each other while four colleagues are
 * on duty does. One alert per pair per window.
 */
import { type ApprovalKind, approvalKinds, approverRolesFor } from '../../access/index.js';
import { actorOf } from '../actor.js';
import type { DetectionAlert, LogEvent, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import { DAY_MS, eventMs, evidenceOf, HOUR_MS, hourlyDue, msOf, objectOf, textOf } from './event-fields.js';

export interface ApprovalCollusionSettings extends RuleSettings {
  /** The window the pair's approvals are counted in, in days. */
  readonly windowDays: number;
  /** At least this many approvals between the two, both directions together. */
  readonly minApprovals: number;
  /** At least this many in each direction. */
  readonly minEachWay: number;
  /** At least this many times what their colleagues on duty would have made of the same requests. */
  readonly aboveExpected: number;
  /** A colleague at work within this many hours before a grant (a shift) could have approved it. */
  readonly peerActiveHours: number;
}

/** One grant in the window: when, requester, approver, its audit index and who could have approved it. */
interface Grant {
  at: number;
  requester: string;
  approver: string;
  org: string | null;
  index: number;
  candidates: string[];
}

export interface ApprovalCollusionState {
  /** Requests still open: who asked, their organisation, the kind, and when the request expires. */
  pending: Record<string, { requester: string; org: string | null; kind: string; expiresAt: number }>;
  /** The grants within the window, oldest first, from `head` on. */
  grants: Grant[];
  head: number;
  /** Directed counts within the window, keyed `requester>approver`: what happened, and what the shares expect. */
  observed: Record<string, number>;
  expected: Record<string, number>;
  /** When each person last did anything the log attributes to them. */
  lastActive: Record<string, number>;
  /** When each pair (`a|b`, sorted) last raised an alert. */
  alerted: Record<string, number>;
  lastPruneMs: number;
}

/** A request waits at most a day (`APPROVAL_TTL_MS`); one whose expiry is unreadable is kept this long. */
const PENDING_KEPT_MS = 2 * DAY_MS;
const NO_ORG = '-';

export const approvalCollusionRule: Rule<ApprovalCollusionState, ApprovalCollusionSettings> = {
  id: 'approval.collusion',
  description:
    "Two people who approved each other's requests at least `minApprovals` times (`minEachWay` each way) within `windowDays` days, `aboveExpected` times what the colleagues able to approve and at work within `peerActiveHours` hours would have.",
  defaults: {
    severity: 'high',
    windowDays: 30,
    minApprovals: 8,
    minEachWay: 2,
    aboveExpected: 3,
    peerActiveHours: 8,
  },
  initialState: () => ({
    pending: {},
    grants: [],
    head: 0,
    observed: {},
    expected: {},
    lastActive: {},
    alerted: {},
    lastPruneMs: 0,
  }),
  step(state, event, facts, settings): RuleStep<ApprovalCollusionState> {
    const now = eventMs(event);
    if (hourlyDue(state.lastPruneMs, now)) prune(state, now, settings);
    const data = event.data;
    const actor = actorOf(event, facts);
    if (event.type === 'ApprovalRequested') {
      const requestId = textOf(data.requestId);
      const requester = objectOf(data.requestedBy);
      const userId = textOf(requester?.userId);
      if (requestId && userId) {
        state.pending[requestId] = {
          requester: userId,
          org: textOf(requester?.orgId) ?? null,
          kind: textOf(data.kind) ?? '',
          expiresAt: msOf(data.expiresAt) ?? now + PENDING_KEPT_MS,
        };
      }
    }
    if (event.type !== 'ApprovalGranted') {
      if (actor) state.lastActive[actor.userId] = now;
      return { state, alerts: [] };
    }
    const requestId = textOf(data.requestId);
    const request = requestId ? state.pending[requestId] : undefined;
    if (requestId) delete state.pending[requestId];
    const approvedBy = objectOf(data.approvedBy);
    const approver = textOf(approvedBy?.userId);
    if (!request || !approver || approver === request.requester) return { state, alerts: [] };
    const approverOrg = textOf(approvedBy?.orgId) ?? facts.people[approver]?.orgId ?? NO_ORG;
    const grant: Grant = {
      at: now,
      requester: request.requester,
      approver,
      org: textOf(approvedBy?.orgId) ?? null,
      index: event.index,
      candidates: whoCouldApprove(state, facts, request, approverOrg, approver, now, settings),
    };
    state.lastActive[approver] = now;
    count(state, grant, 1);
    state.grants.push(grant);
    return { state, alerts: judge(state, event, grant, settings) };
  },
};

/** Roles that approve each kind of request (`approvalPolicy`). */
const APPROVER_ROLES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  approvalKinds.map((kind: ApprovalKind) => [kind, approverRolesFor(kind)]),
);

/**
 * The approver and each colleague of the approver's organisation who may approve this kind and was at work lately,
 * the requester aside.
 */
function whoCouldApprove(
  state: ApprovalCollusionState,
  facts: PortFacts,
  request: { requester: string; kind: string },
  org: string,
  approver: string,
  now: number,
  settings: ApprovalCollusionSettings,
): string[] {
  const since = now - settings.peerActiveHours * HOUR_MS;
  const roles = APPROVER_ROLES[request.kind] ?? [];
  const candidates = [approver];
  for (const person of Object.values(facts.people)) {
    const colleague = person.userId;
    if (person.orgId !== org || colleague === approver || colleague === request.requester) continue;
    if ((state.lastActive[colleague] ?? Number.NEGATIVE_INFINITY) < since) continue;
    if (person.roles.some((role) => roles.includes(role))) candidates.push(colleague);
  }
  return candidates.sort();
}

/** Adds (`sign` 1) or takes away (`sign` -1) a grant's observed and expected counts. */
function count(state: ApprovalCollusionState, grant: Grant, sign: 1 | -1): void {
  const add = (counts: Record<string, number>, key: string, amount: number) => {
    const next = (counts[key] ?? 0) + sign * amount;
    if (next > 1e-9) counts[key] = next;
    else delete counts[key];
  };
  add(state.observed, `${grant.requester}>${grant.approver}`, 1);
  const share = 1 / grant.candidates.length;
  for (const candidate of grant.candidates) add(state.expected, `${grant.requester}>${candidate}`, share);
}

function judge(
  state: ApprovalCollusionState,
  event: LogEvent,
  grant: Grant,
  settings: ApprovalCollusionSettings,
): DetectionAlert[] {
  const { requester: a, approver: b } = grant;
  const ab = state.observed[`${a}>${b}`] ?? 0;
  const ba = state.observed[`${b}>${a}`] ?? 0;
  const together = ab + ba;
  const expected = (state.expected[`${a}>${b}`] ?? 0) + (state.expected[`${b}>${a}`] ?? 0);
  if (ab < settings.minEachWay || ba < settings.minEachWay || together < settings.minApprovals) return [];
  if (together < settings.aboveExpected * expected) return [];
  const pair = [a, b].sort().join('|');
  const last = state.alerted[pair];
  if (last !== undefined && last + settings.windowDays * DAY_MS > grant.at) return [];
  state.alerted[pair] = grant.at;
  const theirs = state.grants
    .slice(state.head)
    .filter((g) => (g.requester === a && g.approver === b) || (g.requester === b && g.approver === a))
    .map((g) => g.index);
  return [
    {
      rule: 'approval.collusion',
      severity: settings.severity,
      subject: { kind: 'user', id: b },
      terminal: null,
      orgId: grant.org,
      summary: `${b} and ${a} approved each other's requests ${together} times in ${settings.windowDays} days (${b} ${ab} of ${a}'s, ${a} ${ba} of ${b}'s), ${(together / Math.max(expected, 1e-9)).toFixed(1)} times what their colleagues on duty would have.`,
      evidence: evidenceOf(theirs, event.index),
    },
  ];
}

function prune(state: ApprovalCollusionState, now: number, settings: ApprovalCollusionSettings): void {
  state.lastPruneMs = now;
  const windowStart = now - settings.windowDays * DAY_MS;
  while (state.head < state.grants.length && (state.grants[state.head] as Grant).at < windowStart) {
    count(state, state.grants[state.head] as Grant, -1);
    state.head += 1;
  }
  if (state.head > 256 && state.head * 2 > state.grants.length) {
    state.grants = state.grants.slice(state.head);
    state.head = 0;
  }
  // Activity older than the on-duty span decides nothing any more.
  const activeSince = now - settings.peerActiveHours * HOUR_MS;
  for (const [userId, at] of Object.entries(state.lastActive))
    if (at < activeSince) delete state.lastActive[userId];
  for (const [requestId, request] of Object.entries(state.pending)) {
    if (request.expiresAt < now) delete state.pending[requestId];
  }
  for (const [pair, at] of Object.entries(state.alerted)) if (at < windowStart) delete state.alerted[pair];
}
