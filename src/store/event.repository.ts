import { type Kysely, sql } from 'kysely';
import type { JsonObject, StoredEvent } from '../app/ports.js';
import type { StoreDialect } from './dialect.js';
import { chunks, toBuffer, toBytes, toNumber } from './rows.js';
import type { Database, EventTable } from './schema.js';

const EVENT_COLUMNS = [
  'idx',
  'event_id',
  'stream_id',
  'stream_version',
  'type',
  'recorded_at',
  'data',
  'leaf',
] as const;

type EventRow = { [K in keyof EventTable]: EventTable[K]['__select__'] };

function toEvent(row: EventRow): StoredEvent {
  return {
    index: toNumber(row.idx),
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    recordedAt: row.recorded_at,
    data: JSON.parse(row.data) as JsonObject,
    leaf: toBytes(row.leaf),
  };
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
  return {
    /**
     * Takes the write lock and returns the committed log size. A no-op UPDATE as the transaction's first
     * statement: on SQLite it takes the database write lock before any read (a deferred transaction that
     * reads first could not upgrade without risking SQLITE_BUSY); on PostgreSQL it row-locks the head, so
     * appenders queue in commit order and each sees the log its predecessor committed.
     */
    async lockHead(): Promise<number> {
      const head = await db
        .updateTable('log_head')
        .set({ size: sql<number>`size` })
        .where('id', '=', 1)
        .returning('size')
        .executeTakeFirstOrThrow();
      return toNumber(head.size);
    },

    async setHeadSize(size: number): Promise<void> {
      await db.updateTable('log_head').set({ size }).where('id', '=', 1).execute();
    },

    async headSize(): Promise<number> {
      const head = await db
        .selectFrom('log_head')
        .select('size')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return toNumber(head.size);
    },

    async streamVersion(streamId: string): Promise<number> {
      const row = await db
        .selectFrom('event')
        .select((eb) => eb.fn.max('stream_version').as('version'))
        .where('stream_id', '=', streamId)
        .executeTakeFirst();
      return row?.version == null ? 0 : toNumber(row.version);
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

    /** Multi-row inserts, as few as the parameter limit allows. */
    async insertEvents(events: readonly StoredEvent[]): Promise<void> {
      for (const chunk of chunks(events, rowsPerInsert)) {
        await db
          .insertInto('event')
          .values(
            chunk.map((e) => ({
              idx: e.index,
              event_id: e.eventId,
              stream_id: e.streamId,
              stream_version: e.streamVersion,
              type: e.type,
              recorded_at: e.recordedAt,
              data: JSON.stringify(e.data),
              leaf: toBuffer(e.leaf),
            })),
          )
          .execute();
      }
    },
  };
}
