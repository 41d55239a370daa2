/**
 * The container visit decider: one stay of one box in the port, from pre-advice to gate-out or load.
 *
 * Life: `announced` → (discharged from its vessel | gated in) → `in_yard` (moves between slots) →
 * `gated_out` | `loaded`; or `cancelled` when the announcement itself is voided before anything else happened.
 *
 * Every rule lives once, in {@link checkEvent}: `decide` builds the candidate event from the command and
 * checks it against the state, and a void re-checks every remaining event in order, so a correction can never
 * leave a history that `decide` would not have accepted (MISSION §1: records are corrected, never wiped).
 */

import type { Decider } from '../decider.js';
import { DomainError } from '../errors.js';
import { carrierCodeField, fieldInvalid, instantField, oneOfField, textField } from '../field-checks.js';
import type { YardChange } from '../yard/index.js';
import {
  cellsOf,
  checkBayParity,
  checkYardSlot,
  formatYardSlot,
  type LengthFt,
  parseSizeType,
  sameSlot,
  type YardCell,
  type YardSlot,
} from '../yard/index.js';
import { parseContainerNumber } from './container-number.js';
import type { Arrival, FullEmpty, GateVerdictRecord, HoldKind, VisitCommand } from './visit.commands.js';
import type { EventVoided, VisitEvent, VisitFactEvent } from './visit.events.js';
import { parseVisitReference } from './visit-reference.js';

export { dcsaEquipmentEventCode } from './visit.events.js';

/** Where a visit stands in its life. */
export type VisitStatus = 'announced' | 'in_yard' | 'gated_out' | 'loaded' | 'cancelled';

/** How the box left the port. */
export type Departure = { mode: 'truck'; truckPlate: string | null } | { mode: 'vessel'; vesselCall: string };

/** A hold in force. */
export type ActiveHold = {
  readonly holdId: string;
  readonly kind: HoldKind;
  readonly reason: string;
  readonly reference: string;
  readonly placedAt: string;
  /** Who placed it; `null` when nobody was recorded (holds placed before issue 10). */
  readonly placedBy: string | null;
};

/**
 * Whether lifting `hold` as `by` needs a second officer's approval (issue 10, row B): a customs or police hold
 * placed by someone else, or by nobody recorded. Those are the holds of authorities that act on suspicion; an
 * officer lifting a colleague's hold alone is exactly what a keylogged login would do. Terminal and line holds,
 * and an officer's own hold, are lifted directly (behind a passkey session and a step-up, at the edge).
 *
 * @example
 * ```ts
 * holdLiftNeedsSecondOfficer({ kind: 'customs', placedBy: 'u-cus-1', … }, 'u-cus-2'); // true
 * holdLiftNeedsSecondOfficer({ kind: 'terminal', placedBy: 'u-sup-1', … }, 'u-pln-1'); // false
 * ```
 */
export function holdLiftNeedsSecondOfficer(hold: Pick<ActiveHold, 'kind' | 'placedBy'>, by: string): boolean {
  return (hold.kind === 'customs' || hold.kind === 'police') && hold.placedBy !== by;
}

/** A freeze in force: who stopped the box, when and why. */
export type Freeze = {
  readonly reason: string;
  readonly by: string;
  readonly at: string;
  readonly alertId: string | null;
};

/** The facts of a visit, folded from its effective (non-voided) events. */
export type Visit = {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly line: string;
  readonly sizeType: string;
  readonly lengthFt: LengthFt;
  readonly fullEmpty: FullEmpty;
  readonly arrival: Arrival;
  /** The bill of lading the line named in its announcement (DCSA `transportDocumentReference`), if any. */
  readonly transportDocumentReference: string | null;
  /** The carrier booking the line named in its announcement (DCSA `carrierBookingReference`), if any. */
  readonly carrierBookingReference: string | null;
  /** The plate of the truck that brought the box through the gate, as the gate-in recorded it. */
  readonly gateInTruckPlate: string | null;
  readonly status: VisitStatus;
  /** Where the box stands; `null` unless `in_yard`. */
  readonly slot: YardSlot | null;
  readonly holds: readonly ActiveHold[];
  /** The freeze in force, if any: a frozen box cannot gate out or be loaded. */
  readonly frozen: Freeze | null;
  readonly departure: Departure | null;
  readonly announcedAt: string;
  readonly arrivedAt: string | null;
  readonly lastMovedAt: string | null;
  readonly departedAt: string | null;
  readonly cancelledAt: string | null;
};

/**
 * The state of a visit stream. It keeps every event it folded (a visit has tens of events, not thousands),
 * because a void re-folds the visit from the events that remain effective.
 */
export type VisitState = {
  /** Stream version: the number of events folded, voids included. */
  readonly version: number;
  /** Every event of the stream; the event of version v is `events[v - 1]`. */
  readonly events: readonly VisitEvent[];
  /** Versions voided so far, ascending. */
  readonly voided: readonly number[];
  /** `null` for an empty stream. */
  readonly visit: Visit | null;
};

/** One event of the stream that still counts, with its version. */
export type EffectiveEvent = { readonly version: number; readonly event: VisitFactEvent };

const MAX_TEXT = { code: 35, name: 100, reason: 500 } as const;
/** DCSA's `transportDocumentReference` is at most 20 characters; its `carrierBookingReference` at most 35. */
const MAX_TRANSPORT_DOCUMENT_REFERENCE = 20;

/**
 * The visit decider.
 *
 * @example
 * ```ts
 * const state = foldEvents(visitDecider, stored.map((e) => e.data as VisitEvent));
 * const events = visitDecider.decide({ type: 'GateOutContainer', at: now.toISOString() }, state);
 * ```
 */
export const visitDecider: Decider<VisitCommand, VisitEvent, VisitState> = {
  decide,
  evolve,
  initialState,
};

/**
 * The state of an empty stream.
 *
 * @example
 * ```ts
 * initialState(); // { version: 0, events: [], voided: [], visit: null }
 * ```
 */
export function initialState(): VisitState {
  return { version: 0, events: [], voided: [], visit: null };
}

/**
 * The events a command causes; throws `DomainError` when it is refused. Fields are normalised (container
 * number, size type, visit reference, slots, instants in UTC with milliseconds) before they go into events.
 *
 * @example
 * ```ts
 * decide({ type: 'PlaceHold', at, holdId: 'C-1', kind: 'customs', reason: 'scan', reference: 'MRN 24BE…' }, state);
 * ```
 */
export function decide(command: VisitCommand, state: VisitState): VisitEvent[] {
  if (command.type === 'VoidEvent') return [decideVoid(command, state)];
  const event = toEvent(command, state);
  checkEvent(state.visit, event);
  return [event];
}

/**
 * The state after one more event of the stream. A void re-folds the visit from the effective events.
 *
 * @example
 * ```ts
 * const state = events.reduce(evolve, initialState());
 * ```
 */
export function evolve(state: VisitState, event: VisitEvent): VisitState {
  const events = [...state.events, event];
  if (event.type !== 'EventVoided') {
    return {
      version: state.version + 1,
      events,
      voided: state.voided,
      visit: applyEvent(state.visit, event),
    };
  }
  const voided = [...state.voided, event.voidedVersion].sort((a, b) => a - b);
  return { version: state.version + 1, events, voided, visit: refold(events, voided) };
}

/**
 * The events that still count, in stream order: neither voids nor voided.
 *
 * @example
 * ```ts
 * effectiveEvents(state).map((e) => e.version); // [1, 2, 4]
 * ```
 */
export function effectiveEvents(state: Pick<VisitState, 'events' | 'voided'>): EffectiveEvent[] {
  const voided = new Set(state.voided);
  const effective: EffectiveEvent[] = [];
  state.events.forEach((event, i) => {
    if (event.type !== 'EventVoided' && !voided.has(i + 1)) effective.push({ version: i + 1, event });
  });
  return effective;
}

/**
 * Where the box stands, when it is in the yard.
 *
 * @example
 * ```ts
 * slotOf(state); // { terminal: 'DPW1', block: 'A', bay: 4, row: 2, tier: 1 }
 * ```
 */
export function slotOf(state: VisitState): YardSlot | undefined {
  return state.visit?.slot ?? undefined;
}

/**
 * The yard cells the box fills (two for a 40/45-ft box); empty when it is not in the yard.
 *
 * @example
 * ```ts
 * visitCells(state).map((c) => c.bay); // [3, 5]
 * ```
 */
export function visitCells(state: VisitState): YardCell[] {
  const visit = state.visit;
  return visit?.slot ? cellsOf(visit.slot, visit.lengthFt) : [];
}

/**
 * What happened to the yard between two states of the same visit (after a discharge, move, gate-out, load or
 * a void that puts the box back or takes it away), for `checkYardChange` / `applyYardChange`; `undefined` when
 * the box did not change place.
 *
 * @example
 * ```ts
 * const after = events.reduce(evolve, before);
 * const change = yardChangeBetween(before, after);
 * if (change) checkYardChange({ occupied, ...change });
 * ```
 */
export function yardChangeBetween(before: VisitState, after: VisitState): YardChange | undefined {
  const visitRef = after.visit?.visitRef ?? before.visit?.visitRef;
  const from = slotOf(before);
  const to = slotOf(after);
  if (visitRef === undefined || (from === undefined && to === undefined)) return undefined;
  if (from !== undefined && to !== undefined && sameSlot(from, to)) return undefined;
  return { visitRef, from: visitCells(before), to: visitCells(after) };
}

/**
 * Whether the visit has started and not ended: the box is announced or in the yard. One container number has
 * at most one active visit.
 *
 * @example
 * ```ts
 * isActive(initialState()); // false
 * ```
 */
export function isActive(state: VisitState): boolean {
  const status = state.visit?.status;
  return status === 'announced' || status === 'in_yard';
}

/** The read-model view of a visit: plain JSON. */
export type VisitView = {
  visitRef: string;
  containerNumber: string;
  status: VisitStatus;
  line: string;
  sizeType: string;
  lengthFt: number;
  fullEmpty: FullEmpty;
  arrival: Arrival;
  /**
   * The bill of lading and carrier booking of the announcement, present only when the line named them, so the view
   * of a visit announced without them is what it was before they existed (no read-model rebuild at the upgrade).
   */
  transportDocumentReference?: string;
  carrierBookingReference?: string;
  /** Yard position: terminal staff only (MISSION §2); the edge strips it for everyone else. */
  slot: YardSlot | null;
  slotText: string | null;
  /** Active holds. The edge decides who may see which (a police hold must not tip off a haulier). */
  holds: { holdId: string; kind: HoldKind; reason: string; reference: string; placedAt: string }[];
  onHold: boolean;
  /** The freeze in force; who froze it is shown only to those who may see holds. */
  frozen: { reason: string; by: string; at: string; alertId: string | null } | null;
  departure: Departure | null;
  announcedAt: string;
  arrivedAt: string | null;
  lastMovedAt: string | null;
  departedAt: string | null;
  cancelledAt: string | null;
  version: number;
  voidedVersions: number[];
};

/**
 * The JSON view of a visit for the read model; `visit.not_found` for an empty stream.
 *
 * @example
 * ```ts
 * visitView(state).status; // 'in_yard'
 * ```
 */
export function visitView(state: VisitState): VisitView {
  const visit = state.visit;
  if (visit === null) throw notFound();
  return {
    visitRef: visit.visitRef,
    containerNumber: visit.containerNumber,
    status: visit.status,
    line: visit.line,
    sizeType: visit.sizeType,
    lengthFt: visit.lengthFt,
    fullEmpty: visit.fullEmpty,
    arrival: { ...visit.arrival },
    ...(visit.transportDocumentReference === null
      ? {}
      : { transportDocumentReference: visit.transportDocumentReference }),
    ...(visit.carrierBookingReference === null
      ? {}
      : { carrierBookingReference: visit.carrierBookingReference }),
    slot: visit.slot ? { ...visit.slot } : null,
    slotText: visit.slot ? formatYardSlot(visit.slot) : null,
    holds: visit.holds.map(({ holdId, kind, reason, reference, placedAt }) => ({
      holdId,
      kind,
      reason,
      reference,
      placedAt,
    })),
    onHold: visit.holds.length > 0,
    frozen: visit.frozen ? { ...visit.frozen } : null,
    departure: visit.departure ? { ...visit.departure } : null,
    announcedAt: visit.announcedAt,
    arrivedAt: visit.arrivedAt,
    lastMovedAt: visit.lastMovedAt,
    departedAt: visit.departedAt,
    cancelledAt: visit.cancelledAt,
    version: state.version,
    voidedVersions: [...state.voided],
  };
}

/**
 * Every rule of the visit, as a check of one candidate event against the visit before it. `decide` calls it
 * for new events and a void calls it for every remaining event, so both obey the same rules.
 */
export function checkEvent(visit: Visit | null, event: VisitFactEvent): void {
  if (event.type === 'VisitAnnounced') {
    if (visit !== null) {
      throw new DomainError('visit.already_exists', `visit ${visit.visitRef} already exists`, {
        visitRef: visit.visitRef,
        status: visit.status,
      });
    }
    return;
  }
  if (visit === null) throw notFound();
  if (visit.status === 'cancelled') throw ended(visit);
  switch (event.type) {
    case 'ContainerDischarged':
    case 'ContainerGatedIn': {
      requireStatus(visit, 'announced');
      const mode = event.type === 'ContainerDischarged' ? 'vessel' : 'truck';
      if (visit.arrival.mode !== mode) {
        throw new DomainError(
          'visit.wrong_arrival_mode',
          `visit ${visit.visitRef} was announced to arrive by ${visit.arrival.mode}, not by ${mode}`,
          { visitRef: visit.visitRef, announced: visit.arrival.mode, attempted: mode },
        );
      }
      if (event.type === 'ContainerDischarged' && visit.arrival.mode === 'vessel') {
        if (event.vesselCall !== visit.arrival.vesselCall) {
          throw new DomainError(
            'visit.vessel_call_mismatch',
            `visit ${visit.visitRef} was announced on vessel call ${visit.arrival.vesselCall}, not ${event.vesselCall}`,
            { visitRef: visit.visitRef, announced: visit.arrival.vesselCall, attempted: event.vesselCall },
          );
        }
      }
      checkBayParity(event.slot, visit.lengthFt);
      return;
    }
    case 'ContainerMoved':
    case 'ContainerPositionCorrected':
      requireStatus(visit, 'in_yard');
      requireFrom(visit, event.from);
      if (event.type === 'ContainerPositionCorrected' && event.requestedBy === event.approvedBy) {
        throw new DomainError('visit.correction_needs_two', 'a position correction needs a second person', {
          visitRef: visit.visitRef,
          approvalId: event.approvalId,
        });
      }
      if (sameSlot(event.from, event.to)) {
        throw new DomainError('yard.same_slot', `the box already stands at ${formatYardSlot(event.to)}`, {
          visitRef: visit.visitRef,
          slot: event.to,
        });
      }
      checkBayParity(event.to, visit.lengthFt);
      return;
    case 'HoldPlaced': {
      requireNotDeparted(visit);
      const active = visit.holds.find((hold) => hold.holdId === event.holdId);
      if (active !== undefined) {
        throw new DomainError('hold.already_active', `hold ${event.holdId} is already in force`, {
          visitRef: visit.visitRef,
          holdId: event.holdId,
          kind: active.kind,
        });
      }
      return;
    }
    case 'HoldLifted': {
      requireNotDeparted(visit);
      const hold = visit.holds.find((candidate) => candidate.holdId === event.holdId);
      if (hold === undefined) {
        throw new DomainError(
          'hold.not_found',
          `visit ${visit.visitRef} has no hold ${event.holdId} in force`,
          {
            visitRef: visit.visitRef,
            holdId: event.holdId,
          },
        );
      }
      // Lifts recorded before issue 10 name nobody and stay valid when a void re-checks the history.
      if (event.liftedBy !== undefined && holdLiftNeedsSecondOfficer(hold, event.liftedBy)) {
        const approved =
          typeof event.approvalId === 'string' &&
          typeof event.approvedBy === 'string' &&
          event.approvedBy !== event.liftedBy;
        if (!approved) {
          throw new DomainError(
            'hold.second_officer_required',
            `the ${hold.kind} hold ${hold.holdId} was placed by another officer: lifting it needs a second officer's approval`,
            { visitRef: visit.visitRef, holdId: hold.holdId, kind: hold.kind },
          );
        }
      }
      return;
    }
    case 'VisitFrozen':
      requireNotDeparted(visit);
      if (visit.frozen !== null) {
        throw new DomainError(
          'visit.already_frozen',
          `visit ${visit.visitRef} is already frozen (by ${visit.frozen.by} at ${visit.frozen.at})`,
          { visitRef: visit.visitRef, frozenBy: visit.frozen.by, frozenAt: visit.frozen.at },
        );
      }
      return;
    case 'VisitUnfrozen':
      if (visit.frozen === null) {
        throw new DomainError('visit.not_frozen', `visit ${visit.visitRef} is not frozen`, {
          visitRef: visit.visitRef,
        });
      }
      if (event.requestedBy === event.approvedBy) {
        throw new DomainError('visit.unfreeze_needs_two', 'an unfreeze needs a second person', {
          visitRef: visit.visitRef,
          approvalId: event.approvalId,
        });
      }
      return;
    case 'ContainerGatedOut':
    case 'ContainerLoaded':
      requireStatus(visit, 'in_yard');
      requireFrom(visit, event.from);
      if (visit.frozen !== null) {
        throw new DomainError(
          'visit.frozen',
          `visit ${visit.visitRef} is frozen (by ${visit.frozen.by}: ${visit.frozen.reason}); it cannot leave`,
          { visitRef: visit.visitRef, frozenBy: visit.frozen.by, frozenAt: visit.frozen.at },
        );
      }
      if (visit.holds.length > 0) {
        throw new DomainError(
          'visit.on_hold',
          `visit ${visit.visitRef} is on hold (${visit.holds.map((hold) => hold.kind).join(', ')}); it cannot leave`,
          { visitRef: visit.visitRef, holds: visit.holds.map(({ holdId, kind }) => ({ holdId, kind })) },
        );
      }
      return;
  }
}

function decideVoid(command: Extract<VisitCommand, { type: 'VoidEvent' }>, state: VisitState): EventVoided {
  const at = instant(command.at);
  const reason = text('reason', command.reason, MAX_TEXT.reason);
  const requestedBy = optionalText('requestedBy', command.requestedBy, MAX_TEXT.name);
  const approvedBy = optionalText('approvedBy', command.approvedBy, MAX_TEXT.name);
  const visit = state.visit;
  if (visit === null) throw notFound();
  if (visit.status === 'cancelled') throw ended(visit);
  const target = command.voidedVersion;
  const invalid = (why: string): DomainError =>
    new DomainError('visit.void_target_invalid', `cannot void version ${String(target)}: ${why}`, {
      visitRef: visit.visitRef,
      voidedVersion: target,
      reason: why,
    });
  if (typeof target !== 'number' || !Number.isInteger(target) || target < 1 || target > state.version) {
    throw invalid(`the stream has versions 1 to ${state.version}`);
  }
  const targetEvent = state.events[target - 1]!;
  if (targetEvent.type === 'EventVoided') throw invalid('it is itself a void, and voids are final');
  // A void is approved by roles that may not lift a freeze (a line's release desk): freezes are lifted only by
  // a two-person unfreeze, and an unfreeze is undone only by freezing again.
  if (targetEvent.type === 'VisitFrozen' || targetEvent.type === 'VisitUnfrozen') {
    throw invalid('a freeze is lifted by an unfreeze request, and an unfreeze undone by freezing again');
  }
  if (state.voided.includes(target)) throw invalid('it is already voided');

  const remaining = effectiveEvents({ events: state.events, voided: [...state.voided, target] });
  let replayed: Visit | null = null;
  for (const { version, event } of remaining) {
    try {
      checkEvent(replayed, event);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new DomainError(
        'visit.void_breaks_history',
        `voiding version ${target} (${targetEvent.type}) leaves version ${version} (${event.type}) invalid: ${error.message}`,
        {
          visitRef: visit.visitRef,
          voidedVersion: target,
          failedVersion: version,
          failedType: event.type,
          cause: { code: error.code, message: error.message },
        },
      );
    }
    replayed = applyEvent(replayed, event);
  }
  return {
    type: 'EventVoided',
    visitRef: visit.visitRef,
    voidedVersion: target,
    voidedType: targetEvent.type,
    reason,
    requestedBy,
    approvedBy,
    at,
  };
}

function toEvent(command: Exclude<VisitCommand, { type: 'VoidEvent' }>, state: VisitState): VisitFactEvent {
  const at = instant(command.at);
  if (command.type === 'AnnounceVisit') {
    return {
      type: 'VisitAnnounced',
      visitRef: parseVisitReference(command.visitRef),
      containerNumber: parseContainerNumber(command.containerNumber).text,
      line: lineCode(command.line),
      sizeType: parseSizeType(command.sizeType).code,
      fullEmpty: oneOf('fullEmpty', command.fullEmpty, ['full', 'empty'] as const),
      arrival: arrival(command.arrival),
      ...optionalField(
        'transportDocumentReference',
        command.transportDocumentReference,
        MAX_TRANSPORT_DOCUMENT_REFERENCE,
      ),
      ...optionalField('carrierBookingReference', command.carrierBookingReference, MAX_TEXT.code),
      at,
    };
  }
  // Fields are checked before the state, so a malformed request is told so whatever the stream holds.
  const visitRef = (): string => {
    if (state.visit === null) throw notFound();
    return state.visit.visitRef;
  };
  const currentSlot = (): YardSlot => {
    const visit = state.visit;
    if (visit === null) throw notFound();
    requireStatus(visit, 'in_yard');
    return visit.slot!;
  };
  switch (command.type) {
    case 'DischargeContainer': {
      const fields = {
        vesselCall: text('vesselCall', command.vesselCall, MAX_TEXT.code),
        slot: checkYardSlot(command.slot),
        equipment: optionalText('equipment', command.equipment, MAX_TEXT.name),
        operator: optionalText('operator', command.operator, MAX_TEXT.name),
      };
      return { type: 'ContainerDischarged', visitRef: visitRef(), ...fields, at };
    }
    case 'GateInContainer': {
      const fields = {
        slot: checkYardSlot(command.slot),
        truckPlate: optionalText('truckPlate', command.truckPlate, MAX_TEXT.code),
        equipment: optionalText('equipment', command.equipment, MAX_TEXT.name),
        operator: optionalText('operator', command.operator, MAX_TEXT.name),
      };
      return { type: 'ContainerGatedIn', visitRef: visitRef(), ...fields, at };
    }
    case 'MoveContainer': {
      const fields = {
        from: checkYardSlot(command.from),
        to: checkYardSlot(command.to),
        equipment: text('equipment', command.equipment, MAX_TEXT.name),
        operator: text('operator', command.operator, MAX_TEXT.name),
      };
      return { type: 'ContainerMoved', visitRef: visitRef(), ...fields, at };
    }
    case 'CorrectPosition': {
      const fields = {
        from: checkYardSlot(command.from),
        to: checkYardSlot(command.to),
        reason: text('reason', command.reason, MAX_TEXT.reason),
        approvalId: text('approvalId', command.approvalId, MAX_TEXT.name),
        requestedBy: text('requestedBy', command.requestedBy, MAX_TEXT.name),
        approvedBy: text('approvedBy', command.approvedBy, MAX_TEXT.name),
      };
      return { type: 'ContainerPositionCorrected', visitRef: visitRef(), ...fields, at };
    }
    case 'PlaceHold': {
      const fields = {
        holdId: text('holdId', command.holdId, MAX_TEXT.name),
        kind: oneOf('kind', command.kind, ['customs', 'line', 'terminal', 'police'] as const),
        reason: text('reason', command.reason, MAX_TEXT.reason),
        reference: text('reference', command.reference, MAX_TEXT.name),
        placedBy: optionalText('by', command.by, MAX_TEXT.name),
      };
      return { type: 'HoldPlaced', visitRef: visitRef(), ...fields, at };
    }
    case 'LiftHold': {
      const holdId = text('holdId', command.holdId, MAX_TEXT.name);
      const reason = text('reason', command.reason, MAX_TEXT.reason);
      const liftedBy = text('by', command.by, MAX_TEXT.name);
      const approvalId = optionalText('approvalId', command.approvalId, MAX_TEXT.name);
      const approvedBy = optionalText('approvedBy', command.approvedBy, MAX_TEXT.name);
      // The kind is copied from the placement so the lift reads on its own; an unknown hold is refused by the rules.
      const kind = state.visit?.holds.find((hold) => hold.holdId === holdId)?.kind ?? 'terminal';
      return {
        type: 'HoldLifted',
        visitRef: visitRef(),
        holdId,
        kind,
        reason,
        liftedBy,
        approvalId,
        approvedBy,
        at,
      };
    }
    case 'FreezeVisit': {
      const fields = {
        reason: text('reason', command.reason, MAX_TEXT.reason),
        alertId: optionalText('alertId', command.alertId, MAX_TEXT.name),
        by: text('by', command.by, MAX_TEXT.name),
      };
      return { type: 'VisitFrozen', visitRef: visitRef(), ...fields, at };
    }
    case 'UnfreezeVisit': {
      const fields = {
        reason: text('reason', command.reason, MAX_TEXT.reason),
        approvalId: text('approvalId', command.approvalId, MAX_TEXT.name),
        requestedBy: text('requestedBy', command.requestedBy, MAX_TEXT.name),
        approvedBy: text('approvedBy', command.approvedBy, MAX_TEXT.name),
      };
      // Copied from the freeze so the event reads on its own; an unfrozen visit is refused by the rules.
      const frozen = state.visit?.frozen;
      return {
        type: 'VisitUnfrozen',
        visitRef: visitRef(),
        ...fields,
        frozenBy: frozen?.by ?? '',
        frozenAt: frozen?.at ?? '',
        at,
      };
    }
    case 'GateOutContainer': {
      const truckPlate = optionalText('truckPlate', command.truckPlate, MAX_TEXT.code);
      const from = currentSlot();
      const verdict = acceptedVerdict(command.verdict, state, at);
      return {
        type: 'ContainerGatedOut',
        visitRef: visitRef(),
        from,
        truckPlate,
        gateAttemptId: verdict.attemptId,
        verdictIndex: verdict.index,
        at,
      };
    }
    case 'LoadContainer': {
      const vesselCall = text('vesselCall', command.vesselCall, MAX_TEXT.code);
      return { type: 'ContainerLoaded', visitRef: visitRef(), from: currentSlot(), vesselCall, at };
    }
    default:
      throw new DomainError('visit.command_invalid', 'unknown command type', {
        field: 'type',
        value: String((command as { type: unknown }).type).slice(0, MAX_TEXT.code),
      });
  }
}

/** Applies an accepted event; no checks (they ran when it was decided, or when a void re-checked the history). */
function applyEvent(visit: Visit | null, event: VisitFactEvent): Visit | null {
  if (event.type === 'VisitAnnounced') {
    return {
      visitRef: event.visitRef,
      containerNumber: event.containerNumber,
      line: event.line,
      sizeType: event.sizeType,
      lengthFt: parseSizeType(event.sizeType).lengthFt,
      fullEmpty: event.fullEmpty,
      arrival: event.arrival,
      transportDocumentReference: event.transportDocumentReference ?? null,
      carrierBookingReference: event.carrierBookingReference ?? null,
      gateInTruckPlate: null,
      status: 'announced',
      slot: null,
      holds: [],
      frozen: null,
      departure: null,
      announcedAt: event.at,
      arrivedAt: null,
      lastMovedAt: null,
      departedAt: null,
      cancelledAt: null,
    };
  }
  if (visit === null) return null;
  switch (event.type) {
    case 'ContainerDischarged':
      return { ...visit, status: 'in_yard', slot: event.slot, arrivedAt: event.at };
    case 'ContainerGatedIn':
      return {
        ...visit,
        status: 'in_yard',
        slot: event.slot,
        arrivedAt: event.at,
        gateInTruckPlate: event.truckPlate,
      };
    case 'ContainerMoved':
      return { ...visit, slot: event.to, lastMovedAt: event.at };
    case 'ContainerPositionCorrected':
      return { ...visit, slot: event.to };
    case 'HoldPlaced': {
      const { holdId, kind, reason, reference, at } = event;
      const placedBy = event.placedBy ?? null;
      return {
        ...visit,
        holds: [...visit.holds, { holdId, kind, reason, reference, placedAt: at, placedBy }],
      };
    }
    case 'HoldLifted':
      return { ...visit, holds: visit.holds.filter((hold) => hold.holdId !== event.holdId) };
    case 'VisitFrozen': {
      const { reason, by, at, alertId } = event;
      return { ...visit, frozen: { reason, by, at, alertId } };
    }
    case 'VisitUnfrozen':
      return { ...visit, frozen: null };
    case 'ContainerGatedOut':
      return {
        ...visit,
        status: 'gated_out',
        slot: null,
        departure: { mode: 'truck', truckPlate: event.truckPlate },
        departedAt: event.at,
      };
    case 'ContainerLoaded':
      return {
        ...visit,
        status: 'loaded',
        slot: null,
        departure: { mode: 'vessel', vesselCall: event.vesselCall },
        departedAt: event.at,
      };
  }
}

/**
 * Re-folds the visit from the effective events. When the announcement is voided (which `decide` allows only
 * when nothing else counts), the visit keeps its announced facts for the record and is `cancelled`.
 */
function refold(events: readonly VisitEvent[], voided: readonly number[]): Visit | null {
  let visit: Visit | null = null;
  for (const { event } of effectiveEvents({ events, voided })) visit = applyEvent(visit, event);
  const first = events[0];
  if (visit === null && first?.type === 'VisitAnnounced' && voided.includes(1)) {
    const cancellation = events.find((e) => e.type === 'EventVoided' && e.voidedVersion === 1);
    return { ...applyEvent(null, first)!, status: 'cancelled', cancelledAt: cancellation?.at ?? null };
  }
  return visit;
}

function requireStatus(visit: Visit, wanted: 'announced' | 'in_yard'): void {
  if (visit.status === wanted) return;
  const ref = visit.visitRef;
  const details = { visitRef: ref, status: visit.status };
  switch (visit.status) {
    case 'announced':
      throw new DomainError(
        'visit.not_in_yard',
        `container of visit ${ref} has not arrived in the yard`,
        details,
      );
    case 'in_yard':
      throw new DomainError(
        'visit.already_in_yard',
        `container of visit ${ref} is already in the yard`,
        details,
      );
    case 'gated_out':
      throw new DomainError(
        'visit.already_gated_out',
        `container of visit ${ref} has already gated out`,
        details,
      );
    case 'loaded':
      throw new DomainError('visit.already_loaded', `container of visit ${ref} is already loaded`, details);
    case 'cancelled':
      throw ended(visit);
  }
}

/**
 * Only the gate lets a box out (issue 10, row A): the gate-out must carry the gate's accepted verdict for this very
 * visit, recorded in the same transaction (its instant is the command's), and not already spent by an earlier
 * gate-out of this visit (a voided gate-out does not give its verdict back). Anything else is
 * `visit.gate_out_needs_verdict`, whoever asks, so no route, token or script can gate a box out around the gate.
 */
function acceptedVerdict(
  value: unknown,
  state: VisitState,
  at: string,
): { attemptId: string; index: number } {
  const refuse = (why: string, details: Record<string, unknown> = {}): DomainError =>
    new DomainError('visit.gate_out_needs_verdict', `only the gate lets a box out: ${why}`, details);
  if (state.visit === null) throw notFound();
  if (typeof value !== 'object' || value === null) throw refuse('the command carries no gate verdict');
  const verdict = value as Partial<Record<keyof GateVerdictRecord, unknown>>;
  const attemptId = typeof verdict.attemptId === 'string' ? verdict.attemptId.trim() : '';
  const index = verdict.index;
  if (attemptId === '' || typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    throw refuse('the gate verdict names no recorded attempt');
  }
  if (verdict.accepted !== true) throw refuse('the gate refused this attempt', { attemptId });
  if (verdict.visitRef !== state.visit.visitRef) {
    throw refuse('the gate verdict was given for another visit', { attemptId });
  }
  if (typeof verdict.recordedAt !== 'string' || Date.parse(verdict.recordedAt) !== Date.parse(at)) {
    throw refuse('the gate verdict was not recorded in this transaction', { attemptId });
  }
  const spent = state.events.some(
    (event) => event.type === 'ContainerGatedOut' && event.gateAttemptId === attemptId,
  );
  if (spent) throw refuse('this gate verdict already let the box out once', { attemptId });
  return { attemptId, index };
}

function requireNotDeparted(visit: Visit): void {
  if (visit.status === 'gated_out' || visit.status === 'loaded') throw ended(visit);
}

function requireFrom(visit: Visit, from: YardSlot): void {
  if (visit.slot === null || !sameSlot(visit.slot, from)) {
    throw new DomainError(
      'yard.from_mismatch',
      `the box stands at ${visit.slot ? formatYardSlot(visit.slot) : 'no slot'}, not at ${formatYardSlot(from)}`,
      { visitRef: visit.visitRef, recorded: visit.slot, claimed: from },
    );
  }
}

function notFound(): DomainError {
  return new DomainError('visit.not_found', 'no such visit: it has not been announced', {});
}

function ended(visit: Visit): DomainError {
  return new DomainError('visit.ended', `visit ${visit.visitRef} has ended (${visit.status})`, {
    visitRef: visit.visitRef,
    status: visit.status,
  });
}

function commandInvalid(field: string, why: string): DomainError {
  return fieldInvalid('visit.command_invalid', field, why);
}

function instant(value: unknown): string {
  return instantField('visit.command_invalid', 'at', value);
}

function text(field: string, value: unknown, max: number): string {
  return textField('visit.command_invalid', field, value, max);
}

function optionalText(field: string, value: unknown, max: number): string | null {
  return value === undefined || value === null ? null : text(field, value, max);
}

/** `{ [field]: text }` when the command names the field, `{}` when it does not: the event then has no such key. */
function optionalField<F extends string>(field: F, value: unknown, max: number): { [K in F]?: string } {
  return value === undefined || value === null
    ? {}
    : ({ [field]: text(field, value, max) } as { [K in F]: string });
}

function lineCode(value: unknown): string {
  return carrierCodeField('visit.command_invalid', 'line', value);
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  return oneOfField('visit.command_invalid', field, value, allowed);
}

function arrival(value: unknown): Arrival {
  const mode = typeof value === 'object' && value !== null ? (value as { mode?: unknown }).mode : undefined;
  if (mode === 'truck') return { mode: 'truck' };
  if (mode === 'vessel') {
    return {
      mode: 'vessel',
      vesselCall: text('arrival.vesselCall', (value as { vesselCall?: unknown }).vesselCall, MAX_TEXT.code),
    };
  }
  throw commandInvalid('arrival', "must be { mode: 'vessel', vesselCall } or { mode: 'truck' }");
}
