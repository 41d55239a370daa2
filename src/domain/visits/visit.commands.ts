/**
 * Commands on a container visit. Each carries `at`, the ISO 8601 instant the fact happened or was requested,
 * because the domain never reads a clock. Commands arrive from people and messages, so `decide` re-checks
 * every field (see `visit.ts`).
 */
import type { YardSlot } from '../yard/index.js';

/** Whether the box carries cargo. */
export type FullEmpty = 'full' | 'empty';

/** How the box enters the port: off a vessel (which call) or through the gate. */
export type Arrival = { mode: 'vessel'; vesselCall: string } | { mode: 'truck' };

/** Who placed a hold. Any active hold blocks gate-out and load. */
export type HoldKind = 'customs' | 'line' | 'terminal' | 'police';

/** Pre-advice (COPARN): the line announces a box, with the visit reference the caller made for it. */
export type AnnounceVisit = {
  type: 'AnnounceVisit';
  at: string;
  visitRef: string;
  containerNumber: string;
  /** The carrier's SCAC or line code. */
  line: string;
  /** ISO 6346 size-type code, e.g. `45G1`. */
  sizeType: string;
  fullEmpty: FullEmpty;
  arrival: Arrival;
  /**
   * DCSA `transportDocumentReference`: the bill of lading (or sea waybill) the cargo travels under, when the line
   * names it (issue 14: a box is found by it). At most 20 characters, as DCSA's schema allows.
   */
  transportDocumentReference?: string;
  /** DCSA `carrierBookingReference`: the carrier's booking the box was shipped under, at most 35 characters. */
  carrierBookingReference?: string;
};

/** The box comes off the announced vessel into a yard slot (COARRI discharge, DCSA `DISC`). */
export type DischargeContainer = {
  type: 'DischargeContainer';
  at: string;
  vesselCall: string;
  slot: YardSlot;
  equipment?: string;
  operator?: string;
};

/** The box comes through the gate on a truck into a yard slot (CODECO gate-in, DCSA `GTIN`). */
export type GateInContainer = {
  type: 'GateInContainer';
  at: string;
  slot: YardSlot;
  truckPlate?: string;
  equipment?: string;
  operator?: string;
};

/** A physical move inside the yard, by a piece of equipment and its operator. */
export type MoveContainer = {
  type: 'MoveContainer';
  at: string;
  /** Where the box stands now; must equal the recorded slot. */
  from: YardSlot;
  to: YardSlot;
  equipment: string;
  operator: string;
};

/**
 * Corrects where the box is recorded to stand when no physical move explains the difference (a yard scan found it
 * elsewhere). Never a single person's word: the caller applies it only as the effect of a granted two-person
 * `yard.correction` request, whose id, requester and approver the event records.
 */
export type CorrectPosition = {
  type: 'CorrectPosition';
  at: string;
  /** Where the box is recorded now; must equal the recorded slot. */
  from: YardSlot;
  to: YardSlot;
  reason: string;
  approvalId: string;
  requestedBy: string;
  approvedBy: string;
};

/** Places a hold; `reference` is the placing authority's own reference (customs declaration, case number …). */
export type PlaceHold = {
  type: 'PlaceHold';
  at: string;
  holdId: string;
  kind: HoldKind;
  reason: string;
  reference: string;
  /** Who places it (a userId); a customs or police hold is lifted alone only by this officer (issue 10, row B). */
  by?: string;
};

/**
 * Lifts an active hold. `by` is who lifts it. A customs or police hold placed by someone else (or by nobody
 * recorded) is lifted only as the effect of a granted two-person `hold.lift` request, whose id and approver the
 * command names (`by` is then the requester); see {@link holdLiftNeedsSecondOfficer}.
 */
export type LiftHold = {
  type: 'LiftHold';
  at: string;
  holdId: string;
  reason: string;
  by: string;
  approvalId?: string;
  approvedBy?: string;
};

/**
 * The gate's accepted verdict that lets a box out, as the log recorded it: the `GateAttemptAccepted` event of the
 * attempt's `gate-<attemptId>` stream (issue 10, row A: a kiosk token must not be able to gate a box out with a
 * bare command). `recordedAt` is the instant of the transaction that recorded it.
 */
export type GateVerdictRecord = {
  attemptId: string;
  /** The visit the verdict was given for. */
  visitRef: string;
  /** Whether the gate accepted the attempt (`GateAttemptAccepted`). */
  accepted: boolean;
  /** The verdict event's audit index. */
  index: number;
  recordedAt: string;
};

/**
 * The box leaves through the gate (CODECO gate-out, DCSA `GTOT`). Only the gate lets a box out: the command must
 * carry the gate's accepted verdict for this very visit, recorded in the same transaction (`at`), and not used by
 * an earlier gate-out of the visit; otherwise `visit.gate_out_needs_verdict`.
 */
export type GateOutContainer = {
  type: 'GateOutContainer';
  at: string;
  truckPlate?: string;
  verdict: GateVerdictRecord;
};

/** The box is loaded onto a vessel (COARRI load, DCSA `LOAD`). */
export type LoadContainer = { type: 'LoadContainer'; at: string; vesselCall: string };

/**
 * Voids one earlier event of this visit. Nothing is deleted: the void is a new event, and the state is
 * re-folded from the events that remain effective. `requestedBy` and `approvedBy` record the two people of a
 * two-person correction (MISSION §3, Corrections) when the caller has them.
 */
export type VoidEvent = {
  type: 'VoidEvent';
  at: string;
  /** 1-based stream version of the event to void. */
  voidedVersion: number;
  reason: string;
  requestedBy?: string;
  approvedBy?: string;
};

/**
 * Freezes the box: a protective stop that takes effect at once, on one person's word (a terminal supervisor, a
 * customs officer or a police investigator), because that is how a suspect box is stopped before it leaves. A
 * frozen box can neither gate out nor be loaded. `alertId` names the alert that prompted it, when one did.
 */
export type FreezeVisit = {
  type: 'FreezeVisit';
  at: string;
  reason: string;
  by: string;
  alertId?: string;
};

/**
 * Lifts a freeze. Never a single person's word: the caller applies it only as the effect of a granted two-person
 * `visit.unfreeze` request, whose id, requester and approver the event records.
 */
export type UnfreezeVisit = {
  type: 'UnfreezeVisit';
  at: string;
  reason: string;
  approvalId: string;
  requestedBy: string;
  approvedBy: string;
};

/** Every command the visit decider accepts, discriminated on `type`. */
export type VisitCommand =
  | AnnounceVisit
  | DischargeContainer
  | GateInContainer
  | MoveContainer
  | CorrectPosition
  | PlaceHold
  | LiftHold
  | GateOutContainer
  | LoadContainer
  | FreezeVisit
  | UnfreezeVisit
  | VoidEvent;
