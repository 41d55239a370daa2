import { join } from 'node:path';
import { sql } from 'kysely';
import { createKyselyLedgerStore } from './kysely-store.js';
import { describeLedgerStoreContract } from './ledger-store.contract.js';
import { migrate } from './migrations/index.js';
import { createSqliteKysely } from './open-store.js';
import { createSqliteWriterKysely } from './sqlite-writer.js';
import { tempDirectory } from './testing/databases.js';

for (const writerThread of [false, true]) {
  describeLedgerStoreContract(
    `SQLite (file${writerThread ? ', writes on a worker thread' : ''})`,
    async () => {
      const dir = tempDirectory('sqlite-contract');
      const path = join(dir.path, 'ledger.db');
      const db = createSqliteKysely(path);
      await migrate(db, { dialect: 'sqlite' });
      const writer = writerThread ? createSqliteWriterKysely(path) : undefined;
      const store = createKyselyLedgerStore({ db, writer, dialect: 'sqlite' });
      return {
        store,
        rawSql: (text) => sql.raw(text).execute(db),
        cleanup: async () => {
          await store.close();
          dir.remove();
        },
      };
    },
  );
}
