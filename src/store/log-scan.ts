/**
 * The log read for the integrity check's fast path (`LogScan`, issue 13), on its own connection and straight through
 * the driver: two statements a page, rows as arrays of numbers and text. The first holds each row to its leaf (the
 * leaf is the row's header and data framed as `log-entry.ts` frames them) and hex-encodes the MAC, so that the check
 * gets four values a row instead of eleven, and no Buffer (a driver makes a Buffer with a backing store of its own
 * for every blob, several times the cost of a short string); the second hands over the page's leaf hashes as one
 * text.
 *
 * The framing is spelt here in SQL: a leaf layout that `log-entry.ts` changes without this file makes the flag 0 for
 * every row (the check then reads each row the exact way, slowly), and the contract test
 * (`log-scan.int.test.ts`) fails.
 */
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import type { LogScan, ScannedLogRow } from '../app/audit/index.js';

const LARGEST_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * SQLite: the leaf as `log-entry.ts` frames a row, `idx` and `stream_version` written as integers are, each header
 * text quoted by `json_quote`, which writes a text exactly as `JSON.stringify` (and RFC 8785 §3.2.2.2) does: it
 * escapes `"`, `\` and U+0000–U+001F alike (the contract test checks every character of the BMP and beyond). A
 * header held as a blob makes `json_quote` fail the page's statement, and the check reads that page the exact way.
 */
const SQLITE_FRAMED = `cast('{"at":' || json_quote(e.recorded_at) || ',"data":' || e.data || ',"id":' || json_quote(e.event_id) || ',"index":' || e.idx || ',"stream":' || json_quote(e.stream_id) || ',"type":' || json_quote(e.type) || ',"v":1,"version":' || e.stream_version || '}' as blob)`;

const SQLITE_ROWS = `select e.idx,
  (typeof(e.stream_version) = 'integer' and e.stream_version between 0 and ${LARGEST_SAFE_INTEGER}
    and e.leaf = ${SQLITE_FRAMED}),
  case when typeof(e.leaf) = 'blob' then cast(e.leaf as text) end,
  case when typeof(e.writer_mac) = 'blob' then lower(hex(e.writer_mac)) end
from event e
where e.idx >= ? and e.idx < ? order by e.idx`;

/**
 * The page's leaf hashes in one text, with what says whether they are all there: as many level-0 nodes as indices,
 * the first and last where the page starts and ends (the key makes them distinct), each a 32-byte blob.
 */
const SQLITE_LEAF_HASHES = `select count(*), min(last_leaf), max(last_leaf),
  coalesce(sum(typeof(hash) = 'blob' and length(hash) = 32), 0), group_concat(lower(hex(hash)), '')
from (select last_leaf, hash from audit_node where level = 0 and last_leaf >= ? and last_leaf < ? order by last_leaf)`;

type LeafHashesRow = [
  count: number,
  first: number | null,
  last: number | null,
  whole: number,
  hex: string | null,
];

/** The page's leaf hashes as `ScannedLogPage.leafHashes` has them: null unless every one is there, whole. */
function leafHashesOf(
  [count, first, last, whole, hex]: LeafHashesRow,
  from: number,
  end: number,
): string | null {
  const all = count === end - from && whole === count && first === from && last === end - 1;
  return all && hex !== null ? hex : end === from ? '' : null;
}

/**
 * PostgreSQL: the same, its columns typed by the schema. Headers count as plain when they are printable ASCII other
 * than `"` and `\` (text cannot hold a NUL there); others go the exact way.
 */
const POSTGRES_ROWS = `select e.idx::float8,
  (e.stream_version between 0 and ${LARGEST_SAFE_INTEGER}
    and (e.recorded_at || e.event_id || e.stream_id || e.type) ~ '^[ !#-[\\]-~]*$'
    and e.leaf = convert_to('{"at":"' || e.recorded_at || '","data":' || e.data || ',"id":"' || e.event_id || '","index":' || e.idx || ',"stream":"' || e.stream_id || '","type":"' || e.type || '","v":1,"version":' || e.stream_version || '}', 'UTF8'))::int,
  convert_from(e.leaf, 'UTF8'),
  encode(e.writer_mac, 'hex')
from event e
where e.idx >= $1 and e.idx < $2 order by e.idx`;

const POSTGRES_LEAF_HASHES = `select count(*)::float8, min(last_leaf)::float8, max(last_leaf)::float8,
  coalesce(sum((octet_length(hash) = 32)::int), 0)::float8, string_agg(encode(hash, 'hex'), '' order by last_leaf)
from audit_node where level = 0 and last_leaf >= $1 and last_leaf < $2`;

/**
 * A scan of the log a database URL names, or undefined for a database it cannot reach on a connection of its own
 * (in memory). PostgreSQL's `convert_from` refuses a leaf that is not UTF-8: the page's read then fails, and the
 * check reads that page the exact way.
 *
 * @example
 * const scan = await openLogScan('sqlite:data/portledger.db');
 * const page = await scan?.readPage(0, 5000);
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
    const rows = database.prepare<[number, number], ScannedLogRow>(SQLITE_ROWS).raw(true);
    const leafHashes = database.prepare<[number, number], LeafHashesRow>(SQLITE_LEAF_HASHES).raw(true);
    return {
      async readPage(from, end) {
        const hashes = leafHashes.get(from, end) as unknown as LeafHashesRow;
        return {
          rows: rows.all(from, end) as unknown as ScannedLogRow[],
          leafHashes: leafHashesOf(hashes, from, end),
        };
      },
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
      async readPage(from, end) {
        const [rows, hashes] = await Promise.all([
          client.query<[number, number, string | null, string | null]>({
            name: 'portledger-log-scan-rows',
            text: POSTGRES_ROWS,
            values: [from, end],
            rowMode: 'array',
          }),
          client.query<LeafHashesRow>({
            name: 'portledger-log-scan-leaf-hashes',
            text: POSTGRES_LEAF_HASHES,
            values: [from, end],
            rowMode: 'array',
          }),
        ]);
        return { rows: rows.rows, leafHashes: leafHashesOf(hashes.rows[0]!, from, end) };
      },
      close: () => client.end(),
    };
  }
  return undefined;
}
