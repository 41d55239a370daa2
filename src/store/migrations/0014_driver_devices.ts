import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import { setAlertRules } from './0015_enrolment_confirmation.js';
import type { MigrationDb } from './migration-db.js';

/** The alert rules this migration adds to the `alert` read model. */
const NEW_RULES = ['driver.device.enrolled_again', 'gate.printed_pass'] as const;

/**
 * Driver devices (issue 10, row C: "a copied pass is worthless"): the phones drivers enrolled, each with the raw
 * Ed25519 public key its rotating pickup passes are signed with, pending until a planner of the driver's haulier
 * confirms it. Derived from the `driver-devices-<userId>` streams in the transactions that append to them.
 *
 * It also lets the `alert` read model hold the two new rules (`driver.device.enrolled_again`,
 * `gate.printed_pass`). Other changes of the same issue add rules too, so the rules are added to whatever the
 * constraint allows when this runs (`setAlertRules`, which keeps every column of the table), rather than replaced
 * by a list fixed here.
 */
export function driverDevicesMigration0014(dialect: StoreDialect): Migration {
  const { blobType, orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('driver_device')
        .addColumn('device_id', ordered, (c) => c.primaryKey())
        .addColumn('org_id', ordered, (c) => c.notNull())
        .addColumn('user_id', ordered, (c) => c.notNull())
        .addColumn('public_key', blobType, (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('status', ordered, (c) =>
          c.notNull().check(sql`status in ('pending', 'active', 'rejected', 'revoked')`),
        )
        .addColumn('enrolled_at', ordered, (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', ordered)
        .execute();
      // The gate's look-up ("this driver's active key") and the planner's inbox ("my haulier's pending devices").
      await db.schema
        .createIndex('driver_device_user_idx')
        .on('driver_device')
        .columns(['user_id', 'enrolled_at'])
        .execute();
      await db.schema
        .createIndex('driver_device_org_idx')
        .on('driver_device')
        .columns(['org_id', 'status', 'enrolled_at'])
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on driver_device to ${APP_ROLE}`).execute(db);
      }
      await setAlertRules(db, dialect, (rules) => [...new Set([...rules, ...NEW_RULES])]);
    },

    async down(db: MigrationDb) {
      await db
        .deleteFrom('alert')
        .where('rule', 'in', [...NEW_RULES])
        .execute();
      await setAlertRules(db, dialect, (rules) =>
        rules.filter((rule) => !(NEW_RULES as readonly string[]).includes(rule)),
      );
      await db.schema.dropTable('driver_device').ifExists().execute();
    },
  };
}
