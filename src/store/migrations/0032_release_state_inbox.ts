import type { Migration } from 'kysely';
import type { MigrationDb } from './migration-db.js';

/**
 * The line's releases filtered by state (issue 14: in force, blocked, revoked), a page at a time: one range of
 * (line, revoked, blocked) in the inbox order, latest change first, so that a page of the few blocked or revoked
 * releases does not walk every release the line ever issued. The whole inbox keeps 0008's index.
 */
export function releaseStateInboxMigration0032(): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createIndex('release_line_state_inbox_idx')
        .on('release')
        .columns(['line_org_id', 'revoked', 'blocked', 'updated_at', 'visit_ref'])
        .execute();
    },
    async down(db: MigrationDb) {
      await db.schema.dropIndex('release_line_state_inbox_idx').ifExists().execute();
    },
  };
}
