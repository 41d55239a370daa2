import { type Kysely, sql, type Transaction } from 'kysely';
import type { WindowCounts } from '../app/ports.js';
import { toNumber } from './rows.js';
import type { Database } from './schema.js';

/**
 * `WindowCounts` on PostgreSQL (migration 0020): each key is serialised by a transaction-scoped advisory lock, taken
 * in key order so that two attempts naming the same keys cannot deadlock; entries that left the window are dropped
 * as the key is next counted.
 *
 * @example
 * const counts = createPostgresWindowCounts({ db });
 * await counts.admit([{ key: 'kiosk:t-1', limit: 10 }], Date.now(), 60_000);
 */
export function createPostgresWindowCounts({ db }: { db: Kysely<Database> }): WindowCounts {
  return {
    async admit(keys, atMs, windowMs) {
      const ordered = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return db.transaction().execute(async (trx) => {
        for (const { key, limit } of ordered) {
          await lockAndForget(trx, 'window_count', key, atMs - windowMs);
          const recent = await trx
            .selectFrom('window_count')
            .select('at_ms')
            .where('key', '=', key)
            .orderBy('at_ms', 'desc')
            .limit(limit)
            .execute();
          if (recent.length >= limit) {
            return { admitted: false as const, key, freeAtMs: toNumber(recent[limit - 1]!.at_ms) + windowMs };
          }
        }
        await trx
          .insertInto('window_count')
          .values(ordered.map(({ key }) => ({ key, at_ms: atMs })))
          .execute();
        return { admitted: true as const };
      });
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
