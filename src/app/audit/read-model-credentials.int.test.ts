import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPeople, testAuthDeps } from '../../../test/support/auth.js';
import {
  postgresReachable,
  testIds,
  testPostgresUrl,
  testSigner,
  testTerminals,
  testVerifierKey,
} from '../../../test/support/ledger.js';
import {
  addGateWorldOrganisations,
  allDaySlotConfig,
  gateWorldHaulier,
  gateWorldLine,
  pickupReadyNow,
} from '../../../test/support/pickup.js';
import { computeCheckDigit } from '../../domain/index.js';
import { openLedgerStore } from '../../store/open-store.js';
import type { AuthDeps } from '../access/index.js';
import { pickupDepsFor } from '../appointments/index.js';
import { gateTransaction } from '../gate/index.js';
import { createLedger, type Ledger } from '../ledger/index.js';
import type { LedgerStore } from '../ports.js';
import { voidCredentials } from '../releases/pickup-credentials.js';
import { announceVisit, runVisitCommand } from '../visits/index.js';
import { ReadModelCheck } from './read-model-check.js';
import { rebuildReadModels } from './read-model-rebuild.js';

const kinds = (await postgresReachable()) ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

/** The store, and raw SQL on its database past the application: the database administrator's way in. */
async function openStoreWithDba(kind: 'sqlite' | 'postgres') {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-credentials-'));
    const path = join(dir, 'port.db');
    const store = await openLedgerStore(`sqlite:${path}`);
    const raw = new Sqlite(path);
    return {
      store,
      dba: async (statement: string, params: unknown[] = []) => {
        raw.prepare(statement).run(...params);
      },
      dispose: async () => {
        raw.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_credentials_${process.pid}_${Date.now().toString(36)}`;
  const store = await openLedgerStore(testPostgresUrl, { schema });
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  await client.query(`set search_path to ${schema}`);
  return {
    store,
    dba: async (statement: string, params: unknown[] = []) => {
      let n = 0;
      await client.query(
        statement.replace(/\?/g, () => `$${++n}`),
        params,
      );
    },
    dispose: async () => {
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/**
 * Issue 13: the read-model check held every derived table against the log but `pickup_credential`, whose status the
 * gate reads to tell a used or superseded pass. Its rows come from three writers — issuing at booking, voiding when
 * the right or the booking changes, and the gate's accepted verdict — and the fold must agree with each.
 */
describe.each(kinds)('pickup credentials held against the log (%s)', (kind) => {
  const nowMs = Date.parse('2030-05-06T08:07:00.000Z');
  let world: Awaited<ReturnType<typeof openStoreWithDba>>;
  let store: LedgerStore;
  let ledger: Ledger;
  let auth: AuthDeps;
  let used: { visitRef: string; credentialId: string };
  let voided: { visitRef: string; credentialId: string };
  let serial = 0;

  const check = () => new ReadModelCheck({ store, keysPerCycle: 10_000 }).run();
  const rebuild = async () => {
    const result = await rebuildReadModels({ ledger, verifierKey: testVerifierKey });
    if (!result.ok) throw new Error(`rebuild refused: ${result.refusal}`);
    return result;
  };

  /** A box discharged into T1, released to the haulier and booked for the slot under way with its driver's phone. */
  async function bookedBox() {
    const n = ++serial;
    const first10 = `PCRU${String(700_000 + n).padStart(6, '0')}`;
    const { visit } = await announceVisit(ledger, testTerminals, {
      containerNumber: `${first10}${computeCheckDigit(first10)}`,
      line: 'MSCU',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'PC1' },
    });
    await runVisitCommand(ledger, testTerminals, visit.visitRef, {
      type: 'DischargeContainer',
      vesselCall: 'PC1',
      slot: { terminal: 'T1', block: 'C', bay: 2 * n + 1, row: 1, tier: 1 },
      operator: 'test',
    });
    const badge = `ANR-PC-0${n}`;
    const truckPlate = `1-PCR-00${n}`;
    const pickup = await pickupReadyNow(
      { ledger, sealer: auth.security.sealer, auth },
      { visitRef: visit.visitRef, line: gateWorldLine, haulier: gateWorldHaulier, badge, truckPlate },
    );
    return { visitRef: visit.visitRef, badge, truckPlate, ...pickup };
  }

  beforeAll(async () => {
    world = await openStoreWithDba(kind);
    store = world.store;
    ledger = createLedger({
      store,
      clock: { now: () => new Date(nowMs) },
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    auth = testAuthDeps(ledger);
    await addGateWorldOrganisations(auth);
    await addPeople(auth, [['clerk', 'org-nqt', 'gate_clerk']]);

    // One credential used at the gate, one voided (as a revoked right or a changed booking voids it), one active.
    const collected = await bookedBox();
    const verdict = await gateTransaction(
      {
        ledger,
        sealer: auth.security.sealer,
        pickup: pickupDepsFor({ signer: ledger.log.signer, slots: [allDaySlotConfig] }),
        terminals: testTerminals,
      },
      'clerk',
      { credential: collected.credential, badge: collected.badge, truckPlate: collected.truckPlate },
    );
    expect(verdict.accepted, JSON.stringify(verdict.checks)).toBe(true);
    used = collected;
    const superseded = await bookedBox();
    await ledger.write((context) => voidCredentials(context, superseded.visitRef, 'right revoked'));
    voided = superseded;
    await bookedBox();
  }, 120_000);

  afterAll(async () => {
    await ledger?.close();
    await store?.close();
    await world?.dispose();
  });

  it('folds issued, voided and used credentials to the rows their writers put, and a rebuild changes none', async () => {
    expect(await store.gate.getCredential(used.credentialId)).toMatchObject({
      status: 'used',
      closedAt: new Date(nowMs).toISOString(),
    });
    expect(await store.gate.getCredential(voided.credentialId)).toMatchObject({ status: 'void' });
    expect(await store.readModels!.countRows('pickup_credential')).toBe(3);

    expect(await check()).toMatchObject({ ok: true });
    const rebuilt = await rebuild();
    expect(rebuilt.changes.pickup_credential).toEqual({ inserted: 0, updated: 0, removed: 0 });
  });

  it('names a used credential a DBA made active again, and rebuild-read-models restores it', async () => {
    await world.dba(
      `update pickup_credential set status = 'active', closed_at = null where credential_id = ?`,
      [used.credentialId],
    );
    expect(await check()).toMatchObject({
      ok: false,
      mismatch: {
        table: 'pickup_credential',
        subject: used.visitRef,
        key: `${used.visitRef} ${used.credentialId}`,
        field: 'status',
        reason: 'status is "active", the log says "used"',
      },
    });
    expect((await rebuild()).changes.pickup_credential).toEqual({ inserted: 0, updated: 1, removed: 0 });
    expect(await store.gate.getCredential(used.credentialId)).toMatchObject({ status: 'used' });
    expect(await check()).toMatchObject({ ok: true });
  });

  it('names a credential a DBA inserted for a visit, and one deleted, by the count of the table', async () => {
    await world.dba(
      `insert into pickup_credential (credential_id, visit_ref, booking_version, right_version, status, issued_at, closed_at)
       values ('forged', ?, 1, 1, 'active', '2030-05-06T08:00:00.000Z', null)`,
      [voided.visitRef],
    );
    expect(await check()).toMatchObject({
      ok: false,
      mismatch: {
        table: 'pickup_credential',
        key: `${voided.visitRef} forged`,
        reason: 'the row is there, but no event explains it',
      },
    });
    await rebuild();
    await world.dba('delete from pickup_credential where credential_id = ?', [voided.credentialId]);
    expect(await check()).toMatchObject({
      ok: false,
      mismatch: { table: 'pickup_credential', key: `${voided.visitRef} ${voided.credentialId}` },
    });
    expect((await rebuild()).changes.pickup_credential).toEqual({ inserted: 1, updated: 0, removed: 0 });
    expect(await check()).toMatchObject({ ok: true });
  });
});
