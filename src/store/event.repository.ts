import { CompiledQuery, type Kysely } from 'kysely';
import type { JsonObject, StoredEvent, StoredLogRow, StreamRange, SubtreeNode } from '../app/ports.js';
import { leafDataText } from '../audit/index.js';
import { multiRowInsert, type StoreDialect } from './dialect.js';
import { preparedStatement } from './prepared-statements.js';
import { chunks, toBuffer, toBytes, toNumber } from './rows.js';
import type { Database, EventTable } from './schema.js';
import { streamRangeBounds } from './stream-range.js';

const EVENT_COLUMNS = [
  'idx',
  'event_id',
  'stream_id',
  'stream_version',
  'type',
  'recorded_at',
  'data',
  'leaf',
  'writer_mac',
] as const;

const NODE_COLUMNS = ['last_leaf', 'level', 'hash'] as const;

/** PostgreSQL column types, to type the bound values of an `insert … select … from (values …)`. */
const EVENT_COLUMN_TYPES: Record<(typeof EVENT_COLUMNS)[number], string> = {
  idx: 'bigint',
  event_id: 'text',
  stream_id: 'text',
  stream_version: 'integer',
  type: 'text',
  recorded_at: 'text',
  data: 'text',
  leaf: 'bytea',
  writer_mac: 'bytea',
};
const NODE_COLUMN_TYPES: Record<(typeof NODE_COLUMNS)[number], string> = {
  last_leaf: 'bigint',
  level: 'integer',
  hash: 'bytea',
};

/** PostgreSQL: an insert of `rows` rows that inserts nothing unless `condition` holds. Placeholders start after `offset`. */
function guardedInsert(
  table: string,
  types: Record<string, string>,
  rows: number,
  offset: number,
  condition: string,
) {
  const columns = Object.keys(types);
  const tuples = Array.from(
    { length: rows },
    (_, row) =>
      `(${columns.map((column, i) => `$${offset + row * columns.length + i + 1}::${types[column]}`).join(', ')})`,
  );
  return `insert into ${table} (${columns.join(', ')}) select * from (values ${tuples.join(', ')}) as v where ${condition}`;
}

/** Appends of up to this many bound parameters (a few events) run as prepared statements on PostgreSQL. */
const PREPARED_APPEND_PARAMETERS = 128;

/** PostgreSQL: the head lock, the first statement of every write transaction; prepared once per connection. */
const lockHeadText = preparedStatement('select size from log_head where id = 1 for update');

/** PostgreSQL: `appendLog`'s statement for so many events, subtree hashes and unread stream versions, built once. */
const appendLogTexts = new Map<string, string>();

function appendLogText(events: number, nodes: number, checkCount: number): string {
  const key = `${events}:${nodes}:${checkCount}`;
  const known = appendLogTexts.get(key);
  if (known !== undefined) return known;
  const eventParameterCount = events * EVENT_COLUMNS.length;
  const nodeParameterCount = nodes * NODE_COLUMNS.length;
  // Every part of one statement sees the table as it was before the statement: the stream versions before
  // these inserts. When one does not hold, nothing is inserted, the head stays and no row comes back.
  let next = eventParameterCount + nodeParameterCount;
  const checks = Array.from({ length: checkCount }, () => {
    const check = `(select coalesce(max(stream_version), 0) from event where stream_id = $${next + 1}) = $${next + 2}`;
    next += 2;
    return check;
  });
  const condition = checks.length > 0 ? checks.join(' and ') : 'true';
  const parts: string[] = [];
  if (events > 0) {
    parts.push(`e as (${guardedInsert('event', EVENT_COLUMN_TYPES, events, 0, condition)})`);
  }
  if (nodes > 0) {
    parts.push(
      `n as (${guardedInsert('audit_node', NODE_COLUMN_TYPES, nodes, eventParameterCount, condition)})`,
    );
  }
  const update = `update log_head set size = $${next + 1} where id = 1 and ${condition} returning size`;
  const text = parts.length > 0 ? `with ${parts.join(', ')} ${update}` : update;
  if (next + 1 > PREPARED_APPEND_PARAMETERS) return text;
  appendLogTexts.set(key, text);
  return preparedStatement(text);
}

/** The storage key of a complete subtree: the last leaf it covers (see `AuditNodeTable`). */
export const lastLeafOf = (level: number, index: number) => (index + 1) * 2 ** level - 1;

const eventParameters = (e: StoredEvent) => [
  e.index,
  e.eventId,
  e.streamId,
  e.streamVersion,
  e.type,
  e.recordedAt,
  // The leaf's own text of the data (RFC 8785), so the integrity check holds the row to its leaf by comparing
  // strings; JSON.stringify only for a leaf that is not this row's (which that check then reports).
  leafDataText(e, e.leaf) ?? JSON.stringify(e.data),
  toBuffer(e.leaf),
  e.writerMac ? toBuffer(e.writerMac) : null,
];

const nodeParameters = (n: SubtreeNode) => [lastLeafOf(n.level, n.index), n.level, toBuffer(n.hash)];

type EventRow = { [K in keyof EventTable]: EventTable[K]['__select__'] };

function toLogRow(row: EventRow): StoredLogRow {
  return {
    index: toNumber(row.idx),
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    recordedAt: row.recorded_at,
    dataText: row.data,
    leaf: toBytes(row.leaf),
    ...(row.writer_mac ? { writerMac: toBytes(row.writer_mac) } : {}),
  };
}

function toEvent(row: EventRow): StoredEvent {
  const { dataText, ...event } = toLogRow(row);
  return { ...event, data: JSON.parse(dataText) as JsonObject };
}

/**
 * SQL over the log head and the event table. `db` may be a transaction.
 *
 * @example
 * const events = createEventRepository({ db: trx, dialect });
 * const size = await events.lockHead();
 */
export function createEventRepository({ db, dialect }: { db: Kysely<Database>; dialect: StoreDialect }) {
  const rowsPerInsert = Math.floor(dialect.maxParameters / EVENT_COLUMNS.length);
  const insertText = multiRowInsert(dialect, 'event', EVENT_COLUMNS);
  const insertNodeText = multiRowInsert(dialect, 'audit_node', NODE_COLUMNS);
  const nodesPerInsert = Math.floor(dialect.maxParameters / NODE_COLUMNS.length);
  // The append path's queries run on every transaction: fixed SQL text, no query builder.
  const lastIndexText = 'select max(idx) as last from event';
  // One text for the integrity check's pages, sent without the query builder (issue 13: it reads the whole log).
  const logRowsText = `select ${EVENT_COLUMNS.join(', ')} from event where idx >= ${dialect.parameterMarker(1)} and idx < ${dialect.parameterMarker(2)} order by idx`;
  const streamVersionText = `select max(stream_version) as version from event where stream_id = ${dialect.parameterMarker(1)}`;
  return {
    /**
     * Returns the committed log size under the write lock. On PostgreSQL it row-locks the head
     * (`select … for update` returns the row as the previous lock holder committed it), so appenders queue in
     * commit order and each sees the log its predecessor committed. On SQLite the transaction already holds the
     * database's write lock (`begin immediate`), and the size is the last rowid + 1.
     */
    async lockHead(): Promise<number> {
      if (dialect.name === 'sqlite') return this.headSize();
      const { rows } = await db.executeQuery<{ size: number | string }>(CompiledQuery.raw(lockHeadText, []));
      const head = rows[0];
      if (head === undefined) throw new Error('portledger: the log head row is missing');
      return toNumber(head.size);
    },

    /**
     * Writes appended events and the subtree hashes they complete, and advances the head. On PostgreSQL it is
     * one statement (data-modifying CTEs), so an append costs one round trip; SQLite has no head row to advance.
     */
    async appendLog(args: {
      events: readonly StoredEvent[];
      nodes: readonly SubtreeNode[];
      headSize: number;
      /** Streams whose current version this transaction has not read: checked in the same statement. */
      expectedVersions?: ReadonlyMap<string, number>;
    }): Promise<{ versionsHeld: boolean }> {
      const { events, nodes, headSize } = args;
      const expected = [...(args.expectedVersions ?? new Map<string, number>())];
      const eventValues = events.flatMap(eventParameters);
      const nodeValues = nodes.flatMap(nodeParameters);
      const versionValues = expected.flat();
      const parameters = eventValues.length + nodeValues.length + versionValues.length + 1;
      if (dialect.name === 'postgres' && parameters <= dialect.maxParameters) {
        const text = appendLogText(events.length, nodes.length, expected.length);
        const { rows } = await db.executeQuery(
          CompiledQuery.raw(text, [...eventValues, ...nodeValues, ...versionValues, headSize]),
        );
        return { versionsHeld: rows.length === 1 };
      }
      for (const [streamId, version] of expected) {
        if ((await this.streamVersion(streamId)) !== version) return { versionsHeld: false };
      }
      await this.insertEvents(events);
      for (const chunk of chunks(nodes, nodesPerInsert)) {
        await db.executeQuery(CompiledQuery.raw(insertNodeText(chunk.length), chunk.flatMap(nodeParameters)));
      }
      if (dialect.name === 'postgres') {
        await db.updateTable('log_head').set({ size: headSize }).where('id', '=', 1).execute();
      }
      return { versionsHeld: true };
    },

    async headSize(): Promise<number> {
      if (dialect.name === 'sqlite') {
        const { rows } = await db.executeQuery<{ last: number | null }>(CompiledQuery.raw(lastIndexText, []));
        return rows[0]?.last == null ? 0 : toNumber(rows[0].last) + 1;
      }
      const head = await db
        .selectFrom('log_head')
        .select('size')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return toNumber(head.size);
    },

    async streamVersion(streamId: string): Promise<number> {
      const { rows } = await db.executeQuery<{ version: number | string | null }>(
        CompiledQuery.raw(streamVersionText, [streamId]),
      );
      return rows[0]?.version == null ? 0 : toNumber(rows[0].version);
    },

    async readStream(streamId: string): Promise<StoredEvent[]> {
      const rows = await db
        .selectFrom('event')
        .select(EVENT_COLUMNS)
        .where('stream_id', '=', streamId)
        .orderBy('stream_version')
        .execute();
      return rows.map(toEvent);
    },

    /** Many whole streams in one query per few thousand ids: one range of the (stream_id, stream_version) key each. */
    async readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
      const found = new Map<string, StoredEvent[]>();
      const unique = [...new Set(streamIds)];
      for (const id of unique) found.set(id, []);
      for (const chunk of chunks(unique, dialect.maxParameters - 10)) {
        const markers = chunk.map((_, i) => dialect.parameterMarker(i + 1)).join(', ');
        const { rows } = await db.executeQuery<EventRow>(
          CompiledQuery.raw(
            `select ${EVENT_COLUMNS.join(', ')} from event where stream_id in (${markers}) order by stream_id, stream_version`,
            chunk,
          ),
        );
        for (const row of rows) found.get(row.stream_id)?.push(toEvent(row));
      }
      return found;
    },

    /** One range of the stream: a range read of the (stream_id, stream_version) key, stopped after `limit`. */
    async readStreamRange(streamId: string, range: StreamRange): Promise<StoredEvent[]> {
      const { fromVersion, limit } = streamRangeBounds(range);
      if (limit === 0) return [];
      let select = db
        .selectFrom('event')
        .select(EVENT_COLUMNS)
        .where('stream_id', '=', streamId)
        .where('stream_version', '>=', fromVersion)
        .orderBy('stream_version');
      if (limit !== undefined) select = select.limit(limit);
      return (await select.execute()).map(toEvent);
    },

    async readEvents(fromIndex: number, limit: number): Promise<StoredEvent[]> {
      if (limit <= 0) return [];
      const rows = await db
        .selectFrom('event')
        .select(EVENT_COLUMNS)
        .where('idx', '>=', fromIndex)
        .where('idx', '<', fromIndex + limit)
        .orderBy('idx')
        .execute();
      return rows.map(toEvent);
    },

    async readLogRows(fromIndex: number, limit: number): Promise<StoredLogRow[]> {
      if (limit <= 0) return [];
      const { rows } = await db.executeQuery<EventRow>(
        CompiledQuery.raw(logRowsText, [fromIndex, fromIndex + limit]),
      );
      return rows.map(toLogRow);
    },

    /** Multi-row inserts, as few as the parameter limit allows. */
    async insertEvents(events: readonly StoredEvent[]): Promise<void> {
      for (const chunk of chunks(events, rowsPerInsert)) {
        await db.executeQuery(CompiledQuery.raw(insertText(chunk.length), chunk.flatMap(eventParameters)));
      }
    },
  };
}
