/** Pickup appointments: slots, bookings, drivers and trucks, and the pickup credential claims. */

export { id, instant, instantMs, integer } from '../pickup-fields.js';
export {
  type Actor,
  type BookingCommand,
  type BookSlot,
  type CancelBooking,
  type ChangeDriver,
  DEFAULT_SENSITIVITY,
  type RebookSlot,
  type SensitivityPolicy,
} from './booking.commands.js';
export type {
  BookingCancelled,
  BookingEvent,
  DriverChanged,
  SlotBooked,
  SlotRebooked,
} from './booking.events.js';
export {
  activeBooking,
  type Booking,
  type BookingState,
  bookingDecider,
  decideBooking,
  evolveBooking,
  initialBookingState,
  isSensitiveChange,
  type PickupCredentialClaims,
  pickupChangeOf,
  pickupClaimsOf,
} from './booking.js';
export {
  checkDriverBadgeRef,
  checkTruckPlate,
  isDriverBadgeRef,
  normaliseTruckPlate,
} from './driver-truck.js';
export {
  type AppointmentSlot,
  checkSlotConfig,
  type OpeningHours,
  parseSlotId,
  type SlotConfig,
  type SlotWindow,
  slotIdOf,
  slotsFor,
  slotsStillReachable,
  slotWindow,
} from './slots.js';
export { durationInWords, terminalTime, terminalWallClock } from './terminal-time.js';
