import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Sliding-window counts shared by every instance on one database (issue 13): the gate's rate limits per kiosk and
 * per credential. One row per admitted attempt and key, kept only while it can still count: they are a limiter's
 * working memory, not records (the attempts themselves are in the log when they matter).
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
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, delete on window_count to ${APP_ROLE}`).execute(db);
      }
    },
  };
}
