/**
 * The SQLite writer off the main thread (issue 13). better-sqlite3 runs every statement synchronously, so a COMMIT
 * with `synchronous=FULL` holds the event loop for its fsync, and a write transaction's statements hold it for their
 * whole run: no other request moves meanwhile, and group commit (`group-commit.ts`) finds no company to share an
 * fsync with. Here a worker thread owns the write connection and the store's write transactions send it their
 * statements; the main thread answers other requests (its reads go to its own connection: WAL lets readers and one
 * writer work side by side) while the worker executes and commits.
 *
 * A round trip to the worker costs about 10 µs here, against about 2 µs for a statement run in place: a write's
 * latency grows a little and the main thread's work per write shrinks.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  CompiledQuery as Compiled,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { Database } from './schema.js';

/** The pragmas of every connection to the file, the main thread's and the writer's. */
export const SQLITE_CONNECTION_PRAGMAS = [
  // The busy timeout first: another process's writer may hold the file.
  'busy_timeout = 30000',
  // A commit survives power loss, not only a crash: no acknowledged write is lost.
  'synchronous = FULL',
  'foreign_keys = ON',
] as const;

/**
 * The worker's program, as source text run with `eval`: so the same worker runs from the compiled build and from
 * the TypeScript sources under the test runner, with no compiled file to find beside this module. It is kept
 * small: prepare (cached per SQL text, as the main thread's connection does), bind, run, answer.
 */
const WRITER_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.path);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const statements = new Map();
function prepare(text) {
  let statement = statements.get(text);
  if (!statement) {
    if (statements.size >= 256) statements.clear();
    statement = db.prepare(text);
    statements.set(text, statement);
  }
  return statement;
}
// Buffers cross the thread boundary as plain Uint8Arrays; bind them back as the BLOBs they were.
const bind = (value) =>
  value instanceof Uint8Array && !Buffer.isBuffer(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;
parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.close();
    return;
  }
  const { id, sql, parameters } = message;
  try {
    const statement = prepare(sql);
    const values = parameters.map(bind);
    if (statement.reader) parentPort.postMessage({ id, rows: statement.all(values) });
    else {
      const { changes, lastInsertRowid } = statement.run(values);
      parentPort.postMessage({ id, changes, lastInsertRowid });
    }
  } catch (error) {
    parentPort.postMessage({
      id,
      error: { message: String(error && error.message), code: error && error.code, name: error && error.name },
    });
  }
});
`;

interface WriterAnswer {
  readonly id: number;
  readonly rows?: unknown[];
  readonly changes?: number;
  readonly lastInsertRowid?: number | bigint;
  readonly error?: { message: string; code?: string; name?: string };
}

/** The worker and the requests waiting on it. */
class WriterThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<
    number,
    { resolve: (answer: WriterAnswer) => void; reject: (e: Error) => void }
  >();
  #nextId = 0;
  #failure: Error | undefined;
  readonly #exited: Promise<void>;

  constructor(path: string) {
    this.#worker = new Worker(WRITER_PROGRAM, {
      eval: true,
      // The program is CommonJS; a parent started with `--input-type=module` would make it ESM.
      execArgv: [],
      workerData: {
        path,
        pragmas: SQLITE_CONNECTION_PRAGMAS,
        // Resolved here, where the package is installed: the worker's own resolution starts from the cwd.
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      },
    });
    // Held open only while a statement is on its way: an idle store does not keep a finished CLI command alive.
    this.#worker.unref();
    this.#worker.on('message', (answer: WriterAnswer) => {
      const waiter = this.#waiting.get(answer.id);
      this.#waiting.delete(answer.id);
      if (this.#waiting.size === 0) this.#worker.unref();
      waiter?.resolve(answer);
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', (code) => {
        this.#fail(new Error(`the SQLite writer thread stopped (exit code ${code})`));
        resolve();
      }),
    );
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#waiting.values()) waiter.reject(this.#failure);
    this.#waiting.clear();
  }

  run(sql: string, parameters: readonly unknown[]): Promise<WriterAnswer> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, sql, parameters });
    });
  }

  async close(): Promise<void> {
    if (!this.#failure) this.#worker.postMessage({ close: true });
    this.#worker.ref();
    await this.#exited;
  }
}

class WriterConnection implements DatabaseConnection {
  constructor(private readonly thread: WriterThread) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const answer = await this.thread.run(compiledQuery.sql, compiledQuery.parameters);
    if (answer.error) {
      // The driver's error as the store knows it: its code tells a unique violation (`dialect.ts`).
      throw Object.assign(new Error(answer.error.message), {
        name: answer.error.name ?? 'SqliteError',
        code: answer.error.code,
      });
    }
    if (answer.rows) return { rows: answer.rows as R[] };
    return {
      rows: [],
      ...(answer.changes === undefined ? {} : { numAffectedRows: BigInt(answer.changes) }),
      ...(answer.lastInsertRowid === undefined ? {} : { insertId: BigInt(answer.lastInsertRowid) }),
    };
  }

  // biome-ignore lint/correctness/useYield: the store never streams through the writer; say so if it starts to.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the SQLite writer does not stream queries');
  }
}

/** One connection, as SQLite has: a second user waits for the first to release it. */
class WriterDriver implements Driver {
  #thread: WriterThread | undefined;
  #connection: WriterConnection | undefined;
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    this.#thread = new WriterThread(this.path);
    this.#connection = new WriterConnection(this.#thread);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    while (this.#held) await this.#held;
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
    return this.#connection!;
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(Compiled.raw('rollback'));
  }

  async destroy(): Promise<void> {
    await this.#thread?.close();
  }
}

class WriterDialect implements Dialect {
  constructor(private readonly path: string) {}
  createDriver(): Driver {
    return new WriterDriver(this.path);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/**
 * A Kysely whose one connection to the SQLite file at `path` lives on a worker thread: the store's write
 * transactions run on it. The file must exist and be migrated (the main thread's connection does that).
 *
 * @example
 * ```ts
 * const writer = createSqliteWriterKysely('data/ledger.db');
 * const store = createKyselyLedgerStore({ db, writer, dialect: 'sqlite' });
 * ```
 */
export function createSqliteWriterKysely(path: string): Kysely<Database> {
  return new Kysely<Database>({ dialect: new WriterDialect(path) });
}
