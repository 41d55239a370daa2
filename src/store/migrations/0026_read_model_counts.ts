import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/** The read-model tables the integrity watch holds against the log (`READ_MODEL_TABLES`), each counted here. */
const COUNTED_TABLES = [
  'visit',
  'yard_cell',
  'release',
  'release_party',
  'slot_booking',
  'driver_job',
  'pickup_credential',
  'alert',
  'gate_alert_group',
] as const;

/** `visit_flag` counts only the rows with an open alert: a row counting none is no flag. */
const FLAG_TABLE = 'visit_flag';

/**
 * Each read-model table's row count, kept by the database as rows come and go (issue 13). The integrity watch
 * compared every table's `count(*)` with the log on each cycle, inside the write lock: at a year of a large port,
 * tens of millions of rows counted while every writer waited. Now it reads one row per table here instead.
 *
 * Kept by triggers, so that a row anyone inserts or deletes moves the count, a database administrator's raw SQL
 * included: that is what the watch compares with the count the log's events explain. An administrator who also
 * drops the triggers or edits a count is not seen by the count, but by the watch's rolling comparison of every
 * subject, within a sweep of them. PostgreSQL: one row trigger function for every table (the schema named in its
 * body, so that it holds whatever `search_path` the session doing the change has) and a `truncate` trigger; SQLite
 * has no `truncate`, and turns its truncate optimisation off for tables with triggers.
 */
export function readModelCountsMigration0026(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('read_model_count')
        .addColumn('table_name', dialect.orderedTextType, (c) => c.primaryKey())
        .addColumn('row_count', dialect.int8Type, (c) => c.notNull())
        .execute();
      // The counts as they stand when the database is upgraded: one scan of each table, once.
      for (const table of COUNTED_TABLES) {
        await sql
          .raw(
            `insert into read_model_count (table_name, row_count) select '${table}', count(*) from ${table}`,
          )
          .execute(db);
      }
      await sql
        .raw(
          `insert into read_model_count (table_name, row_count) select '${FLAG_TABLE}', count(*) from ${FLAG_TABLE} where open_alerts > 0`,
        )
        .execute(db);
      if (dialect.name === 'postgres') await countOnPostgres(db);
      else await countOnSqlite(db);
    },
    async down(db: MigrationDb) {
      if (dialect.name === 'postgres') {
        for (const table of [...COUNTED_TABLES, FLAG_TABLE]) {
          await sql.raw(`drop trigger if exists ${table}_count_rows on ${table}`).execute(db);
          await sql.raw(`drop trigger if exists ${table}_count_truncate on ${table}`).execute(db);
        }
        await sql`drop function if exists portledger_count_rows()`.execute(db);
        await sql`drop function if exists portledger_count_flags()`.execute(db);
        await sql`drop function if exists portledger_count_truncate()`.execute(db);
      } else {
        for (const table of [...COUNTED_TABLES, FLAG_TABLE]) {
          for (const operation of ['insert', 'delete', 'update']) {
            await sql.raw(`drop trigger if exists ${table}_count_${operation}`).execute(db);
          }
        }
      }
      await db.schema.dropTable('read_model_count').ifExists().execute();
    },
  };
}

/** `+ 1` for a row that counts, as an SQL expression over `row` (`new` or `old`) of `table`. */
const counts = (table: string, row: 'new' | 'old') =>
  table === FLAG_TABLE ? `(case when ${row}.open_alerts > 0 then 1 else 0 end)` : '1';

async function countOnSqlite(db: MigrationDb): Promise<void> {
  const change = (table: string, delta: string) =>
    `update read_model_count set row_count = row_count + ${delta} where table_name = '${table}';`;
  for (const table of [...COUNTED_TABLES, FLAG_TABLE]) {
    await sql
      .raw(
        `create trigger ${table}_count_insert after insert on ${table} begin ${change(table, counts(table, 'new'))} end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_count_delete after delete on ${table} begin ${change(table, `- ${counts(table, 'old')}`)} end`,
      )
      .execute(db);
  }
  // A flag counts while its visit has an open alert: an update can start or stop it counting.
  await sql
    .raw(
      `create trigger ${FLAG_TABLE}_count_update after update of open_alerts on ${FLAG_TABLE} begin ${change(
        FLAG_TABLE,
        `${counts(FLAG_TABLE, 'new')} - ${counts(FLAG_TABLE, 'old')}`,
      )} end`,
    )
    .execute(db);
}

async function countOnPostgres(db: MigrationDb): Promise<void> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  if (!rows[0]?.schema) throw new Error('portledger: no schema on the search_path to migrate into');
  const counter = `"${rows[0].schema.replaceAll('"', '""')}".read_model_count`;
  const change = (delta: string) =>
    `update ${counter} set row_count = row_count + ${delta} where table_name = tg_table_name;`;
  // A row of a counted table counts from its insert to its delete.
  await sql
    .raw(`
    create or replace function portledger_count_rows() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then ${change('1')} else ${change('-1')} end if;
      return null;
    end $$`)
    .execute(db);
  // A flag counts while its visit has an open alert: its insert, delete or update may start or stop it counting.
  await sql
    .raw(`
    create or replace function portledger_count_flags() returns trigger language plpgsql as $$
    declare
      delta integer := 0;
    begin
      if tg_op in ('INSERT', 'UPDATE') and new.open_alerts > 0 then delta := delta + 1; end if;
      if tg_op in ('DELETE', 'UPDATE') and old.open_alerts > 0 then delta := delta - 1; end if;
      if delta <> 0 then ${change('delta')} end if;
      return null;
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create or replace function portledger_count_truncate() returns trigger language plpgsql as $$
    begin
      update ${counter} set row_count = 0 where table_name = tg_table_name;
      return null;
    end $$`)
    .execute(db);
  for (const table of [...COUNTED_TABLES, FLAG_TABLE]) {
    // Only a flag's update can change what counts; the other tables' updates leave their count alone.
    const [events, counter] =
      table === FLAG_TABLE
        ? ['insert or delete or update of open_alerts', 'portledger_count_flags']
        : ['insert or delete', 'portledger_count_rows'];
    await sql
      .raw(
        `create trigger ${table}_count_rows after ${events} on ${table} for each row execute function ${counter}()`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_count_truncate after truncate on ${table} for each statement execute function portledger_count_truncate()`,
      )
      .execute(db);
  }
  await sql.raw(`grant select, update on read_model_count to ${APP_ROLE}`).execute(db);
}
