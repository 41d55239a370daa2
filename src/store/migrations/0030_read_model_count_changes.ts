import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The read-model counts of 0026 without a hot row on PostgreSQL (issue 13). There, every row a transaction inserted
 * or deleted updated its table's one count row; an update leaves a new version of the row, and versions written by a
 * transaction still running cannot be pruned, so each update of the same row in one transaction walked all the
 * versions before it: a bulk transaction of 16,000 rows took 2.7 s instead of 33 ms (measured), growing with the
 * square of its size. Now each change is a row of its own in `read_model_count_change` (+1 or -1, appended, never
 * updated), and the integrity watch folds them into the counts inside its write transaction, once a cycle
 * (`settleCounts`): what it reads grows with what changed since its last cycle, not with the tables. A truncate sets
 * the count to zero and drops the table's pending changes, as before.
 *
 * SQLite updates a row in place, so its triggers keep updating the count row (0026): it records no changes, and the
 * same reads (the count plus the changes not yet folded) serve both databases.
 */
export function readModelCountChangesMigration0030(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('read_model_count_change')
        .addColumn('table_name', dialect.orderedTextType, (c) => c.notNull())
        .addColumn('delta', dialect.int8Type, (c) => c.notNull())
        .execute();
      if (dialect.name !== 'postgres') return;
      const change = `${await qualified(db, 'read_model_count_change')}`;
      const counts = `${await qualified(db, 'read_model_count')}`;
      await sql
        .raw(`
        create or replace function portledger_count_rows() returns trigger language plpgsql as $$
        begin
          insert into ${change} (table_name, delta)
            values (tg_table_name, case when tg_op = 'INSERT' then 1 else -1 end);
          return null;
        end $$`)
        .execute(db);
      await sql
        .raw(`
        create or replace function portledger_count_flags() returns trigger language plpgsql as $$
        declare
          delta integer := 0;
        begin
          if tg_op in ('INSERT', 'UPDATE') and new.open_alerts > 0 then delta := delta + 1; end if;
          if tg_op in ('DELETE', 'UPDATE') and old.open_alerts > 0 then delta := delta - 1; end if;
          if delta <> 0 then insert into ${change} (table_name, delta) values (tg_table_name, delta); end if;
          return null;
        end $$`)
        .execute(db);
      await sql
        .raw(`
        create or replace function portledger_count_truncate() returns trigger language plpgsql as $$
        begin
          delete from ${change} where table_name = tg_table_name;
          update ${counts} set row_count = 0 where table_name = tg_table_name;
          return null;
        end $$`)
        .execute(db);
      await sql.raw(`grant select, insert, delete on read_model_count_change to ${APP_ROLE}`).execute(db);
    },
    async down(db: MigrationDb) {
      if (dialect.name === 'postgres') {
        // The changes not yet folded go into the counts, and the triggers update the counts again (0026).
        await sql`update read_model_count c set row_count = c.row_count + d.delta
          from (select table_name, sum(delta) as delta from read_model_count_change group by table_name) d
          where c.table_name = d.table_name`.execute(db);
        const counts = await qualified(db, 'read_model_count');
        await sql
          .raw(`
          create or replace function portledger_count_rows() returns trigger language plpgsql as $$
          begin
            update ${counts} set row_count = row_count + (case when tg_op = 'INSERT' then 1 else -1 end)
              where table_name = tg_table_name;
            return null;
          end $$`)
          .execute(db);
        await sql
          .raw(`
          create or replace function portledger_count_flags() returns trigger language plpgsql as $$
          declare
            delta integer := 0;
          begin
            if tg_op in ('INSERT', 'UPDATE') and new.open_alerts > 0 then delta := delta + 1; end if;
            if tg_op in ('DELETE', 'UPDATE') and old.open_alerts > 0 then delta := delta - 1; end if;
            if delta <> 0 then update ${counts} set row_count = row_count + delta where table_name = tg_table_name; end if;
            return null;
          end $$`)
          .execute(db);
        await sql
          .raw(`
          create or replace function portledger_count_truncate() returns trigger language plpgsql as $$
          begin
            update ${counts} set row_count = 0 where table_name = tg_table_name;
            return null;
          end $$`)
          .execute(db);
      }
      await db.schema.dropTable('read_model_count_change').ifExists().execute();
    },
  };
}

/** A table of the schema being migrated, named with the schema: a trigger runs under whatever `search_path` the session changing a row has. */
async function qualified(db: MigrationDb, table: string): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  if (!rows[0]?.schema) throw new Error('portledger: no schema on the search_path to migrate into');
  return `"${rows[0].schema.replaceAll('"', '""')}".${table}`;
}
