import { type Kysely, sql } from 'kysely';
import type { WindowCounts } from '../app/ports.js';
import { toNumber } from './rows.js';
import type { Database } from './schema.js';

/**
 * `WindowCounts` on PostgreSQL (migration 0020): `admit` runs as one statement, the function of migration 0034, which
 * serialises each key with a transaction-scoped advisory lock, taken in key order so that two attempts naming the
 * same keys cannot deadlock, and drops the entries that left the window as the key is next counted. (The distinct
 * counts of the bulk look-up rule, `window_item`, are no longer kept here: since issue 15 the rule counts from the
 * log's `PositionsViewed` events.)
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
  };
}
