import type { Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Release inboxes (issue 5): a forwarder's or haulier's offers awaiting it, the rights it holds, and a line's
 * releases, newest change first and paged, each from one index of the `release` read model instead of a fold of
 * every release stream. Releases recorded before this migration are dated by the start of their validity until
 * they next change.
 */
export function releaseInboxesMigration0008(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema.alterTable('release').addColumn('updated_at', ordered).execute();
      await db
        .updateTable('release')
        .set((eb) => ({ updated_at: eb.ref('valid_from') }))
        .execute();
      for (const [name, column] of [
        ['release_offered_to_inbox_idx', 'offered_to_org_id'],
        ['release_holder_inbox_idx', 'holder_org_id'],
        ['release_line_inbox_idx', 'line_org_id'],
      ] as const) {
        await db.schema
          .createIndex(name)
          .on('release')
          .columns([column, 'updated_at', 'visit_ref'])
          .execute();
      }
    },

    async down(db: MigrationDb) {
      for (const name of [
        'release_offered_to_inbox_idx',
        'release_holder_inbox_idx',
        'release_line_inbox_idx',
      ]) {
        await db.schema.dropIndex(name).ifExists().execute();
      }
      await db.schema.alterTable('release').dropColumn('updated_at').execute();
    },
  };
}
