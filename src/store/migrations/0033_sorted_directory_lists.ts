import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The administrators' and requesters' lists sorted on the column a person picks, either way (issue 14): each order
 * is an index on (column, id), which the keyset page walks forwards or backwards, so a page costs the page whatever
 * the order (a username and an organisation's code are unique: their own unique indexes serve). The texts a person sorts by (a user's display name, a token's label, a request's kind) compare byte by
 * byte on PostgreSQL (`collate "C"`), as every other paged text does, so pages and cursors agree across databases.
 */
const INDEXES = [
  { name: 'app_user_display_name_idx', table: 'app_user', columns: ['display_name', 'user_id'] },
  { name: 'app_user_created_idx', table: 'app_user', columns: ['created_at', 'user_id'] },
  { name: 'api_token_expires_idx', table: 'api_token', columns: ['expires_at', 'token_id'] },
  { name: 'api_token_label_idx', table: 'api_token', columns: ['label', 'token_id'] },
  { name: 'organisation_name_idx', table: 'organisation', columns: ['name', 'org_id'] },
  { name: 'organisation_created_idx', table: 'organisation', columns: ['created_at', 'org_id'] },
  {
    name: 'approval_requester_kind_idx',
    table: 'approval',
    columns: ['org_id', 'requested_by', 'kind', 'request_id'],
  },
] as const;

const BYTE_ORDERED = [
  { table: 'app_user', column: 'display_name' },
  { table: 'api_token', column: 'label' },
  { table: 'approval', column: 'kind' },
] as const;

export function sortedDirectoryListsMigration0033(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      if (dialect.name === 'postgres') {
        for (const { table, column } of BYTE_ORDERED) {
          await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "C"`.execute(
            db,
          );
        }
      }
      for (const { name, table, columns } of INDEXES) {
        await db.schema
          .createIndex(name)
          .on(table)
          .columns([...columns])
          .execute();
      }
    },
    async down(db: MigrationDb) {
      for (const { name } of INDEXES) await db.schema.dropIndex(name).ifExists().execute();
      if (dialect.name === 'postgres') {
        for (const { table, column } of BYTE_ORDERED) {
          await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "default"`.execute(
            db,
          );
        }
      }
    },
  };
}
