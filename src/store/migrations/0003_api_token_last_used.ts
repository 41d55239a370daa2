import type { Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

/**
 * When an API token was last seen, so that its use is recorded as a `TokenUsed` auth event at most once a minute
 * (issue 3, auth events) without reading its history, and so that administrators can spot tokens nobody uses.
 */
export function apiTokenLastUsedMigration0003(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema.alterTable('api_token').addColumn('last_used_at', ordered).execute();
    },
  };
}
