/**
 * Drivers, slots and the pickup appointment (issue 4) as the console calls them (`appointment.routes.ts`). Types
 * follow the server's response schemas.
 */
import { apiGet, apiPost } from '../api.js';
import { allPages } from '../pages-of.js';

export interface Driver {
  badgeRef: string;
  name: string;
  badge: string;
  licence: string;
  phone: string;
  registeredAt: string;
  /** The driver person's console account, which reads his own jobs; `null` while none is linked. */
  userId: string | null;
}

export interface Slot {
  slotId: string;
  start: string;
  end: string;
  capacity: number;
  booked: number;
  remaining: number;
}

export interface Credential {
  credentialId: string;
  token: string;
  windowStart: string;
  windowEnd: string;
}

export interface Appointment {
  visitRef: string;
  status: 'booked' | 'cancelled' | 'none';
  slotId: string | null;
  slotStart: string | null;
  slotEnd: string | null;
  truckPlate: string | null;
}

export type AppointmentOutcome =
  | { outcome: 'applied'; appointment: Appointment; credential: Credential | null }
  | { outcome: 'approval_required'; approval: { requestId: string; expiresAt?: string } };

const appointmentPath = (visitRef: string, rest = '') =>
  `/v1/visits/${encodeURIComponent(visitRef)}/appointment${rest}`;

export const pickupApi = {
  // Every page: the server answers a haulier's drivers a page at a time (issue 13).
  drivers: () => allPages<Driver>('/v1/drivers', 'drivers'),
  registerDriver: (input: { name: string; badge: string; licence: string; phone: string; userId?: string }) =>
    apiPost<Driver>('/v1/drivers', input),
  slots: async (terminal: string, day: string) =>
    (
      await apiGet<{ slots: Slot[] }>(
        `/v1/terminals/${encodeURIComponent(terminal)}/slots?day=${encodeURIComponent(day)}`,
      )
    ).slots,
  book: (visitRef: string, input: { slotId: string; badge: string; truckPlate: string }) =>
    apiPost<AppointmentOutcome>(appointmentPath(visitRef), input),
  rebook: (visitRef: string, slotId: string) =>
    apiPost<AppointmentOutcome>(appointmentPath(visitRef, '/rebook'), { slotId }),
  changeDriver: (visitRef: string, input: { badge: string; truckPlate: string }) =>
    apiPost<AppointmentOutcome>(appointmentPath(visitRef, '/driver'), input),
};
