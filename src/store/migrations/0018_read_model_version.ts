import { type Migration, sql } from 'kysely';
import { READ_MODEL_VERSION } from '../../app/audit/index.js';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The version of the read-model projection the read-model tables were built by (`READ_MODEL_VERSION`, beside the
 * projection): one row. A server that starts on a database recorded at another version rebuilds the read models
 * from the log first, so rows written by an older builder are not taken for tampering (`read-model-rebuild.ts`).
 *
 * A database whose log is empty has no rows yet: it records the current version and rebuilds nothing. A database
 * whose log holds events records 0, "built before the version was recorded", so its first start rebuilds.
 */
export function readModelVersionMigration0018(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('read_model_version')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 0`))
        .execute();
      const empty = (await db.selectFrom('event').select('idx').limit(1).executeTakeFirst()) === undefined;
      await db
        .insertInto('read_model_version')
        .values({ id: 1, version: empty ? READ_MODEL_VERSION : 0 })
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on read_model_version to ${APP_ROLE}`).execute(db);
      }
    },

    async down(db: MigrationDb) {
      await db.schema.dropTable('read_model_version').ifExists().execute();
    },
  };
}
