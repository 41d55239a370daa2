/**
 * The appointment and gate side of the store (issue 4): drivers (personal data, sealed), the bookings each slot
 * holds (for capacity), the pickup credentials issued (for single use) and the gate alerts (for the console).
 * Every record is derived from, or recorded beside, the events of the same transaction; the streams stay the
 * record. Driver records hold no clear personal data: only the keyed badge reference and a sealed blob.
 */
import type { JsonValue } from './ports.js';

/** A driver a haulier registered. `sealed` is the AES-256-GCM sealed JSON of name, badge, licence and phone. */
export interface DriverRecord {
  readonly orgId: string;
  /** HMAC-SHA256 of the badge number under a key derived from the data key (`SecretSealer.badgeRef`). */
  readonly badgeRef: string;
  readonly sealed: Uint8Array;
  readonly registeredAt: string;
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

/** A refused gate attempt, as the alert console lists it; mirrors the `GateAlertRaised` event. */
export interface GateAlertRecord {
  readonly attemptId: string;
  readonly visitRef: string;
  readonly rule: string;
  readonly failed: JsonValue;
  readonly at: string;
}

/** Gate reads, inside and outside a write transaction. */
export interface GateReads {
  getDriver(orgId: string, badgeRef: string): Promise<DriverRecord | undefined>;
  /** The drivers of one haulier, in badgeRef order. */
  listDrivers(orgId: string): Promise<DriverRecord[]>;
  /** Bookings in force per slot id, for the slots asked for; a slot without any is absent. */
  slotBookingCounts(slotIds: readonly string[]): Promise<Map<string, number>>;
  getCredential(credentialId: string): Promise<PickupCredentialRecord | undefined>;
  /** The credentials of a visit still active, oldest first. */
  activeCredentials(visitRef: string): Promise<PickupCredentialRecord[]>;
  /** Alerts recorded so far: also the version of the `alerts` stream, which gets one event per alert. */
  alertCount(): Promise<number>;
  /** The latest alerts, newest first. */
  listAlerts(limit: number): Promise<GateAlertRecord[]>;
}

/** Gate writes, in the transaction that appends the events they derive from. */
export interface GateWrites extends GateReads {
  putDriver(record: DriverRecord): Promise<void>;
  /** Inserts or moves the booking of a visit. */
  putSlotBooking(record: SlotBookingRecord): Promise<void>;
  removeSlotBooking(visitRef: string): Promise<void>;
  putCredential(record: PickupCredentialRecord): Promise<void>;
  putAlert(record: GateAlertRecord): Promise<void>;
}
