import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

const RELEASE_TABLES = ['release', 'release_party'] as const;

/**
 * The release read models (issue 4): the current state of each visit's release right, and every organisation
 * that holds or held it, which is what lets a forwarder or haulier see the box. Both are derived from the release
 * stream in the transaction that appends to it, so they are updated in place like `visit`.
 */
export function releasesMigration0004(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('release')
        .addColumn('visit_ref', ordered, (c) => c.primaryKey())
        .addColumn('release_id', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('line_org_id', 'text', (c) => c.notNull())
        .addColumn('holder_org_id', 'text')
        .addColumn('offered_to_org_id', 'text')
        .addColumn('right_version', 'integer', (c) => c.notNull().check(sql`right_version >= 1`))
        .addColumn('blocked', 'integer', (c) => c.notNull().check(sql`blocked in (0, 1)`))
        .addColumn('revoked', 'integer', (c) => c.notNull().check(sql`revoked in (0, 1)`))
        .addColumn('valid_from', ordered, (c) => c.notNull())
        .addColumn('valid_until', ordered, (c) => c.notNull())
        .addColumn('stream_version', 'integer', (c) => c.notNull())
        .addColumn('view', 'text', (c) => c.notNull())
        .addUniqueConstraint('release_release_id_unique', ['release_id'])
        .execute();
      await db.schema.createIndex('release_holder_idx').on('release').column('holder_org_id').execute();

      await db.schema
        .createTable('release_party')
        .addColumn('visit_ref', ordered, (c) => c.notNull())
        .addColumn('org_id', ordered, (c) => c.notNull())
        .addPrimaryKeyConstraint('release_party_pk', ['visit_ref', 'org_id'])
        .execute();
      // "Which boxes may this forwarder see": the listing of a party's visits.
      await db.schema
        .createIndex('release_party_org_idx')
        .on('release_party')
        .columns(['org_id', 'visit_ref'])
        .execute();

      if (dialect.name === 'postgres') {
        await sql
          .raw(`grant select, insert, update on ${RELEASE_TABLES.join(', ')} to ${APP_ROLE}`)
          .execute(db);
      }
    },

    async down(db: MigrationDb) {
      for (const table of [...RELEASE_TABLES].reverse()) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
