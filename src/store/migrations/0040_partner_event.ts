import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * The port's visit events as DCSA Track & Trace equipment events (issue 16): one row per published event, keyed by
 * the audit index of the visit event it maps and written in the transaction that appends that event. `/v2/events`
 * and `/v3/events` page through it in index order with the caller's need-to-know scope in the WHERE clause (the
 * line, the terminal, or the boxes whose release right the caller holds or held, `release_party`); the subscription
 * dispatcher reads it as its transactional outbox, in index order.
 *
 * Rows are only inserted: the application role may select and insert on PostgreSQL. A void is a new row naming the
 * row it retracts (`retracted_event_id`).
 */
export function partnerEventMigration0040(dialect: StoreDialect): Migration {
  const { int8Type, orderedTextType } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('partner_event')
        .addColumn('audit_index', int8Type, (c) => c.primaryKey())
        .addColumn('event_id', orderedTextType, (c) => c.notNull().unique())
        .addColumn('visit_ref', orderedTextType, (c) => c.notNull())
        .addColumn('line', orderedTextType)
        .addColumn('terminal', orderedTextType)
        .addColumn('event_kind', 'text', (c) => c.notNull())
        .addColumn('equipment_event_type_code', orderedTextType, (c) => c.notNull())
        .addColumn('event_created_date_time', orderedTextType, (c) => c.notNull())
        .addColumn('event_date_time', 'text', (c) => c.notNull())
        .addColumn('equipment_reference', orderedTextType, (c) => c.notNull())
        .addColumn('carrier_booking_reference', orderedTextType)
        .addColumn('transport_document_reference', orderedTextType)
        .addColumn('retracted_event_id', orderedTextType)
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      // Need-to-know: a line's boxes, a terminal's boxes, each in log order.
      await db.schema
        .createIndex('partner_event_line_idx')
        .on('partner_event')
        .columns(['line', 'audit_index'])
        .execute();
      await db.schema
        .createIndex('partner_event_terminal_idx')
        .on('partner_event')
        .columns(['terminal', 'audit_index'])
        .execute();
      // A release party's boxes (joined from `release_party` by visit) and the filters that name one box or document.
      await db.schema
        .createIndex('partner_event_visit_idx')
        .on('partner_event')
        .columns(['visit_ref', 'audit_index'])
        .execute();
      await db.schema
        .createIndex('partner_event_equipment_idx')
        .on('partner_event')
        .columns(['equipment_reference', 'audit_index'])
        .execute();
      await db.schema
        .createIndex('partner_event_booking_idx')
        .on('partner_event')
        .columns(['carrier_booking_reference', 'audit_index'])
        .execute();
      await db.schema
        .createIndex('partner_event_document_idx')
        .on('partner_event')
        .columns(['transport_document_reference', 'audit_index'])
        .execute();
      await db.schema
        .createIndex('partner_event_created_idx')
        .on('partner_event')
        .columns(['event_created_date_time', 'audit_index'])
        .execute();
      // T&T 2.2 leaves a retracted event out: `not exists` on the retraction, one probe of this index per row. Partial
      // (retractions only): small, and no `retracted_event_id is null` test can pick it over the scope's index.
      await db.schema
        .createIndex('partner_event_retracted_idx')
        .on('partner_event')
        .columns(['retracted_event_id'])
        .where(sql.ref('retracted_event_id'), 'is not', null)
        .execute();
      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert on partner_event to ${APP_ROLE}`).execute(db);
      }
    },
    async down(db: MigrationDb) {
      await db.schema.dropTable('partner_event').ifExists().execute();
    },
  };
}
