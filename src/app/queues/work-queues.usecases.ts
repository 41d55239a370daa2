/**
 * Work queues (issue 14): what waits for one person, by the jobs their roles do — offers to accept, blocked releases
 * of a line, requests to decide, open alerts, trucks due within the hour at their terminal, drivers' phones to
 * confirm. Each queue is shown only to a role whose list it counts (the same permission and the same need-to-know as
 * that list), and each count is one bounded read of a read model (`queue.ports.ts`).
 */
import {
  type ApprovalKind,
  approvalKinds,
  approverRolesFor,
  type HoldKind,
  mayDo,
  mayLiftHold,
  type Principal,
  slotIdOf,
} from '../../domain/index.js';
import { alertsVisibleTo } from '../alerts/index.js';
import type { HeldBoxQuery, QueueCountReads, SlotIdRange } from './queue.ports.js';

/** The kinds of queue, in the order a home page shows them. */
export const queueKinds = [
  'release_offers',
  'blocked_releases',
  'approvals',
  'open_alerts',
  'trucks_due',
  'pending_phones',
  'held_boxes',
] as const;

export type QueueKind = (typeof queueKinds)[number];

/** One queue: how many items wait (at most `QUEUE_COUNT_CAP`, with `more` when others wait beyond it) and where. */
export interface WorkQueue {
  readonly kind: QueueKind;
  readonly count: number;
  /** More than `count` items wait: the count stopped at the cap. */
  readonly more: boolean;
  /** The console page that lists them. */
  readonly link: string;
}

/** The most a queue counts: beyond it the home page says "999+", and no read walks further. */
export const QUEUE_COUNT_CAP = 999;

/** How far ahead a truck counts as due. */
export const TRUCKS_DUE_WINDOW_MS = 60 * 60 * 1000;

const TERMINAL_STAFF_WITH_TRUCKS = ['gate_clerk', 'yard_planner', 'terminal_supervisor'] as const;
const HOLD_KINDS: readonly HoldKind[] = ['customs', 'police', 'terminal', 'line'];

interface QueueRule {
  readonly kind: QueueKind;
  /** Whether the caller's roles do this work; the queue is not shown otherwise. */
  readonly applies: (caller: Principal) => boolean;
  readonly link: (caller: Principal) => string;
  readonly count: (counts: QueueCountReads, caller: Principal, now: Date, cap: number) => Promise<number>;
}

/** The kinds of request `caller` may decide: an approver role of the kind, and the permission to decide at all. */
function decidableKinds(caller: Principal): ApprovalKind[] {
  if (!mayDo(caller, 'approval.decide')) return [];
  return approvalKinds.filter((kind) => approverRolesFor(kind).some((role) => caller.roles.includes(role)));
}

/** The alert list's own scope: customs and the police see every alert, others their organisation's and terminals'. */
const alertScope = (caller: Principal) =>
  alertsVisibleTo({ org: { orgId: caller.orgId, kind: caller.orgKind, terminals: terminalsOf(caller) } });

const MINUTE_MS = 60_000;

/** The slots of these terminals that start within the hour from `now` (from its whole minute on). */
function trucksDueRanges(terminals: readonly string[], now: Date): SlotIdRange[] {
  const from = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS).toISOString();
  const until = new Date(Date.parse(from) + TRUCKS_DUE_WINDOW_MS).toISOString();
  return terminals.map((terminal) => ({
    fromSlotId: slotIdOf(terminal, from),
    untilSlotId: slotIdOf(terminal, until),
  }));
}

const terminalsOf = (caller: Principal): readonly string[] => caller.terminals ?? [];
const isTerminalStaff = (caller: Principal) => caller.orgKind === 'terminal_operator';

const RULES: readonly QueueRule[] = [
  {
    // The offers view of the release inbox: the organisation the offer is pending to answers it.
    kind: 'release_offers',
    applies: (caller) => mayDo(caller, 'release.accept'),
    link: () => '/releases#offers-heading',
    count: (counts, caller, _now, cap) => counts.countReleaseOffers(caller.orgId, cap),
  },
  {
    // The line's issued view: a blocked release waits for the line to lift the block or revoke it.
    kind: 'blocked_releases',
    applies: (caller) => mayDo(caller, 'release.block'),
    link: () => '/releases#rights-heading',
    count: (counts, caller, _now, cap) => counts.countBlockedReleases(caller.orgId, cap),
  },
  {
    // The approvals inbox: live requests of a kind the caller decides, not their own, in their organisation or
    // (terminal data) at a terminal their operator runs.
    kind: 'approvals',
    applies: (caller) => decidableKinds(caller).length > 0,
    link: () => '/approvals#inbox-heading',
    count: (counts, caller, now, cap) =>
      counts.countDecidableApprovals(
        {
          expiresAfter: now.toISOString(),
          kinds: decidableKinds(caller),
          userId: caller.userId,
          orgId: caller.orgId,
          terminals: isTerminalStaff(caller) ? terminalsOf(caller) : [],
          holdKinds: HOLD_KINDS.filter((kind) =>
            caller.roles.some((role) => mayLiftHold(role, kind, caller.orgKind)),
          ),
        },
        cap,
      ),
  },
  {
    kind: 'open_alerts',
    applies: (caller) => mayDo(caller, 'alert.read'),
    link: () => '/alerts#alerts-heading',
    count: (counts, caller, _now, cap) => counts.countOpenAlerts(alertScope(caller), cap, caller.userId),
  },
  {
    // Trucks whose slot starts within the hour, at the caller's own terminals only.
    kind: 'trucks_due',
    applies: (caller) =>
      isTerminalStaff(caller) &&
      terminalsOf(caller).length > 0 &&
      caller.roles.some((role) => (TERMINAL_STAFF_WITH_TRUCKS as readonly string[]).includes(role)),
    link: (caller) => (mayDo(caller, 'visit.gate_out') ? '/gate' : '/yard'),
    count: (counts, caller, now, cap) =>
      counts.countSlotBookings(trucksDueRanges(terminalsOf(caller), now), cap),
  },
  {
    kind: 'pending_phones',
    applies: (caller) => mayDo(caller, 'driver.device.confirm'),
    link: () => '/approvals',
    count: (counts, caller, _now, cap) => counts.countPendingDevices(caller.orgId, cap),
  },
  {
    // Boxes on hold: terminal staff at their terminals (every kind), customs and the police their own kind
    // everywhere, each on the yard map (which needs a passkey session: holds are counted where they are seen); a
    // line its own boxes, but never a police hold, which it must not learn of (`redactVisitView`).
    kind: 'held_boxes',
    applies: (caller) => heldBoxQuery(caller) !== undefined,
    link: (caller) => (caller.orgKind === 'shipping_line' ? '/releases' : '/yard'),
    count: (counts, caller, _now, cap) => counts.countHeldBoxes(heldBoxQuery(caller)!, cap),
  },
];

/** Which boxes on hold `caller` works on, if any. */
function heldBoxQuery(caller: Principal): HeldBoxQuery | undefined {
  if (caller.orgKind === 'shipping_line' && mayDo(caller, 'release.issue') && caller.orgCode) {
    return { kinds: HOLD_KINDS.filter((kind) => kind !== 'police'), line: caller.orgCode };
  }
  if (!mayDo(caller, 'yard.map.read')) return undefined;
  if (isTerminalStaff(caller)) {
    const works = caller.roles.some((role) =>
      (TERMINAL_STAFF_WITH_TRUCKS as readonly string[]).includes(role),
    );
    return works && terminalsOf(caller).length > 0
      ? { kinds: HOLD_KINDS, terminals: terminalsOf(caller) }
      : undefined;
  }
  if (caller.orgKind === 'customs') return { kinds: ['customs'] };
  if (caller.orgKind === 'port_police') return { kinds: ['police'] };
  return undefined;
}

/**
 * The work queues of `caller`, in `queueKinds` order: only those their roles work on (none for a role that waits
 * on nothing: an empty list), each counted within need-to-know.
 *
 * @example
 * ```ts
 * const queues = await workQueues(store.queueCounts, forwarderDesk, clock.now());
 * // [{ kind: 'release_offers', count: 3, more: false, link: '/releases#offers-heading' }]
 * ```
 */
export async function workQueues(
  counts: QueueCountReads,
  caller: Principal,
  now: Date,
): Promise<WorkQueue[]> {
  const rules = RULES.filter((rule) => rule.applies(caller));
  return Promise.all(
    rules.map(async (rule) => {
      // One more than the cap tells "more wait" without counting them.
      const counted = await rule.count(counts, caller, now, QUEUE_COUNT_CAP + 1);
      return {
        kind: rule.kind,
        count: Math.min(counted, QUEUE_COUNT_CAP),
        more: counted > QUEUE_COUNT_CAP,
        link: rule.link(caller),
      };
    }),
  );
}

/** Whether two answers of `workQueues` say the same: a live stream sends only when they differ. */
export function sameQueues(a: readonly WorkQueue[], b: readonly WorkQueue[]): boolean {
  return (
    a.length === b.length &&
    a.every((queue, i) => {
      const other = b[i]!;
      return (
        queue.kind === other.kind &&
        queue.count === other.count &&
        queue.more === other.more &&
        queue.link === other.link
      );
    })
  );
}
