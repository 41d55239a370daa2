import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Drops `gate_alert`, the gate refusals' first read model (`0005_gate`). The alert console reads the `alert` read
 * model (`0009_alert_read_model`), which holds every gate refusal `gate_alert` did and more; keeping both meant
 * writing each refusal twice for a table nothing read. Dropping it loses no record: it was derived from the
 * `GateAlertRaised` events of the `alerts` stream, which stay in the log (events are never deleted).
 *
 * `down` recreates the table as `0005_gate` did (columns, index and, on PostgreSQL, the app role's grants) and
 * refills it from those events, so the code of before this migration finds the rows it would have written.
 */
export function dropGateAlertMigration0010(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema.dropTable('gate_alert').execute();
    },

    async down(db: MigrationDb) {
      await db.schema
        .createTable('gate_alert')
        .addColumn('attempt_id', ordered, (c) => c.primaryKey())
        .addColumn('visit_ref', 'text', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('failed', 'text', (c) => c.notNull())
        .addColumn('at', ordered, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('gate_alert_at_idx').on('gate_alert').column('at').execute();

      const raised = await sql<{ recorded_at: string; data: string }>`
        select recorded_at, data from event where stream_id = 'alerts' and type = 'GateAlertRaised' order by idx`.execute(
        db,
      );
      for (const row of raised.rows) {
        const data = JSON.parse(row.data) as Record<string, unknown>;
        // The gate use case always recorded an attempt id; an event without one never had a row.
        if (typeof data.attemptId !== 'string') continue;
        await db
          .insertInto('gate_alert')
          .values({
            attempt_id: data.attemptId,
            visit_ref: typeof data.visitRef === 'string' ? data.visitRef : 'unidentified',
            rule: typeof data.rule === 'string' ? data.rule : 'gate.refused',
            failed: JSON.stringify(data.failed ?? []),
            at: typeof data.at === 'string' ? data.at : row.recorded_at,
          })
          .onConflict((oc) => oc.column('attempt_id').doNothing())
          .execute();
      }

      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update, delete on gate_alert to ${APP_ROLE}`).execute(db);
      }
    },
  };
}
