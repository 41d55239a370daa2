import { describe, expect, it } from 'vitest';
import type { AlertRecord, LedgerStore } from '../app/ports.js';

const alert = (overrides: Partial<AlertRecord> = {}): AlertRecord => ({
  alertId: 12,
  rule: 'gate.refused',
  severity: 'high',
  raisedAt: '2025-03-01T08:00:00.000Z',
  subjectKind: 'visit',
  subjectId: 'V-ALERT-1',
  terminal: 'T1',
  orgId: null,
  summary: 'Gate refused MSCU1234566: driver.badge',
  evidence: [
    { label: 'Visit MSCU1234566', href: '/visits/V-ALERT-1', index: null },
    { label: 'Alert event, audit index 12', href: '/v1/audit/proof/inclusion?index=12', index: 12 },
  ],
  status: 'open',
  assignedTo: null,
  acknowledgedBy: null,
  resolvedBy: null,
  resolution: null,
  updatedAt: '2025-03-01T08:00:00.000Z',
  ...overrides,
});

/**
 * The alert read model every `LedgerStore` adapter shares (the `alert` table), run inside the ledger store
 * contract with that suite's fresh store.
 */
export function describeAlertContract(storeOf: () => LedgerStore): void {
  describe('alerts', () => {
    it('stores an alert, replaces it on the next action, and reads it back field for field', async () => {
      const store = storeOf();
      expect(await store.getAlertRecord(12)).toBeUndefined();
      await store.writeTransaction((tx) => tx.putAlertRecord(alert()));
      expect(await store.getAlertRecord(12)).toEqual(alert());

      const resolved = alert({
        status: 'resolved',
        assignedTo: 'sup-2',
        acknowledgedBy: 'sup-1',
        resolvedBy: 'sup-2',
        resolution: 'Wrong driver; haulier called.',
        updatedAt: '2025-03-01T09:30:00.000Z',
      });
      await store.writeTransaction(async (tx) => {
        await tx.putAlertRecord(resolved);
        // Inside the transaction, the transaction's own write is what it reads.
        expect(await tx.getAlertRecord(12)).toEqual(resolved);
      });
      expect(await store.getAlertRecord(12)).toEqual(resolved);
      expect(await store.listAlertRecords({ limit: 10 })).toEqual([resolved]);
    });

    it('a rolled-back transaction stores no alert', async () => {
      const store = storeOf();
      await expect(
        store.writeTransaction(async (tx) => {
          await tx.putAlertRecord(alert());
          throw new Error('abandoned');
        }),
      ).rejects.toThrow('abandoned');
      expect(await store.getAlertRecord(12)).toBeUndefined();
      expect(await store.listAlertRecords({ limit: 10 })).toEqual([]);
    });

    it('lists newest first, by status and visibility, one keyset page at a time', async () => {
      const store = storeOf();
      const rows = [
        alert({ alertId: 3, terminal: 'T1' }),
        alert({ alertId: 5, terminal: 'T2', status: 'acknowledged' }),
        alert({
          alertId: 8,
          rule: 'integrity.failed',
          severity: 'critical',
          subjectKind: 'log',
          subjectId: 'log',
          terminal: null,
        }),
        alert({
          alertId: 13,
          rule: 'auth.lockout',
          severity: 'medium',
          subjectKind: 'user',
          subjectId: 'u-1',
          terminal: null,
          orgId: 'org-a',
          status: 'resolved',
        }),
        alert({
          alertId: 21,
          rule: 'auth.lockout',
          severity: 'medium',
          subjectKind: 'user',
          subjectId: 'u-2',
          terminal: null,
          orgId: 'org-b',
        }),
        alert({ alertId: 1000, terminal: null, subjectId: 'unidentified' }),
      ];
      await store.writeTransaction(async (tx) => {
        for (const row of rows) await tx.putAlertRecord(row);
      });
      const ids = async (query: Parameters<LedgerStore['listAlertRecords']>[0]) =>
        (await store.listAlertRecords(query)).map((a) => a.alertId);

      // Numeric order, not text order: 1000 is newer than 21.
      expect(await ids({ limit: 100 })).toEqual([1000, 21, 13, 8, 5, 3]);
      expect(await ids({ limit: 2 })).toEqual([1000, 21]);
      expect(await ids({ limit: 2, before: 21 })).toEqual([13, 8]);
      expect(await ids({ limit: 2, before: 3 })).toEqual([]);
      expect(await ids({ limit: 100, statuses: ['open', 'acknowledged'] })).toEqual([1000, 21, 8, 5, 3]);
      expect(await ids({ limit: 100, statuses: ['resolved'] })).toEqual([13]);
      expect(await ids({ limit: 100, statuses: [] })).toEqual([]);

      const visibleTo = { rules: ['integrity.failed' as const], orgId: 'org-a', terminals: ['T1'] };
      expect(await ids({ limit: 100, visibleTo })).toEqual([13, 8, 3]);
      expect(await ids({ limit: 100, visibleTo: { ...visibleTo, rules: [], terminals: [] } })).toEqual([13]);
      expect(
        await ids({ limit: 1, before: 13, statuses: ['open'], visibleTo: { ...visibleTo, orgId: 'org-b' } }),
      ).toEqual([8]);
    });

    it('pages through alerts several filters match once each, newest first across all of them (issue 13)', async () => {
      const store = storeOf();
      // Each alert in one or more of: rule integrity.failed, organisation org-a, terminal T1 or T2, in each state.
      const rows = [
        alert({ alertId: 2, terminal: 'T1', status: 'resolved' }),
        alert({ alertId: 4, rule: 'integrity.failed', terminal: 'T1', orgId: 'org-a' }),
        alert({ alertId: 6, terminal: 'T2', status: 'acknowledged' }),
        alert({ alertId: 7, terminal: 'T9' }),
        alert({ alertId: 9, terminal: null, orgId: 'org-a', rule: 'auth.lockout', status: 'resolved' }),
        alert({ alertId: 11, rule: 'integrity.failed', terminal: null, status: 'acknowledged' }),
        alert({ alertId: 15, terminal: 'T2', orgId: 'org-a' }),
        alert({ alertId: 17, terminal: 'T9', orgId: 'org-z', status: 'resolved' }),
      ];
      await store.writeTransaction(async (tx) => {
        for (const row of rows) await tx.putAlertRecord(row);
      });
      const visibleTo = {
        rules: ['integrity.failed' as const, 'integrity.failed' as const],
        orgId: 'org-a',
        terminals: ['T1', 'T2', 'T1'],
      };
      const walk = async (
        query: Omit<Parameters<LedgerStore['listAlertRecords']>[0], 'limit'>,
        size: number,
      ) => {
        const seen: number[][] = [];
        let before: number | undefined;
        for (;;) {
          const page = (
            await store.listAlertRecords({
              ...query,
              limit: size,
              ...(before === undefined ? {} : { before }),
            })
          ).map((a) => a.alertId);
          if (page.length === 0) return seen;
          seen.push(page);
          before = page.at(-1);
        }
      };

      expect(await walk({ visibleTo }, 2)).toEqual([
        [15, 11],
        [9, 6],
        [4, 2],
      ]);
      expect(await walk({ visibleTo }, 100)).toEqual([[15, 11, 9, 6, 4, 2]]);
      expect(await walk({ visibleTo, statuses: ['open', 'acknowledged'] }, 2)).toEqual([
        [15, 11],
        [6, 4],
      ]);
      expect(await walk({ visibleTo, statuses: ['resolved', 'resolved'] }, 1)).toEqual([[9], [2]]);
      expect(await walk({ statuses: ['acknowledged', 'resolved'] }, 3)).toEqual([
        [17, 11, 9],
        [6, 2],
      ]);
      expect(await walk({ visibleTo: { rules: [], orgId: 'org-a', terminals: [] } }, 1)).toEqual([
        [15],
        [9],
        [4],
      ]);
    });

    it('filters a page by rule, severity and assignee with the state, in either direction, within the scope (issue 14)', async () => {
      const store = storeOf();
      const rows = [
        alert({ alertId: 3, severity: 'critical', assignedTo: 'u-me' }),
        alert({ alertId: 5, rule: 'integrity.failed', terminal: null, severity: 'critical' }),
        alert({ alertId: 8, terminal: 'T2', assignedTo: 'u-me', status: 'acknowledged' }),
        alert({ alertId: 10, terminal: 'T9', severity: 'critical', assignedTo: 'u-me' }),
        alert({ alertId: 14, rule: 'auth.lockout', terminal: null, orgId: 'org-a', subjectKind: 'user' }),
        alert({ alertId: 20, severity: 'medium', status: 'resolved', assignedTo: 'u-me' }),
        alert({ alertId: 22, rule: 'auth.lockout', terminal: null, orgId: 'org-b', subjectKind: 'user' }),
        alert({ alertId: 31, severity: 'critical', status: 'resolved' }),
      ];
      await store.writeTransaction(async (tx) => {
        for (const row of rows) await tx.putAlertRecord(row);
      });
      const ids = async (query: Parameters<LedgerStore['listAlertRecords']>[0]) =>
        (await store.listAlertRecords(query)).map((a) => a.alertId);
      const visibleTo = { rules: ['integrity.failed' as const], orgId: 'org-a', terminals: ['T1', 'T2'] };

      expect(await ids({ limit: 100, rule: 'auth.lockout' })).toEqual([22, 14]);
      expect(await ids({ limit: 100, rule: 'auth.lockout', visibleTo })).toEqual([14]);
      expect(await ids({ limit: 100, rule: 'integrity.failed', visibleTo })).toEqual([5]);
      expect(await ids({ limit: 100, rule: 'gate.refused', visibleTo })).toEqual([31, 20, 8, 3]);
      expect(await ids({ limit: 100, severity: 'critical', visibleTo })).toEqual([31, 5, 3]);
      expect(await ids({ limit: 100, severity: 'critical', statuses: ['open'], visibleTo })).toEqual([5, 3]);
      expect(await ids({ limit: 100, severity: 'critical' })).toEqual([31, 10, 5, 3]);
      // Assigned to me, but only where I may look: 10 is at a terminal outside my scope.
      expect(await ids({ limit: 100, assignedTo: 'u-me', visibleTo })).toEqual([20, 8, 3]);
      expect(await ids({ limit: 100, assignedTo: 'u-me' })).toEqual([20, 10, 8, 3]);
      expect(
        await ids({ limit: 100, assignedTo: 'u-me', statuses: ['open', 'acknowledged'], visibleTo }),
      ).toEqual([8, 3]);
      expect(
        await ids({ limit: 100, rule: 'gate.refused', severity: 'critical', assignedTo: 'u-me', visibleTo }),
      ).toEqual([3]);

      // Oldest first, a page at a time after the last id of the page before.
      expect(await ids({ limit: 2, direction: 'asc', visibleTo })).toEqual([3, 5]);
      expect(await ids({ limit: 2, direction: 'asc', after: 5, visibleTo })).toEqual([8, 14]);
      expect(await ids({ limit: 2, direction: 'asc', after: 14, visibleTo })).toEqual([20, 31]);
      expect(await ids({ limit: 2, direction: 'asc', after: 31, visibleTo })).toEqual([]);
      expect(
        await ids({
          limit: 2,
          direction: 'asc',
          after: 3,
          severity: 'critical',
          statuses: ['open', 'resolved'],
        }),
      ).toEqual([5, 10]);
      expect(await ids({ limit: 1, direction: 'desc', before: 20, assignedTo: 'u-me', visibleTo })).toEqual([
        8,
      ]);
    });
  });
}
