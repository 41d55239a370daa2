import type { Kysely, Selectable } from 'kysely';
import type {
  DriverDeviceRecord,
  DriverDeviceStatus,
  DriverJobRecord,
  DriverJobStatus,
  DriverRecord,
  GateAlertGroupRecord,
  GateReads,
  GateWrites,
  PickupCredentialRecord,
  PickupCredentialStatus,
} from '../app/gate/gate.ports.js';
import { chunks, toBytes, toNumber } from './rows.js';
import type {
  Database,
  DriverDeviceTable,
  DriverJobTable,
  DriverTable,
  GateAlertGroupTable,
  PickupCredentialTable,
} from './schema.js';

const toDriver = (row: Selectable<DriverTable>): DriverRecord => ({
  orgId: row.org_id,
  badgeRef: row.badge_ref,
  sealed: toBytes(row.sealed),
  registeredAt: row.registered_at,
  userId: row.user_id,
});

export const toDriverJob = (row: Selectable<DriverJobTable>): DriverJobRecord => ({
  visitRef: row.visit_ref,
  orgId: row.org_id,
  driverBadgeRef: row.driver_badge_ref,
  terminal: row.terminal,
  slotId: row.slot_id,
  slotStart: row.slot_start,
  slotEnd: row.slot_end,
  truckPlate: row.truck_plate,
  status: row.status as DriverJobStatus,
  bookingVersion: Number(row.booking_version),
  updatedAt: row.updated_at,
});

export const toCredential = (row: Selectable<PickupCredentialTable>): PickupCredentialRecord => ({
  credentialId: row.credential_id,
  visitRef: row.visit_ref,
  bookingVersion: Number(row.booking_version),
  rightVersion: Number(row.right_version),
  status: row.status as PickupCredentialStatus,
  issuedAt: row.issued_at,
  closedAt: row.closed_at,
});

const toDevice = (row: Selectable<DriverDeviceTable>): DriverDeviceRecord => ({
  deviceId: row.device_id,
  orgId: row.org_id,
  userId: row.user_id,
  publicKey: toBytes(row.public_key),
  fingerprint: row.fingerprint,
  label: row.label,
  status: row.status as DriverDeviceStatus,
  enrolledAt: row.enrolled_at,
  ip: row.ip,
  userAgent: row.user_agent,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
});

export const toAlertGroup = (row: Selectable<GateAlertGroupTable>): GateAlertGroupRecord => ({
  alertId: toNumber(row.alert_id),
  groupKey: row.group_key,
  occurrences: Number(row.occurrences),
  firstSeenAt: row.first_seen_at,
  lastSeenAt: row.last_seen_at,
});

/** Gate reads and writes over `db` (the store, or one transaction of it). */
export type GateRepository = GateWrites;

/**
 * The appointment and gate read models over SQL (`0005_gate`). Capacity is counted here inside the write
 * transaction, which holds the log head lock, so two bookings of one slot cannot both see the last place.
 *
 * @example
 * const gate = createGateRepository({ db: trx });
 * (await gate.slotBookingCounts(['T1@20250301T0800Z'])).get('T1@20250301T0800Z'); // 3
 */
export function createGateRepository({ db }: { db: Kysely<Database> }): GateRepository {
  return {
    async getDriver(orgId, badgeRef) {
      const row = await db
        .selectFrom('driver')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('badge_ref', '=', badgeRef)
        .executeTakeFirst();
      return row && toDriver(row);
    },
    async listDrivers(orgId, page = {}) {
      let select = db.selectFrom('driver').selectAll().where('org_id', '=', orgId);
      if (page.after !== undefined) select = select.where('badge_ref', '>', page.after.badgeRef);
      select = select.orderBy('badge_ref');
      if (page.limit !== undefined) select = select.limit(Math.max(1, Math.trunc(page.limit)));
      return (await select.execute()).map(toDriver);
    },
    async driversOfUser(orgId, userId) {
      const rows = await db
        .selectFrom('driver')
        .selectAll()
        .where('user_id', '=', userId)
        .where('org_id', '=', orgId)
        .orderBy('badge_ref')
        .execute();
      return rows.map(toDriver);
    },
    async driverJobs(orgId, badgeRefs, limit) {
      if (badgeRefs.length === 0) return [];
      const rows = await db
        .selectFrom('driver_job')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('driver_badge_ref', 'in', [...badgeRefs])
        .orderBy('slot_start', 'desc')
        .orderBy('visit_ref')
        .limit(limit)
        .execute();
      return rows.map(toDriverJob);
    },
    async slotBookingCounts(slotIds) {
      const counts = new Map<string, number>();
      if (slotIds.length === 0) return counts;
      const rows = await db
        .selectFrom('slot_booking')
        .select(({ fn }) => ['slot_id', fn.countAll<number | string | bigint>().as('n')])
        .where('slot_id', 'in', [...slotIds])
        .groupBy('slot_id')
        .execute();
      for (const row of rows) counts.set(row.slot_id, Number(row.n));
      return counts;
    },
    async getCredential(credentialId) {
      const row = await db
        .selectFrom('pickup_credential')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return row && toCredential(row);
    },
    async activeCredentials(visitRef) {
      const rows = await db
        .selectFrom('pickup_credential')
        .selectAll()
        .where('visit_ref', '=', visitRef)
        .where('status', '=', 'active')
        .orderBy('issued_at')
        .orderBy('credential_id')
        .execute();
      return rows.map(toCredential);
    },
    async getDevice(deviceId) {
      const row = await db
        .selectFrom('driver_device')
        .selectAll()
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return row && toDevice(row);
    },
    async devicesOfUser(userId) {
      const rows = await db
        .selectFrom('driver_device')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('enrolled_at')
        .orderBy('device_id')
        .execute();
      return rows.map(toDevice);
    },
    async devicesOfOrg(orgId, status, page = {}) {
      let query = db.selectFrom('driver_device').selectAll().where('org_id', '=', orgId);
      if (status !== undefined) query = query.where('status', '=', status);
      const { after } = page;
      const direction = page.direction ?? 'asc';
      if (after !== undefined) {
        query = query.where(({ eb, refTuple, tuple }) =>
          eb(
            refTuple('enrolled_at', 'device_id'),
            direction === 'asc' ? '>' : '<',
            tuple(after.enrolledAt, after.deviceId),
          ),
        );
      }
      query = query.orderBy('enrolled_at', direction).orderBy('device_id', direction);
      if (page.limit !== undefined) query = query.limit(Math.max(1, Math.trunc(page.limit)));
      return (await query.execute()).map(toDevice);
    },
    async latestAlertGroup(groupKey) {
      const row = await db
        .selectFrom('gate_alert_group')
        .selectAll()
        .where('group_key', '=', groupKey)
        .orderBy('alert_id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toAlertGroup(row);
    },
    async alertGroups(alertIds) {
      const found = new Map<number, GateAlertGroupRecord>();
      for (const ids of chunks([...new Set(alertIds)], 500)) {
        const rows = await db
          .selectFrom('gate_alert_group')
          .selectAll()
          .where('alert_id', 'in', ids)
          .execute();
        for (const row of rows) found.set(toNumber(row.alert_id), toAlertGroup(row));
      }
      return found;
    },
    async putAlertGroup(record) {
      const values = {
        group_key: record.groupKey,
        occurrences: record.occurrences,
        first_seen_at: record.firstSeenAt,
        last_seen_at: record.lastSeenAt,
      };
      await db
        .insertInto('gate_alert_group')
        .values({ alert_id: record.alertId, ...values })
        .onConflict((oc) => oc.column('alert_id').doUpdateSet(values))
        .execute();
    },
    async putDevice(record) {
      const values = {
        org_id: record.orgId,
        user_id: record.userId,
        public_key: record.publicKey,
        fingerprint: record.fingerprint,
        label: record.label,
        status: record.status,
        enrolled_at: record.enrolledAt,
        ip: record.ip,
        user_agent: record.userAgent,
        decided_by: record.decidedBy,
        decided_at: record.decidedAt,
      };
      await db
        .insertInto('driver_device')
        .values({ device_id: record.deviceId, ...values })
        .onConflict((oc) => oc.column('device_id').doUpdateSet(values))
        .execute();
    },
    async putDriver(record) {
      const values = { sealed: record.sealed, registered_at: record.registeredAt, user_id: record.userId };
      await db
        .insertInto('driver')
        .values({ org_id: record.orgId, badge_ref: record.badgeRef, ...values })
        .onConflict((oc) => oc.columns(['org_id', 'badge_ref']).doUpdateSet(values))
        .execute();
    },
    async putDriverJob(record) {
      const values = {
        org_id: record.orgId,
        driver_badge_ref: record.driverBadgeRef,
        terminal: record.terminal,
        slot_id: record.slotId,
        slot_start: record.slotStart,
        slot_end: record.slotEnd,
        truck_plate: record.truckPlate,
        status: record.status,
        booking_version: record.bookingVersion,
        updated_at: record.updatedAt,
      };
      await db
        .insertInto('driver_job')
        .values({ visit_ref: record.visitRef, ...values })
        .onConflict((oc) => oc.column('visit_ref').doUpdateSet(values))
        .execute();
    },
    async putSlotBooking(record) {
      const values = { slot_id: record.slotId, terminal: record.terminal };
      await db
        .insertInto('slot_booking')
        .values({ visit_ref: record.visitRef, ...values })
        .onConflict((oc) => oc.column('visit_ref').doUpdateSet(values))
        .execute();
    },
    async removeSlotBooking(visitRef) {
      await db.deleteFrom('slot_booking').where('visit_ref', '=', visitRef).execute();
    },
    async putCredential(record) {
      const values = {
        visit_ref: record.visitRef,
        booking_version: record.bookingVersion,
        right_version: record.rightVersion,
        status: record.status,
        issued_at: record.issuedAt,
        closed_at: record.closedAt,
      };
      await db
        .insertInto('pickup_credential')
        .values({ credential_id: record.credentialId, ...values })
        .onConflict((oc) => oc.column('credential_id').doUpdateSet(values))
        .execute();
    },
  };
}

/** The read half, so that the store's own `gate` offers no writes. */
export function gateReads(repository: GateRepository): GateReads {
  return {
    getDriver: (orgId, badgeRef) => repository.getDriver(orgId, badgeRef),
    listDrivers: (orgId, page) => repository.listDrivers(orgId, page),
    driversOfUser: (orgId, userId) => repository.driversOfUser(orgId, userId),
    driverJobs: (orgId, badgeRefs, limit) => repository.driverJobs(orgId, badgeRefs, limit),
    slotBookingCounts: (slotIds) => repository.slotBookingCounts(slotIds),
    getCredential: (credentialId) => repository.getCredential(credentialId),
    activeCredentials: (visitRef) => repository.activeCredentials(visitRef),
    getDevice: (deviceId) => repository.getDevice(deviceId),
    devicesOfUser: (userId) => repository.devicesOfUser(userId),
    devicesOfOrg: (orgId, status, page) => repository.devicesOfOrg(orgId, status, page),
    latestAlertGroup: (groupKey) => repository.latestAlertGroup(groupKey),
    alertGroups: (alertIds) => repository.alertGroups(alertIds),
  };
}
