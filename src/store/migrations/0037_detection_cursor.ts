import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The detection engine's place in the log (issue 15): per engine, the audit index of the next event it reads and
 * its rules' state there, replaced in the transaction that records the alerts of the events before it. Working
 * memory of a projection, not a record: what matters (the alerts) is in the log.
 */
export function detectionCursorMigration0037(dialect: StoreDialect): Migration {
  const { int8Type, orderedTextType } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('detection_cursor')
        .addColumn('engine_id', orderedTextType, (c) => c.primaryKey())
        .addColumn('position', int8Type, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on detection_cursor to ${APP_ROLE}`).execute(db);
      }
    },
    async down(db: MigrationDb) {
      await db.schema.dropTable('detection_cursor').ifExists().execute();
    },
  };
}
