/** A driver's own pickups as `GET /v1/me/jobs` answers them, and what this phone is for their passes. */
import { apiGet } from '../api.js';
import type { DeviceKey } from '../pickup-pass.js';
import type { DriverDevice } from './device-api.js';

/** The rotating pass of a job: in force while its pickup credential is issued and unused. */
export interface JobPass {
  credentialId: string;
  windowStart: string;
  windowEnd: string;
  terminalTimeZone: string;
}

/** One pickup the driver is nominated for, as `GET /v1/me/jobs` answers (src/http/driver.routes.ts). */
export interface DriverJob {
  visitRef: string;
  containerNumber: string;
  terminal: string;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  graceBeforeMinutes: number;
  graceAfterMinutes: number;
  windowStart: string;
  windowEnd: string;
  truckPlate: string;
  state: 'booked' | 'cancelled' | 'collected' | 'closed';
  credential: { active: boolean; credentialId: string | null };
  /** Absent from a server without rotating passes; `null` while no pass is in force. */
  pass?: JobPass | null;
  updatedAt: string;
}

export const myJobs = async () => (await apiGet<{ jobs: DriverJob[] }>('/v1/me/jobs')).jobs;

export type JobsState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; jobs: DriverJob[] };

/** This phone's key (if it made one) and the phones the server knows for the driver. */
export type PhoneState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; key: DeviceKey | undefined; devices: DriverDevice[] };

/** What this phone is for the driver's pickup passes, from its own key and the server's list. */
export function phoneStanding(phone: Extract<PhoneState, { status: 'ready' }>) {
  const { key, devices } = phone;
  const here = key?.deviceId ? devices.find((device) => device.deviceId === key.deviceId) : undefined;
  const elsewhere = devices.find(
    (device) =>
      device.deviceId !== here?.deviceId && (device.status === 'active' || device.status === 'pending'),
  );
  return { here, elsewhere, active: here?.status === 'active' };
}
