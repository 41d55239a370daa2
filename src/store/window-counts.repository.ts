import { type Kysely, sql, type Transaction } from 'kysely';
import type { WindowCounts } from '../app/ports.js';
import { toNumber } from './rows.js';
import type { Database } from './schema.js';

/**
 * `WindowCounts` on PostgreSQL (migration 0020): each key is serialised by a transaction-scoped advisory lock, taken
 * in key order so that two attempts naming the same keys cannot deadlock; entries that left the window are dropped
 * as the key is next counted. `admit` runs as one statement, the function of migration 0034.
 *
 * @example
 * const counts = createPostgresWindowCounts({ db });
 * await counts.admit([{ key: 'kiosk:t-1', limit: 10 }], Date.now(), 60_000);
 */
export function createPostgresWindowCounts({ db }: { db: Kysely<Database> }): WindowCounts {
  return {
    async admit(keys, atMs, windowMs) {
      const ordered = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      // One statement (migration 0034): lock each key in order, forget what left the window, count, insert.
      const { rows } = await sql<{
        admitted: boolean;
        limited_key: string | null;
        free_at_ms: number | string | null;
      }>`select admitted, limited_key, free_at_ms from window_count_admit(${ordered.map(({ key }) => key)}::text[], ${ordered.map(({ limit }) => limit)}::integer[], ${atMs}::bigint, ${windowMs}::bigint)`.execute(
        db,
      );
      const [answer] = rows;
      if (!answer) throw new Error('window_count_admit returned no row');
      if (answer.admitted) return { admitted: true as const };
      return { admitted: false as const, key: answer.limited_key!, freeAtMs: toNumber(answer.free_at_ms!) };
    },

    async noteDistinct(key, items, atMs, windowMs, limit) {
      return db.transaction().execute(async (trx) => {
        await lockAndForget(trx, 'window_item', key, atMs - windowMs);
        // The empty item marks the window after a crossing, in which nothing is noted.
        const quiet = await trx
          .selectFrom('window_item')
          .select('item')
          .where('key', '=', key)
          .where('item', '=', QUIET)
          .executeTakeFirst();
        if (quiet || items.length === 0) return undefined;
        await trx
          .insertInto('window_item')
          .values([...new Set(items)].map((item) => ({ key, item, at_ms: atMs })))
          .onConflict((conflict) =>
            conflict.columns(['key', 'item']).doUpdateSet((eb) => ({
              at_ms: sql<number>`greatest(${eb.ref('window_item.at_ms')}, ${eb.ref('excluded.at_ms')})`,
            })),
          )
          .execute();
        const held = await trx
          .selectFrom('window_item')
          .select(['item', 'at_ms'])
          .where('key', '=', key)
          .orderBy('at_ms')
          .orderBy('item')
          .execute();
        if (held.length <= limit) return undefined;
        await trx.deleteFrom('window_item').where('key', '=', key).execute();
        await trx.insertInto('window_item').values({ key, item: QUIET, at_ms: atMs }).execute();
        return held.map((row) => ({ item: row.item, atMs: toNumber(row.at_ms) }));
      });
    },
  };
}

const QUIET = '';

/**
 * Serialises the transactions that count under one key (a transaction-scoped advisory lock, released at commit) and
 * drops the key's entries that left the window, at or before `oldestMs`.
 */
async function lockAndForget(
  trx: Transaction<Database>,
  table: 'window_count' | 'window_item',
  key: string,
  oldestMs: number,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${table}:${key}`}, 0))`.execute(trx);
  await trx.deleteFrom(table).where('key', '=', key).where('at_ms', '<=', oldestMs).execute();
}
