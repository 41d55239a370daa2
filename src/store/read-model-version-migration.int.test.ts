import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { LedgerStore } from '../app/ports.js';
import { READ_MODEL_VERSION } from '../app/read-model-projection.js';
import { type StoreDialectName, storeDialect } from './dialect.js';
import { ledgerMigrationProvider, migrate } from './migrations/index.js';
import type { MigrationDb } from './migrations/migration-db.js';
import { createPostgresKysely, createSqliteKysely, openLedgerStore } from './open-store.js';
import { createReadModelTablesRepository } from './read-model-tables.repository.js';
import { dropSchema, postgresReachable, TEST_POSTGRES_URL, uniqueSchemaName } from './testing/databases.js';
import { makeEvents } from './testing/fixtures.js';

interface Database {
  readonly kind: StoreDialectName;
  openStore(): Promise<LedgerStore>;
  openDb(): Promise<{ db: MigrationDb; migrator: Migrator }>;
  cleanup(): Promise<void>;
}

function sqliteDatabase(): Database {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-read-model-version-'));
  const path = join(dir, 'ledger.db');
  return {
    kind: 'sqlite',
    openStore: () => openLedgerStore(`sqlite:${path}`),
    async openDb() {
      const db = createSqliteKysely(path);
      return { db, migrator: new Migrator({ db, provider: ledgerMigrationProvider('sqlite') }) };
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresDatabase(): Database {
  const schema = uniqueSchemaName('rmversion');
  return {
    kind: 'postgres',
    openStore: () => openLedgerStore(TEST_POSTGRES_URL, { schema }),
    async openDb() {
      const db = await createPostgresKysely(TEST_POSTGRES_URL, { schema });
      const provider = ledgerMigrationProvider('postgres');
      return { db, migrator: new Migrator({ db, provider, migrationTableSchema: schema }) };
    },
    cleanup: () => dropSchema(schema),
  };
}

const databases = [
  { name: 'SQLite', make: sqliteDatabase },
  ...((await postgresReachable()) ? [{ name: 'PostgreSQL', make: postgresDatabase }] : []),
];

describe.each(databases)('0018_read_model_version ($name)', ({ make }) => {
  it('records the current projection version on a fresh database, and the store records a new one', async () => {
    const where = make();
    try {
      const store = await where.openStore();
      try {
        expect(await store.readModels?.projectionVersion()).toBe(READ_MODEL_VERSION);
        await store.writeTransaction((tx) => tx.readModels!.recordProjectionVersion(READ_MODEL_VERSION + 1));
        expect(await store.readModels?.projectionVersion()).toBe(READ_MODEL_VERSION + 1);
      } finally {
        await store.close();
      }
    } finally {
      await where.cleanup();
    }
  });

  it('records 0, built before the version was recorded, on a database whose log already holds events', async () => {
    const where = make();
    try {
      const store = await where.openStore();
      await store.writeTransaction(async (tx) => {
        await tx.appendToStream('visit-a', 0, makeEvents({ streamId: 'visit-a', fromIndex: 0, count: 2 }));
      });
      await store.close();

      const { db, migrator } = await where.openDb();
      try {
        // The database as the release before this migration left it, its log holding events.
        const { error, results } = await migrator.migrateTo('0017_witness_cosignatures');
        expect(error).toBeUndefined();
        expect(results?.map((r) => r.migrationName)).toEqual(['0018_read_model_version']);
        expect((await migrate(db)).applied).toEqual(['0018_read_model_version']);
        const tables = createReadModelTablesRepository({ db, dialect: storeDialect(where.kind) });
        expect(await tables.projectionVersion()).toBe(0);
      } finally {
        await db.destroy();
      }
    } finally {
      await where.cleanup();
    }
  });
});
