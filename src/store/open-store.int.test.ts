import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { LedgerStore } from '../app/ports.js';
import { migrate } from './migrations/index.js';
import { createSqliteKysely, describeDatabaseUrl, openLedgerStore } from './open-store.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  tempDirectory,
  uniqueSchemaName,
} from './testing/databases.js';
import { makeEvents } from './testing/fixtures.js';

async function appendOne(store: LedgerStore, streamId: string): Promise<void> {
  await store.writeTransaction(async (tx) => {
    const fromIndex = await tx.logSize();
    await tx.appendToStream(streamId, 0, makeEvents({ streamId, fromIndex, count: 1 }));
  });
}

describe('openLedgerStore', () => {
  const dir = tempDirectory('open-store');
  afterAll(() => dir.remove());

  it('opens a SQLite file, creating its directory, and keeps the data across reopenings', async () => {
    const file = join(dir.path, 'nested', 'deeper', 'ledger.db');
    const first = await openLedgerStore(`sqlite:${file}`);
    await appendOne(first, 'visit-a');
    await first.close();
    expect(existsSync(file)).toBe(true);
    const second = await openLedgerStore(`sqlite://${file}`);
    expect(await second.logSize()).toBe(1);
    await second.close();
  });

  it('reads a terminal’s boxes in one state through an index, never walking every visit ever (issue 13)', async () => {
    const db = createSqliteKysely(join(dir.path, 'plan.db'));
    try {
      await migrate(db);
      const { rows } = await sql
        .raw<{ detail: string }>(
          "explain query plan select * from visit where terminal = 'T1' and status = 'in_yard' and visit_ref > 'V' order by visit_ref limit 500",
        )
        .execute(db);
      const plan = rows.map((row) => row.detail).join('; ');
      expect(plan).toContain('visit_terminal_status_ref_idx');
      expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    } finally {
      await db.destroy();
    }
  });

  it('sets the SQLite pragmas for durability and for several processes', async () => {
    const db = createSqliteKysely(join(dir.path, 'pragmas.db'));
    try {
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('busy_timeout')).toBe(30000);
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await migrate(db)).toEqual({
        applied: [
          '0001_ledger',
          '0002_identity',
          '0003_api_token_last_used',
          '0004_releases',
          '0005_gate',
          '0006_visit_flags',
          '0007_driver_accounts',
          '0008_release_inboxes',
          '0009_alert_read_model',
          '0010_drop_gate_alert',
          '0011_lookup_alert_rule',
          '0012_gate_alert_group',
          '0014_driver_devices',
          '0015_enrolment_confirmation',
          '0016_read_model_mismatch_rule',
          '0017_witness_cosignatures',
          '0018_read_model_version',
          '0019_live_visit_index',
          '0020_window_counts',
          '0021_entry_macs',
          '0022_live_alert_indexes',
          '0023_bounded_identity_lists',
          '0024_visit_status_index',
          '0025_enrolment_auth_version',
          '0026_read_model_counts',
          '0027_active_visit_index',
          '0028_bounded_directory_lists',
          '0030_read_model_count_changes',
          '0031_visit_search_keys',
          '0032_release_state_inbox',
          '0033_sorted_directory_lists',
          '0034_window_admit_function',
          '0035_held_visit_index',
          '0036_alert_filter_indexes',
          '0037_detection_cursor',
          '0038_position_view',
          '0039_detection_alert_rules',
          '0040_partner_event',
          '0041_event_subscriptions',
          '0042_edi_interchange',
        ],
      });
      expect(await migrate(db)).toEqual({ applied: [] });
    } finally {
      await db.destroy();
    }
  });

  it('fails with a clear MigrationError, and keeps nothing of the failed migration', async () => {
    const db = createSqliteKysely(':memory:');
    try {
      await sql`create table visit (something_else text)`.execute(db);
      const attempt = migrate(db);
      await expect(attempt).rejects.toMatchObject({ name: 'MigrationError', code: 'store.migration_failed' });
      await expect(attempt).rejects.toThrow(/migration 0001_ledger failed: .*visit/);
      const tables = await sql<{ name: string }>`select name from sqlite_master where name = 'event'`.execute(
        db,
      );
      expect(tables.rows).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it.each(['sqlite::memory:', 'memory:'])('opens %s', async (url) => {
    const store = await openLedgerStore(url);
    await appendOne(store, 'visit-a');
    expect(await store.logSize()).toBe(1);
    await store.close();
  });

  it.each(['mysql://db/port', 'ledger.db', ''])('refuses %j with store.bad_url', async (url) => {
    await expect(openLedgerStore(url)).rejects.toMatchObject({ code: 'store.bad_url' });
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(openLedgerStore(TEST_POSTGRES_URL, { schema: 'Robert"; drop' })).rejects.toMatchObject({
      code: 'store.bad_url',
    });
  });
});

describe('describeDatabaseUrl', () => {
  it.each([
    [
      'postgres://app:s3cret@db.port:5432/ledger?sslmode=require&password=x',
      'postgres://app@db.port:5432/ledger',
    ],
    ['postgresql://db/ledger', 'postgresql://db/ledger'],
    ['sqlite:data/ledger.db', 'sqlite:data/ledger.db'],
    ['memory:', 'memory:'],
  ])('%s → %s', (url, described) => {
    expect(describeDatabaseUrl(url)).toBe(described);
    expect(describeDatabaseUrl(url)).not.toContain('s3cret');
  });
});

await describeWithPostgres('openLedgerStore on PostgreSQL', () => {
  const schema = uniqueSchemaName('open');
  afterAll(() => dropSchema(schema));

  it('creates the schema, migrates it once, and keeps the data across reopenings', async () => {
    const first = await openLedgerStore(TEST_POSTGRES_URL, { schema });
    await appendOne(first, 'visit-a');
    await first.close();
    const second = await openLedgerStore(TEST_POSTGRES_URL.replace('postgres://', 'postgresql://'), {
      schema,
    });
    expect(await second.logSize()).toBe(1);
    expect((await second.readStream('visit-a')).map((e) => e.index)).toEqual([0]);
    await second.close();
  });
});
