import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerStore, StoredEvent } from '../app/ports.js';
import { openLedgerStore } from './open-store.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  tempDirectory,
  uniqueSchemaName,
} from './testing/databases.js';
import { makeEvents } from './testing/fixtures.js';

/**
 * The acceptance check of MISSION §4 ("the database itself refuses UPDATE and DELETE on the event and leaf
 * tables"), through each database's own command-line client rather than through our code.
 */

async function seed(store: LedgerStore): Promise<StoredEvent[]> {
  return store
    .writeTransaction(async (tx) => {
      const events = makeEvents({ streamId: 'visit-a', fromIndex: 0, count: 3 });
      await tx.appendToStream('visit-a', 0, events);
      await tx.insertNodes([{ level: 0, index: 0, hash: new Uint8Array(32).fill(7) }]);
      await tx.insertCheckpoint({ treeSize: 3, rootHash: new Uint8Array(32), note: 'note', signedAt: 'now' });
      return events;
    })
    .then(async (events) => {
      // A witness's cosignature (migration 0017) is evidence too: written outside the log's transaction.
      await store.cosignatures.insertCosignature({
        treeSize: 3,
        witness: 'customs.test/witness',
        keyId: 1,
        rootHash: new Uint8Array(32),
        timestamp: 1,
        line: '\u2014 customs.test/witness AAAA\n',
        receivedAt: 'now',
      });
      return events;
    });
}

const attacks = [
  { table: 'event', statement: "UPDATE event SET type='x'" },
  { table: 'event', statement: 'DELETE FROM event' },
  { table: 'audit_node', statement: 'UPDATE audit_node SET hash = hash' },
  { table: 'audit_node', statement: 'DELETE FROM audit_node' },
  { table: 'checkpoint', statement: "UPDATE checkpoint SET note='forged'" },
  { table: 'checkpoint', statement: 'DELETE FROM checkpoint' },
  { table: 'cosignature', statement: "UPDATE cosignature SET line='forged'" },
  { table: 'cosignature', statement: 'DELETE FROM cosignature' },
];

describe('append-only, checked with the sqlite3 client', () => {
  const dir = tempDirectory('append-only');
  const file = join(dir.path, 'ledger.db');
  let seeded: StoredEvent[];

  beforeAll(async () => {
    const store = await openLedgerStore(`sqlite:${file}`);
    seeded = await seed(store);
    await store.close();
  });
  afterAll(() => dir.remove());

  it.each(attacks)('sqlite3 FILE "$statement" fails with the trigger message', ({ table, statement }) => {
    const result = spawnSync('sqlite3', [file, statement], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`portledger: ${table} is append-only; a correction is a new event`);
  });

  it('leaves the rows as they were', async () => {
    const store = await openLedgerStore(`sqlite:${file}`);
    try {
      expect(await store.readEvents(0, 10)).toEqual(seeded);
      expect(await store.readNodes([{ level: 0, index: 0 }])).toEqual([new Uint8Array(32).fill(7)]);
      expect((await store.latestCheckpoint())?.note).toBe('note');
      expect((await store.cosignatures.cosignaturesOf([3])).map((c) => c.line)).toEqual([
        '\u2014 customs.test/witness AAAA\n',
      ]);
    } finally {
      await store.close();
    }
  });
});

await describeWithPostgres('append-only, checked with psql', () => {
  const schema = uniqueSchemaName('append_only');
  let seeded: StoredEvent[];
  const psql = (statement: string) =>
    spawnSync(
      'psql',
      [TEST_POSTGRES_URL, '-X', '-v', 'ON_ERROR_STOP=1', '-c', `SET search_path=${schema}; ${statement}`],
      {
        encoding: 'utf8',
      },
    );

  beforeAll(async () => {
    const store = await openLedgerStore(TEST_POSTGRES_URL, { schema });
    seeded = await seed(store);
    await store.close();
  });
  afterAll(() => dropSchema(schema));

  it.each([
    ...attacks,
    { table: 'event', statement: 'TRUNCATE event' },
    { table: 'cosignature', statement: 'TRUNCATE cosignature' },
  ])('psql -c "$statement" fails with the trigger message, even as superuser', ({ table, statement }) => {
    const result = psql(statement);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`portledger: ${table} is append-only; a correction is a new event`);
  });

  it.each([
    'UPDATE event SET type = $$x$$',
    'DELETE FROM audit_node',
    'TRUNCATE checkpoint',
    'DELETE FROM cosignature',
  ])('the application role portledger_app has no privilege for "%s"', (statement) => {
    const result = psql(`SET ROLE portledger_app; ${statement}`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/permission denied for table (event|audit_node|checkpoint|cosignature)/);
  });

  it('the application role may still read and append', () => {
    const result = psql('SET ROLE portledger_app; SELECT count(*) FROM event; SELECT size FROM log_head');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the application role may read and change the identity tables', () => {
    const result = psql(
      'SET ROLE portledger_app; ' +
        "INSERT INTO login_failure (key, at) VALUES ('ip:192.0.2.7', '2025-01-01T08:00:00.000Z'); " +
        "UPDATE session SET revoked_at = 'now' WHERE false; DELETE FROM login_failure; " +
        'SELECT count(*) FROM app_user, organisation, passkey, password_credential, enrolment_link, api_token, ' +
        'webauthn_challenge, approval',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('leaves the rows as they were', async () => {
    const store = await openLedgerStore(TEST_POSTGRES_URL, { schema });
    try {
      expect(await store.readEvents(0, 10)).toEqual(seeded);
      expect(await store.readNodes([{ level: 0, index: 0 }])).toEqual([new Uint8Array(32).fill(7)]);
      expect((await store.latestCheckpoint())?.note).toBe('note');
      expect((await store.cosignatures.cosignaturesOf([3])).map((c) => c.line)).toEqual([
        '\u2014 customs.test/witness AAAA\n',
      ]);
    } finally {
      await store.close();
    }
  });
});
