import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Who looked at what (issue 15): one row per visit a `PositionsViewed` event names, and one per terminal whose yard map
 * it loaded, written in the transaction that appends the event. Two questions read it, each along its own index and
 * each a bounded range newest first (keyset pages, never a scan of history): "who looked at this box in the last N
 * days" (`position_view_subject_idx`) and "which boxes did this person look at" (`position_view_user_idx`).
 *
 * Rows are only ever inserted: a view, once recorded, is evidence; the application role may not update or delete
 * them on PostgreSQL.
 */
export function positionViewMigration0038(dialect: StoreDialect): Migration {
  const { int8Type, orderedTextType } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('position_view')
        .addColumn('audit_index', int8Type, (c) => c.notNull())
        // 'visit' (subject is a visitRef) or 'terminal' (a yard map load; subject is the terminal's code).
        .addColumn('kind', orderedTextType, (c) => c.notNull())
        .addColumn('subject', orderedTextType, (c) => c.notNull())
        .addColumn('user_id', orderedTextType, (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('routes', 'text', (c) => c.notNull())
        .addColumn('viewed_at', orderedTextType, (c) => c.notNull())
        .addPrimaryKeyConstraint('position_view_pk', ['audit_index', 'kind', 'subject'])
        .execute();
      await db.schema
        .createIndex('position_view_subject_idx')
        .on('position_view')
        .columns(['kind', 'subject', 'viewed_at', 'audit_index'])
        .execute();
      await db.schema
        .createIndex('position_view_user_idx')
        .on('position_view')
        .columns(['user_id', 'viewed_at', 'audit_index', 'kind', 'subject'])
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert on position_view to ${APP_ROLE}`).execute(db);
      }
    },
    async down(db: MigrationDb) {
      await db.schema.dropTable('position_view').ifExists().execute();
    },
  };
}
