import type { Migration } from 'kysely';
import type { MigrationDb } from './migration-db.js';

/**
 * The visit of a container that has not ended (`findActiveVisit`: every announcement, gate-in and EDI message asks
 * it) is its latest, read backwards along (container number, last index) and stopped at the first one not gated
 * out, loaded or cancelled (issue 13). On the container number alone, every visit the box ever made was read and
 * sorted to find it, one more each time it came back to the port.
 */
export function activeVisitIndexMigration0027(): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createIndex('visit_container_last_idx')
        .on('visit')
        .columns(['container_number', 'last_idx'])
        .execute();
    },
    async down(db: MigrationDb) {
      await db.schema.dropIndex('visit_container_last_idx').ifExists().execute();
    },
  };
}
