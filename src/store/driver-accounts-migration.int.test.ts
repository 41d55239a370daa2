import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import { testIds, testSigner, testSlots, testTerminals } from '../../test/support/ledger.js';
import { addDriver, principal, releaseToHaulier, slotIdAt } from '../../test/support/pickup.js';
import { addOrganisation } from '../app/access/index.js';
import { changeAppointment, pickupDepsFor } from '../app/appointments/index.js';
import { createLedger } from '../app/ledger/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { computeCheckDigit } from '../domain/index.js';
import { createGateRepository } from './gate.repository.js';
import { ledgerMigrationProvider, migrate } from './migrations/index.js';
import { createSqliteKysely, openLedgerStore } from './open-store.js';

describe('0007_driver_accounts on a database with appointments already booked (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-0007-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives every appointment booked before it its driver's job, as the use case writes it", async () => {
    const path = join(dir, 'ledger.db');
    const store = await openLedgerStore(`sqlite:${path}`);
    const clock = { now: () => new Date() };
    const ledger = createLedger({
      store,
      clock,
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    const auth = testAuthDeps(ledger);
    const sealer = auth.security.sealer;
    await addOrganisation(auth, { orgId: 'org-line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'org-haul', kind: 'haulier', name: 'Haul', code: 'HAUL' });
    const line = principal({
      userId: 'line',
      orgId: 'org-line',
      orgKind: 'shipping_line',
      orgCode: 'MSCU',
      roles: ['release_desk'],
    });
    const haulier = principal({
      userId: 'planner',
      orgId: 'org-haul',
      orgKind: 'haulier',
      orgCode: 'HAUL',
      roles: ['haulier_planner'],
    });
    const badgeRef = await addDriver({ ledger, sealer }, 'org-haul', 'ANR-070001');
    const pickup = { ledger, sealer, pickup: pickupDepsFor({ signer: ledger.log.signer, slots: testSlots }) };
    const visitRefs: string[] = [];
    for (const n of [1, 2]) {
      const first10 = `MIGU${String(700_000 + n)}`;
      const { visit } = await announceVisit(ledger, testTerminals, {
        containerNumber: `${first10}${computeCheckDigit(first10)}`,
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      await runVisitCommand(ledger, testTerminals, visit.visitRef, {
        type: 'GateInContainer',
        slot: { terminal: 'T1', block: 'C', bay: 2 * n + 1, row: 1, tier: 1 },
      });
      await releaseToHaulier(ledger, visit.visitRef, { line, haulier });
      await changeAppointment(pickup, { orgId: 'org-haul', userId: 'planner' }, visit.visitRef, {
        type: 'book',
        slotId: slotIdAt(clock.now(), 3, 8 + n),
        badge: 'ANR-070001',
        truckPlate: '1-MIG-001',
      });
      visitRefs.push(visit.visitRef);
    }
    // The second booking is cancelled: its job stays, as cancelled.
    await changeAppointment(pickup, { orgId: 'org-haul', userId: 'planner' }, visitRefs[1]!, {
      type: 'cancel',
      reason: 'ship delayed',
    });
    const written = await store.gate.driverJobs('org-haul', [badgeRef], 10);
    expect(written.map((job) => [job.visitRef, job.status])).toEqual([
      [visitRefs[1], 'cancelled'],
      [visitRefs[0], 'booked'],
    ]);
    await ledger.close();

    // Back to before 0007 (and the migrations after it), then forward again: the jobs come back from the streams.
    const db = createSqliteKysely(path);
    try {
      const migrator = new Migrator({ db, provider: ledgerMigrationProvider('sqlite') });
      // Undo every migration down to this one, the later ones of other features first.
      const undone: string[] = [];
      while (undone.at(-1) !== '0007_driver_accounts') {
        const { error, results } = await migrator.migrateDown();
        expect(error).toBeUndefined();
        undone.push(results?.[0]?.migrationName ?? 'none');
      }
      expect(undone.slice(-3)).toEqual([
        '0009_alert_read_model',
        '0008_release_inboxes',
        '0007_driver_accounts',
      ]);
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
        db,
      );
      expect(tables.rows.map((row) => row.name)).not.toContain('driver_job');

      expect((await migrate(db)).applied).toEqual([...undone].reverse());
      const backfilled = await createGateRepository({ db }).driverJobs('org-haul', [badgeRef], 10);
      expect(backfilled.map(({ updatedAt: _, ...job }) => job)).toEqual(
        written.map(({ updatedAt: _, ...job }) => job),
      );
      expect(backfilled.every((job) => !Number.isNaN(Date.parse(job.updatedAt)))).toBe(true);
      // Drivers registered before it have no account linked.
      expect((await createGateRepository({ db }).getDriver('org-haul', badgeRef))?.userId).toBeNull();
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
