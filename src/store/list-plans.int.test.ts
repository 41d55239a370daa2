import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDialect } from './dialect.js';
import { createGateRepository } from './gate.repository.js';
import { createIdentityRepository } from './identity.repository.js';
import { migrate } from './migrations/index.js';
import { createSqliteKysely } from './open-store.js';
import { createQueueCountRepository } from './queue-counts.repository.js';
import { createReadModelRepository } from './read-model.repository.js';
import { createReadModelTablesRepository } from './read-model-tables.repository.js';
import { createReleaseRepository } from './release.repository.js';
import type { Database } from './schema.js';
import { tempDirectory } from './testing/databases.js';

/**
 * Issue 13: the lists that grow with the port's history (every API token, every approval request, every visit) are
 * read a keyset page at a time, each through an index in the list's own order, so the page's `limit` stops the scan.
 * The repositories' own statements, captured as they run them, are explained.
 */
describe('list pages read one range of an index in their order (SQLite query plans)', () => {
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
  type Repositories = {
    identity: ReturnType<typeof createIdentityRepository>;
    models: ReturnType<typeof createReadModelRepository>;
    gate: ReturnType<typeof createGateRepository>;
    tables: ReturnType<typeof createReadModelTablesRepository>;
    releases: ReturnType<typeof createReleaseRepository>;
    queues: ReturnType<typeof createQueueCountRepository>;
  };
  const cases: { name: string; read: (repositories: Repositories) => Promise<unknown>; index: string }[] = [
    {
      name: 'the visits in one state at every terminal, a page after a visit',
      read: ({ models }) => models.listVisits({ status: 'in_yard', after: 'V-1', limit: 100 }),
      index: 'visit_status_ref_idx',
    },
    {
      name: 'the visits in one state at one terminal (0019)',
      read: ({ models }) =>
        models.listVisits({ terminal: 'T1', status: 'in_yard', after: 'V-1', limit: 100 }),
      index: 'visit_terminal_status_ref_idx',
    },
    {
      name: 'the visits in one state at every terminal, descending, a page after a visit (0024 backward)',
      read: ({ models }) =>
        models.listVisits({ status: 'in_yard', after: 'V-9', direction: 'desc', limit: 100 }),
      index: 'visit_status_ref_idx',
    },
    {
      name: 'the visits in one state at one terminal, descending (0019 backward)',
      read: ({ models }) =>
        models.listVisits({ terminal: 'T1', status: 'in_yard', after: 'V-9', direction: 'desc', limit: 100 }),
      index: 'visit_terminal_status_ref_idx',
    },
    {
      name: 'an organisation’s API tokens, a page after a cursor',
      read: ({ identity }) =>
        identity.listApiTokens({ orgId: 'o1', after: { createdAt: at, tokenId: 't-1' }, limit: 100 }),
      index: 'api_token_org_created_idx',
    },
    {
      name: 'every API token, a page after a cursor',
      read: ({ identity }) =>
        identity.listApiTokens({ after: { createdAt: at, tokenId: 't-1' }, limit: 100 }),
      index: 'api_token_created_idx',
    },
    {
      name: 'the kiosk token of a gate operator, by id',
      read: ({ identity }) => identity.listApiTokens({ tokenId: 't-1' }),
      index: 'sqlite_autoindex_api_token_1',
    },
    {
      name: 'the approvers’ inbox: pending requests not yet expired',
      read: ({ identity }) => identity.listApprovals({ status: 'pending', expiresAfter: at, limit: 200 }),
      index: 'approval_status_expiry_idx',
    },
    {
      name: 'the requests one person made, a page after a cursor',
      read: ({ identity }) =>
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
      read: ({ identity }) => identity.listUsers({ orgId: 'o1', afterUsername: 'ana', limit: 100 }),
      index: 'app_user_org_username_idx',
    },
    {
      name: 'the line’s blocked releases, a page after a cursor (0032)',
      read: ({ releases }) =>
        releases.listReleaseInbox({
          orgId: 'o1',
          view: 'issued',
          state: 'blocked',
          after: { updatedAt: at, visitRef: 'V-1' },
          limit: 100,
        }),
      index: 'release_line_state_inbox_idx',
    },
    {
      name: 'the line’s blocked releases, oldest change first, a page after a cursor (0032 forward)',
      read: ({ releases }) =>
        releases.listReleaseInbox({
          orgId: 'o1',
          view: 'issued',
          state: 'blocked',
          direction: 'asc',
          after: { updatedAt: at, visitRef: 'V-1' },
          limit: 100,
        }),
      index: 'release_line_state_inbox_idx',
    },
    {
      name: 'a forwarder’s offers, oldest change first, a page after a cursor (0008 forward)',
      read: ({ releases }) =>
        releases.listReleaseInbox({
          orgId: 'o1',
          view: 'offers',
          direction: 'asc',
          after: { updatedAt: at, visitRef: 'V-1' },
          limit: 100,
        }),
      index: 'release_offered_to_inbox_idx',
    },
    {
      name: 'the boxes on hold at a terminal, for its work queue (0035): only the visits on hold',
      read: ({ queues }) => queues.countHeldBoxes({ kinds: ['customs', 'police'], terminals: ['T1'] }, 1000),
      index: 'visit_held_idx',
    },
    {
      name: 'the visit of a container not ended, its latest first (0027)',
      read: ({ models }) => models.findActiveVisit('MSCU1234565'),
      index: 'visit_container_last_idx',
    },
    {
      name: 'a table’s row count as the database keeps it, for the integrity watch (0026)',
      read: ({ tables }) => tables.countRows('alert'),
      index: 'sqlite_autoindex_read_model_count_1',
    },
    {
      name: 'a haulier’s drivers, a page after a badge reference',
      read: ({ gate }) => gate.listDrivers('o1', { after: { badgeRef: 'b-1' }, limit: 100 }),
      index: 'sqlite_autoindex_driver_1',
    },
    {
      name: 'every phone a haulier’s drivers enrolled, a page after a device (0028)',
      read: ({ gate }) =>
        gate.devicesOfOrg('o1', undefined, { after: { enrolledAt: at, deviceId: 'd-1' }, limit: 100 }),
      index: 'driver_device_org_enrolled_idx',
    },
    {
      name: 'a haulier’s phones in one state, a page after a device (0028)',
      read: ({ gate }) =>
        gate.devicesOfOrg('o1', 'pending', { after: { enrolledAt: at, deviceId: 'd-1' }, limit: 100 }),
      index: 'driver_device_org_status_enrolled_idx',
    },
    {
      name: 'the administrators’ organisations, a page after a code',
      read: ({ identity }) => identity.listOrganisations({ after: { code: 'MSCU' }, limit: 100 }),
      index: 'sqlite_autoindex_organisation_2',
    },
    {
      name: 'the party directory of one kind, a page after a name (0028)',
      read: ({ identity }) =>
        identity.listOrganisations({
          orderBy: 'name',
          kinds: ['haulier'],
          after: { name: 'Delta', orgId: 'o-1' },
          limit: 100,
        }),
      index: 'organisation_kind_name_idx',
    },
    {
      name: 'the party directory of every kind it shows, a page of each kind after a name (0028)',
      read: ({ identity }) =>
        identity.listOrganisations({
          orderBy: 'name',
          kinds: ['forwarder', 'haulier', 'shipping_line'],
          after: { name: 'Delta', orgId: 'o-1' },
          limit: 100,
        }),
      index: 'organisation_kind_name_idx',
    },
    {
      name: 'an organisation’s users by username, backwards, a page after a cursor (0023)',
      read: ({ identity }) =>
        identity.listUsers({
          orgId: 'o1',
          sort: { by: 'username', direction: 'desc', after: { key: 'bob', id: 'u-1' } },
          limit: 100,
        }),
      index: 'app_user_org_username_idx',
    },
    {
      name: 'a haulier’s phones in one state, newest first, a page after a device (0028)',
      read: ({ gate }) =>
        gate.devicesOfOrg('o1', 'pending', {
          after: { enrolledAt: at, deviceId: 'd-1' },
          direction: 'desc',
          limit: 100,
        }),
      index: 'driver_device_org_status_enrolled_idx',
    },
    {
      name: 'users by display name, backwards, a page after a cursor (0033)',
      read: ({ identity }) =>
        identity.listUsers({
          sort: { by: 'displayName', direction: 'desc', after: { key: 'Anna', id: 'u-1' } },
          limit: 100,
        }),
      index: 'app_user_display_name_idx',
    },
    {
      name: 'API tokens by expiry, a page after a cursor (0033)',
      read: ({ identity }) =>
        identity.listApiTokens({
          sort: { by: 'expiresAt', direction: 'asc', after: { key: at, id: 't-1' } },
          limit: 100,
        }),
      index: 'api_token_expires_idx',
    },
    {
      name: 'organisations by creation, backwards, a page after a cursor (0033)',
      read: ({ identity }) =>
        identity.listOrganisations({
          sort: { by: 'createdAt', direction: 'desc', after: { key: at, id: 'o-1' } },
          limit: 100,
        }),
      index: 'organisation_created_idx',
    },
    {
      name: 'the requests one person made, by kind, a page after a cursor (0033)',
      read: ({ identity }) =>
        identity.listApprovals({
          orgId: 'o1',
          requestedBy: 'u-1',
          sort: { by: 'kind', direction: 'asc', after: { key: 'role.grant', id: 'r-1' } },
          limit: 100,
        }),
      index: 'approval_requester_kind_idx',
    },
  ];

  it('a search reads one range of one index per key, in reference order, and the page by key (0031)', async () => {
    captured.length = 0;
    await createReadModelRepository({ db, dialect: storeDialect('sqlite') }).searchVisits({
      text: '1ABC123',
      containerNumber: 'MSCU1234565',
      after: 'V-1',
      limit: 50,
    });
    const statements = [...captured];
    const plans: string[] = [];
    for (const query of statements) {
      const { rows } = await db.executeQuery<{ detail: string }>({
        ...query,
        sql: `explain query plan ${query.sql}`,
      });
      plans.push(rows.map((row) => row.detail).join('\n'));
    }
    // The container number's range is one box's visits (a handful, however long the history): sorting them is
    // bounded, so it reads the index it already has (0027) rather than one more on every visit write.
    expect(plans[0]).toMatch(
      /^SEARCH visit USING (COVERING )?INDEX visit_container_\w+ \(container_number=\?/m,
    );
    plans.shift();
    // The six search columns and the booking's truck: seven ranges in reference order, no sort.
    const expected = [
      'visit_search_transport_document_idx',
      'visit_search_carrier_booking_idx',
      'visit_search_arrival_vessel_call_idx',
      'visit_search_departure_vessel_call_idx',
      'visit_search_arrival_truck_plate_idx',
      'visit_search_departure_truck_plate_idx',
      'driver_job_truck_plate_idx',
    ];
    expect(plans).toHaveLength(expected.length);
    for (const [i, index] of expected.entries()) {
      expect(plans[i]).toMatch(new RegExp(`^SEARCH \\w+ USING (COVERING )?INDEX ${index} \\(`, 'm'));
      expect(plans[i]).not.toMatch(/TEMP B-TREE/);
    }
  });

  for (const { name, read, index } of cases) {
    it(`${name}: ${index}, no sort`, async () => {
      captured.length = 0;
      await read({
        identity: createIdentityRepository({ db }),
        models: createReadModelRepository({ db, dialect: storeDialect('sqlite') }),
        gate: createGateRepository({ db }),
        tables: createReadModelTablesRepository({ db, dialect: storeDialect('sqlite') }),
        releases: createReleaseRepository({ db }),
        queues: createQueueCountRepository({ db, dialect: storeDialect('sqlite') }),
      });
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
