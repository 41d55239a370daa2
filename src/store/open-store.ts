import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import type { LedgerStore } from '../app/ports.js';
import { createKyselyLedgerStore } from './kysely-store.js';
import { createMemoryLedgerStore } from './memory-store.js';
import { migrate } from './migrations/index.js';
import { preparedStatementName } from './prepared-statements.js';
import type { Database } from './schema.js';
import { createSqliteWriterKysely, SQLITE_CONNECTION_PRAGMAS } from './sqlite-writer.js';

/** The database URL or a store option cannot be used. */
export class StoreConfigError extends Error {
  readonly code = 'store.bad_url' as const;
  constructor(message: string) {
    super(message);
    this.name = 'StoreConfigError';
  }
}

export interface OpenLedgerStoreOptions {
  /** PostgreSQL only: the schema to keep the ledger in, created when missing. Lower-case letters, digits, `_`. */
  readonly schema?: string;
  /** PostgreSQL only: connections in the pool (default 10). */
  readonly poolSize?: number;
  /**
   * SQLite only: where write transactions run, on a worker thread (the default, issue 13) or in place on the main
   * thread's connection (what the benchmark compares it with).
   */
  readonly sqliteWriter?: 'thread' | 'in-place';
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens (and migrates) the ledger store a URL names:
 * - `sqlite:PATH` — a SQLite file, created with its directory when missing, in WAL mode with
 *   `synchronous=FULL` so that a commit survives power loss, not only a crash;
 * - `sqlite::memory:` — a private in-memory SQLite database;
 * - `postgres://…` or `postgresql://…` — a PostgreSQL pool;
 * - `memory:` — the in-memory adapter.
 *
 * @example
 * const store = await openLedgerStore('sqlite:data/ledger.db');
 * const store = await openLedgerStore('postgres://app@db/port', { schema: 'portledger' });
 */
export async function openLedgerStore(
  url: string,
  options: OpenLedgerStoreOptions = {},
): Promise<LedgerStore> {
  if (url === 'memory:') return createMemoryLedgerStore();
  if (url.startsWith('sqlite:')) return openSqlite(sqlitePath(url), options);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  throw new StoreConfigError(
    `unsupported database URL ${describeDatabaseUrl(url)}: use sqlite:PATH, sqlite::memory:, postgres://… or memory:`,
  );
}

/**
 * The URL without secrets, for logs: no password, no query string.
 *
 * @example
 * describeDatabaseUrl('postgres://app:s3cret@db:5432/port?sslmode=require'); // 'postgres://app@db:5432/port'
 */
export function describeDatabaseUrl(url: string): string {
  if (url === 'memory:' || url.startsWith('sqlite:')) return url;
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${parsed.username}@` : '';
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
    return scheme ? `${scheme}…` : '(not a URL)';
  }
}

function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length);
  // sqlite:///abs/path and sqlite://rel/path as well as sqlite:path.
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') throw new StoreConfigError('sqlite: URL without a path');
  return path;
}

async function openSqlite(path: string, options: OpenLedgerStoreOptions): Promise<LedgerStore> {
  // A second connection to ':memory:' would be another, empty database: there the writes stay in place.
  const inPlace = path === ':memory:' || options.sqliteWriter === 'in-place';
  return migrated(createSqliteKysely(path), 'sqlite', () =>
    inPlace ? undefined : createSqliteWriterKysely(path),
  );
}

async function openPostgres(url: string, options: OpenLedgerStoreOptions): Promise<LedgerStore> {
  return migrated(await createPostgresKysely(url, options), 'postgres');
}

/**
 * A Kysely over a SQLite file (or `:memory:`), not yet migrated: WAL, `synchronous=FULL` (a commit survives power
 * loss, not only a crash), a 30 s busy timeout for the other processes' writers, foreign keys on.
 *
 * @example
 * const db = createSqliteKysely('data/ledger.db');
 * await migrate(db);
 */
export function createSqliteKysely(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new Sqlite(path);
  // The busy timeout first (it leads the list): switching a fresh file to WAL needs a lock another process may hold.
  const [busyTimeout, ...pragmas] = SQLITE_CONNECTION_PRAGMAS;
  database.pragma(busyTimeout);
  switchToWal(database);
  for (const pragma of pragmas) database.pragma(pragma);
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

/**
 * Switches the file to WAL. The switch upgrades a read lock to an exclusive one, and SQLite answers SQLITE_BUSY at
 * once, without its busy handler, when another process's writer holds the file meanwhile (the handler would
 * deadlock the two); two processes opening a fresh file together meet exactly that. So: retry, up to the busy
 * timeout. Once the file is in WAL mode, the switch is a no-op that takes no such lock.
 */
function switchToWal(database: Sqlite.Database): void {
  const deadline = Date.now() + 30_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 25);
    }
  }
}

/**
 * A Kysely over a PostgreSQL pool, not yet migrated. With `schema`, the schema is created when missing and is
 * the only one on every connection's `search_path`.
 *
 * @example
 * const db = await createPostgresKysely('postgres://app@db/port', { schema: 'portledger' });
 * await migrate(db);
 */
export async function createPostgresKysely(
  url: string,
  options: OpenLedgerStoreOptions = {},
): Promise<Kysely<Database>> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreConfigError(`schema name ${JSON.stringify(schema)} must match ${SCHEMA_NAME}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection that dies emits 'error' on the pool; without a listener that would end the process.
  // The next query on it fails and reports the problem where it matters.
  pool.on('error', () => undefined);
  try {
    if (schema !== undefined) await createSchema(pool, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
}

/**
 * The pool as the store's Kysely sees it: the store's registered statements (see `preparedStatement`) go as named
 * prepared statements, which `pg` parses once per connection and then only binds and executes; every other query
 * goes as before. The append path runs the same few texts on every transaction (the head lock, the one-statement
 * log write), and parsing and planning them each time was most of its cost over a raw insert.
 */
function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((text: unknown, parameters: unknown[] = []) => {
      if (typeof text !== 'string') return client.query(text as pg.Submittable);
      const name = preparedStatementName(text);
      return name === undefined
        ? client.query(text, parameters)
        : client.query({ name, text, values: parameters });
    }) as unknown as PostgresPoolClient['query'],
    release: (destroy) => client.release(destroy),
  });
  return {
    async connect() {
      const client = await pool.connect();
      let connection = wrapped.get(client);
      if (!connection) {
        connection = wrap(client);
        wrapped.set(client, connection);
      }
      return connection;
    },
    end: () => pool.end(),
  };
}

async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists "${schema}"`);
  } catch (error) {
    // Two processes creating the schema at once: the loser sees a unique violation on the catalogue.
    if ((error as { code?: unknown }).code !== '23505') throw error;
  }
}

async function migrated(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  writerOf: () => Kysely<Database> | undefined = () => undefined,
): Promise<LedgerStore> {
  try {
    await migrate(db, { dialect });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // Opened once the schema is there: the writer's connection reads the migrated file.
  return createKyselyLedgerStore({ db, writer: writerOf(), dialect });
}

/**
 * better-sqlite3 compiles a statement on every `prepare`; Kysely prepares every query. The store issues a
 * handful of distinct SQL texts, so caching their compiled statements saves that work on every transaction.
 * Safe because Kysely's SQLite driver runs one query at a time and never streams ours.
 */
function withStatementCache(database: Sqlite.Database, capacity = 256): SqliteDatabase {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= capacity) cache.clear();
        statement = database.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}
