/**
 * The appointment and gate side of the store (issue 4): drivers (personal data, sealed), the bookings each slot
 * holds (for capacity) and the pickup credentials issued (for single use); gate alerts live in the `alert` read
 * model (`AlertRecord`). Every record is derived from, or recorded beside, the events of the same transaction;
 * the streams stay the record. Driver records hold no clear personal data: only the keyed badge reference and a
 * sealed blob.
 */

/** A driver a haulier registered. `sealed` is the AES-256-GCM sealed JSON of name, badge, licence and phone. */
import type { GateAlertGroupRecord } from '../alerts/alert.ports.js';

// The group's record is the alerts' own; the gate side of the store keeps it beside the gate's other rows.
export type { GateAlertGroupRecord } from '../alerts/alert.ports.js';

export interface DriverRecord {
  readonly orgId: string;
  /** HMAC-SHA256 of the badge number under a key derived from the data key (`SecretSealer.badgeRef`). */
  readonly badgeRef: string;
  readonly sealed: Uint8Array;
  readonly registeredAt: string;
  /**
   * The console account of the driver person (a user of the same haulier holding the role `driver`), which lets
   * him read his own jobs (`driver.jobs.read`); `null` while the planner has linked none.
   */
  readonly userId: string | null;
}

/** Where a driver's job stands, as its appointment stream says; `collected` comes from the visit, not from here. */
export type DriverJobStatus = 'booked' | 'cancelled';

/**
 * The appointment of a visit as its nominated driver's job list needs it (`0007_driver_accounts`): derived from
 * the `appointment-<visitRef>` stream in the transaction that appends to it, one row per visit, moved to the new
 * driver when the planner names another one (so the first driver no longer sees it).
 */
export interface DriverJobRecord {
  readonly visitRef: string;
  /** The haulier whose planner nominated the driver: driver records are keyed by haulier and badge reference. */
  readonly orgId: string;
  readonly driverBadgeRef: string;
  readonly terminal: string;
  readonly slotId: string;
  readonly slotStart: string;
  readonly slotEnd: string;
  readonly truckPlate: string;
  readonly status: DriverJobStatus;
  readonly bookingVersion: number;
  readonly updatedAt: string;
}

/** One booking in force, for the capacity of its slot. */
export interface SlotBookingRecord {
  readonly visitRef: string;
  readonly slotId: string;
  readonly terminal: string;
}

/** Where an issued credential stands: `used` at the gate, or `void` after a change it binds. */
export type PickupCredentialStatus = 'active' | 'used' | 'void';

/** A pickup credential issued, by id, with the versions it binds. The token itself is never stored. */
export interface PickupCredentialRecord {
  readonly credentialId: string;
  readonly visitRef: string;
  readonly bookingVersion: number;
  readonly rightVersion: number;
  readonly status: PickupCredentialStatus;
  readonly issuedAt: string;
  /** When it was used or voided; `null` while active. */
  readonly closedAt: string | null;
}

/**
 * Where a driver's device stands (issue 10, row C): `pending` until a planner of his haulier confirms it, then
 * `active` (the one key the gate verifies his rotating passes with) until another device is confirmed
 * (`revoked`); or `rejected` by the planner.
 */
export type DriverDeviceStatus = 'pending' | 'active' | 'rejected' | 'revoked';

/**
 * A phone a driver enrolled (`0014_driver_devices`), derived from the `driver-devices-<userId>` stream in the
 * transaction that appends to it. The private key never left the phone; only the raw Ed25519 public key is kept.
 */
export interface DriverDeviceRecord {
  readonly deviceId: string;
  /** The haulier of the driver; its planners confirm the device. */
  readonly orgId: string;
  /** The driver person's console account. */
  readonly userId: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  readonly fingerprint: string;
  readonly label: string;
  readonly status: DriverDeviceStatus;
  readonly enrolledAt: string;
  /** Where the enrolment came from, for the planner to judge it. */
  readonly ip: string;
  readonly userAgent: string;
  /** Who confirmed, rejected or (by confirming another) revoked it, and when; `null` while pending. */
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

/**
 * One keyset page of a list that grows with the port's history (issue 13): at most `limit` rows after the row `after`
 * names, in the list's order. Without `limit`, the whole list.
 */
export interface PageQuery<After> {
  readonly after?: After;
  readonly limit?: number;
}

/** Gate reads, inside and outside a write transaction. */
export interface GateReads {
  getDriver(orgId: string, badgeRef: string): Promise<DriverRecord | undefined>;
  /** The drivers of one haulier, in badgeRef order; with a limit, one page of them after a badge reference. */
  listDrivers(orgId: string, page?: PageQuery<{ readonly badgeRef: string }>): Promise<DriverRecord[]>;
  /** The driver records of one haulier linked to a console account, in badgeRef order. */
  driversOfUser(orgId: string, userId: string): Promise<DriverRecord[]>;
  /**
   * The jobs of the given drivers of one haulier, latest slot first, at most `limit`; empty for no badge
   * references.
   */
  driverJobs(orgId: string, badgeRefs: readonly string[], limit: number): Promise<DriverJobRecord[]>;
  /** Bookings in force per slot id, for the slots asked for; a slot without any is absent. */
  slotBookingCounts(slotIds: readonly string[]): Promise<Map<string, number>>;
  getCredential(credentialId: string): Promise<PickupCredentialRecord | undefined>;
  /** The credentials of a visit still active, oldest first. */
  activeCredentials(visitRef: string): Promise<PickupCredentialRecord[]>;
  getDevice(deviceId: string): Promise<DriverDeviceRecord | undefined>;
  /** The devices a driver enrolled, oldest first. */
  devicesOfUser(userId: string): Promise<DriverDeviceRecord[]>;
  /**
   * The devices of one haulier's drivers, oldest first (by enrolment, then id), or newest first with `direction`
   * `desc` (issue 14); only those in `status` when given; with a limit, one page of them after a device in that order.
   */
  devicesOfOrg(
    orgId: string,
    status?: DriverDeviceStatus,
    page?: PageQuery<{ readonly enrolledAt: string; readonly deviceId: string }> & {
      readonly direction?: 'asc' | 'desc';
    },
  ): Promise<DriverDeviceRecord[]>;
  /** The latest alert of a group of refused gate attempts, if any was raised. */
  latestAlertGroup(groupKey: string): Promise<GateAlertGroupRecord | undefined>;
  /** The groups of these alerts that have one, by alert id. */
  alertGroups(alertIds: readonly number[]): Promise<Map<number, GateAlertGroupRecord>>;
}

/** Gate writes, in the transaction that appends the events they derive from. */
export interface GateWrites extends GateReads {
  putDriver(record: DriverRecord): Promise<void>;
  /** Inserts or replaces the job of a visit. */
  putDriverJob(record: DriverJobRecord): Promise<void>;
  /** Inserts or moves the booking of a visit. */
  putSlotBooking(record: SlotBookingRecord): Promise<void>;
  removeSlotBooking(visitRef: string): Promise<void>;
  putCredential(record: PickupCredentialRecord): Promise<void>;
  /** Inserts or replaces a device record. */
  putDevice(record: DriverDeviceRecord): Promise<void>;
  /** Inserts or replaces the group of one gate alert. */
  putAlertGroup(record: GateAlertGroupRecord): Promise<void>;
}
