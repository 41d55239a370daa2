import { join } from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import type { LedgerStore } from '../app/ports.js';
import { createKyselyLedgerStore } from './kysely-store.js';
import { createMemoryLedgerStore } from './memory-store.js';
import { migrate } from './migrations/index.js';
import { createPostgresKysely, createSqliteKysely } from './open-store.js';
import { describeQueueCountContract } from './queue-counts.contract.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  tempDirectory,
  uniqueSchemaName,
} from './testing/databases.js';

/** The work queue counts' contract (issue 14) against every adapter, each test on a fresh store. */
function describeOn(name: string, open: () => Promise<{ store: LedgerStore; cleanup: () => Promise<void> }>) {
  describe(`queue counts: ${name}`, () => {
    let store: LedgerStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(() => cleanup());
    describeQueueCountContract(() => store);
  });
}

describeOn('memory', async () => {
  const store = createMemoryLedgerStore();
  return { store, cleanup: () => store.close() };
});

describeOn('SQLite', async () => {
  const dir = tempDirectory('queue-counts');
  const db = createSqliteKysely(join(dir.path, 'ledger.db'));
  await migrate(db, { dialect: 'sqlite' });
  const store = createKyselyLedgerStore({ db, dialect: 'sqlite' });
  return {
    store,
    cleanup: async () => {
      await store.close();
      dir.remove();
    },
  };
});

await describeWithPostgres('PostgreSQL queue counts', () => {
  describeOn('PostgreSQL', async () => {
    const schema = uniqueSchemaName('queues');
    const db = await createPostgresKysely(TEST_POSTGRES_URL, { schema });
    await migrate(db, { dialect: 'postgres' });
    const store = createKyselyLedgerStore({ db, dialect: 'postgres' });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });
});
