/**
 * The release chain, appointments and the gate (issue 4) as the console calls them: `release.routes.ts`,
 * `appointment.routes.ts` and `gate.routes.ts`. Types follow the server's response schemas.
 */
import { apiGet, apiPost, isApiError } from './api.js';

export interface VisitSummary {
  visitRef: string;
  containerNumber: string;
  status: string;
  line: string;
  sizeType: string;
  onHold: boolean;
}

export interface ChainLink {
  position: number;
  orgId: string;
  from: string | null;
  acceptedAt: string;
}

export interface Release {
  visibility: 'full' | 'neighbours';
  releaseId: string;
  visitRef: string;
  line: string;
  validFrom: string;
  validUntil: string;
  rightVersion: number;
  blocked: boolean;
  revoked: boolean;
  blockReason?: string | null;
  revokeReason?: string | null;
  chain: ChainLink[];
  offer: { from: string; to: string; offeredAt: string } | null;
  holder?: string | null;
  cutOff: string[];
}

export interface ReleaseRow {
  visitRef: string;
  /** Absent for a box only offered to the caller: it sees the chain, not the box, until it accepts. */
  visit: VisitSummary | null;
  release: Release;
}

async function releaseOf(visitRef: string): Promise<Release | undefined> {
  try {
    return await apiGet<Release>(`/v1/visits/${encodeURIComponent(visitRef)}/release`);
  } catch (error) {
    // No release issued yet, or not one the caller may see.
    if (isApiError(error) && (error.status === 404 || error.status === 403)) return undefined;
    throw error;
  }
}

/**
 * The boxes with a release chain the caller may see: `GET /v1/visits`, then each visit's `…/release`; plus the
 * visit references the caller looked up, for offers of boxes it cannot list yet.
 */
export async function loadReleaseRows(lookedUp: readonly string[] = []): Promise<ReleaseRow[]> {
  const { visits } = await apiGet<{ visits: VisitSummary[] }>('/v1/visits?limit=100');
  const listed = new Set(visits.map((visit) => visit.visitRef));
  const rows = await Promise.all([
    ...visits.map(async (visit) => {
      const release = await releaseOf(visit.visitRef);
      return release ? { visitRef: visit.visitRef, visit, release } : undefined;
    }),
    ...lookedUp
      .filter((visitRef) => !listed.has(visitRef))
      .map(async (visitRef) => {
        const release = await releaseOf(visitRef);
        return release ? { visitRef, visit: null, release } : undefined;
      }),
  ]);
  return rows.filter((row): row is ReleaseRow => row !== undefined);
}

/** The release chain of one visit reference, or undefined when there is none the caller may see. */
export const findRelease = releaseOf;

const releasePath = (visitRef: string, rest: string) =>
  `/v1/visits/${encodeURIComponent(visitRef)}/release${rest}`;

export const releaseActions = {
  offer: (visitRef: string, to: string) => apiPost(releasePath(visitRef, '/offers'), { to }),
  accept: (visitRef: string) => apiPost(releasePath(visitRef, '/offers/accept')),
  deny: (visitRef: string, reason?: string) =>
    apiPost(releasePath(visitRef, '/offers/deny'), reason ? { reason } : {}),
  withdraw: (visitRef: string) => apiPost(releasePath(visitRef, '/offers/withdraw')),
  revoke: (visitRef: string, reason: string) => apiPost(releasePath(visitRef, '/revoke'), { reason }),
  /** The line issues the commercial release of its own box and offers it to the first party (`release.issue`). */
  issue: (visitRef: string, input: { firstParty: string; validFrom: string; validUntil: string }) =>
    apiPost(releasePath(visitRef, ''), input),
  block: (visitRef: string, reason: string) => apiPost(releasePath(visitRef, '/block'), { reason }),
  unblock: (visitRef: string) => apiPost(releasePath(visitRef, '/unblock')),
};

/** An organisation a release can be offered to, as the party directory (`GET /v1/parties`) lists it. */
export interface Party {
  orgId: string;
  name: string;
  code: string;
  kind: 'forwarder' | 'haulier' | 'shipping_line';
}

export const partyDirectory = async (): Promise<Party[]> =>
  (await apiGet<{ parties: Party[] }>('/v1/parties')).parties;

/** What a line's pre-advice (`POST /v1/visits`, COPARN) carries; the line is the caller's own. */
export interface Announcement {
  containerNumber: string;
  sizeType: string;
  fullEmpty: 'full' | 'empty';
  arrival: { mode: 'truck' } | { mode: 'vessel'; vesselCall: string };
}

export const announceVisit = (input: Announcement) => apiPost<VisitSummary>('/v1/visits', input);

/** The caller's visits in one status (a line sees its own boxes), newest pages first as the server lists them. */
export const visitsInStatus = async (status: 'announced' | 'in_yard'): Promise<VisitSummary[]> =>
  (await apiGet<{ visits: VisitSummary[] }>(`/v1/visits?status=${status}&limit=100`)).visits;

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
  drivers: async () => (await apiGet<{ drivers: Driver[] }>('/v1/drivers')).drivers,
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

export interface GateCheck {
  check: string;
  /** True exactly when `state` is `passed`. */
  passed: boolean;
  /**
   * `not_checked`: the pass did not show it comes from the driver's confirmed phone now (a printed copy, an earlier
   * step), so the gate reports its own checks only.
   */
  state: 'passed' | 'failed' | 'not_checked';
  reason: string | null;
}

export interface GateVerdict {
  attemptId: string;
  accepted: boolean;
  /** `unidentified` when the pass did not authenticate whoever presents it. */
  visitRef: string;
  /** The box the credential names; `null` when what was scanned is not genuine. */
  containerNumber: string | null;
  checks: GateCheck[];
  index: number;
}

export function gateTransaction(input: {
  credential: string;
  badge: string;
  truckPlate: string;
}): Promise<GateVerdict> {
  return apiPost<GateVerdict>('/v1/gate/transactions', input);
}

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
  pending: async () =>
    (await apiGet<{ items: PendingDriverDevice[] }>('/v1/drivers/devices?status=pending')).items,
  /** Confirms a phone with the confirmation code its driver reads out from it. */
  confirm: (deviceId: string, code: string) =>
    apiPost(`/v1/drivers/devices/${encodeURIComponent(deviceId)}/confirm`, { code }),
  reject: (deviceId: string) => apiPost(`/v1/drivers/devices/${encodeURIComponent(deviceId)}/reject`),
};
