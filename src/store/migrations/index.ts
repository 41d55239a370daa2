import {
  type Migration,
  type MigrationProvider,
  type MigrationResult,
  Migrator,
  PostgresAdapter,
  sql,
} from 'kysely';
import { type StoreDialectName, storeDialect } from '../dialect.js';
import { ledgerMigration0001 } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The migrations, in code rather than read from a folder, so that they travel with the compiled `dist/`.
 * Names sort in the order they apply.
 *
 * @example
 * new Migrator({ db, provider: ledgerMigrationProvider('sqlite') });
 */
export function ledgerMigrationProvider(dialect: StoreDialectName): MigrationProvider {
  const d = storeDialect(dialect);
  const migrations: Record<string, Migration> = {
    '0001_ledger': ledgerMigration0001(d),
  };
  return { getMigrations: async () => migrations };
}

export interface MigrateResult {
  /** Names of the migrations this run applied; empty when the schema was already current. */
  readonly applied: readonly string[];
}

/** A migration failed; nothing of the failed migration was kept (both databases have transactional DDL). */
export class MigrationError extends Error {
  readonly code = 'store.migration_failed' as const;
  constructor(
    message: string,
    readonly results: readonly MigrationResult[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/**
 * Brings the schema up to date. On PostgreSQL it migrates the first schema of the `search_path`, and keeps Kysely's
 * bookkeeping tables there too, so that several schemas in one database stay independent.
 *
 * @example
 * const { applied } = await migrate(db); // ['0001_ledger'] on a fresh database, [] afterwards
 */
export async function migrate(
  db: MigrationDb,
  options: { dialect?: StoreDialectName } = {},
): Promise<MigrateResult> {
  const dialect = options.dialect ?? detectDialect(db);
  const migrationTableSchema = dialect === 'postgres' ? await currentSchema(db) : undefined;
  const migrator = new Migrator({ db, provider: ledgerMigrationProvider(dialect), migrationTableSchema });
  for (let attempt = 1; ; attempt++) {
    const { error, results = [] } = await migrator.migrateToLatest();
    if (!error) {
      return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
    }
    // Two processes opening one fresh SQLite file race to create Kysely's tables; the loser retries.
    if (dialect === 'sqlite' && isSqliteBusy(error) && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
      continue;
    }
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      failed
        ? `portledger: migration ${failed} failed: ${reason}`
        : `portledger: migrating failed: ${reason}`,
      results,
      { cause: error },
    );
  }
}

function detectDialect(db: MigrationDb): StoreDialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

async function currentSchema(db: MigrationDb): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema)
    throw new MigrationError('portledger: no existing schema on the search_path to migrate into', []);
  return schema;
}

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
