/**
 * Events of a visit's appointment. Plain JSON, because each becomes an audit leaf; the driver appears only as a
 * badge reference. Every event carries the new `bookingVersion`: a pickup credential binds it, so any change
 * voids the credentials issued before. `approvalId` names the granted `pickup.change` approval when the change
 * was sensitive, and is `null` otherwise, so the caller knows which changes to notify the whole chain about.
 */
import type { Actor } from './booking.commands.js';

/** A slot was booked for the visit. */
export type SlotBooked = {
  type: 'SlotBooked';
  visitRef: string;
  bookingId: string;
  bookingVersion: number;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  driverBadgeRef: string;
  truckPlate: string;
  rightVersion: number;
  by: Actor;
  approvalId: string | null;
  at: string;
};

/** The booking moved to another slot. */
export type SlotRebooked = {
  type: 'SlotRebooked';
  visitRef: string;
  bookingId: string;
  bookingVersion: number;
  fromSlotId: string;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  rightVersion: number;
  by: Actor;
  approvalId: string | null;
  at: string;
};

/** The booking names another driver or truck. */
export type DriverChanged = {
  type: 'DriverChanged';
  visitRef: string;
  bookingId: string;
  bookingVersion: number;
  fromDriverBadgeRef: string;
  driverBadgeRef: string;
  fromTruckPlate: string;
  truckPlate: string;
  rightVersion: number;
  by: Actor;
  approvalId: string | null;
  at: string;
};

/** The booking was given back. */
export type BookingCancelled = {
  type: 'BookingCancelled';
  visitRef: string;
  bookingId: string;
  bookingVersion: number;
  slotId: string;
  reason: string;
  by: Actor;
  at: string;
};

/** Every event of an appointment stream. */
export type BookingEvent = SlotBooked | SlotRebooked | DriverChanged | BookingCancelled;
