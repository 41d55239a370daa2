/**
 * The counts behind the work queues (issue 14): how many items wait for one person, each a bounded read of a read
 * model through an index, never a fold of the log nor a whole list. Every count stops at `cap` (it answers the smaller of
 * the number waiting and `cap`), so that a queue of a hundred thousand costs the same as one of a thousand.
 */
import type { AlertQuery } from '../alerts/alert.ports.js';

/** The live two-person requests one person could decide now (`approverRefusal` in the domain, as a query). */
export interface DecidableApprovalQuery {
  /** Only requests that expire after this instant: a request nobody decided stays pending in the table. */
  readonly expiresAfter: string;
  /** The kinds of request the person's roles may decide; none matches nothing. */
  readonly kinds: readonly string[];
  /**
   * The person: never their own request, nor a change to their own account (a request's subject is a user only for
   * role grants and passkey resets; the other kinds name a visit, a device or a hold, never a user id).
   */
  readonly userId: string;
  /** A request that names no terminal is decided within the requester's organisation. */
  readonly orgId: string;
  /** A request that names a terminal is decided by the staff of the operator running it: these terminals. */
  readonly terminals: readonly string[];
  /** A `hold.lift` is decided only by someone who may lift that kind of hold: these kinds. */
  readonly holdKinds: readonly string[];
}

/**
 * A range of slot ids of one terminal, from `fromSlotId` (inclusive) to `untilSlotId` (exclusive). A slot id is the
 * terminal then its start in UTC (`T1@20250301T0800Z`, `slots.ts`), so one terminal's ids sort by time and a range of
 * them is a window of time, read along the bookings' slot index.
 */
export interface SlotIdRange {
  readonly fromSlotId: string;
  readonly untilSlotId: string;
}

/**
 * Boxes on hold, as one person may count them: with a standing hold of one of `kinds`, and at one of `terminals` or of
 * the line `line` when given (a line sees its own boxes, terminal staff their terminals', an authority everywhere).
 */
export interface HeldBoxQuery {
  readonly kinds: readonly string[];
  readonly terminals?: readonly string[];
  readonly line?: string;
}

export interface QueueCountReads {
  /** Release offers awaiting this organisation's answer, of releases neither blocked nor revoked. */
  countReleaseOffers(orgId: string, cap: number): Promise<number>;
  /** Releases this line issued that are blocked now (and not revoked). */
  countBlockedReleases(lineOrgId: string, cap: number): Promise<number>;
  countDecidableApprovals(query: DecidableApprovalQuery, cap: number): Promise<number>;
  /** Open (not yet acknowledged) alerts within `visibleTo` (the alert list's own scope); every one when absent. */
  countOpenAlerts(
    visibleTo: AlertQuery['visibleTo'],
    cap: number,
    /** Leaves out the alerts about this person, as their alert list does (`AlertQuery.notAboutUser`). */
    notAboutUser?: string,
  ): Promise<number>;
  /** Bookings in force whose slot id falls in one of these ranges: the trucks due in a window. */
  countSlotBookings(ranges: readonly SlotIdRange[], cap: number): Promise<number>;
  /** Phones this haulier's drivers enrolled that wait for a planner's confirmation. */
  countPendingDevices(orgId: string, cap: number): Promise<number>;
  /** Boxes with a standing hold of the query's kinds, in its scope; read along the index of held boxes only. */
  countHeldBoxes(query: HeldBoxQuery, cap: number): Promise<number>;
}
