import type { Migration } from 'kysely';
import type { MigrationDb } from './migration-db.js';

/**
 * The identity lists read a keyset page at a time (issue 13), each through an index in the list's own order, so a
 * page costs the page and not every row the port ever wrote:
 * - API tokens, revoked and expired ones included, by (created, id), of one organisation or of all;
 * - approval requests by (expiry, id): the requests one person made (`GET /v1/approvals?mine=1`), and the pending
 *   ones not yet expired (the approvers' inbox), which would otherwise walk every request nobody decided;
 * - the users of one organisation by username.
 */
const INDEXES = [
  { name: 'api_token_org_created_idx', table: 'api_token', columns: ['org_id', 'created_at', 'token_id'] },
  { name: 'api_token_created_idx', table: 'api_token', columns: ['created_at', 'token_id'] },
  {
    name: 'approval_requester_expiry_idx',
    table: 'approval',
    columns: ['org_id', 'requested_by', 'expires_at', 'request_id'],
  },
  { name: 'approval_status_expiry_idx', table: 'approval', columns: ['status', 'expires_at', 'request_id'] },
  { name: 'app_user_org_username_idx', table: 'app_user', columns: ['org_id', 'username'] },
] as const;

export function boundedIdentityListsMigration0023(): Migration {
  return {
    async up(db: MigrationDb) {
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
    },
  };
}
