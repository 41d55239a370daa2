import type { Kysely, Selectable } from 'kysely';
import type {
  DeliveryStatus,
  OutboxCursor,
  OutboxDelivery,
  OutboxStore,
  SubscriptionFilters,
  SubscriptionKind,
  SubscriptionReads,
  SubscriptionRecord,
  SubscriptionWrites,
} from '../app/partners/subscriptions.ports.js';
import type { Database, EventSubscriptionTable, OutboxDeliveryTable } from './schema.js';

/** Event subscriptions and their outbox on SQLite and PostgreSQL (migration 0041, `subscriptions.ports.ts`). */
export function subscriptionReads(db: Kysely<Database>): SubscriptionReads {
  return {
    async getSubscription(subscriptionId) {
      const row = await db
        .selectFrom('event_subscription')
        .selectAll()
        .where('subscription_id', '=', subscriptionId)
        .executeTakeFirst();
      return row && subscriptionOf(row);
    },
    async listSubscriptions(orgId) {
      const rows = await db
        .selectFrom('event_subscription')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at')
        .orderBy('subscription_id')
        .execute();
      return rows.map(subscriptionOf);
    },
    async activeSubscriptions(kind) {
      const rows = await db
        .selectFrom('event_subscription')
        .selectAll()
        .where('kind', '=', kind)
        .where('active', '=', 1)
        .orderBy('created_at')
        .orderBy('subscription_id')
        .execute();
      return rows.map(subscriptionOf);
    },
    async getOutboxCursor(dispatcherId) {
      const row = await db
        .selectFrom('outbox_cursor')
        .selectAll()
        .where('dispatcher_id', '=', dispatcherId)
        .executeTakeFirst();
      if (!row) return undefined;
      const cursor: OutboxCursor = {
        dispatcherId: row.dispatcher_id,
        position: Number(row.position),
        updatedAt: row.updated_at,
      };
      return cursor;
    },
  };
}

export function createSubscriptionRepository({ db }: { db: Kysely<Database> }): SubscriptionWrites {
  return {
    ...subscriptionReads(db),
    async putSubscription(record) {
      const values = {
        callback_url: record.callbackUrl,
        filters: JSON.stringify(record.filters),
        secret_sealed: record.secretSealed,
        active: record.active ? 1 : 0,
        updated_at: record.updatedAt,
      };
      await db
        .insertInto('event_subscription')
        .values({
          subscription_id: record.subscriptionId,
          org_id: record.orgId,
          kind: record.kind,
          created_at: record.createdAt,
          created_by: record.createdBy,
          ...values,
        })
        .onConflict((oc) => oc.column('subscription_id').doUpdateSet(values))
        .execute();
    },
    async addDeliveries(rows) {
      // A few hundred rows a batch at most (the dispatcher's batch × matching subscriptions): 11 parameters each.
      for (let start = 0; start < rows.length; start += 50) {
        await db
          .insertInto('outbox_delivery')
          .values(
            rows.slice(start, start + 50).map((row) => ({
              delivery_id: row.deliveryId,
              subscription_id: row.subscriptionId,
              position: row.position,
              event_id: row.eventId,
              payload: row.payload,
              status: row.status,
              attempts: row.attempts,
              next_attempt_at: row.nextAttemptAt,
              last_error: row.lastError,
              created_at: row.createdAt,
              delivered_at: row.deliveredAt,
            })),
          )
          .onConflict((oc) => oc.column('delivery_id').doNothing())
          .execute();
      }
    },
    async advanceOutboxCursor(cursor, expectedPosition) {
      const values = { position: cursor.position, updated_at: cursor.updatedAt };
      if (expectedPosition === null) {
        const result = await db
          .insertInto('outbox_cursor')
          .values({ dispatcher_id: cursor.dispatcherId, ...values })
          .onConflict((oc) => oc.column('dispatcher_id').doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      const result = await db
        .updateTable('outbox_cursor')
        .set(values)
        .where('dispatcher_id', '=', cursor.dispatcherId)
        .where('position', '=', expectedPosition)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

/**
 * The sending side, outside the log's transactions. `db` reads; `writer` writes (on SQLite the writer thread's
 * connection, as for the cosignatures: a write on the main thread would wait for the writer's lock).
 */
export function createOutboxStore({
  db,
  writer,
}: {
  db: Kysely<Database>;
  writer: Kysely<Database>;
}): OutboxStore {
  return {
    ...subscriptionReads(db),
    async listDeliveries(subscriptionId, query) {
      let select = db.selectFrom('outbox_delivery').selectAll().where('subscription_id', '=', subscriptionId);
      if (query.status) select = select.where('status', '=', query.status);
      const rows = await select.orderBy('position').orderBy('delivery_id').limit(query.limit).execute();
      return rows.map(deliveryOf);
    },
    async recordDeliveryOutcome(deliveryId, outcome) {
      const result = await writer
        .updateTable('outbox_delivery')
        .set({
          status: outcome.status,
          attempts: outcome.attempts,
          next_attempt_at: outcome.nextAttemptAt,
          last_error: outcome.lastError,
          delivered_at: outcome.deliveredAt,
        })
        .where('delivery_id', '=', deliveryId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async outboxDepth() {
      const row = await db
        .selectFrom('outbox_delivery')
        .select((eb) => [eb.fn.countAll().as('pending'), eb.fn.min('created_at').as('oldest')])
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return { pending: Number(row?.pending ?? 0), oldestCreatedAt: (row?.oldest as string | null) ?? null };
    },
  };
}

function subscriptionOf(row: Selectable<EventSubscriptionTable>): SubscriptionRecord {
  return {
    subscriptionId: row.subscription_id,
    orgId: row.org_id,
    kind: row.kind as SubscriptionKind,
    callbackUrl: row.callback_url,
    filters: JSON.parse(row.filters) as SubscriptionFilters,
    secretSealed: new Uint8Array(row.secret_sealed),
    active: Number(row.active) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
  };
}

function deliveryOf(row: Selectable<OutboxDeliveryTable>): OutboxDelivery {
  return {
    deliveryId: row.delivery_id,
    subscriptionId: row.subscription_id,
    position: Number(row.position),
    eventId: row.event_id,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}
