import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

const GATE_TABLES = ['driver', 'slot_booking', 'pickup_credential', 'gate_alert'] as const;

/**
 * The appointment and gate read models (issue 4): drivers (sealed personal data under a keyed badge reference),
 * the booking in force of each visit (whose count per slot is its used capacity), the pickup credentials issued
 * (used or voided once) and the gate alerts. Each is written beside the events it derives from.
 */
export function gateMigration0005(dialect: StoreDialect): Migration {
  const { blobType, orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('driver')
        .addColumn('org_id', ordered, (c) => c.notNull())
        .addColumn('badge_ref', ordered, (c) => c.notNull())
        .addColumn('sealed', blobType, (c) => c.notNull())
        .addColumn('registered_at', ordered, (c) => c.notNull())
        .addPrimaryKeyConstraint('driver_pk', ['org_id', 'badge_ref'])
        .execute();

      await db.schema
        .createTable('slot_booking')
        .addColumn('visit_ref', ordered, (c) => c.primaryKey())
        .addColumn('slot_id', ordered, (c) => c.notNull())
        .addColumn('terminal', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('slot_booking_slot_idx').on('slot_booking').column('slot_id').execute();

      await db.schema
        .createTable('pickup_credential')
        .addColumn('credential_id', ordered, (c) => c.primaryKey())
        .addColumn('visit_ref', ordered, (c) => c.notNull())
        .addColumn('booking_version', 'integer', (c) => c.notNull())
        .addColumn('right_version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'used', 'void')`))
        .addColumn('issued_at', ordered, (c) => c.notNull())
        .addColumn('closed_at', ordered)
        .execute();
      await db.schema
        .createIndex('pickup_credential_visit_idx')
        .on('pickup_credential')
        .columns(['visit_ref', 'status'])
        .execute();

      await db.schema
        .createTable('gate_alert')
        .addColumn('attempt_id', ordered, (c) => c.primaryKey())
        .addColumn('visit_ref', 'text', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('failed', 'text', (c) => c.notNull())
        .addColumn('at', ordered, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('gate_alert_at_idx').on('gate_alert').column('at').execute();

      if (dialect.name === 'postgres') {
        await sql
          .raw(`grant select, insert, update, delete on ${GATE_TABLES.join(', ')} to ${APP_ROLE}`)
          .execute(db);
      }
    },

    async down(db: MigrationDb) {
      for (const table of [...GATE_TABLES].reverse()) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
