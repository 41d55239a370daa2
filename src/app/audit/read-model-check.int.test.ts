import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../../test/support/auth.js';
import {
  postgresReachable,
  testIds,
  testPostgresUrl,
  testSigner,
  testSlots,
  testTerminals,
  testVerifierKey,
} from '../../../test/support/ledger.js';
import { seedDemoCargo } from '../../demo/demo-cargo.js';
import { seedDemoIdentities } from '../../demo/demo-identities.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../../demo/seed.js';
import { seededRandom } from '../../demo/seeded-random.js';
import { healthRoutes } from '../../http/health.routes.js';
import { openLedgerStore } from '../../store/open-store.js';
import { raiseGateAlert } from '../alerts/index.js';
import { pickupDepsFor } from '../appointments/index.js';
import { createLedger, type Ledger } from '../ledger/index.js';
import type { LedgerStore, LedgerWriteTx } from '../ports.js';
import { raiseIntegrityAlert, startIntegrityWatch } from './integrity.usecases.js';
import { READ_MODEL_TABLES, type ReadModelTable } from './read-model.ports.js';
import { foldUpTo, identityFacts, ReadModelCheck } from './read-model-check.js';
import {
  READ_MODEL_VERSION,
  READ_MODELS_STREAM,
  ReadModelExpectations,
  SubjectReader,
  storedCounts,
} from './read-model-projection.js';
import { rebuildIfProjectionChanged, rebuildReadModels } from './read-model-rebuild.js';

const kinds = (await postgresReachable()) ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

/** A store with a way in for a rogue DBA: raw SQL on the same database, past the application. */
interface World {
  store: LedgerStore;
  ledger: Ledger;
  /** Runs one statement as the DBA and returns its rows. */
  dba(statement: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

async function openWorld(kind: 'sqlite' | 'postgres', now: () => Date): Promise<World> {
  let store: LedgerStore;
  let dba: World['dba'];
  let dispose: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-read-models-'));
    const path = join(dir, 'port.db');
    store = await openLedgerStore(`sqlite:${path}`);
    const raw = new Sqlite(path);
    dba = async (statement, params = []) => {
      const prepared = raw.prepare(statement);
      if (prepared.reader) return prepared.all(...params) as Record<string, unknown>[];
      prepared.run(...params);
      return [];
    };
    dispose = async () => {
      raw.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const schema = `t_read_models_${process.pid}_${Date.now().toString(36)}`;
    store = await openLedgerStore(testPostgresUrl, { schema });
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    await client.query(`set search_path to ${schema}`);
    // PostgreSQL numbers parameters; the statements below are written with SQLite's `?`.
    dba = async (statement, params = []) => {
      let n = 0;
      return (
        await client.query(
          statement.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    };
    dispose = async () => {
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    };
  }
  const ledger = createLedger({
    store,
    clock: { now },
    ids: testIds,
    log: { origin: testSigner.name, signer: testSigner },
    checkpointIntervalMs: 0,
  });
  return {
    store,
    ledger,
    dba,
    async cleanup() {
      await ledger.close();
      await store.close();
      await dispose();
    },
  };
}

/** The demo port on a small vessel call: visits in the yard, release chains, bookings, drivers' jobs, alerts. */
async function seedPort(world: World, nowMs: number): Promise<void> {
  const random = seededRandom('read-model-check');
  const clock = new SimulatedClock(new Date(nowMs - 20 * 3_600_000));
  const seedLedger = createLedger({
    store: world.store,
    clock,
    ids: seededIds(random),
    log: world.ledger.log,
    checkpointIntervalMs: 0,
  });
  try {
    await seedVesselCall({
      ledger: seedLedger,
      clock,
      random,
      terminals: testTerminals,
      terminal: 'T1',
      containers: 120,
    });
  } finally {
    await seedLedger.close();
  }
  const auth = testAuthDeps(world.ledger);
  await seedDemoIdentities(auth, () => 'demo-password-for-tests-1');
  await seedDemoCargo(
    {
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: world.ledger.log.signer, slots: testSlots }),
    },
    {
      terminal: 'T1',
      seed: 'demo',
      mix: {
        offeredToForwarder: 2,
        heldByForwarder: 2,
        offeredToHaulier: 2,
        heldByHaulier: 8,
        booked: 6,
        customsReleased: 1,
      },
    },
  );
  // Two refusals at the gate, written by the gate's own alert writer: alert rows and the yard map's flags.
  const inYard = await world.store.listVisits({ status: 'in_yard', limit: 2 });
  for (const visit of inYard) {
    await world.ledger.write((context) =>
      raiseGateAlert(
        context,
        {
          type: 'GateAlertRaised',
          data: {
            visitRef: visit.visitRef,
            attemptId: `attempt-${visit.visitRef}`,
            failed: [{ check: 'driver' }],
          },
        },
        visit,
        'gate-clerk',
      ),
    );
  }
}

/** The first row of a table, as the DBA picks a victim. */
async function victim(world: World, table: string, column: string): Promise<string> {
  const [row] = await world.dba(`select ${column} as v from ${table} order by ${column} limit 1`);
  expect(row, `a ${table} row to tamper with`).toBeDefined();
  return String(row!.v);
}

describe.each(kinds)('the read models held against the log (%s)', (kind) => {
  const nowMs = Date.parse('2030-03-04T09:10:00.000Z');
  let world: World;

  beforeAll(async () => {
    world = await openWorld(kind, () => new Date(nowMs));
    await seedPort(world, nowMs);
  }, 240_000);

  afterAll(async () => {
    await world?.cleanup();
  });

  const checkOnce = async (keysPerCycle = 10_000) =>
    new ReadModelCheck({ store: world.store, keysPerCycle }).run();

  async function rebuild() {
    const result = await rebuildReadModels({ ledger: world.ledger, verifierKey: testVerifierKey });
    if (!result.ok) throw new Error(`rebuild refused: ${result.refusal}`);
    return result;
  }

  it('finds every table of the seeded port equal to the fold of its log, and a rebuild changes nothing', async () => {
    for (const table of [
      'visit',
      'yard_cell',
      'release',
      'release_party',
      'slot_booking',
      'driver_job',
      'pickup_credential',
      'alert',
      'gate_alert_group',
      'visit_flag',
    ]) {
      const [row] = await world.dba(`select count(*) as n from ${table}`);
      expect(Number(row!.n), `${table} has rows to check`).toBeGreaterThan(0);
    }
    expect(await checkOnce()).toMatchObject({ ok: true });
    const again = await rebuild();
    expect(Object.values(again.changes).every((c) => c.inserted + c.updated + c.removed === 0)).toBe(true);
  });

  /** Each table's rows, counted by the DBA (`count(*)`, a flag only with an open alert). */
  async function countedByDba(): Promise<Map<ReadModelTable, number>> {
    const counted = new Map<ReadModelTable, number>();
    for (const table of READ_MODEL_TABLES) {
      const where = table === 'visit_flag' ? ' where open_alerts > 0' : '';
      const [row] = await world.dba(`select count(*) as n from ${table}${where}`);
      counted.set(table, Number(row!.n));
    }
    return counted;
  }

  it('keeps each table’s row count in the database as rows come and go, and the count the log explains equal to it (issue 13)', async () => {
    // The database's own counts, kept by its triggers through the seeding, are the tables' counts.
    expect(await storedCounts(world.store.readModels!)).toEqual(await countedByDba());

    // Set from the database's at one size, then moved only by what the next events explain: a vessel call more
    // (visits, yard cells), a gate refusal (an alert, its group, a flag) and a resolution.
    const facts = identityFacts(world.store);
    const expectations = new ReadModelExpectations(new SubjectReader(world.store, facts));
    await expectations.start(world.store, await world.store.logSize());
    expectations.setCounts(await storedCounts(world.store.readModels!));
    const random = seededRandom('read-model-check-more');
    const clock = new SimulatedClock(new Date(nowMs - 2 * 3_600_000));
    const more = createLedger({
      store: world.store,
      clock,
      ids: seededIds(random),
      log: world.ledger.log,
      checkpointIntervalMs: 0,
    });
    try {
      await seedVesselCall({
        ledger: more,
        clock,
        random,
        terminals: testTerminals,
        terminal: 'T1',
        containers: 8,
      });
    } finally {
      await more.close();
    }
    const [visit] = await world.store.listVisits({ status: 'in_yard', limit: 1 });
    await world.ledger.write((context) =>
      raiseGateAlert(
        context,
        {
          type: 'GateAlertRaised',
          data: { visitRef: visit!.visitRef, attemptId: 'attempt-more', failed: [{ check: 'driver' }] },
        },
        visit,
        'gate-clerk',
      ),
    );
    await foldUpTo(expectations, world.store, await world.store.logSize());
    const counted = await countedByDba();
    for (const table of READ_MODEL_TABLES) {
      expect(expectations.expectedCount(table), table).toBe(counted.get(table));
    }
    expect(await storedCounts(world.store.readModels!)).toEqual(counted);
    expect(await checkOnce()).toMatchObject({ ok: true });
    // The cycle folded the changes the database recorded (PostgreSQL: one row each) into its counts.
    expect(await world.dba('select * from read_model_count_change')).toEqual([]);
    expect(await storedCounts(world.store.readModels!)).toEqual(counted);
  });

  it('keeps the counts of a bulk transaction of many rows, each change a row of its own on PostgreSQL (issue 13)', async () => {
    const before = await storedCounts(world.store.readModels!);
    await world.store.writeTransaction(async (tx) => {
      for (let n = 0; n < 3000; n += 1) {
        await tx.readModels!.setOpenAlerts(`V-BULK-${n}`, n % 3);
      }
    });
    const counted = await countedByDba();
    expect(counted.get('visit_flag')).toBe(before.get('visit_flag')! + 2000);
    expect(await storedCounts(world.store.readModels!)).toEqual(counted);
    await world.store.writeTransaction((tx) => tx.readModels!.settleCounts());
    expect(await storedCounts(world.store.readModels!)).toEqual(counted);
    // Put back as it was: a flag counting no open alert is no flag.
    await world.store.writeTransaction(async (tx) => {
      const bulk = Array.from({ length: 3000 }, (_, n) => `V-BULK-${n}`);
      await tx.readModels!.removeRows('visit_flag', bulk);
    });
    expect((await storedCounts(world.store.readModels!)).get('visit_flag')).toBe(before.get('visit_flag'));
  });

  it('counts no table and walks none inside the write lock; outside it reads a bounded number of rows a cycle (issue 13)', async () => {
    /** Each read-model read, and whether it ran inside a write transaction. */
    const reads: { method: string; inside: boolean; rows: number }[] = [];
    const noted = <T extends object>(tables: T, inside: boolean): T =>
      new Proxy(tables, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            const result = await value.apply(target, args);
            reads.push({
              method: String(property),
              inside,
              rows: Array.isArray(result) ? result.length : 1,
            });
            return result;
          };
        },
      });
    const store = new Proxy(world.store, {
      get(target, property, receiver) {
        if (property === 'readModels') return noted(target.readModels!, false);
        if (property === 'writeTransaction') {
          return <T>(work: (tx: LedgerWriteTx) => Promise<T>) =>
            target.writeTransaction((tx) =>
              work(
                new Proxy(tx, {
                  get(txTarget, txProperty, txReceiver) {
                    if (txProperty === 'readModels') return noted(txTarget.readModels!, true);
                    return Reflect.get(txTarget, txProperty, txReceiver);
                  },
                }),
              ),
            );
        }
        return Reflect.get(target, property, receiver);
      },
    }) as LedgerStore;
    const keysPerCycle = 5;
    const check = new ReadModelCheck({ store, keysPerCycle });
    expect(await check.run()).toMatchObject({ ok: true });
    reads.length = 0;
    expect(await check.run()).toMatchObject({ ok: true });

    // Inside the lock: the changes since folded into the kept counts, one count per table, nothing else.
    const inside = reads.filter((read) => read.inside);
    expect(inside.map((read) => read.method)).toEqual([
      'settleCounts',
      ...READ_MODEL_TABLES.map(() => 'countRows'),
    ]);
    // Outside: one page of each table's subjects, and the rows of the few subjects compared, whatever the tables
    // hold (a subject holds a handful of rows: yard cells, parties, credentials).
    const outside = reads.filter((read) => !read.inside);
    const pages = outside.filter((read) => read.method === 'subjectsAfter');
    expect(pages).toHaveLength(READ_MODEL_TABLES.length);
    expect(pages.every((page) => page.rows <= keysPerCycle)).toBe(true);
    const rows = outside.filter((read) => read.method === 'rowsOf').reduce((sum, read) => sum + read.rows, 0);
    const [visits] = await world.dba('select count(*) as n from visit');
    expect(Number(visits!.n)).toBeGreaterThan(100);
    expect(rows).toBeLessThanOrEqual(READ_MODEL_TABLES.length * 3 * keysPerCycle * 4);
    expect(outside.some((read) => read.method === 'countRows')).toBe(false);
  });

  it('names a row a DBA deletes while the watch runs at its next cycle, by the count the database keeps (issue 13)', async () => {
    const check = new ReadModelCheck({ store: world.store, keysPerCycle: 5 });
    expect(await check.run()).toMatchObject({ ok: true });
    const [cell] = await world.dba(
      'select visit_ref, terminal, block, bay, "row", tier from yard_cell order by visit_ref desc limit 1',
    );
    await world.dba('delete from yard_cell where visit_ref = ? and bay = ? and "row" = ? and tier = ?', [
      cell!.visit_ref,
      cell!.bay,
      cell!.row,
      cell!.tier,
    ]);
    // Five keys a cycle could not have reached it by the rolling walks yet: the count says a row went, the walk
    // outside the lock names it.
    const found = await check.run();
    expect(found).toMatchObject({
      ok: false,
      mismatch: { table: 'yard_cell', subject: String(cell!.visit_ref), reason: 'the row is missing' },
    });
    // It holds while the row is missing, without walking again.
    expect(await check.run()).toMatchObject({ ok: false, mismatch: { table: 'yard_cell' } });
    await rebuild();
    expect(await check.run()).toMatchObject({ ok: true });
  });

  it('finds a row deleted with its count triggers dropped within a sweep of the rolling walks (issue 13)', async () => {
    const check = new ReadModelCheck({ store: world.store, keysPerCycle: 50 });
    expect(await check.run()).toMatchObject({ ok: true });
    const [job] = await world.dba('select visit_ref from driver_job order by visit_ref limit 1');
    const triggers = (
      kind === 'sqlite'
        ? await world.dba(`select name from sqlite_master where type = 'trigger' and tbl_name = 'driver_job'`)
        : await world.dba(
            `select tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid where c.relname = 'driver_job' and not t.tgisinternal and pg_table_is_visible(c.oid)`,
          )
    ).map((row) => String(row.name));
    const definitions =
      kind === 'sqlite'
        ? await world.dba(`select sql from sqlite_master where type = 'trigger' and tbl_name = 'driver_job'`)
        : [];
    for (const name of triggers) {
      await world.dba(
        kind === 'sqlite' ? `drop trigger "${name}"` : `alter table driver_job disable trigger "${name}"`,
      );
    }
    try {
      await world.dba('delete from driver_job where visit_ref = ?', [job!.visit_ref]);
      const [logSize] = await world.dba('select count(*) as n from event');
      const [subjects] = await world.dba('select count(*) as n from driver_job');
      // A sweep: every entry of the log by the log walk, every row of the table by its own walk.
      const sweep = Math.ceil(Math.max(Number(logSize!.n) / 500, Number(subjects!.n) / 50)) + 1;
      let result = await check.run();
      for (let cycle = 1; result?.ok && cycle <= sweep; cycle += 1) result = await check.run();
      expect(result).toMatchObject({
        ok: false,
        mismatch: { table: 'driver_job', subject: String(job!.visit_ref), reason: 'the row is missing' },
      });
      await rebuild();
    } finally {
      if (kind === 'sqlite') for (const { sql } of definitions) await world.dba(String(sql));
      else for (const name of triggers) await world.dba(`alter table driver_job enable trigger "${name}"`);
    }
    expect(await checkOnce()).toMatchObject({ ok: true });
  });

  /** One DBA edit per table, the mismatch the check must name, and the rebuild that puts it right. */
  const tamperings: {
    table: ReadModelTable;
    column: string;
    sql: (key: string) => [string, unknown[]];
    field?: string | null;
  }[] = [
    {
      table: 'visit',
      column: 'visit_ref',
      sql: (key) => [`update visit set status = 'gated_out' where visit_ref = ?`, [key]],
      field: 'status',
    },
    {
      table: 'yard_cell',
      column: 'visit_ref',
      // A 20-foot box has one cell (its tier differs), a 40-foot box two (a cell is missing, another unexplained).
      sql: (key) => [`update yard_cell set tier = tier + 3 where visit_ref = ?`, [key]],
    },
    {
      table: 'release',
      column: 'visit_ref',
      sql: (key) => [`update release set holder_org_id = 'gang' where visit_ref = ?`, [key]],
      field: 'holder',
    },
    {
      table: 'release_party',
      column: 'visit_ref',
      sql: (key) => [`insert into release_party (visit_ref, org_id) values (?, 'gang')`, [key]],
      field: null,
    },
    {
      table: 'slot_booking',
      column: 'visit_ref',
      sql: (key) => [`delete from slot_booking where visit_ref = ?`, [key]],
      field: null,
    },
    {
      table: 'driver_job',
      column: 'visit_ref',
      sql: (key) => [`update driver_job set truck_plate = '1-GNG-666' where visit_ref = ?`, [key]],
      field: 'truckPlate',
    },
    {
      // The gate reads a credential's status: void it and its driver is turned away as superseded, or revive a
      // void one (issue 13: this table was not held against the log).
      table: 'pickup_credential',
      column: 'visit_ref',
      sql: (key) => [
        `update pickup_credential set status = 'void', closed_at = '2030-03-04T09:00:00.000Z' where visit_ref = ?`,
        [key],
      ],
      field: 'status',
    },
    {
      table: 'alert',
      column: 'alert_id',
      sql: (key) => [
        `update alert set status = 'resolved', resolution = 'nothing' where alert_id = ?`,
        [Number(key)],
      ],
      field: 'status',
    },
    {
      table: 'gate_alert_group',
      column: 'alert_id',
      sql: (key) => [
        'update gate_alert_group set occurrences = occurrences + 24 where alert_id = ?',
        [Number(key)],
      ],
      field: 'occurrences',
    },
    {
      table: 'visit_flag',
      column: 'visit_ref',
      sql: (key) => [`update visit_flag set open_alerts = open_alerts + 4 where visit_ref = ?`, [key]],
      field: 'openAlerts',
    },
  ];

  for (const tampering of tamperings) {
    it(`names a tampered ${tampering.table} row by its table and key, and rebuild-read-models restores it`, async () => {
      const key = await victim(world, tampering.table, tampering.column);
      const [statement, params] = tampering.sql(key);
      await world.dba(statement, params);

      const found = await checkOnce();
      expect(found).toMatchObject({ ok: false, mismatch: { table: tampering.table } });
      const mismatch = found && !found.ok ? found.mismatch : undefined;
      expect(mismatch?.key).toContain(key);
      if (tampering.field !== undefined) expect(mismatch?.field).toBe(tampering.field);

      const rebuilt = await rebuild();
      const changed = rebuilt.changes[tampering.table];
      expect(changed.inserted + changed.updated + changed.removed).toBeGreaterThan(0);
      expect(await checkOnce()).toMatchObject({ ok: true });
      const second = await rebuild();
      expect(second.changes[tampering.table]).toEqual({ inserted: 0, updated: 0, removed: 0 });
    });
  }

  it('catches an edit of an old row within a bounded number of cycles of a few keys each', async () => {
    const check = new ReadModelCheck({ store: world.store, keysPerCycle: 5 });
    expect(await check.run()).toMatchObject({ ok: true });
    const visits = await world.dba('select visit_ref from visit order by visit_ref');
    const last = String(visits.at(-1)!.visit_ref);
    await world.dba(`update visit set container_number = 'GANG0000001' where visit_ref = ?`, [last]);
    // Every key is reached by one of the two rolling cursors within ⌈visits / 5⌉ cycles.
    let result = await check.run();
    let cycles = 1;
    while (result?.ok && cycles <= Math.ceil(visits.length / 5) + 1) {
      result = await check.run();
      cycles += 1;
    }
    expect(result).toMatchObject({
      ok: false,
      mismatch: { table: 'visit', key: last, field: 'containerNumber' },
    });
    await rebuild();
    expect(await check.run()).toMatchObject({ ok: true });
  });

  it('row E: a DBA deletes an alert and moves a box in the visit read model; the watch fails with a critical alert and /readyz 503 until the rebuild', async () => {
    const alertId = Number(await victim(world, 'alert', 'alert_id'));
    const [inYard] = await world.dba(
      `select visit_ref from visit where status = 'in_yard' order by visit_ref limit 1`,
    );
    const visitRef = String(inYard!.visit_ref);
    const watch = startIntegrityWatch({
      reads: world.store,
      verifierKey: testVerifierKey,
      intervalMs: 3_600_000,
      readModels: new ReadModelCheck({ store: world.store, keysPerCycle: 500 }),
      onAlert: (failure) => raiseIntegrityAlert(world.ledger, failure),
    });
    const health = Fastify();
    await health.register(healthRoutes({ reads: world.store, integrity: watch }));
    try {
      expect(await watch.checkNow()).toMatchObject({ ok: true });
      expect((await health.inject({ url: '/readyz' })).statusCode).toBe(200);

      await world.dba('delete from alert where alert_id = ?', [alertId]);
      await world.dba(
        kind === 'sqlite'
          ? `update visit set view = json_set(view, '$.slot.bay', 59, '$.slotText', 'T1/Z/59/01/1') where visit_ref = ?`
          : `update visit set view = jsonb_set(jsonb_set(view::jsonb, '{slot,bay}', '59'), '{slotText}', '"T1/Z/59/01/1"')::text where visit_ref = ?`,
        [visitRef],
      );

      const failed = await watch.checkNow();
      expect(failed).toMatchObject({
        ok: false,
        code: 'integrity.read_model_mismatch',
        readModel: { table: 'alert', key: String(alertId), field: null },
      });
      const ready = await health.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        integrity: { ok: false, code: 'integrity.read_model_mismatch', readModel: { table: 'alert' } },
      });
      // The critical alert stands, although the alert table is what was tampered with.
      const raised = await world.store.listAlertRecords({ limit: 500 });
      const critical = raised.find((alert) => alert.rule === 'integrity.read_model_mismatch');
      expect(critical).toMatchObject({ severity: 'critical', status: 'open', subjectId: `alert ${alertId}` });

      const rebuilt = await rebuild();
      expect(rebuilt.changes.alert.inserted).toBe(1);
      expect(rebuilt.changes.visit.updated).toBe(1);
      expect(await world.store.getAlertRecord(alertId)).toBeDefined();
      expect((await world.store.getVisit(visitRef))?.view.slotText).not.toBe('T1/Z/59/01/1');

      expect(await watch.checkNow()).toMatchObject({ ok: true });
      expect((await health.inject({ url: '/readyz' })).statusCode).toBe(200);
      const second = await rebuild();
      expect(Object.values(second.changes).every((c) => c.inserted + c.updated + c.removed === 0)).toBe(true);
    } finally {
      watch.stop();
      await health.close();
    }
  });

  it('names the visit whose yard slot was edited in its view when that is the only change', async () => {
    const [inYard] = await world.dba(
      `select visit_ref from visit where status = 'in_yard' order by visit_ref desc limit 1`,
    );
    const visitRef = String(inYard!.visit_ref);
    await world.dba(
      kind === 'sqlite'
        ? `update visit set view = json_set(view, '$.slot.bay', 59) where visit_ref = ?`
        : `update visit set view = jsonb_set(view::jsonb, '{slot,bay}', '59')::text where visit_ref = ?`,
      [visitRef],
    );
    expect(await checkOnce()).toMatchObject({
      ok: false,
      mismatch: { table: 'visit', key: visitRef, field: 'view.slot.bay' },
    });
    await rebuild();
    expect(await checkOnce()).toMatchObject({ ok: true });
  });

  it('refuses to rebuild while the log itself fails its check, and changes nothing', async () => {
    const [row] = await world.dba('select max(idx) as idx from event');
    const last = Number(row!.idx);
    if (kind === 'sqlite') {
      for (const { name } of (await world.dba(
        `select name from sqlite_master where type = 'trigger' and tbl_name = 'event'`,
      )) as {
        name: string;
      }[]) {
        await world.dba(`drop trigger "${name}"`);
      }
    } else {
      await world.dba('alter table event disable trigger user');
    }
    const [before] = await world.dba('select data from event where idx = ?', [last]);
    await world.dba(`update event set data = '{"forged":true}' where idx = ?`, [last]);
    const key = await victim(world, 'driver_job', 'visit_ref');
    await world.dba(`update driver_job set truck_plate = '1-GNG-666' where visit_ref = ?`, [key]);
    const refused = await rebuildReadModels({ ledger: world.ledger, verifierKey: testVerifierKey });
    expect(refused).toMatchObject({
      ok: false,
      refusal: 'log_failed',
      failure: { code: 'integrity.entry_mismatch' },
    });
    const [job] = await world.dba('select truck_plate from driver_job where visit_ref = ?', [key]);
    expect(job!.truck_plate).toBe('1-GNG-666');
    // Put the log back as it was, so the world ends as it began.
    await world.dba('update event set data = ? where idx = ?', [before!.data, last]);
    await rebuild();
  });

  /** The integrity watch and `/readyz` of a server that has just started, counting the alerts it raises. */
  async function startedServer() {
    const alerts: string[] = [];
    const watch = startIntegrityWatch({
      reads: world.store,
      verifierKey: testVerifierKey,
      intervalMs: 3_600_000,
      readModels: new ReadModelCheck({ store: world.store, keysPerCycle: 10_000 }),
      onAlert: (failure) => {
        alerts.push(failure.code);
        return raiseIntegrityAlert(world.ledger, failure);
      },
    });
    const health = Fastify();
    await health.register(healthRoutes({ reads: world.store, integrity: watch }));
    return {
      alerts,
      watch,
      readyz: async () => (await health.inject({ url: '/readyz' })).statusCode,
      async stop() {
        watch.stop();
        await health.close();
      },
    };
  }

  const recordedVersion = async () =>
    Number((await world.dba('select version from read_model_version where id = 1'))[0]!.version);

  /** A gate alert's row as an older release's builder wrote it: another summary, at the older version. */
  async function rowsOfAnOlderRelease(): Promise<{ alertId: number; summary: string }> {
    const [row] = await world.dba(
      `select alert_id, summary from alert where rule = 'gate.refused' order by alert_id limit 1`,
    );
    const alertId = Number(row!.alert_id);
    await world.dba('update alert set summary = ? where alert_id = ?', [
      'Refused at the gate: driver, badge, plate and slot checks',
      alertId,
    ]);
    await world.dba('update read_model_version set version = ? where id = 1', [READ_MODEL_VERSION - 1]);
    return { alertId, summary: String(row!.summary) };
  }

  it('starts on alert rows an older projection built: rebuilds them before the first check, records the version and ReadModelsRebuilt, and is ready with no alert', async () => {
    const { alertId, summary } = await rowsOfAnOlderRelease();
    const sizeBefore = await world.store.logSize();

    const upgrade = await rebuildIfProjectionChanged({ ledger: world.ledger, verifierKey: testVerifierKey });
    expect(upgrade).toMatchObject({
      status: 'rebuilt',
      fromVersion: READ_MODEL_VERSION - 1,
      version: READ_MODEL_VERSION,
    });
    const result = upgrade.status === 'rebuilt' ? upgrade.result : undefined;
    expect(result?.changes.alert).toEqual({ inserted: 0, updated: 1, removed: 0 });
    expect((await world.store.getAlertRecord(alertId))?.summary).toBe(summary);
    expect(await recordedVersion()).toBe(READ_MODEL_VERSION);

    // One event, after every event the rows were rebuilt from: when, why, and what changed.
    expect(result?.eventIndex).toBe(sizeBefore);
    const [event] = await world.store.readEvents(sizeBefore, 10);
    expect(event).toMatchObject({
      streamId: READ_MODELS_STREAM,
      type: 'ReadModelsRebuilt',
      data: {
        reason: 'projection_version',
        fromVersion: READ_MODEL_VERSION - 1,
        toVersion: READ_MODEL_VERSION,
        logSize: sizeBefore,
        changes: { alert: { inserted: 0, updated: 1, removed: 0 } },
      },
    });
    expect(await world.store.logSize()).toBe(sizeBefore + 1);

    const server = await startedServer();
    try {
      expect(await server.watch.checkNow()).toMatchObject({ ok: true });
      expect(await server.readyz()).toBe(200);
      expect(server.alerts).toEqual([]);
    } finally {
      await server.stop();
    }
    // The next start finds the version current and rebuilds nothing.
    expect(await rebuildIfProjectionChanged({ ledger: world.ledger, verifierKey: testVerifierKey })).toEqual({
      status: 'current',
      version: READ_MODEL_VERSION,
    });
    expect(await world.store.logSize()).toBe(sizeBefore + 1);
  });

  it('at the current version repairs nothing at start: a tampered alert row is still a read-model mismatch', async () => {
    const [row] = await world.dba(
      `select alert_id from alert where rule = 'gate.refused' order by alert_id limit 1`,
    );
    const alertId = Number(row!.alert_id);
    await world.dba('update alert set summary = ? where alert_id = ?', ['nothing to see here', alertId]);
    const sizeBefore = await world.store.logSize();

    expect(await rebuildIfProjectionChanged({ ledger: world.ledger, verifierKey: testVerifierKey })).toEqual({
      status: 'current',
      version: READ_MODEL_VERSION,
    });
    expect((await world.store.getAlertRecord(alertId))?.summary).toBe('nothing to see here');
    expect(await world.store.logSize()).toBe(sizeBefore);

    const server = await startedServer();
    try {
      expect(await server.watch.checkNow()).toMatchObject({
        ok: false,
        code: 'integrity.read_model_mismatch',
        readModel: { table: 'alert', key: String(alertId), field: 'summary' },
      });
      expect(await server.readyz()).toBe(503);
      expect(server.alerts).toEqual(['integrity.read_model_mismatch']);
    } finally {
      await server.stop();
    }
    const repaired = await rebuild();
    // The rebuild that repaired it is on the log too, as the command's.
    const [event] = await world.store.readEvents(repaired.eventIndex!, 1);
    expect(event).toMatchObject({ type: 'ReadModelsRebuilt', data: { reason: 'command' } });
  });

  it('refuses the rebuild at start while the log fails its own check: the version stays, and the server is unready for the log', async () => {
    await rowsOfAnOlderRelease();
    const [row] = await world.dba('select max(idx) as idx from event');
    const last = Number(row!.idx);
    if (kind === 'sqlite') {
      for (const { name } of (await world.dba(
        `select name from sqlite_master where type = 'trigger' and tbl_name = 'event'`,
      )) as {
        name: string;
      }[]) {
        await world.dba(`drop trigger "${name}"`);
      }
    } else {
      await world.dba('alter table event disable trigger user');
    }
    const [before] = await world.dba('select data from event where idx = ?', [last]);
    await world.dba(`update event set data = '{"forged":true}' where idx = ?`, [last]);
    try {
      const upgrade = await rebuildIfProjectionChanged({
        ledger: world.ledger,
        verifierKey: testVerifierKey,
      });
      expect(upgrade).toMatchObject({
        status: 'refused',
        fromVersion: READ_MODEL_VERSION - 1,
        failure: { code: 'integrity.entry_mismatch', firstBadIndex: last },
      });
      expect(await recordedVersion()).toBe(READ_MODEL_VERSION - 1);
      expect(await world.store.logSize()).toBe(last + 1);

      const server = await startedServer();
      try {
        expect(await server.watch.checkNow()).toMatchObject({ ok: false, code: 'integrity.entry_mismatch' });
        expect(await server.readyz()).toBe(503);
        expect(server.alerts).not.toContain('integrity.read_model_mismatch');
      } finally {
        await server.stop();
      }
    } finally {
      await world.dba('update event set data = ? where idx = ?', [before!.data, last]);
    }
    expect(
      await rebuildIfProjectionChanged({ ledger: world.ledger, verifierKey: testVerifierKey }),
    ).toMatchObject({
      status: 'rebuilt',
    });
  });
});
