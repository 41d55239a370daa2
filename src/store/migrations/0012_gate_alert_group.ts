import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Refused gate attempts grouped into one alert (issue 10, row G: 25 forged credentials in a second must not bury
 * the inbox under 25 alerts): one row per gate alert, with the key it groups by (`visit:<visitRef>` or
 * `kiosk:<operator>`), how many refused attempts it holds and when the first and the last came.
 *
 * A table of its own rather than columns of `alert`: later migrations of the same issue rebuild the SQLite `alert`
 * table with a fixed column list. Derived from the `GateAlertRaised` event and the `GateAlertRepeated` events of
 * the alert's `alert-<alertId>` stream, in the transactions that append them (`alert-records.ts`), so a fold of
 * the log gives every row back. Gate alerts raised before this migration are single attempts: they get no row,
 * and the console counts them as one.
 */
export function gateAlertGroupMigration0012(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered, int8Type } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('gate_alert_group')
        .addColumn('alert_id', int8Type, (c) => c.primaryKey().check(sql`alert_id >= 0`))
        .addColumn('group_key', ordered, (c) => c.notNull())
        .addColumn('occurrences', 'integer', (c) => c.notNull().check(sql`occurrences >= 1`))
        .addColumn('first_seen_at', ordered, (c) => c.notNull())
        .addColumn('last_seen_at', ordered, (c) => c.notNull())
        .execute();
      // The gate's look-up: the latest alert of a group, to add an attempt to it while it is unresolved.
      await db.schema
        .createIndex('gate_alert_group_key_idx')
        .on('gate_alert_group')
        .columns(['group_key', 'alert_id desc'])
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on gate_alert_group to ${APP_ROLE}`).execute(db);
      }
    },

    async down(db: MigrationDb) {
      await db.schema.dropTable('gate_alert_group').ifExists().execute();
    },
  };
}
