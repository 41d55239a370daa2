import type {
  DriverDeviceRecord,
  DriverJobRecord,
  DriverRecord,
  GateAlertGroupRecord,
  GateReads,
  GateWrites,
  PickupCredentialRecord,
  SlotBookingRecord,
} from '../app/gate/gate.ports.js';

/** Code-unit order, as the SQL stores sort keys (BINARY on SQLite, `collate "C"` on PostgreSQL). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const driverKey = (orgId: string, badgeRef: string) => `${orgId}\u0000${badgeRef}`;
const copyDriver = (d: DriverRecord): DriverRecord => ({ ...d, sealed: d.sealed.slice() });
const copyDevice = (d: DriverDeviceRecord): DriverDeviceRecord => ({ ...d, publicKey: d.publicKey.slice() });
const byEnrolment = (
  a: Pick<DriverDeviceRecord, 'enrolledAt' | 'deviceId'>,
  b: Pick<DriverDeviceRecord, 'enrolledAt' | 'deviceId'>,
) => compareText(a.enrolledAt, b.enrolledAt) || compareText(a.deviceId, b.deviceId);
/** The first `limit` rows (at least one) when a page is asked for, as the SQL stores page them. */
const pageOf = <T>(rows: T[], limit: number | undefined): T[] =>
  limit === undefined ? rows : rows.slice(0, Math.max(1, Math.trunc(limit)));

/** Every gate record the memory store holds. Records inside are never mutated, only replaced. */
export interface GateTables {
  readonly drivers: Map<string, DriverRecord>;
  /** The job of each visit, by visitRef. */
  readonly jobs: Map<string, DriverJobRecord>;
  readonly bookings: Map<string, SlotBookingRecord>;
  readonly credentials: Map<string, PickupCredentialRecord>;
  /** Driver devices, by deviceId. */
  readonly devices: Map<string, DriverDeviceRecord>;
  /** Groups of refused gate attempts, by alert id. */
  readonly alertGroups: Map<number, GateAlertGroupRecord>;
}

export function emptyGateTables(): GateTables {
  return {
    drivers: new Map(),
    jobs: new Map(),
    bookings: new Map(),
    credentials: new Map(),
    devices: new Map(),
    alertGroups: new Map(),
  };
}

/** A copy a transaction may change without touching `tables`: the containers are new, the records shared. */
export function cloneGateTables(tables: GateTables): GateTables {
  return {
    drivers: new Map(tables.drivers),
    jobs: new Map(tables.jobs),
    bookings: new Map(tables.bookings),
    credentials: new Map(tables.credentials),
    devices: new Map(tables.devices),
    alertGroups: new Map(tables.alertGroups),
  };
}

/** Gate reads over whatever tables `current` returns (the committed ones, or a transaction's staged copy). */
export function memoryGateReads(current: () => GateTables): GateReads {
  return {
    async getDriver(orgId, badgeRef) {
      const found = current().drivers.get(driverKey(orgId, badgeRef));
      return found && copyDriver(found);
    },
    async listDrivers(orgId, page = {}) {
      const { after } = page;
      return pageOf(
        [...current().drivers.values()]
          .filter((d) => d.orgId === orgId && (after === undefined || d.badgeRef > after.badgeRef))
          .sort((a, b) => compareText(a.badgeRef, b.badgeRef)),
        page.limit,
      ).map(copyDriver);
    },
    async driversOfUser(orgId, userId) {
      return [...current().drivers.values()]
        .filter((d) => d.orgId === orgId && d.userId === userId)
        .sort((a, b) => compareText(a.badgeRef, b.badgeRef))
        .map(copyDriver);
    },
    async driverJobs(orgId, badgeRefs, limit) {
      const wanted = new Set(badgeRefs);
      return [...current().jobs.values()]
        .filter((job) => job.orgId === orgId && wanted.has(job.driverBadgeRef))
        .sort((a, b) => compareText(b.slotStart, a.slotStart) || compareText(a.visitRef, b.visitRef))
        .slice(0, limit)
        .map((job) => ({ ...job }));
    },
    async slotBookingCounts(slotIds) {
      const wanted = new Set(slotIds);
      const counts = new Map<string, number>();
      for (const booking of current().bookings.values()) {
        if (wanted.has(booking.slotId)) counts.set(booking.slotId, (counts.get(booking.slotId) ?? 0) + 1);
      }
      return counts;
    },
    async getCredential(credentialId) {
      const found = current().credentials.get(credentialId);
      return found && { ...found };
    },
    async activeCredentials(visitRef) {
      return [...current().credentials.values()]
        .filter((c) => c.visitRef === visitRef && c.status === 'active')
        .sort((a, b) => compareText(a.issuedAt, b.issuedAt) || compareText(a.credentialId, b.credentialId))
        .map((c) => ({ ...c }));
    },
    async getDevice(deviceId) {
      const found = current().devices.get(deviceId);
      return found && copyDevice(found);
    },
    async devicesOfUser(userId) {
      return [...current().devices.values()]
        .filter((d) => d.userId === userId)
        .sort(byEnrolment)
        .map(copyDevice);
    },
    async devicesOfOrg(orgId, status, page = {}) {
      const { after } = page;
      const sign = page.direction === 'desc' ? -1 : 1;
      const order = (a: Parameters<typeof byEnrolment>[0], b: Parameters<typeof byEnrolment>[1]) =>
        sign * byEnrolment(a, b);
      return pageOf(
        [...current().devices.values()]
          .filter(
            (d) =>
              d.orgId === orgId &&
              (status === undefined || d.status === status) &&
              (after === undefined || order(d, after) > 0),
          )
          .sort(order),
        page.limit,
      ).map(copyDevice);
    },
    async latestAlertGroup(groupKey) {
      const latest = [...current().alertGroups.values()]
        .filter((g) => g.groupKey === groupKey)
        .sort((a, b) => b.alertId - a.alertId)[0];
      return latest && { ...latest };
    },
    async alertGroups(alertIds) {
      const found = new Map<number, GateAlertGroupRecord>();
      for (const alertId of alertIds) {
        const group = current().alertGroups.get(alertId);
        if (group) found.set(alertId, { ...group });
      }
      return found;
    },
  };
}

/** Gate writes into the staged copy that `staged` returns (made on first use). */
export function memoryGateWrites(staged: () => GateTables): Omit<GateWrites, keyof GateReads> {
  return {
    async putDriver(record) {
      staged().drivers.set(driverKey(record.orgId, record.badgeRef), copyDriver(record));
    },
    async putDriverJob(record) {
      staged().jobs.set(record.visitRef, { ...record });
    },
    async putSlotBooking(record) {
      staged().bookings.set(record.visitRef, { ...record });
    },
    async removeSlotBooking(visitRef) {
      staged().bookings.delete(visitRef);
    },
    async putCredential(record) {
      staged().credentials.set(record.credentialId, { ...record });
    },
    async putDevice(record) {
      staged().devices.set(record.deviceId, copyDevice(record));
    },
    async putAlertGroup(record) {
      staged().alertGroups.set(record.alertId, { ...record });
    },
  };
}
