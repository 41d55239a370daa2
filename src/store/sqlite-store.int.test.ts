import { join } from 'node:path';
import { sql } from 'kysely';
import { createKyselyLedgerStore } from './kysely-store.js';
import { describeLedgerStoreContract } from './ledger-store.contract.js';
import { migrate } from './migrations/index.js';
import { createSqliteKysely } from './open-store.js';
import { tempDirectory } from './testing/databases.js';

describeLedgerStoreContract('SQLite (file)', async () => {
  const dir = tempDirectory('sqlite-contract');
  const db = createSqliteKysely(join(dir.path, 'ledger.db'));
  await migrate(db, { dialect: 'sqlite' });
  const store = createKyselyLedgerStore({ db, dialect: 'sqlite' });
  return {
    store,
    rawSql: (text) => sql.raw(text).execute(db),
    cleanup: async () => {
      await store.close();
      dir.remove();
    },
  };
});
