import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import type { LedgerStore } from '../../app/ports.js';
import type { StoreDialectName } from '../dialect.js';
import { ledgerMigrationProvider } from '../migrations/index.js';
import type { MigrationDb } from '../migrations/migration-db.js';
import { createPostgresKysely, createSqliteKysely, openLedgerStore } from '../open-store.js';
import { dropSchema, postgresReachable, TEST_POSTGRES_URL, uniqueSchemaName } from './databases.js';

/** A database for a migration test: the store, and the database past the store with its own migrator. */
export interface MigrationTestDatabase {
  readonly kind: StoreDialectName;
  openStore(): Promise<LedgerStore>;
  /** The database past the store, with a migrator that keeps its bookkeeping where `migrate` does. */
  openDb(): Promise<{ db: MigrationDb; migrator: Migrator }>;
  cleanup(): Promise<void>;
}

function sqliteDatabase(prefix: string): MigrationTestDatabase {
  const dir = mkdtempSync(join(tmpdir(), `portledger-${prefix}-`));
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

function postgresDatabase(prefix: string): MigrationTestDatabase {
  const schema = uniqueSchemaName(prefix);
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

/**
 * The databases a migration test runs on: SQLite always, PostgreSQL when it answers. Each `make()` gives a fresh
 * file or schema named after `prefix`.
 */
export async function migrationTestDatabases(
  prefix: string,
): Promise<{ name: string; make: () => MigrationTestDatabase }[]> {
  return [
    { name: 'SQLite', make: () => sqliteDatabase(prefix) },
    ...((await postgresReachable()) ? [{ name: 'PostgreSQL', make: () => postgresDatabase(prefix) }] : []),
  ];
}
