import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APPEND_ONLY_TABLES } from '../schema.js';
import type { MigrationDb } from './migration-db.js';

/** The role the application runs as on PostgreSQL: it may append to the log but never change it. */
export const APP_ROLE = 'portledger_app';

const refusal = (table: string) => `portledger: ${table} is append-only; a correction is a new event`;

/**
 * The whole ledger schema: the log head, the append-only log (events, audit subtree hashes, checkpoints) and the
 * read models. The database itself refuses UPDATE and DELETE on the log (MISSION §4), so a bug or an operator
 * cannot rewrite history through the application's connection.
 */
export function ledgerMigration0001(dialect: StoreDialect): Migration {
  const { int8Type, blobType, orderedTextType } = dialect;
  return {
    async up(db: MigrationDb) {
      // PostgreSQL serialises appenders on this row's lock. SQLite needs no such row: `begin immediate` takes the
      // database's single write lock, and the log size is the event table's last rowid + 1.
      if (dialect.name === 'postgres') {
        await db.schema
          .createTable('log_head')
          .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
          .addColumn('size', int8Type, (c) => c.notNull().defaultTo(0).check(sql`size >= 0`))
          .execute();
        await db.insertInto('log_head').values({ id: 1, size: 0 }).execute();
      }

      await db.schema
        .createTable('event')
        .addColumn('idx', int8Type, (c) => c.primaryKey().check(sql`idx >= 0`))
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('stream_id', 'text', (c) => c.notNull())
        .addColumn('stream_version', 'integer', (c) => c.notNull().check(sql`stream_version >= 1`))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('leaf', blobType, (c) => c.notNull())
        .addUniqueConstraint('event_event_id_unique', ['event_id'])
        .addUniqueConstraint('event_stream_version_unique', ['stream_id', 'stream_version'])
        .execute();

      // Keyed by the last leaf a subtree covers, then its level: every node completed by appending leaf i has
      // last_leaf = i, so one append writes one contiguous run at the end of the index, not one page per level.
      await db.schema
        .createTable('audit_node')
        .addColumn('last_leaf', int8Type, (c) => c.notNull().check(sql`last_leaf >= 0`))
        .addColumn('level', 'integer', (c) => c.notNull().check(sql`level >= 0 and level < 64`))
        .addColumn('hash', blobType, (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_node_pk', ['last_leaf', 'level'])
        .$call((b) => (dialect.name === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
        .execute();

      await db.schema
        .createTable('checkpoint')
        .addColumn('tree_size', int8Type, (c) => c.primaryKey().check(sql`tree_size >= 0`))
        .addColumn('root_hash', blobType, (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('signed_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('visit')
        .addColumn('visit_ref', orderedTextType, (c) => c.primaryKey())
        .addColumn('container_number', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('terminal', 'text')
        .addColumn('stream_version', 'integer', (c) => c.notNull())
        .addColumn('last_idx', int8Type, (c) => c.notNull())
        .addColumn('view', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('visit_container_number_idx')
        .on('visit')
        .column('container_number')
        .execute();

      await db.schema
        .createTable('yard_cell')
        .addColumn('terminal', 'text', (c) => c.notNull())
        .addColumn('block', orderedTextType, (c) => c.notNull())
        .addColumn('bay', 'integer', (c) => c.notNull())
        .addColumn('row', 'integer', (c) => c.notNull())
        .addColumn('tier', 'integer', (c) => c.notNull())
        .addColumn('visit_ref', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('yard_cell_pk', ['terminal', 'block', 'bay', 'row', 'tier'])
        .execute();
      await db.schema.createIndex('yard_cell_visit_ref_idx').on('yard_cell').column('visit_ref').execute();

      if (dialect.name === 'sqlite') await refuseChangesOnSqlite(db);
      else await refuseChangesOnPostgres(db);
    },

    async down(db: MigrationDb) {
      for (const table of ['yard_cell', 'visit', 'checkpoint', 'audit_node', 'event', 'log_head']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
      if (dialect.name === 'postgres')
        await sql`drop function if exists portledger_refuse_change()`.execute(db);
    },
  };
}

async function refuseChangesOnSqlite(db: MigrationDb): Promise<void> {
  for (const table of APPEND_ONLY_TABLES) {
    for (const operation of ['update', 'delete'] as const) {
      await sql
        .raw(
          `create trigger ${table}_refuse_${operation} before ${operation} on ${table} ` +
            `begin select raise(abort, '${refusal(table)}'); end`,
        )
        .execute(db);
    }
  }
}

async function refuseChangesOnPostgres(db: MigrationDb): Promise<void> {
  // A statement-level trigger fires even when no row matches, and is the only kind TRUNCATE has.
  await sql`
    create or replace function portledger_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'portledger: % is append-only; a correction is a new event', tg_table_name
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  for (const table of APPEND_ONLY_TABLES) {
    await sql
      .raw(
        `create trigger ${table}_refuse_change before update or delete or truncate on ${table} ` +
          'for each statement execute function portledger_refuse_change()',
      )
      .execute(db);
  }

  // Roles are cluster-wide: another schema's migration may be creating it at this very moment.
  await sql
    .raw(`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
        create role ${APP_ROLE} nologin;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`)
    .execute(db);
  const appendOnly = APPEND_ONLY_TABLES.join(', ');
  await sql
    .raw(`grant usage on schema "${(await currentSchema(db)).replaceAll('"', '""')}" to ${APP_ROLE}`)
    .execute(db);
  await sql.raw(`grant select, insert on ${appendOnly} to ${APP_ROLE}`).execute(db);
  await sql.raw(`revoke update, delete, truncate on ${appendOnly} from public, ${APP_ROLE}`).execute(db);
  await sql
    .raw(`grant select, insert, update, delete on visit, yard_cell, log_head to ${APP_ROLE}`)
    .execute(db);
  await sql.raw(`grant select on kysely_migration, kysely_migration_lock to ${APP_ROLE}`).execute(db);
}

async function currentSchema(db: MigrationDb): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('portledger: no schema on the search_path to migrate into');
  return schema;
}
