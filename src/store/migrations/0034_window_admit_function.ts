import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The gate's shared rate limit in one statement on PostgreSQL (issue 13): `WindowCounts.admit` took a transaction of
 * six statements per call (begin, lock, forget, count, insert, commit), twice per verdict, and the peak-hour mix's
 * p99 on PostgreSQL is round trips. The function does the same steps, in the same order, inside the one statement's
 * transaction: the advisory lock of each key (keys come sorted, so two calls cannot deadlock) is held until it commits.
 * SQLite needs nothing: one process holds its counts in memory.
 */
export function windowAdmitFunctionMigration0034(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      if (dialect.name !== 'postgres') return;
      await sql
        .raw(`
create function window_count_admit(p_keys text[], p_limits integer[], p_at_ms bigint, p_window_ms bigint)
returns table (admitted boolean, limited_key text, free_at_ms bigint)
language plpgsql as $body$
declare
  i integer;
  nth bigint;
begin
  for i in 1 .. coalesce(array_length(p_keys, 1), 0) loop
    perform pg_advisory_xact_lock(hashtextextended('window_count:' || p_keys[i], 0));
    delete from window_count where key = p_keys[i] and at_ms <= p_at_ms - p_window_ms;
    -- The limit-th newest entry, if the key holds that many: the attempt waits until it leaves the window.
    select at_ms into nth from window_count where key = p_keys[i] order by at_ms desc offset p_limits[i] - 1 limit 1;
    if nth is not null then
      return query select false, p_keys[i], nth + p_window_ms;
      return;
    end if;
  end loop;
  insert into window_count (key, at_ms) select k, p_at_ms from unnest(p_keys) as k;
  return query select true, null::text, null::bigint;
end
$body$`)
        .execute(db);
    },
    async down(db: MigrationDb) {
      if (dialect.name !== 'postgres') return;
      await sql
        .raw('drop function if exists window_count_admit(text[], integer[], bigint, bigint)')
        .execute(db);
    },
  };
}
