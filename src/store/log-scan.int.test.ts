import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogScan } from '../app/audit/index.js';
import { encodeLogEntry, leafHash, leafSaysRow, toHex } from '../audit/index.js';
import { openLogScan } from './log-scan.js';
import { openLedgerStore } from './open-store.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  tempDirectory,
  uniqueSchemaName,
} from './testing/databases.js';

/** Text a header may hold: quotes, backslashes, control characters, NUL, letters beyond ASCII, astral ones. */
const headerText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('a', '"', '\\', '\u0000', '\u0001', '\n', '\u001f', '\u007f', 'é', '😀', ' ', '~'),
    maxLength: 6,
  }),
);
const jsonData = fc.dictionary(
  fc.string({ maxLength: 6 }),
  fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
  {
    maxKeys: 3,
  },
);

/** A row as a writer stores it, then edited the ways a rogue administrator might. */
const storedRow = fc.record({
  eventId: headerText,
  streamId: headerText,
  type: headerText,
  recordedAt: headerText,
  data: jsonData,
  edit: fc.constantFrom('none', 'none', 'data text', 'spaced data', 'leaf byte', 'invalid utf-8', 'header'),
});

interface Written {
  eventId: string;
  streamId: string;
  type: string;
  recordedAt: string;
  streamVersion: number;
  dataText: string;
  leaf: Uint8Array;
  mac: Uint8Array | null;
}

type Sample = typeof storedRow extends fc.Arbitrary<infer T> ? T : never;

function rowsOf(samples: Sample[], offset: number): Written[] {
  return samples.map((sample, i) => {
    const { edit, data, ...header } = sample;
    // Unique as the table wants them: one version a stream, one id an event.
    const entry = {
      ...header,
      eventId: `${header.eventId}#${offset + i}`,
      streamVersion: offset + i + 1,
      index: offset + i,
      data,
    };
    let leaf = encodeLogEntry(entry);
    let dataText = JSON.stringify(data);
    let eventId = entry.eventId;
    if (edit === 'data text') dataText = JSON.stringify({ ...data, extra: 1 });
    if (edit === 'spaced data') dataText = JSON.stringify(data, null, 1);
    if (edit === 'leaf byte') leaf = Uint8Array.from(leaf, (byte, j) => (j === 3 ? byte ^ 1 : byte));
    if (edit === 'invalid utf-8') leaf = Uint8Array.from([...leaf.slice(0, -1), 0xc3, 0x7d]);
    if (edit === 'header') eventId = `${eventId}x`;
    const mac = i % 3 === 0 ? null : leafHash(leaf);
    return { ...entry, eventId, dataText, leaf, mac };
  });
}

/**
 * What the fast read must say of each row: never that it holds to its leaf when the exact check would not, and that
 * it does for every row the exact check accepts (on PostgreSQL, every such row whose headers are printable ASCII
 * other than `"` and `\`).
 */
async function expectScanAgrees(scan: LogScan, written: Written[], offset: number, plainAsciiOnly: boolean) {
  const page = await scan.readPage(offset, offset + written.length);
  const scanned = page.rows;
  expect(scanned.map((row) => row[0])).toEqual(written.map((_, i) => offset + i));
  expect(page.leafHashes).toBe(written.map((row) => toHex(leafHash(row.leaf))).join(''));
  for (const [i, row] of written.entries()) {
    const [, rowIsLeaf, leafText, macHex] = scanned[i]!;
    const header = { ...row, index: offset + i };
    const says = leafSaysRow(header, row.dataText, row.leaf);
    const plain =
      !plainAsciiOnly ||
      [row.recordedAt, row.eventId, row.streamId, row.type].every(
        (text) => JSON.stringify(text) === `"${text}"` && /^[\x20-\x7e]*$/.test(text),
      );
    expect(rowIsLeaf === 1, `row ${offset + i}: ${JSON.stringify(row)}`).toBe(says && plain);
    expect(leafText).toBe(new TextDecoder().decode(row.leaf));
    expect(macHex).toBe(row.mac ? toHex(row.mac) : null);
  }
}

describe('the log scan on SQLite: its row flag is leafSaysRow (issue 13)', () => {
  const dir = tempDirectory('log-scan');
  const path = join(dir.path, 'scan.db');
  let scan: LogScan;
  let db: Sqlite.Database;
  let next = 0;

  beforeAll(async () => {
    await (await openLedgerStore(`sqlite:${path}`)).close();
    db = new Sqlite(path);
    scan = (await openLogScan(`sqlite:${path}`))!;
  });
  afterAll(async () => {
    await scan.close();
    db.close();
    dir.remove();
  });

  it('for headers and data of every kind, and rows edited after they were written', async () => {
    const insertEvent = db.prepare(
      'insert into event (idx, event_id, stream_id, stream_version, type, recorded_at, data, leaf, writer_mac) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertNode = db.prepare('insert into audit_node (last_leaf, level, hash) values (?, 0, ?)');
    await fc.assert(
      fc.asyncProperty(fc.array(storedRow, { minLength: 1, maxLength: 20 }), async (samples) => {
        const offset = next;
        const written = rowsOf(samples, offset);
        next += written.length;
        db.transaction(() => {
          for (const [i, row] of written.entries()) {
            insertEvent.run(
              offset + i,
              row.eventId,
              row.streamId,
              row.streamVersion,
              row.type,
              row.recordedAt,
              row.dataText,
              Buffer.from(row.leaf),
              row.mac && Buffer.from(row.mac),
            );
            insertNode.run(offset + i, Buffer.from(leafHash(row.leaf)));
          }
        })();
        await expectScanAgrees(scan, written, offset, false);
      }),
      { numRuns: 60 },
    );
  });

  it('frames headers with json_quote, which quotes every character as JSON.stringify does', () => {
    const quote = db.prepare<[string], string>('select json_quote(?)').pluck();
    const differ: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const text = `a${String.fromCharCode(code)}b`;
      if (quote.get(text) !== JSON.stringify(text)) differ.push(code);
    }
    for (const text of ['\u{1F600}', '\u{10FFFF}', '', 'a"b\\c\u0000\n\u2028']) {
      if (quote.get(text) !== JSON.stringify(text)) differ.push(-1);
    }
    expect(differ).toEqual([]);
  });

  it('vouches for no row whose columns have another type than the writer stores', async () => {
    const at = next;
    const insert = db.prepare(
      'insert into event (idx, event_id, stream_id, stream_version, type, recorded_at, data, leaf, writer_mac) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const leafOf = (index: number, eventId: string, streamVersion: number) =>
      Buffer.from(
        encodeLogEntry({
          index,
          eventId,
          streamId: 's',
          streamVersion,
          type: 't',
          recordedAt: 'r',
          data: {},
        }),
      );
    // Each row's leaf is what its columns say, but for the column's type.
    insert.run(at, 'e0', 's', at + 1, 't', 'r', '{}', leafOf(at, 'e0', at + 1).toString('utf8'), null);
    insert.run(at + 1, 'e1', 's', at + 1.5, 't', 'r', '{}', leafOf(at + 1, 'e1', at + 1), null);
    insert.run(
      at + 2,
      'e2',
      's',
      String(at + 3),
      't',
      'r',
      Buffer.from('{}'),
      leafOf(at + 2, 'e2', at + 3),
      null,
    );
    const scanned = (await scan.readPage(at, at + 3)).rows;
    // The leaf as text and the version as a real: not vouched for. The data as a blob of its text: the exact check
    // parses it and accepts the row too.
    expect(scanned.map((row) => [row[0], row[1]])).toEqual([
      [at, 0],
      [at + 1, 0],
      [at + 2, 1],
    ]);
    expect(scanned[0]![2]).toBeNull();
    // A header held as a blob: json_quote refuses it, and with it the page, which the check then reads exactly.
    insert.run(at + 3, Buffer.from('e3'), 's', at + 4, 't', 'r', '{}', leafOf(at + 3, 'e3', at + 4), null);
    await expect(scan.readPage(at, at + 4)).rejects.toThrow(/BLOB/);
    next += 4;
  });

  it('hands over the leaf hashes of a page only when every one of them is there, whole', async () => {
    // The rows of the test before have no level-0 node.
    const from = next - 4;
    expect((await scan.readPage(from, from + 2)).leafHashes).toBeNull();
    const written = (await scan.readPage(0, 5)).leafHashes;
    expect(written).toHaveLength(5 * 64);
    for (const { name } of db.prepare("select name from sqlite_master where type = 'trigger'").all() as {
      name: string;
    }[]) {
      db.exec(`drop trigger "${name}"`);
    }
    db.exec('update audit_node set hash = zeroblob(31) where level = 0 and last_leaf = 2');
    expect((await scan.readPage(0, 5)).leafHashes).toBeNull();
    expect((await scan.readPage(3, 5)).leafHashes).toBe(written!.slice(3 * 64));
    db.exec('delete from audit_node where level = 0 and last_leaf = 4');
    expect((await scan.readPage(3, 5)).leafHashes).toBeNull();
    expect((await scan.readPage(3, 3)).leafHashes).toBe('');
  });
});

await describeWithPostgres('the log scan on PostgreSQL: its row flag is leafSaysRow (issue 13)', () => {
  const schema = uniqueSchemaName('log_scan');
  let scan: LogScan;
  let client: pg.Client;
  let next = 0;

  beforeAll(async () => {
    await (await openLedgerStore(TEST_POSTGRES_URL, { schema })).close();
    scan = (await openLogScan(TEST_POSTGRES_URL, { schema }))!;
    client = new pg.Client({ connectionString: TEST_POSTGRES_URL, options: `-c search_path=${schema}` });
    await client.connect();
  });
  afterAll(async () => {
    await scan.close();
    await client.end();
    await dropSchema(schema);
  });

  it('for headers and data of every kind, and rows edited after they were written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(storedRow, { minLength: 1, maxLength: 20 }), async (samples) => {
        // PostgreSQL text holds no NUL: a header with one cannot be stored there at all.
        const offset = next;
        const noNul = (text: string) => text.replaceAll('\u0000', '\u0001');
        const written = rowsOf(
          samples.map((sample) => ({
            ...sample,
            eventId: noNul(sample.eventId),
            streamId: noNul(sample.streamId),
            type: noNul(sample.type),
            recordedAt: noNul(sample.recordedAt),
          })),
          offset,
        );
        next += written.length;
        for (const [i, row] of written.entries()) {
          await client.query(
            'insert into event (idx, event_id, stream_id, stream_version, type, recorded_at, data, leaf, writer_mac) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
            [
              offset + i,
              row.eventId,
              row.streamId,
              row.streamVersion,
              row.type,
              row.recordedAt,
              row.dataText,
              Buffer.from(row.leaf),
              row.mac && Buffer.from(row.mac),
            ],
          );
          await client.query('insert into audit_node (last_leaf, level, hash) values ($1, 0, $2)', [
            offset + i,
            Buffer.from(leafHash(row.leaf)),
          ]);
        }
        // A leaf that is not UTF-8 makes the page unreadable the fast way: the check then reads it the exact way.
        if (written.some((row) => new TextDecoder().decode(row.leaf).includes('\uFFFD'))) {
          await expect(scan.readPage(offset, offset + written.length)).rejects.toThrow();
          return;
        }
        await expectScanAgrees(scan, written, offset, true);
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });
});
