import type { Migration } from 'kysely';
import type { MigrationDb } from './migration-db.js';

/**
 * The yard map and every list of a terminal's boxes in one state read `visit` by terminal and status, in visit
 * reference order (issue 13). Without this index each page walked every visit the port ever had, in key order, and
 * kept the few still in the yard: a cost that grew with the history (81 ms at 100k events, 128 ms at 1M) instead of
 * with the yard.
 */
export function liveVisitIndexMigration0019(): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createIndex('visit_terminal_status_ref_idx')
        .on('visit')
        .columns(['terminal', 'status', 'visit_ref'])
        .execute();
    },
    async down(db: MigrationDb) {
      await db.schema.dropIndex('visit_terminal_status_ref_idx').ifExists().execute();
    },
  };
}
