import type { Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Each entry's writer MAC beside it (issue 13, `src/audit/entry-mac.ts`): a row appended by hand, however consistent
 * its leaf and subtree hashes, has none that verifies. Entries written before this release keep null; the
 * integrity check requires the MAC from the log size recorded when a release that writes them first started.
 */
export function entryMacsMigration0021(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema.alterTable('event').addColumn('writer_mac', dialect.blobType).execute();
    },
    async down(db: MigrationDb) {
      await db.schema.alterTable('event').dropColumn('writer_mac').execute();
    },
  };
}
