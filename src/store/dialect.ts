/**
 * The one place where SQLite and PostgreSQL differ for the store (in the manner of Kysely's own `Dialect`):
 * column types, how many bound parameters one statement may carry, and how each reports a unique violation.
 * Everything else is the same SQL on both.
 */
import { type Expression, sql } from 'kysely';

export type StoreDialectName = 'sqlite' | 'postgres';

export interface StoreDialect {
  readonly name: StoreDialectName;
  /** Column type of 64-bit integers (leaf indices, tree sizes). On SQLite `integer primary key` is the rowid. */
  readonly int8Type: 'integer' | 'bigint';
  readonly blobType: 'blob' | 'bytea';
  /**
   * Column type of text that is sorted and paged on (visit references, block names): byte order everywhere, so
   * that keyset pagination and listings agree across databases whatever the server's locale.
   */
  readonly orderedTextType: 'text' | Expression<unknown>;
  /** Bound parameters per statement we allow ourselves, below the database's own limit. */
  readonly maxParameters: number;
  /** The marker of the n-th bound parameter (1-based) in SQL text: `?` on SQLite, `$n` on PostgreSQL. */
  parameterMarker(n: number): string;
  /**
   * When `error` is a unique or primary-key violation, text naming the violated key (its columns or
   * constraint name); otherwise `undefined`.
   */
  uniqueViolation(error: unknown): string | undefined;
}

interface DriverError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly constraint?: unknown;
  readonly detail?: unknown;
}

const sqlite: StoreDialect = {
  name: 'sqlite',
  int8Type: 'integer',
  blobType: 'blob',
  // SQLite compares text with BINARY unless told otherwise.
  orderedTextType: 'text',
  // SQLITE_MAX_VARIABLE_NUMBER is 32766 since SQLite 3.32; better-sqlite3 12 bundles 3.5x.
  maxParameters: 30_000,
  parameterMarker: () => '?',
  uniqueViolation(error) {
    const { code, message } = (error ?? {}) as DriverError;
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
    // "UNIQUE constraint failed: event.stream_id, event.stream_version"
    return String(message);
  },
};

const postgres: StoreDialect = {
  name: 'postgres',
  int8Type: 'bigint',
  blobType: 'bytea',
  orderedTextType: sql`text collate "C"`,
  // The wire protocol counts parameters in 16 bits.
  maxParameters: 65_000,
  parameterMarker: (n) => `$${n}`,
  uniqueViolation(error) {
    const { code, constraint, detail } = (error ?? {}) as DriverError;
    if (code !== '23505') return undefined;
    // constraint: "event_stream_version_unique", detail: "Key (stream_id, stream_version)=(…) already exists."
    return `${String(constraint)} ${String(detail)}`;
  },
};

/**
 * The dialect object of one database.
 *
 * @example
 * const dialect = storeDialect('sqlite');
 * dialect.uniqueViolation(error)?.includes('stream_version');
 */
export function storeDialect(name: StoreDialectName): StoreDialect {
  return name === 'postgres' ? postgres : sqlite;
}

/**
 * SQL text of a multi-row `insert` of `rows` rows, cached per row count. The append path runs these on every
 * transaction, so they skip Kysely's query builder and compiler; the text is fixed, the values are bound.
 */
export function multiRowInsert(dialect: StoreDialect, table: string, columns: readonly string[]) {
  const cache = new Map<number, string>();
  return (rows: number): string => {
    let text = cache.get(rows);
    if (!text) {
      const tuples = Array.from(
        { length: rows },
        (_, row) =>
          `(${columns.map((_, column) => dialect.parameterMarker(row * columns.length + column + 1)).join(', ')})`,
      );
      text = `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`;
      if (cache.size < 64) cache.set(rows, text);
    }
    return text;
  };
}
