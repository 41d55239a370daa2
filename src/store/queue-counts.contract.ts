import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../app/alerts/alert.ports.js';
import type { DriverDeviceRecord } from '../app/gate/gate.ports.js';
import type { LedgerStore } from '../app/ports.js';
import type { ReleaseRecord } from '../app/releases/release.ports.js';
import type { VisitRecord } from '../app/visits/visit.ports.js';
import { makeApproval } from './testing/identity-fixtures.js';

const release = (visitRef: string, overrides: Partial<ReleaseRecord> = {}): ReleaseRecord => ({
  visitRef,
  releaseId: `REL-${visitRef}`,
  line: 'MSCU',
  lineOrgId: 'org-mscu',
  holder: null,
  offeredTo: 'org-fwd',
  rightVersion: 1,
  blocked: false,
  revoked: false,
  validFrom: '2025-03-01T08:00:00.000Z',
  validUntil: '2025-03-08T08:00:00.000Z',
  streamVersion: 2,
  view: { releaseId: `REL-${visitRef}` },
  updatedAt: '2025-03-01T08:00:00.000Z',
  ...overrides,
});

const alert = (alertId: number, overrides: Partial<AlertRecord> = {}): AlertRecord => ({
  alertId,
  rule: 'gate.refused',
  severity: 'high',
  raisedAt: '2025-03-01T08:00:00.000Z',
  subjectKind: 'visit',
  subjectId: `V-${alertId}`,
  terminal: 'T1',
  orgId: null,
  summary: 'Gate refused',
  evidence: [],
  status: 'open',
  assignedTo: null,
  acknowledgedBy: null,
  resolvedBy: null,
  resolution: null,
  updatedAt: '2025-03-01T08:00:00.000Z',
  ...overrides,
});

const device = (deviceId: string, overrides: Partial<DriverDeviceRecord> = {}): DriverDeviceRecord => ({
  deviceId,
  orgId: 'org-haul',
  userId: `driver-${deviceId}`,
  publicKey: new Uint8Array(32),
  fingerprint: '0a1b:2c3d:4e5f:6071',
  label: 'phone',
  status: 'pending',
  enrolledAt: '2025-03-01T08:00:00.000Z',
  ip: '192.0.2.7',
  userAgent: 'test',
  decidedBy: null,
  decidedAt: null,
  ...overrides,
});

/** The view of a stored request, as `approvals.usecases.ts` writes it: the terminal and the change it names. */
const requestView = (terminal: string | null, change: Record<string, string> = {}) => ({
  terminal,
  change,
  requestedBy: { userId: 'u-req', orgId: 'org-nqt' },
});

/**
 * The work queues' counts (issue 14) every `LedgerStore` adapter answers alike: each within its scope, stopping
 * at the cap.
 */
export function describeQueueCountContract(storeOf: () => LedgerStore): void {
  describe('work queue counts', () => {
    it("counts an organisation's open offers, and a line's blocked releases, and nobody else's", async () => {
      const store = storeOf();
      await store.writeTransaction(async (tx) => {
        await tx.releases.putRelease(release('V-1'));
        await tx.releases.putRelease(release('V-2'));
        await tx.releases.putRelease(release('V-3', { offeredTo: 'org-other' }));
        await tx.releases.putRelease(release('V-4', { blocked: true }));
        await tx.releases.putRelease(release('V-5', { revoked: true, blocked: true }));
        await tx.releases.putRelease(release('V-6', { offeredTo: null, holder: 'org-fwd' }));
        await tx.releases.putRelease(release('V-7', { lineOrgId: 'org-maeu', blocked: true }));
      });
      const counts = store.queueCounts;
      expect(await counts.countReleaseOffers('org-fwd', 100)).toBe(2);
      expect(await counts.countReleaseOffers('org-fwd', 1)).toBe(1);
      expect(await counts.countReleaseOffers('org-other', 100)).toBe(1);
      expect(await counts.countReleaseOffers('org-nobody', 100)).toBe(0);
      expect(await counts.countBlockedReleases('org-mscu', 100)).toBe(1);
      expect(await counts.countBlockedReleases('org-maeu', 100)).toBe(1);
      expect(await counts.countBlockedReleases('org-fwd', 100)).toBe(0);
    });

    it('counts the live requests one person may decide: kind, not their own, their organisation or terminal', async () => {
      const store = storeOf();
      const at = (minute: number) => `2025-03-01T08:${String(minute).padStart(2, '0')}:00.000Z`;
      await store.writeTransaction(async (tx) => {
        for (const record of [
          // Terminal data at T1, requested by a colleague: counted for T1's staff.
          makeApproval({
            requestId: 'r1',
            kind: 'yard.correction',
            subject: 'V-1',
            requestedBy: 'u-req',
            orgId: 'org-nqt',
            expiresAt: at(30),
            view: requestView('T1'),
          }),
          // The person's own request: never.
          makeApproval({
            requestId: 'r2',
            kind: 'yard.correction',
            subject: 'V-2',
            requestedBy: 'u-me',
            orgId: 'org-nqt',
            expiresAt: at(30),
            view: requestView('T1'),
          }),
          // Expired, decided: no longer waiting.
          makeApproval({
            requestId: 'r3',
            kind: 'yard.correction',
            subject: 'V-3',
            requestedBy: 'u-req',
            orgId: 'org-nqt',
            expiresAt: at(5),
            view: requestView('T1'),
          }),
          makeApproval({
            requestId: 'r4',
            kind: 'yard.correction',
            subject: 'V-4',
            status: 'approved',
            requestedBy: 'u-req',
            orgId: 'org-nqt',
            expiresAt: at(30),
            view: requestView('T1'),
          }),
          // Another terminal's data: its own staff's.
          makeApproval({
            requestId: 'r5',
            kind: 'yard.correction',
            subject: 'V-5',
            requestedBy: 'u-x',
            orgId: 'org-dpw',
            expiresAt: at(30),
            view: requestView('T9'),
          }),
          // Terminal data a line asked to void, at T1: T1's staff decide it, whoever asked.
          makeApproval({
            requestId: 'r6',
            kind: 'visit.void',
            subject: 'V-6',
            requestedBy: 'u-line',
            orgId: 'org-mscu',
            expiresAt: at(30),
            view: requestView('T1'),
          }),
          // A line's void of its own announcement: the line's.
          makeApproval({
            requestId: 'r7',
            kind: 'visit.void',
            subject: 'V-7',
            requestedBy: 'u-line',
            orgId: 'org-mscu',
            expiresAt: at(30),
            view: requestView(null),
          }),
          // A kind the person does not decide.
          makeApproval({
            requestId: 'r8',
            kind: 'role.grant',
            subject: 'u-9',
            requestedBy: 'u-adm',
            orgId: 'org-nqt',
            expiresAt: at(30),
            view: requestView(null),
          }),
          // A grant to the person themself: not theirs to decide.
          makeApproval({
            requestId: 'r9',
            kind: 'role.grant',
            subject: 'u-me',
            requestedBy: 'u-adm',
            orgId: 'org-nqt',
            expiresAt: at(30),
            view: requestView(null),
          }),
          // Hold lifts: only of a kind the person may lift.
          makeApproval({
            requestId: 'r10',
            kind: 'hold.lift',
            subject: 'H-1',
            requestedBy: 'u-cus',
            orgId: 'org-customs',
            expiresAt: at(30),
            view: requestView(null, { kind: 'customs' }),
          }),
          makeApproval({
            requestId: 'r11',
            kind: 'hold.lift',
            subject: 'H-2',
            requestedBy: 'u-cus',
            orgId: 'org-customs',
            expiresAt: at(30),
            view: requestView(null, { kind: 'police' }),
          }),
        ]) {
          await tx.identity.putApproval(record);
        }
      });
      const decidable = (
        over: Partial<Parameters<LedgerStore['queueCounts']['countDecidableApprovals']>[0]>,
      ) =>
        store.queueCounts.countDecidableApprovals(
          {
            expiresAfter: at(10),
            kinds: ['yard.correction', 'visit.void', 'visit.unfreeze'],
            userId: 'u-me',
            orgId: 'org-nqt',
            terminals: ['T1'],
            holdKinds: ['terminal'],
            ...over,
          },
          100,
        );
      // r1 and r6.
      expect(await decidable({})).toBe(2);
      expect(
        await store.queueCounts.countDecidableApprovals(
          {
            expiresAfter: at(10),
            kinds: ['yard.correction', 'visit.void'],
            userId: 'u-me',
            orgId: 'org-nqt',
            terminals: ['T1'],
            holdKinds: [],
          },
          1,
        ),
      ).toBe(1);
      // The request's own author no longer sees r1, but sees r2.
      expect(await decidable({ userId: 'u-req' })).toBe(2);
      // Before r3 expired.
      expect(await decidable({ expiresAfter: at(1) })).toBe(3);
      // The line's release desk: r7 only.
      expect(
        await decidable({ kinds: ['visit.void'], orgId: 'org-mscu', terminals: [], userId: 'u-line2' }),
      ).toBe(1);
      // An administrator of the terminal operator: r8, never r9.
      expect(await decidable({ kinds: ['role.grant'], terminals: [] })).toBe(1);
      // A customs officer: the customs hold's lift, not the police one's.
      expect(
        await decidable({
          kinds: ['hold.lift'],
          orgId: 'org-customs',
          terminals: [],
          holdKinds: ['customs'],
        }),
      ).toBe(1);
      expect(await decidable({ kinds: [] })).toBe(0);
    });

    it('counts open alerts within the alert list scope, each once', async () => {
      const store = storeOf();
      await store.writeTransaction(async (tx) => {
        await tx.putAlertRecord(alert(1));
        await tx.putAlertRecord(alert(2, { status: 'acknowledged' }));
        await tx.putAlertRecord(alert(3, { terminal: 'T9' }));
        await tx.putAlertRecord(alert(4, { rule: 'auth.lockout', terminal: null, orgId: 'org-nqt' }));
        await tx.putAlertRecord(alert(5, { rule: 'auth.lockout', terminal: null, orgId: 'org-other' }));
        // An integrity alert of one's own organisation is in two branches: counted once.
        await tx.putAlertRecord(alert(6, { rule: 'integrity.failed', terminal: null, orgId: 'org-nqt' }));
        await tx.putAlertRecord(alert(7, { status: 'resolved' }));
      });
      const scope = {
        rules: ['integrity.failed', 'integrity.read_model_mismatch'] as AlertRecord['rule'][],
        orgId: 'org-nqt',
        terminals: ['T1'],
      };
      expect(await store.queueCounts.countOpenAlerts(scope, 100)).toBe(3);
      expect(await store.queueCounts.countOpenAlerts(scope, 2)).toBe(2);
      expect(
        await store.queueCounts.countOpenAlerts({ ...scope, orgId: 'org-fwd', terminals: [] }, 100),
      ).toBe(1);
      expect(await store.queueCounts.countOpenAlerts(undefined, 100)).toBe(5);
    });

    it("counts the bookings in a terminal's window of slots, and a haulier's phones waiting", async () => {
      const store = storeOf();
      await store.writeTransaction(async (tx) => {
        for (const [visitRef, slotId] of [
          ['V-1', 'T1@20250301T0800Z'],
          ['V-2', 'T1@20250301T0830Z'],
          ['V-3', 'T1@20250301T0900Z'],
          ['V-4', 'T1@20250301T0730Z'],
          ['V-5', 'T10@20250301T0800Z'],
          ['V-6', 'T2@20250301T0800Z'],
        ] as const) {
          await tx.gate.putSlotBooking({ visitRef, slotId, terminal: slotId.split('@')[0]! });
        }
        await tx.gate.putDevice(device('d1'));
        await tx.gate.putDevice(device('d2'));
        await tx.gate.putDevice(device('d3', { status: 'active' }));
        await tx.gate.putDevice(device('d4', { orgId: 'org-other' }));
      });
      const window = (terminal: string) => ({
        fromSlotId: `${terminal}@20250301T0800Z`,
        untilSlotId: `${terminal}@20250301T0900Z`,
      });
      expect(await store.queueCounts.countSlotBookings([window('T1')], 100)).toBe(2);
      expect(await store.queueCounts.countSlotBookings([window('T1'), window('T2')], 100)).toBe(3);
      expect(await store.queueCounts.countSlotBookings([window('T1'), window('T2')], 2)).toBe(2);
      expect(await store.queueCounts.countSlotBookings([], 100)).toBe(0);
      expect(await store.queueCounts.countPendingDevices('org-haul', 100)).toBe(2);
      expect(await store.queueCounts.countPendingDevices('org-nobody', 100)).toBe(0);
    });

    it('counts the boxes on hold of some kinds, at some terminals or of one line', async () => {
      const store = storeOf();
      const visit = (
        visitRef: string,
        terminal: string | null,
        line: string,
        holds: readonly string[],
      ): VisitRecord => ({
        visitRef,
        containerNumber: `MSCU${visitRef.replace(/\D/g, '').padStart(7, '0')}`,
        status: terminal === null ? 'announced' : 'in_yard',
        terminal,
        streamVersion: 1,
        lastIndex: 0,
        view: {
          visitRef,
          line,
          onHold: holds.length > 0,
          holds: holds.map((kind, i) => ({
            holdId: `${visitRef}-H${i}`,
            kind,
            placedAt: '2025-03-01T08:00:00.000Z',
          })),
        },
      });
      await store.writeTransaction(async (tx) => {
        await tx.upsertVisit(visit('V-1', 'T1', 'MSCU', ['customs']));
        await tx.upsertVisit(visit('V-2', 'T1', 'MSCU', ['police']));
        await tx.upsertVisit(visit('V-3', 'T2', 'MAEU', ['terminal', 'customs']));
        await tx.upsertVisit(visit('V-4', 'T1', 'MSCU', []));
        await tx.upsertVisit(visit('V-5', null, 'MSCU', ['line']));
      });
      const all = ['customs', 'police', 'terminal', 'line'];
      const counts = store.queueCounts;
      expect(await counts.countHeldBoxes({ kinds: all, terminals: ['T1'] }, 100)).toBe(2);
      expect(await counts.countHeldBoxes({ kinds: all, terminals: ['T1', 'T2'] }, 100)).toBe(3);
      expect(await counts.countHeldBoxes({ kinds: all, terminals: ['T1', 'T2'] }, 2)).toBe(2);
      expect(await counts.countHeldBoxes({ kinds: ['customs'] }, 100)).toBe(2);
      expect(await counts.countHeldBoxes({ kinds: ['police'] }, 100)).toBe(1);
      // A line's own boxes, not by a police hold: V-1 (customs) and V-5 (its own hold, not yet in the yard).
      expect(await counts.countHeldBoxes({ kinds: ['customs', 'terminal', 'line'], line: 'MSCU' }, 100)).toBe(
        2,
      );
      expect(await counts.countHeldBoxes({ kinds: [], terminals: ['T1'] }, 100)).toBe(0);
      expect(await counts.countHeldBoxes({ kinds: all, terminals: [] }, 100)).toBe(0);
      // Lifted: the row says so, and it is no longer counted.
      await store.writeTransaction((tx) => tx.upsertVisit(visit('V-1', 'T1', 'MSCU', [])));
      expect(await counts.countHeldBoxes({ kinds: ['customs'] }, 100)).toBe(1);
    });
  });
}
