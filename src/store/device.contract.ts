import { describe, expect, it } from 'vitest';
import type { DriverDeviceRecord } from '../app/gate/gate.ports.js';
import type { LedgerStore } from '../app/ports.js';

const device = (overrides: Partial<DriverDeviceRecord> = {}): DriverDeviceRecord => ({
  deviceId: 'dev-1',
  orgId: 'haul',
  userId: 'driver-1',
  publicKey: Uint8Array.from({ length: 32 }, (_, i) => i),
  fingerprint: '0a1b:2c3d:4e5f:6071',
  label: "Dirk's phone",
  status: 'pending',
  enrolledAt: '2025-03-01T08:00:00.000Z',
  ip: '192.0.2.7',
  userAgent: 'Mozilla/5.0 (Android 14)',
  decidedBy: null,
  decidedAt: null,
  ...overrides,
});

/**
 * The driver devices every `LedgerStore` adapter shares (the `driver_device` table, issue 10 row C), run inside the
 * ledger store contract with that suite's fresh store.
 */
export function describeDeviceContract(storeOf: () => LedgerStore): void {
  describe('driver devices', () => {
    it('stores a device, replaces it when decided, and reads it back field for field', async () => {
      const store = storeOf();
      expect(await store.gate.getDevice('dev-1')).toBeUndefined();
      await store.writeTransaction((tx) => tx.gate.putDevice(device()));
      expect(await store.gate.getDevice('dev-1')).toEqual(device());

      const confirmed = device({
        status: 'active',
        decidedBy: 'planner',
        decidedAt: '2025-03-01T08:05:00.000Z',
      });
      await store.writeTransaction(async (tx) => {
        await tx.gate.putDevice(confirmed);
        // Inside the transaction, the transaction's own write is what it reads.
        expect(await tx.gate.getDevice('dev-1')).toEqual(confirmed);
      });
      expect(await store.gate.getDevice('dev-1')).toEqual(confirmed);
    });

    it('a rolled-back transaction stores no device', async () => {
      const store = storeOf();
      await expect(
        store.writeTransaction(async (tx) => {
          await tx.gate.putDevice(device());
          throw new Error('abandoned');
        }),
      ).rejects.toThrow('abandoned');
      expect(await store.gate.getDevice('dev-1')).toBeUndefined();
      expect(await store.gate.devicesOfUser('driver-1')).toEqual([]);
    });

    it("lists a driver's devices and a haulier's devices by status, oldest first", async () => {
      const store = storeOf();
      const rows = [
        device({ deviceId: 'dev-b', enrolledAt: '2025-03-01T09:00:00.000Z', status: 'active' }),
        device({ deviceId: 'dev-a', enrolledAt: '2025-03-01T10:00:00.000Z' }),
        device({ deviceId: 'dev-c', enrolledAt: '2025-03-01T08:00:00.000Z', status: 'revoked' }),
        device({
          deviceId: 'dev-o',
          userId: 'driver-2',
          orgId: 'other-haul',
          enrolledAt: '2025-03-01T07:00:00.000Z',
        }),
        device({ deviceId: 'dev-d', userId: 'driver-3', enrolledAt: '2025-03-01T11:00:00.000Z' }),
      ];
      await store.writeTransaction(async (tx) => {
        for (const row of rows) await tx.gate.putDevice(row);
      });
      const ids = (list: DriverDeviceRecord[]) => list.map((d) => d.deviceId);
      expect(ids(await store.gate.devicesOfUser('driver-1'))).toEqual(['dev-c', 'dev-b', 'dev-a']);
      expect(ids(await store.gate.devicesOfOrg('haul'))).toEqual(['dev-c', 'dev-b', 'dev-a', 'dev-d']);
      expect(ids(await store.gate.devicesOfOrg('haul', 'pending'))).toEqual(['dev-a', 'dev-d']);
      expect(ids(await store.gate.devicesOfOrg('other-haul', 'pending'))).toEqual(['dev-o']);
      expect(await store.gate.devicesOfOrg('nobody')).toEqual([]);
      expect((await store.gate.devicesOfUser('driver-1'))[1]?.publicKey).toEqual(rows[0]!.publicKey);
    });

    it("pages a haulier's devices by (enrolment, id), every one or those in one state (issue 13)", async () => {
      const store = storeOf();
      // Two enrolled at the same instant: the id orders them.
      const rows = ['dev-e', 'dev-a', 'dev-c', 'dev-b', 'dev-d'].map((deviceId, i) =>
        device({
          deviceId,
          userId: `driver-${i}`,
          enrolledAt: `2025-03-01T0${Math.min(i, 3)}:00:00.000Z`,
          status: i % 2 === 0 ? 'pending' : 'active',
        }),
      );
      await store.writeTransaction(async (tx) => {
        for (const row of rows) await tx.gate.putDevice(row);
      });
      const pages = async (status?: 'pending', direction: 'asc' | 'desc' = 'asc') => {
        const seen: string[][] = [];
        let after: { enrolledAt: string; deviceId: string } | undefined;
        for (;;) {
          const page = await store.gate.devicesOfOrg('haul', status, {
            ...(after ? { after } : {}),
            direction,
            limit: 2,
          });
          seen.push(page.map((d) => d.deviceId));
          if (page.length < 2) return seen;
          after = { enrolledAt: page.at(-1)!.enrolledAt, deviceId: page.at(-1)!.deviceId };
        }
      };
      expect(await pages()).toEqual([['dev-e', 'dev-a'], ['dev-c', 'dev-b'], ['dev-d']]);
      expect(await pages('pending')).toEqual([['dev-e', 'dev-c'], ['dev-d']]);
      // Newest first (issue 14): the same two of one instant the other way round, a page going on after each.
      expect(await pages(undefined, 'desc')).toEqual([['dev-d', 'dev-b'], ['dev-c', 'dev-a'], ['dev-e']]);
    });
  });
}
