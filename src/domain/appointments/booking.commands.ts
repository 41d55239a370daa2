/**
 * Commands on the appointment of one visit (one stream per visit). Each carries `at`, because the domain never
 * reads a clock, and the facts the decider needs from other streams, read by the caller in the same
 * transaction: who holds the release right now (`holder`), its version (`rightVersion`), how many bookings the
 * target slot already has (`slotBooked`) and its `capacity`. The caller enforces capacity again when it writes,
 * because two bookings decided at once can both see one free place.
 */
import type { ApprovalState } from '../access/index.js';

/** A person acting for an organisation. */
export type Actor = { orgId: string; userId: string };

/** How close to the booked slot a change becomes sensitive (MISSION §3, Appointments). */
export type SensitivityPolicy = {
  /** A change at less than this many hours before the booked slot (or after it) is sensitive. */
  hours: number;
};

/** Facts every command that can be sensitive carries. */
type MaybeSensitive = {
  /**
   * The folded `pickup.change` approval stream, when the caller has one for this change; only a sensitive change
   * reads (and consumes) it. Its `change` must equal `pickupChangeOf(state, command)`.
   */
  approval?: ApprovalState;
  /** Defaults to {@link DEFAULT_SENSITIVITY}. */
  sensitivity?: SensitivityPolicy;
};

/** The default sensitivity window: 24 hours (issue 4). */
export const DEFAULT_SENSITIVITY: SensitivityPolicy = { hours: 24 };

/** The haulier holding the right books a slot and names the driver and the truck. */
export type BookSlot = MaybeSensitive & {
  type: 'BookSlot';
  at: string;
  /** Made by the caller; a new one for each booking of the visit. */
  bookingId: string;
  visitRef: string;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  /** A keyed hash or reference of the driver's badge; never the badge number (see `driver-truck.ts`). */
  driverBadgeRef: string;
  truckPlate: string;
  bookedBy: Actor;
  /** Version of the release right the booking rests on. */
  rightVersion: number;
  /** The organisation holding the release right now, `null` when nobody does. */
  holder: string | null;
  /** Bookings the slot already has. */
  slotBooked: number;
  capacity: number;
};

/** Moves the booking to another slot of the same terminal. */
export type RebookSlot = MaybeSensitive & {
  type: 'RebookSlot';
  at: string;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  by: Actor;
  rightVersion: number;
  holder: string | null;
  slotBooked: number;
  capacity: number;
};

/** Names another driver, another truck, or both. */
export type ChangeDriver = MaybeSensitive & {
  type: 'ChangeDriver';
  at: string;
  driverBadgeRef: string;
  truckPlate: string;
  by: Actor;
  rightVersion: number;
  holder: string | null;
};

/** Gives the slot back. Never sensitive: it can only stop a pickup. */
export type CancelBooking = {
  type: 'CancelBooking';
  at: string;
  by: Actor;
  holder: string | null;
  reason: string;
};

/** Every command of the booking decider. */
export type BookingCommand = BookSlot | RebookSlot | ChangeDriver | CancelBooking;
