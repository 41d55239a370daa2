/**
 * The log read for the integrity check's fast path (`LogScan`, issue 13), on its own connection and straight through
 * the driver: one statement a page, rows as arrays of numbers and text. The statement holds each row to its leaf
 * (the leaf is the row's header and data framed as `log-entry.ts` frames them) and hex-encodes the MAC and the leaf
 * hash, so that the check gets five values a row instead of eleven, and no Buffer (a driver makes a Buffer with a
 * backing store of its own for every blob, several times the cost of a short string).
 *
 * The framing is spelt here in SQL: a leaf layout that `log-entry.ts` changes without this file makes the flag 0 for
 * every row (the check then reads each row the exact way, slowly), and the contract test
 * (`log-scan.int.test.ts`) fails. Header texts are framed as `"` + text + `"`, which is what RFC 8785 (and
 * `JSON.stringify`) writes for text without `"`, `\` or a control character; any other header goes the exact way.
 */
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import type { LogScan, ScannedLogRow } from '../app/audit/index.js';

const LARGEST_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** SQLite: the leaf as `log-entry.ts` frames a row; `idx` and `stream_version` are written as integers are. */
const SQLITE_FRAMED = `cast('{"at":"' || e.recorded_at || '","data":' || e.data || ',"id":"' || e.event_id || '","index":' || e.idx || ',"stream":"' || e.stream_id || '","type":"' || e.type || '","v":1,"version":' || e.stream_version || '}' as blob)`;

/**
 * Header texts that RFC 8785 writes between two quotes as they are: those `json_quote` leaves as they are. It escapes
 * `"`, `\` and U+0000–U+001F, which is what `JSON.stringify` escapes in text a UTF-8 database can hold (the contract
 * test checks every character of the BMP).
 */
const SQLITE_HEADER = '(e.recorded_at || e.event_id || e.stream_id || e.type)';
const SQLITE_PLAIN_HEADER = `json_quote(${SQLITE_HEADER}) = '"' || ${SQLITE_HEADER} || '"'`;

const SQLITE_ROWS = `select e.idx,
  (typeof(e.leaf) = 'blob' and typeof(e.data) = 'text' and typeof(e.recorded_at) = 'text'
    and typeof(e.event_id) = 'text' and typeof(e.stream_id) = 'text' and typeof(e.type) = 'text'
    and typeof(e.stream_version) = 'integer' and e.stream_version between 0 and ${LARGEST_SAFE_INTEGER}
    and ${SQLITE_PLAIN_HEADER}
    and e.leaf = ${SQLITE_FRAMED}),
  case when typeof(e.leaf) = 'blob' then cast(e.leaf as text) end,
  case when typeof(e.writer_mac) = 'blob' then lower(hex(e.writer_mac)) end,
  case when typeof(n.hash) = 'blob' then lower(hex(n.hash)) end
from event e left join audit_node n on n.last_leaf = e.idx and n.level = 0
where e.idx >= ? and e.idx < ? order by e.idx`;

/**
 * PostgreSQL: the same, its columns typed by the schema. Headers count as plain when they are printable ASCII other
 * than `"` and `\` (text cannot hold a NUL there); others go the exact way.
 */
const POSTGRES_ROWS = `select e.idx::float8,
  (e.stream_version between 0 and ${LARGEST_SAFE_INTEGER}
    and (e.recorded_at || e.event_id || e.stream_id || e.type) ~ '^[ !#-[\\]-~]*$'
    and e.leaf = convert_to('{"at":"' || e.recorded_at || '","data":' || e.data || ',"id":"' || e.event_id || '","index":' || e.idx || ',"stream":"' || e.stream_id || '","type":"' || e.type || '","v":1,"version":' || e.stream_version || '}', 'UTF8'))::int,
  convert_from(e.leaf, 'UTF8'),
  encode(e.writer_mac, 'hex'),
  encode(n.hash, 'hex')
from event e left join audit_node n on n.last_leaf = e.idx and n.level = 0
where e.idx >= $1 and e.idx < $2 order by e.idx`;

/**
 * A scan of the log a database URL names, or undefined for a database it cannot reach on a connection of its own
 * (in memory). PostgreSQL's `convert_from` refuses a leaf that is not UTF-8: the page's read then fails, and the
 * check reads that page the exact way.
 *
 * @example
 * const scan = await openLogScan('sqlite:data/portledger.db');
 * const rows = await scan?.readRows(0, 5000);
 */
export async function openLogScan(
  databaseUrl: string,
  options: { readonly schema?: string } = {},
): Promise<LogScan | undefined> {
  if (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:') {
    const rest = databaseUrl.slice('sqlite:'.length);
    const database = new Sqlite(rest.startsWith('//') ? rest.slice(2) : rest, {
      readonly: true,
      fileMustExist: true,
    });
    database.pragma('busy_timeout = 30000');
    // Pages read through a memory map rather than one read() each: about a fifth of a row's cost in a scan of the
    // whole log. SQLite maps at most SQLITE_MAX_MMAP_SIZE (2 GB by default) and reads the rest as before.
    database.pragma('mmap_size = 2147418112');
    const statement = database.prepare<[number, number], ScannedLogRow>(SQLITE_ROWS).raw(true);
    return {
      readRows: async (from, end) => statement.all(from, end) as unknown as ScannedLogRow[],
      close: async () => {
        database.close();
      },
    };
  }
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    const client = new pg.Client({
      connectionString: databaseUrl,
      // The schema as `openLedgerStore` sets it (its name is checked there before a store exists).
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    client.on('error', () => undefined);
    await client.connect();
    return {
      async readRows(from, end) {
        const result = await client.query<[number, number, string | null, string | null, string | null]>({
          name: 'portledger-log-scan',
          text: POSTGRES_ROWS,
          values: [from, end],
          rowMode: 'array',
        });
        return result.rows;
      },
      close: () => client.end(),
    };
  }
  return undefined;
}
