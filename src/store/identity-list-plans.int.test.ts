import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityRepository } from './identity.repository.js';
import { migrate } from './migrations/index.js';
import { createSqliteKysely } from './open-store.js';
import type { Database } from './schema.js';
import { tempDirectory } from './testing/databases.js';

/**
 * Issue 13: the identity lists that grow with the port's history (every API token, every approval request) are read a
 * keyset page at a time, each through an index in the list's own order, so the page's `limit` stops the scan.
 * The repository's own statements, captured as it runs them, are explained.
 */
describe('identity list pages read one range of an index in their order (SQLite query plans)', () => {
  const dir = tempDirectory('identity-plans');
  const path = join(dir.path, 'identity.db');
  const captured: CompiledQuery[] = [];
  let db: Kysely<Database>;

  beforeAll(async () => {
    const migrated = createSqliteKysely(path);
    await migrate(migrated);
    await migrated.destroy();
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new Sqlite(path) }),
      log: (event) => {
        if (event.level === 'query') captured.push(event.query);
      },
    });
  });
  afterAll(async () => {
    await db?.destroy();
    dir.remove();
  });

  const at = '2030-01-01T00:00:00.000Z';
  const cases: {
    name: string;
    read: (identity: ReturnType<typeof createIdentityRepository>) => Promise<unknown>;
    index: string;
  }[] = [
    {
      name: 'an organisation’s API tokens, a page after a cursor',
      read: (identity) =>
        identity.listApiTokens({ orgId: 'o1', after: { createdAt: at, tokenId: 't-1' }, limit: 100 }),
      index: 'api_token_org_created_idx',
    },
    {
      name: 'every API token, a page after a cursor',
      read: (identity) => identity.listApiTokens({ after: { createdAt: at, tokenId: 't-1' }, limit: 100 }),
      index: 'api_token_created_idx',
    },
    {
      name: 'the kiosk token of a gate operator, by id',
      read: (identity) => identity.listApiTokens({ tokenId: 't-1' }),
      index: 'sqlite_autoindex_api_token_1',
    },
    {
      name: 'the approvers’ inbox: pending requests not yet expired',
      read: (identity) => identity.listApprovals({ status: 'pending', expiresAfter: at, limit: 200 }),
      index: 'approval_status_expiry_idx',
    },
    {
      name: 'the requests one person made, a page after a cursor',
      read: (identity) =>
        identity.listApprovals({
          orgId: 'o1',
          requestedBy: 'u-1',
          after: { expiresAt: at, requestId: 'r-1' },
          limit: 100,
        }),
      index: 'approval_requester_expiry_idx',
    },
    {
      name: 'an organisation’s users, a page after a username',
      read: (identity) => identity.listUsers({ orgId: 'o1', afterUsername: 'ana', limit: 100 }),
      index: 'app_user_org_username_idx',
    },
  ];

  for (const { name, read, index } of cases) {
    it(`${name}: ${index}, no sort`, async () => {
      captured.length = 0;
      await read(createIdentityRepository({ db }));
      const [query] = captured;
      expect(query).toBeDefined();
      const { rows } = await db.executeQuery<{ detail: string }>({
        ...query!,
        sql: `explain query plan ${query!.sql}`,
      });
      const plan = rows.map((row) => row.detail).join('\n');
      expect(plan).toMatch(new RegExp(`^SEARCH \\w+ USING (COVERING )?INDEX ${index} \\(`, 'm'));
      expect(plan).not.toMatch(/TEMP B-TREE/);
    });
  }
});
