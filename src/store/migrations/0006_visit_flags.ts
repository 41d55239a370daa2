import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The compact flags the yard map colours boxes by (issue 5): per visit, how many alerts naming it are not yet
 * resolved. Written beside the events that raise and resolve alerts, so the map of a 50,000-box terminal reads
 * one indexed table instead of folding alert streams. Existing alerts are counted from the log when it is added.
 */
export function visitFlagsMigration0006(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('visit_flag')
        .addColumn('visit_ref', ordered, (c) => c.primaryKey())
        .addColumn('open_alerts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      const raised = await sql<{ idx: string | number; data: string }>`
        select idx, data from event where stream_id = 'alerts' and type = 'GateAlertRaised'`.execute(db);
      const resolved = await sql<{ stream_id: string }>`
        select distinct stream_id from event where type = 'AlertResolved'`.execute(db);
      const closed = new Set(resolved.rows.map((row) => row.stream_id));
      const open = new Map<string, number>();
      for (const row of raised.rows) {
        const visitRef = (JSON.parse(row.data) as { visitRef?: unknown }).visitRef;
        if (typeof visitRef !== 'string' || visitRef === 'unidentified') continue;
        if (closed.has(`alert-${String(row.idx)}`)) continue;
        open.set(visitRef, (open.get(visitRef) ?? 0) + 1);
      }
      for (const [visitRef, count] of open) {
        await sql`insert into visit_flag (visit_ref, open_alerts) values (${visitRef}, ${count})`.execute(db);
      }

      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on visit_flag to ${APP_ROLE}`).execute(db);
      }
    },
    async down(db: MigrationDb) {
      await db.schema.dropTable('visit_flag').execute();
    },
  };
}
