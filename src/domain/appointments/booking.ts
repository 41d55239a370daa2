/**
 * The appointment decider: the pickup slot, driver and truck of one visit (one stream per visit).
 *
 * Rules, each with its code:
 * - only the organisation holding the release right books, re-books, changes the driver or cancels
 *   (`appointment.not_holder`); MISSION §1: the gate lets out only the driver of the *current* holder;
 * - a slot takes at most its capacity (`appointment.slot_full`), and is booked before it ends
 *   (`appointment.slot_in_past`);
 * - one booking at a time (`appointment.already_booked`); changes need one (`appointment.not_found`) and must
 *   change something (`appointment.no_change`);
 * - a sensitive change — moving the slot earlier, or naming another driver, at less than N hours (default 24)
 *   before the booked slot — needs a granted two-person `pickup.change` approval for exactly this change
 *   (`appointment.approval_required`, `appointment.approval_mismatch`), used once (`appointment.approval_used`).
 *   In Antwerp the gang moved pickup times and sent their own drivers; with this rule one stolen login can only
 *   ask. Cancelling and booking again is compared with the cancelled booking, so it is no way around the rule.
 *
 * Every event bumps `bookingVersion`, across bookings of the same visit, so a pickup credential that binds it is
 * void after any change.
 */
import { type ApprovalState, grantedApproval } from '../access/index.js';
import type { Decider } from '../decider.js';
import { DomainError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { id, instant, integer, MAX_TEXT, text } from '../pickup-fields.js';
import { parseVisitReference } from '../visits/index.js';
import {
  type Actor,
  type BookingCommand,
  DEFAULT_SENSITIVITY,
  type SensitivityPolicy,
} from './booking.commands.js';
import type { BookingEvent } from './booking.events.js';
import { checkDriverBadgeRef, checkTruckPlate } from './driver-truck.js';
import { parseSlotId, type SlotWindow, slotIdOf, slotWindow } from './slots.js';

/** The booking of a visit, folded from its stream; a cancelled one is kept, for the sensitivity rule. */
export type Booking = {
  readonly visitRef: string;
  readonly bookingId: string;
  readonly status: 'booked' | 'cancelled';
  readonly terminal: string;
  readonly slotId: string;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly driverBadgeRef: string;
  readonly truckPlate: string;
  readonly rightVersion: number;
  /** Who last named the driver, slot and truck. */
  readonly nominatedBy: Actor;
  readonly updatedAt: string;
};

/** The state of an appointment stream. */
export type BookingState = {
  /** Stream version: events folded. */
  readonly version: number;
  /** Bumped by every event; 0 for an empty stream. */
  readonly bookingVersion: number;
  /** The current or last booking; `null` for an empty stream. */
  readonly booking: Booking | null;
  /** `pickup.change` approvals already applied; each applies once. */
  readonly usedApprovals: readonly string[];
};

/**
 * The claims a pickup credential binds, as `issuePickupCredential` (src/audit) signs them. Instants are RFC 7519
 * §2 NumericDates (whole seconds since the epoch), to keep the QR code small.
 */
export type PickupCredentialClaims = {
  v: 1;
  credentialId: string;
  visitRef: string;
  driverBadgeRef: string;
  truckPlate: string;
  slotId: string;
  windowStart: number;
  windowEnd: number;
  rightVersion: number;
  bookingVersion: number;
  issuedAt: number;
};

const INVALID = 'appointment.command_invalid';
const HOUR_MS = 3_600_000;
const MAX_COUNT = 1_000_000;

/**
 * The appointment decider.
 *
 * @example
 * ```ts
 * const state = foldEvents(bookingDecider, stored);
 * const events = bookingDecider.decide({ type: 'CancelBooking', at, by, holder, reason: 'ship delayed' }, state);
 * ```
 */
export const bookingDecider: Decider<BookingCommand, BookingEvent, BookingState> = {
  decide: decideBooking,
  evolve: evolveBooking,
  initialState: initialBookingState,
};

/**
 * The state of an empty appointment stream.
 *
 * @example
 * ```ts
 * initialBookingState(); // { version: 0, bookingVersion: 0, booking: null, usedApprovals: [] }
 * ```
 */
export function initialBookingState(): BookingState {
  return { version: 0, bookingVersion: 0, booking: null, usedApprovals: [] };
}

/** A command with its fields checked and normalised. */
type Checked =
  | {
      type: 'BookSlot';
      at: string;
      atMs: number;
      bookingId: string;
      visitRef: string;
      slot: CheckedSlot;
      driverBadgeRef: string;
      truckPlate: string;
      by: Actor;
      rightVersion: number;
      holder: string | null;
      slotBooked: number;
      capacity: number;
    }
  | {
      type: 'RebookSlot';
      at: string;
      atMs: number;
      slot: CheckedSlot;
      by: Actor;
      rightVersion: number;
      holder: string | null;
      slotBooked: number;
      capacity: number;
    }
  | {
      type: 'ChangeDriver';
      at: string;
      atMs: number;
      driverBadgeRef: string;
      truckPlate: string;
      by: Actor;
      rightVersion: number;
      holder: string | null;
    }
  | { type: 'CancelBooking'; at: string; atMs: number; by: Actor; holder: string | null; reason: string };

type CheckedSlot = { slotId: string; terminal: string; start: string; end: string };

/**
 * The events a command causes; throws `DomainError` when a rule refuses it.
 *
 * @example
 * ```ts
 * decideBooking({ type: 'ChangeDriver', at, driverBadgeRef, truckPlate: '1-ABC-123', by, rightVersion: 3,
 *   holder: 'org-hau', approval }, state);
 * ```
 */
export function decideBooking(command: BookingCommand, state: BookingState): BookingEvent[] {
  const checked = checkCommand(command);
  const bookingVersion = state.bookingVersion + 1;
  const current = state.booking;
  if (checked.type === 'BookSlot') {
    if (current?.status === 'booked') {
      throw new DomainError('appointment.already_booked', `visit ${current.visitRef} already has a booking`, {
        visitRef: current.visitRef,
        bookingId: current.bookingId,
        slotId: current.slotId,
      });
    }
    if (current !== null && current.visitRef !== checked.visitRef) {
      throw new DomainError(INVALID, `this stream is the appointment of visit ${current.visitRef}`, {
        field: 'visitRef',
      });
    }
  }
  const booking = checked.type === 'BookSlot' ? null : requireBooked(state);
  const visitRef = checked.type === 'BookSlot' ? checked.visitRef : booking!.visitRef;
  requireHolder(checked.by, checked.holder, visitRef);

  switch (checked.type) {
    case 'BookSlot': {
      requireFuture(checked.slot, checked.atMs);
      requireRoom(checked.slot, checked.slotBooked, checked.capacity);
      return [
        {
          type: 'SlotBooked',
          visitRef,
          bookingId: checked.bookingId,
          bookingVersion,
          slotId: checked.slot.slotId,
          slotStart: checked.slot.start,
          slotEnd: checked.slot.end,
          driverBadgeRef: checked.driverBadgeRef,
          truckPlate: checked.truckPlate,
          rightVersion: checked.rightVersion,
          by: checked.by,
          approvalId: approvalFor(state, checked, command),
          at: checked.at,
        },
      ];
    }
    case 'RebookSlot': {
      const from = booking!;
      if (checked.slot.terminal !== from.terminal) {
        throw new DomainError(INVALID, `slotId must be a slot of terminal ${from.terminal}`, {
          field: 'slotId',
        });
      }
      if (checked.slot.slotId === from.slotId) throw noChange(from);
      requireFuture(checked.slot, checked.atMs);
      requireRoom(checked.slot, checked.slotBooked, checked.capacity);
      return [
        {
          type: 'SlotRebooked',
          visitRef,
          bookingId: from.bookingId,
          bookingVersion,
          fromSlotId: from.slotId,
          slotId: checked.slot.slotId,
          slotStart: checked.slot.start,
          slotEnd: checked.slot.end,
          rightVersion: checked.rightVersion,
          by: checked.by,
          approvalId: approvalFor(state, checked, command),
          at: checked.at,
        },
      ];
    }
    case 'ChangeDriver': {
      const from = booking!;
      if (
        checked.driverBadgeRef === from.driverBadgeRef &&
        checked.truckPlate === from.truckPlate &&
        checked.rightVersion === from.rightVersion &&
        checked.by.orgId === from.nominatedBy.orgId
      ) {
        throw noChange(from);
      }
      return [
        {
          type: 'DriverChanged',
          visitRef,
          bookingId: from.bookingId,
          bookingVersion,
          fromDriverBadgeRef: from.driverBadgeRef,
          driverBadgeRef: checked.driverBadgeRef,
          fromTruckPlate: from.truckPlate,
          truckPlate: checked.truckPlate,
          rightVersion: checked.rightVersion,
          by: checked.by,
          approvalId: approvalFor(state, checked, command),
          at: checked.at,
        },
      ];
    }
    case 'CancelBooking': {
      const from = booking!;
      return [
        {
          type: 'BookingCancelled',
          visitRef,
          bookingId: from.bookingId,
          bookingVersion,
          slotId: from.slotId,
          reason: checked.reason,
          by: checked.by,
          at: checked.at,
        },
      ];
    }
  }
}

/**
 * The state after one more event.
 *
 * @example
 * ```ts
 * const state = events.reduce(evolveBooking, initialBookingState());
 * ```
 */
export function evolveBooking(state: BookingState, event: BookingEvent): BookingState {
  const usedApprovals =
    'approvalId' in event && event.approvalId !== null
      ? [...state.usedApprovals, event.approvalId]
      : state.usedApprovals;
  const next = { version: state.version + 1, bookingVersion: event.bookingVersion, usedApprovals };
  const booking = state.booking;
  switch (event.type) {
    case 'SlotBooked':
      return {
        ...next,
        booking: {
          visitRef: event.visitRef,
          bookingId: event.bookingId,
          status: 'booked',
          terminal: parseSlotId(event.slotId).terminal,
          slotId: event.slotId,
          slotStart: event.slotStart,
          slotEnd: event.slotEnd,
          driverBadgeRef: event.driverBadgeRef,
          truckPlate: event.truckPlate,
          rightVersion: event.rightVersion,
          nominatedBy: event.by,
          updatedAt: event.at,
        },
      };
    case 'SlotRebooked':
      return {
        ...next,
        booking: booking && {
          ...booking,
          slotId: event.slotId,
          slotStart: event.slotStart,
          slotEnd: event.slotEnd,
          rightVersion: event.rightVersion,
          nominatedBy: event.by,
          updatedAt: event.at,
        },
      };
    case 'DriverChanged':
      return {
        ...next,
        booking: booking && {
          ...booking,
          driverBadgeRef: event.driverBadgeRef,
          truckPlate: event.truckPlate,
          rightVersion: event.rightVersion,
          nominatedBy: event.by,
          updatedAt: event.at,
        },
      };
    case 'BookingCancelled':
      return { ...next, booking: booking && { ...booking, status: 'cancelled', updatedAt: event.at } };
  }
}

/**
 * Whether `command` is a sensitive change in `state`: it moves the booked slot earlier, or names another driver,
 * at less than `policy.hours` before the booked slot starts (or after it started). A new booking after a
 * cancellation is compared with the cancelled one. The caller uses it to ask for a `pickup.change` approval
 * before sending the command, and to notify the whole release chain.
 *
 * @example
 * ```ts
 * if (isSensitiveChange(state, command, { hours: settings.sensitiveHours })) await requestApproval(…);
 * ```
 */
export function isSensitiveChange(
  state: BookingState,
  command: BookingCommand,
  policy: SensitivityPolicy = DEFAULT_SENSITIVITY,
): boolean {
  return sensitive(state, checkCommand(command), checkPolicy(policy));
}

/**
 * The `change` a `pickup.change` approval must carry to unlock `command` in `state`: the pickup as it will be,
 * and the booking version it changes, so the approval cannot be spent on another change or after another one.
 *
 * @example
 * ```ts
 * requestApproval({ kind: 'pickup.change', subject: visitRef, change: pickupChangeOf(state, command), … });
 * ```
 */
export function pickupChangeOf(state: BookingState, command: BookingCommand): JsonObject {
  const checked = checkCommand(command);
  const booking = state.booking;
  const slotId = 'slot' in checked ? checked.slot.slotId : (booking?.slotId ?? null);
  const driverBadgeRef =
    'driverBadgeRef' in checked ? checked.driverBadgeRef : (booking?.driverBadgeRef ?? null);
  const truckPlate = 'truckPlate' in checked ? checked.truckPlate : (booking?.truckPlate ?? null);
  return { bookingVersion: state.bookingVersion, slotId, driverBadgeRef, truckPlate };
}

/**
 * The booking in force, or `undefined` when the visit has none (never booked, or cancelled).
 *
 * @example
 * ```ts
 * activeBooking(state)?.slotId; // 'DPW1@20250301T0800Z'
 * ```
 */
export function activeBooking(state: BookingState): Booking | undefined {
  return state.booking?.status === 'booked' ? state.booking : undefined;
}

/**
 * The claims of a pickup credential for the booking in force: its visit, driver, truck, slot, the window the
 * gate opens (grace included, as NumericDates), and the right and booking versions it binds. `appointment.not_found` without one.
 *
 * @example
 * ```ts
 * const token = issuePickupCredential(pickupClaimsOf(state, { credentialId, issuedAt: now, grace: config }), key);
 * ```
 */
export function pickupClaimsOf(
  state: BookingState,
  options: {
    credentialId: string;
    issuedAt: string;
    grace: Parameters<typeof slotWindow>[1];
  },
): PickupCredentialClaims {
  const booking = requireBooked(state);
  const window: SlotWindow = slotWindow({ start: booking.slotStart, end: booking.slotEnd }, options.grace);
  return {
    v: 1,
    credentialId: id(INVALID, 'credentialId', options.credentialId),
    visitRef: booking.visitRef,
    driverBadgeRef: booking.driverBadgeRef,
    truckPlate: booking.truckPlate,
    slotId: booking.slotId,
    windowStart: numericDate(window.start),
    windowEnd: numericDate(window.end),
    rightVersion: booking.rightVersion,
    bookingVersion: state.bookingVersion,
    issuedAt: numericDate(instant(INVALID, 'issuedAt', options.issuedAt)),
  };
}

function numericDate(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

function sensitive(state: BookingState, command: Checked, policy: SensitivityPolicy): boolean {
  const booking = state.booking;
  if (booking === null || command.type === 'CancelBooking') return false;
  // A new booking is compared with the cancelled one; every other change with the booking in force.
  if ((command.type === 'BookSlot') !== (booking.status === 'cancelled')) return false;
  const bookedStart = Date.parse(booking.slotStart);
  if (command.atMs <= bookedStart - policy.hours * HOUR_MS) return false;
  const earlier = 'slot' in command && Date.parse(command.slot.start) < bookedStart;
  const otherDriver = 'driverBadgeRef' in command && command.driverBadgeRef !== booking.driverBadgeRef;
  return earlier || otherDriver;
}

/** The id of the granted approval a sensitive change applies, `null` for a change that is not sensitive. */
function approvalFor(state: BookingState, checked: Checked, command: BookingCommand): string | null {
  if (command.type === 'CancelBooking') return null;
  const policy = checkPolicy(command.sensitivity ?? DEFAULT_SENSITIVITY);
  if (!sensitive(state, checked, policy)) return null;
  const visitRef = state.booking!.visitRef;
  const change = pickupChangeOf(state, command);
  const granted = command.approval === undefined ? undefined : grantedApproval(command.approval);
  if (granted === undefined) {
    throw new DomainError(
      'appointment.approval_required',
      `moving the pickup earlier or changing the driver within ${policy.hours} hours of the slot needs a second person's approval`,
      { visitRef, kind: 'pickup.change', change, requestId: requestIdOf(command.approval) },
    );
  }
  const request = granted.request;
  if (
    request.kind !== 'pickup.change' ||
    request.subject !== visitRef ||
    !sameChange(request.change, change)
  ) {
    throw new DomainError(
      'appointment.approval_mismatch',
      `approval ${request.requestId} does not approve this change of visit ${visitRef}`,
      { visitRef, requestId: request.requestId, expected: change },
    );
  }
  if (state.usedApprovals.includes(request.requestId)) {
    throw new DomainError(
      'appointment.approval_used',
      `approval ${request.requestId} has already been applied`,
      {
        visitRef,
        requestId: request.requestId,
      },
    );
  }
  return request.requestId;
}

function requestIdOf(approval: ApprovalState | undefined): string | null {
  return approval?.request?.requestId ?? null;
}

function sameChange(approved: JsonObject, wanted: JsonObject): boolean {
  const keys = Object.keys(wanted);
  return Object.keys(approved).length === keys.length && keys.every((key) => approved[key] === wanted[key]);
}

function checkCommand(command: BookingCommand): Checked {
  if (typeof command !== 'object' || command === null) throw new DomainError(INVALID, 'not a command', {});
  const at = instant(INVALID, 'at', command.at);
  const atMs = Date.parse(at);
  switch (command.type) {
    case 'BookSlot':
      return {
        type: 'BookSlot',
        at,
        atMs,
        bookingId: id(INVALID, 'bookingId', command.bookingId),
        visitRef: visitReference(command.visitRef),
        slot: checkSlot(command),
        driverBadgeRef: checkDriverBadgeRef(INVALID, 'driverBadgeRef', command.driverBadgeRef),
        truckPlate: checkTruckPlate(INVALID, 'truckPlate', command.truckPlate),
        by: actor('bookedBy', command.bookedBy),
        rightVersion: integer(INVALID, 'rightVersion', command.rightVersion, 0, Number.MAX_SAFE_INTEGER),
        holder: holder(command.holder),
        slotBooked: integer(INVALID, 'slotBooked', command.slotBooked, 0, MAX_COUNT),
        capacity: integer(INVALID, 'capacity', command.capacity, 0, MAX_COUNT),
      };
    case 'RebookSlot':
      return {
        type: 'RebookSlot',
        at,
        atMs,
        slot: checkSlot(command),
        by: actor('by', command.by),
        rightVersion: integer(INVALID, 'rightVersion', command.rightVersion, 0, Number.MAX_SAFE_INTEGER),
        holder: holder(command.holder),
        slotBooked: integer(INVALID, 'slotBooked', command.slotBooked, 0, MAX_COUNT),
        capacity: integer(INVALID, 'capacity', command.capacity, 0, MAX_COUNT),
      };
    case 'ChangeDriver':
      return {
        type: 'ChangeDriver',
        at,
        atMs,
        driverBadgeRef: checkDriverBadgeRef(INVALID, 'driverBadgeRef', command.driverBadgeRef),
        truckPlate: checkTruckPlate(INVALID, 'truckPlate', command.truckPlate),
        by: actor('by', command.by),
        rightVersion: integer(INVALID, 'rightVersion', command.rightVersion, 0, Number.MAX_SAFE_INTEGER),
        holder: holder(command.holder),
      };
    case 'CancelBooking':
      return {
        type: 'CancelBooking',
        at,
        atMs,
        by: actor('by', command.by),
        holder: holder(command.holder),
        reason: text(INVALID, 'reason', command.reason, MAX_TEXT.reason),
      };
    default:
      throw new DomainError(INVALID, 'unknown command type', { field: 'type' });
  }
}

function checkSlot(command: { slotId: unknown; slotStart: unknown; slotEnd: unknown }): CheckedSlot {
  const start = instant(INVALID, 'slotStart', command.slotStart);
  const end = instant(INVALID, 'slotEnd', command.slotEnd);
  let parsed: { terminal: string; start: string };
  try {
    parsed = parseSlotId(command.slotId);
  } catch {
    throw new DomainError(INVALID, 'slotId must read TERMINAL@YYYYMMDDTHHMMZ', { field: 'slotId' });
  }
  if (parsed.start !== start || Date.parse(end) <= Date.parse(start)) {
    throw new DomainError(INVALID, 'slotStart must be the start of slotId, and slotEnd after it', {
      field: 'slotStart',
    });
  }
  return { slotId: slotIdOf(parsed.terminal, start), terminal: parsed.terminal, start, end };
}

function visitReference(value: unknown): string {
  try {
    return parseVisitReference(value);
  } catch {
    throw new DomainError(
      INVALID,
      'visitRef must be a visit reference such as V-7K3M-QW9P-0D5T-HZ2B-RC8N-J',
      {
        field: 'visitRef',
      },
    );
  }
}

function actor(field: string, value: unknown): Actor {
  const { orgId, userId } = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  return { orgId: id(INVALID, `${field}.orgId`, orgId), userId: id(INVALID, `${field}.userId`, userId) };
}

function holder(value: unknown): string | null {
  return value === null ? null : id(INVALID, 'holder', value);
}

function checkPolicy(policy: SensitivityPolicy): SensitivityPolicy {
  return { hours: integer(INVALID, 'sensitivity.hours', policy?.hours, 0, 24 * 14) };
}

function requireBooked(state: BookingState): Booking {
  const booking = state.booking;
  if (booking?.status !== 'booked') {
    throw new DomainError('appointment.not_found', 'the visit has no booking in force', {
      visitRef: booking?.visitRef ?? null,
    });
  }
  return booking;
}

function requireHolder(by: Actor, holder: string | null, visitRef: string): void {
  if (holder === null || by.orgId !== holder) {
    throw new DomainError(
      'appointment.not_holder',
      `only the organisation holding the release right of visit ${visitRef} may book its pickup`,
      { visitRef, orgId: by.orgId, holder },
    );
  }
}

function requireFuture(slot: CheckedSlot, atMs: number): void {
  if (Date.parse(slot.end) <= atMs) {
    throw new DomainError('appointment.slot_in_past', `slot ${slot.slotId} has ended`, {
      slotId: slot.slotId,
      slotEnd: slot.end,
    });
  }
}

function requireRoom(slot: CheckedSlot, booked: number, capacity: number): void {
  if (booked >= capacity) {
    throw new DomainError('appointment.slot_full', `slot ${slot.slotId} is full`, {
      slotId: slot.slotId,
      booked,
      capacity,
    });
  }
}

function noChange(booking: Booking): DomainError {
  return new DomainError('appointment.no_change', 'the command changes nothing in the booking', {
    visitRef: booking.visitRef,
    bookingId: booking.bookingId,
  });
}
