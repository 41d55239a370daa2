import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Sliding-window counts shared by every instance on one database (issue 13): the gate's rate limits per kiosk and
 * per credential (`window_count`, one row per admitted attempt and key), and the distinct visits each person was
 * shown for the bulk look-up rule (`window_item`, one row per person and visit, at the time last shown). Rows are
 * kept only while they can still count: a limiter's working memory, not records (what matters is in the log).
 */
export function windowCountsMigration0020(dialect: StoreDialect): Migration {
  const { int8Type, orderedTextType } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('window_count')
        .addColumn('key', orderedTextType, (c) => c.notNull())
        .addColumn('at_ms', int8Type, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('window_count_key_at_idx')
        .on('window_count')
        .columns(['key', 'at_ms'])
        .execute();
      await db.schema
        .createTable('window_item')
        .addColumn('key', orderedTextType, (c) => c.notNull())
        .addColumn('item', orderedTextType, (c) => c.notNull())
        .addColumn('at_ms', int8Type, (c) => c.notNull())
        .addPrimaryKeyConstraint('window_item_pk', ['key', 'item'])
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, delete on window_count to ${APP_ROLE}`).execute(db);
        await sql.raw(`grant select, insert, update, delete on window_item to ${APP_ROLE}`).execute(db);
      }
    },
    async down(db: MigrationDb) {
      await db.schema.dropTable('window_item').ifExists().execute();
      await db.schema.dropTable('window_count').ifExists().execute();
    },
  };
}
