import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  testIds,
  testSigner,
  testTerminals,
} from '../../test/support/ledger.js';
import { principal, releaseToHaulier } from '../../test/support/pickup.js';
import { addOrganisation } from '../app/access/index.js';
import { ALERTS_STREAM } from '../app/alerts/index.js';
import { createLedger } from '../app/ledger/index.js';
import { announceVisit } from '../app/visits/index.js';
import { storeDialect } from './dialect.js';
import { visitFlagsMigration0006 } from './migrations/0006_visit_flags.js';
import { createSqliteKysely, openLedgerStore } from './open-store.js';

const kinds: StoreKind[] = [
  'memory',
  'sqlite',
  ...((await postgresReachable()) ? ['postgres' as const] : []),
];

describe.each(kinds)('the yard map flags (%s)', (kind) => {
  const opened: { cleanup(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const fixture of opened) await fixture.cleanup();
  });

  async function visitIn(fixture: Awaited<ReturnType<typeof openTestLedger>>, containerNumber: string) {
    const { visit } = await announceVisit(fixture.ledger, testTerminals, {
      containerNumber,
      line: 'MSCU',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    return visit.visitRef;
  }

  it('counts the unresolved alerts of a visit, never below zero', async () => {
    const fixture = await openTestLedger(kind);
    opened.push(fixture);
    const { store } = fixture;
    await store.writeTransaction(async (tx) => {
      await tx.adjustOpenAlerts('V-A', 1);
      await tx.adjustOpenAlerts('V-A', 1);
      await tx.adjustOpenAlerts('V-B', 1);
    });
    await store.writeTransaction(async (tx) => {
      await tx.adjustOpenAlerts('V-A', -1);
      await tx.adjustOpenAlerts('V-B', -1);
      await tx.adjustOpenAlerts('V-B', -1);
      await tx.adjustOpenAlerts('V-C', -1);
    });
    const flags = await store.visitMapFlags(['V-A', 'V-B', 'V-C', 'V-D']);
    expect(flags.get('V-A')).toEqual({ released: false, openAlerts: 1 });
    expect(flags.get('V-B')?.openAlerts ?? 0).toBe(0);
    expect(flags.get('V-C')?.openAlerts ?? 0).toBe(0);
    expect(flags.has('V-D')).toBe(false);
    expect((await store.visitMapFlags([])).size).toBe(0);
  });

  it('a rolled-back transaction counts nothing', async () => {
    const fixture = await openTestLedger(kind);
    opened.push(fixture);
    await expect(
      fixture.store.writeTransaction(async (tx) => {
        await tx.adjustOpenAlerts('V-X', 1);
        expect((await tx.visitMapFlags(['V-X'])).get('V-X')?.openAlerts).toBe(1);
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    expect((await fixture.store.visitMapFlags(['V-X'])).get('V-X')?.openAlerts ?? 0).toBe(0);
  });

  it('a box is released when a haulier holds its right, and not when a forwarder does', async () => {
    const fixture = await openTestLedger(kind);
    opened.push(fixture);
    const auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'org-line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'org-hau', kind: 'haulier', name: 'Delta', code: 'HAU' });
    await addOrganisation(auth, { orgId: 'org-fwd', kind: 'forwarder', name: 'Fwd', code: 'FWD' });
    const line = principal({
      userId: 'line-1',
      orgId: 'org-line',
      orgKind: 'shipping_line',
      orgCode: 'MSCU',
      roles: ['release_desk'],
    });
    const haulier = principal({
      userId: 'hp-1',
      orgId: 'org-hau',
      orgKind: 'haulier',
      orgCode: 'HAU',
      roles: ['haulier_planner'],
    });
    const forwarder = principal({
      userId: 'fw-1',
      orgId: 'org-fwd',
      orgKind: 'forwarder',
      orgCode: 'FWD',
      roles: ['release_desk'],
    });
    const toHaulier = await visitIn(fixture, 'CSQU3054383');
    const toForwarder = await visitIn(fixture, 'MSCU1234566');
    const none = await visitIn(fixture, 'TGHU0000008');
    await releaseToHaulier(fixture.ledger, toHaulier, { line, haulier });
    await releaseToHaulier(fixture.ledger, toForwarder, { line, haulier: forwarder });
    const flags = await fixture.store.visitMapFlags([toHaulier, toForwarder, none]);
    expect(flags.get(toHaulier)).toEqual({ released: true, openAlerts: 0 });
    expect(flags.get(toForwarder)?.released ?? false).toBe(false);
    expect(flags.get(none)?.released ?? false).toBe(false);
  });
});

describe('0006_visit_flags counts the alerts raised before it (SQLite)', () => {
  it('counts unresolved gate alerts per visit from the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-flags-'));
    try {
      const path = join(dir, 'ledger.db');
      const store = await openLedgerStore(`sqlite:${path}`);
      const ledger = createLedger({
        store,
        clock: { now: () => new Date('2030-01-01T00:00:00Z') },
        ids: testIds,
        log: { origin: testSigner.name, signer: testSigner },
        checkpointIntervalMs: 0,
      });
      const raise = (visitRef: string) =>
        ledger.write((context) =>
          context.appendAtEnd(ALERTS_STREAM, [
            { type: 'GateAlertRaised', data: { visitRef, rule: 'gate.refused' } },
          ]),
        );
      const [first] = await raise('V-ONE');
      await raise('V-ONE');
      await raise('V-TWO');
      await raise('unidentified');
      await ledger.write((context) =>
        context.appendAtEnd(`alert-${first!.index}`, [
          { type: 'AlertResolved', data: { alertId: String(first!.index), note: 'ok', by: 'sup' } },
        ]),
      );
      await ledger.close();
      await store.close();

      const db = createSqliteKysely(path);
      try {
        await sql`drop table visit_flag`.execute(db);
        await visitFlagsMigration0006(storeDialect('sqlite')).up(db);
        const rows = await sql<{ visit_ref: string; open_alerts: number }>`
          select visit_ref, open_alerts from visit_flag order by visit_ref`.execute(db);
        expect(rows.rows).toEqual([
          { visit_ref: 'V-ONE', open_alerts: 1 },
          { visit_ref: 'V-TWO', open_alerts: 1 },
        ]);
      } finally {
        await db.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
