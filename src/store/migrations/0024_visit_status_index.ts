import type { Migration } from 'kysely';
import type { MigrationDb } from './migration-db.js';

/**
 * The visits of one state across every terminal — `GET /v1/visits?status=in_yard` for customs or the police — in
 * visit reference order (issue 13). 0019 serves a terminal's boxes in one state; without the terminal, each page
 * walked every visit the port ever had in key order and kept the few still in that state, gated-out and loaded ones
 * piling up between them year after year.
 */
export function visitStatusIndexMigration0024(): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createIndex('visit_status_ref_idx')
        .on('visit')
        .columns(['status', 'visit_ref'])
        .execute();
    },
    async down(db: MigrationDb) {
      await db.schema.dropIndex('visit_status_ref_idx').ifExists().execute();
    },
  };
}
