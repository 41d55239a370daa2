import { sql } from 'kysely';
import { createKyselyLedgerStore } from './kysely-store.js';
import { describeLedgerStoreContract } from './ledger-store.contract.js';
import { migrate } from './migrations/index.js';
import { createPostgresKysely } from './open-store.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  uniqueSchemaName,
} from './testing/databases.js';

await describeWithPostgres('PostgreSQL store', () => {
  describeLedgerStoreContract('PostgreSQL (a fresh schema per test)', async () => {
    const schema = uniqueSchemaName('contract');
    const db = await createPostgresKysely(TEST_POSTGRES_URL, { schema });
    await migrate(db, { dialect: 'postgres' });
    const store = createKyselyLedgerStore({ db, dialect: 'postgres' });
    return {
      store,
      rawSql: (text) => sql.raw(text).execute(db),
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });
});
