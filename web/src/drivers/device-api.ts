/** A driver's phones for rotating pickup passes as the console calls them (issue 10, row C). */
import { apiGet, apiPost } from '../api.js';
import { allPages } from '../pages-of.js';

/** A driver's phone for rotating pickup passes, as `GET /v1/me/devices` lists it (issue 10, row C). */
export interface DriverDevice {
  deviceId: string;
  label: string;
  status: 'pending' | 'active' | 'rejected' | 'revoked';
  enrolledAt: string;
  /** The first 8 bytes of SHA-256 of the public key (not the confirmation code, which only the phone shows). */
  fingerprint: string;
}

/** A phone waiting for a planner of the driver's haulier, as `GET /v1/drivers/devices` lists it. */
export interface PendingDriverDevice extends DriverDevice {
  driverName: string;
  userId: string;
  /** The network address and browser it was set up from. */
  ip: string;
  userAgent: string;
  /** Wrong confirmation codes typed for it so far; once `locked` (five), it can only be rejected. */
  wrongCodes: number;
  locked: boolean;
}

export const deviceApi = {
  mine: async () => (await apiGet<{ items: DriverDevice[] }>('/v1/me/devices')).items,
  enrol: (input: { publicKey: string; label: string }) =>
    apiPost<{ deviceId: string; status: DriverDevice['status'] }>('/v1/me/devices', input),
  // Every page of the phones waiting (issue 13: the server answers them a page at a time).
  pending: () => allPages<PendingDriverDevice>('/v1/drivers/devices?status=pending', 'items'),
  /** Confirms a phone with the confirmation code its driver reads out from it. */
  confirm: (deviceId: string, code: string) =>
    apiPost(`/v1/drivers/devices/${encodeURIComponent(deviceId)}/confirm`, { code }),
  reject: (deviceId: string) => apiPost(`/v1/drivers/devices/${encodeURIComponent(deviceId)}/reject`),
};
