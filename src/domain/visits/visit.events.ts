/**
 * Events of a container visit. Each is plain JSON — strings, numbers, `null` for an absent value, nested plain
 * objects — because its RFC 8785 canonical bytes become an audit leaf; and each carries everything needed to
 * replay and audit it (the visit, the instant, the slots as structured objects, the equipment and operator).
 */

import type { YardSlot } from '../yard/index.js';
import type { Arrival, FullEmpty, HoldKind } from './visit.commands.js';

/** The line announced the box (pre-advice). */
export type VisitAnnounced = {
  type: 'VisitAnnounced';
  visitRef: string;
  /** Normalised ISO 6346 number. */
  containerNumber: string;
  line: string;
  /** Normalised ISO 6346 size-type code. */
  sizeType: string;
  fullEmpty: FullEmpty;
  arrival: Arrival;
  /**
   * The bill of lading and the carrier booking the line named (DCSA names; issue 14). Present only when named, so an
   * announcement without them has the same leaf as before they existed.
   */
  transportDocumentReference?: string;
  carrierBookingReference?: string;
  at: string;
};

/** The box came off its vessel into `slot` (DCSA `DISC`). */
export type ContainerDischarged = {
  type: 'ContainerDischarged';
  visitRef: string;
  vesselCall: string;
  slot: YardSlot;
  equipment: string | null;
  operator: string | null;
  at: string;
};

/** The box came through the gate into `slot` (DCSA `GTIN`). */
export type ContainerGatedIn = {
  type: 'ContainerGatedIn';
  visitRef: string;
  slot: YardSlot;
  truckPlate: string | null;
  equipment: string | null;
  operator: string | null;
  at: string;
};

/** The box was moved inside the yard. */
export type ContainerMoved = {
  type: 'ContainerMoved';
  visitRef: string;
  from: YardSlot;
  to: YardSlot;
  equipment: string;
  operator: string;
  at: string;
};

/** The recorded position was corrected by two people (no physical move): see `CorrectPosition`. */
export type ContainerPositionCorrected = {
  type: 'ContainerPositionCorrected';
  visitRef: string;
  from: YardSlot;
  to: YardSlot;
  reason: string;
  approvalId: string;
  requestedBy: string;
  approvedBy: string;
  at: string;
};

/** A hold was placed. */
export type HoldPlaced = {
  type: 'HoldPlaced';
  visitRef: string;
  holdId: string;
  kind: HoldKind;
  reason: string;
  reference: string;
  /** Who placed it; absent on holds placed before issue 10 (and `null` when the command named nobody). */
  placedBy?: string | null;
  at: string;
};

/**
 * A hold was lifted; `kind` is copied from the placement so the event reads on its own. `liftedBy` is who lifted
 * it (the requester, when a second officer approved: `approvalId`, `approvedBy`); the three are absent on lifts
 * recorded before issue 10.
 */
export type HoldLifted = {
  type: 'HoldLifted';
  visitRef: string;
  holdId: string;
  kind: HoldKind;
  reason: string;
  liftedBy?: string;
  approvalId?: string | null;
  approvedBy?: string | null;
  at: string;
};

/** The box left through the gate from `from` (DCSA `GTOT`). */
export type ContainerGatedOut = {
  type: 'ContainerGatedOut';
  visitRef: string;
  from: YardSlot;
  truckPlate: string | null;
  /**
   * The gate attempt whose accepted verdict let the box out, and that verdict's audit index (issue 10). Absent
   * only on gate-outs recorded before the gate was the one way out.
   */
  gateAttemptId?: string;
  verdictIndex?: number;
  at: string;
};

/** The box left `from` onto a vessel (DCSA `LOAD`). */
export type ContainerLoaded = {
  type: 'ContainerLoaded';
  visitRef: string;
  from: YardSlot;
  vesselCall: string;
  at: string;
};

/** The box was frozen by one person, at once (see `FreezeVisit`). */
export type VisitFrozen = {
  type: 'VisitFrozen';
  visitRef: string;
  reason: string;
  /** The alert that prompted the freeze, if any. */
  alertId: string | null;
  by: string;
  at: string;
};

/** A freeze was lifted by two people (see `UnfreezeVisit`); `frozenBy` and `frozenAt` are copied so it reads on its own. */
export type VisitUnfrozen = {
  type: 'VisitUnfrozen';
  visitRef: string;
  reason: string;
  approvalId: string;
  requestedBy: string;
  approvedBy: string;
  frozenBy: string;
  frozenAt: string;
  at: string;
};

/** An earlier event of this stream no longer counts. It stays in the log; this event points at it. */
export type EventVoided = {
  type: 'EventVoided';
  visitRef: string;
  /** 1-based stream version of the voided event. */
  voidedVersion: number;
  voidedType: VisitFactEventType;
  reason: string;
  requestedBy: string | null;
  approvedBy: string | null;
  at: string;
};

/** The `type` of every event but a void: what a void may target. */
export type VisitFactEventType =
  | 'VisitAnnounced'
  | 'ContainerDischarged'
  | 'ContainerGatedIn'
  | 'ContainerMoved'
  | 'ContainerPositionCorrected'
  | 'HoldPlaced'
  | 'HoldLifted'
  | 'ContainerGatedOut'
  | 'ContainerLoaded'
  | 'VisitFrozen'
  | 'VisitUnfrozen';

/** Every event of a visit stream, discriminated on `type`. */
export type VisitEvent =
  | VisitAnnounced
  | ContainerDischarged
  | ContainerGatedIn
  | ContainerMoved
  | ContainerPositionCorrected
  | HoldPlaced
  | HoldLifted
  | ContainerGatedOut
  | ContainerLoaded
  | VisitFrozen
  | VisitUnfrozen
  | EventVoided;

/** The events that change the visit itself (everything but a void). */
export type VisitFactEvent = Exclude<VisitEvent, EventVoided>;

/** DCSA Track & Trace equipment event type codes that our events map to. */
export type DcsaEquipmentEventCode = 'DISC' | 'GTIN' | 'GTOT' | 'LOAD';

/**
 * The DCSA Track & Trace 2.2 `equipmentEventTypeCode` of an event, or `undefined` when DCSA has none
 * (announcements, yard moves, holds, voids).
 *
 * @example
 * ```ts
 * dcsaEquipmentEventCode({ type: 'ContainerDischarged', … }); // 'DISC'
 * ```
 */
export function dcsaEquipmentEventCode(event: VisitEvent): DcsaEquipmentEventCode | undefined {
  switch (event.type) {
    case 'ContainerDischarged':
      return 'DISC';
    case 'ContainerGatedIn':
      return 'GTIN';
    case 'ContainerGatedOut':
      return 'GTOT';
    case 'ContainerLoaded':
      return 'LOAD';
    default:
      return undefined;
  }
}
