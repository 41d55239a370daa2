import { type Migration, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Event subscriptions and their outbox (issue 16). `event_subscription`: who wants which events where, its HMAC
 * secret sealed with the data key; changed in place (never deleted: `DELETE` deactivates) beside the event that
 * records the change. `outbox_delivery`: each callback owed, queued in the transaction that moves
 * `outbox_cursor` past the events it came from (compare-and-set, as `detection_cursor`, migration 0037).
 */
export function eventSubscriptionsMigration0041(dialect: StoreDialect): Migration {
  const { int8Type, orderedTextType, blobType } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema
        .createTable('event_subscription')
        .addColumn('subscription_id', orderedTextType, (c) => c.primaryKey())
        .addColumn('org_id', orderedTextType, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('callback_url', 'text', (c) => c.notNull())
        .addColumn('filters', 'text', (c) => c.notNull())
        .addColumn('secret_sealed', blobType, (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('event_subscription_org')
        .on('event_subscription')
        .columns(['org_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('outbox_delivery')
        .addColumn('delivery_id', orderedTextType, (c) => c.primaryKey())
        .addColumn('subscription_id', orderedTextType, (c) => c.notNull())
        .addColumn('position', int8Type, (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .execute();
      // A subscription's head of line: its pending deliveries in feed order.
      await db.schema
        .createIndex('outbox_delivery_line')
        .on('outbox_delivery')
        .columns(['subscription_id', 'status', 'position'])
        .execute();
      await db.schema
        .createTable('outbox_cursor')
        .addColumn('dispatcher_id', orderedTextType, (c) => c.primaryKey())
        .addColumn('position', int8Type, (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      if (dialect.name === 'postgres') {
        await sql
          .raw(
            `grant select, insert, update on event_subscription, outbox_delivery, outbox_cursor to ${APP_ROLE}`,
          )
          .execute(db);
      }
    },
    async down(db: MigrationDb) {
      await db.schema.dropTable('outbox_cursor').ifExists().execute();
      await db.schema.dropTable('outbox_delivery').ifExists().execute();
      await db.schema.dropTable('event_subscription').ifExists().execute();
    },
  };
}
