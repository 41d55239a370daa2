import type {
  OutboxCursor,
  OutboxDelivery,
  OutboxStore,
  SubscriptionReads,
  SubscriptionRecord,
  SubscriptionWrites,
} from '../app/partners/subscriptions.ports.js';

/** Event subscriptions and their outbox in memory (issue 16, `subscriptions.ports.ts`). */
export interface MemorySubscriptionTables {
  readonly subscriptions: Map<string, SubscriptionRecord>;
  readonly deliveries: Map<string, OutboxDelivery>;
  readonly cursors: Map<string, OutboxCursor>;
}

export function emptySubscriptionTables(): MemorySubscriptionTables {
  return { subscriptions: new Map(), deliveries: new Map(), cursors: new Map() };
}

const copySubscription = (r: SubscriptionRecord): SubscriptionRecord => ({
  ...r,
  filters: structuredClone(r.filters),
  secretSealed: new Uint8Array(r.secretSealed),
});

function reads(tables: () => MemorySubscriptionTables[]): SubscriptionReads {
  // Later layers (a transaction's staged rows) win over earlier ones (the committed rows).
  const find = <V>(pick: (t: MemorySubscriptionTables) => Map<string, V>, key: string): V | undefined => {
    let found: V | undefined;
    for (const layer of tables()) found = pick(layer).get(key) ?? found;
    return found;
  };
  const all = () => {
    const merged = new Map<string, SubscriptionRecord>();
    for (const layer of tables()) for (const [id, r] of layer.subscriptions) merged.set(id, r);
    return [...merged.values()].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || (a.subscriptionId < b.subscriptionId ? -1 : 1),
    );
  };
  return {
    async getSubscription(subscriptionId) {
      const r = find((t) => t.subscriptions, subscriptionId);
      return r && copySubscription(r);
    },
    async listSubscriptions(orgId) {
      return all()
        .filter((r) => r.orgId === orgId)
        .map(copySubscription);
    },
    async activeSubscriptions(kind) {
      return all()
        .filter((r) => r.kind === kind && r.active)
        .map(copySubscription);
    },
    async getOutboxCursor(dispatcherId) {
      const c = find((t) => t.cursors, dispatcherId);
      return c && { ...c };
    },
  };
}

/** A transaction's view: reads see its own writes; `commit` moves them into `committed`. */
export function memorySubscriptionTx(committed: MemorySubscriptionTables): {
  writes: SubscriptionWrites;
  commit(): void;
} {
  const staged = emptySubscriptionTables();
  const base = reads(() => [committed, staged]);
  return {
    writes: {
      ...base,
      async putSubscription(record) {
        staged.subscriptions.set(record.subscriptionId, copySubscription(record));
      },
      async addDeliveries(rows) {
        for (const row of rows) {
          if (committed.deliveries.has(row.deliveryId) || staged.deliveries.has(row.deliveryId)) continue;
          staged.deliveries.set(row.deliveryId, { ...row });
        }
      },
      async advanceOutboxCursor(cursor, expectedPosition) {
        const current = staged.cursors.get(cursor.dispatcherId) ?? committed.cursors.get(cursor.dispatcherId);
        if ((current?.position ?? null) !== expectedPosition) return false;
        staged.cursors.set(cursor.dispatcherId, { ...cursor });
        return true;
      },
    },
    commit() {
      for (const [id, r] of staged.subscriptions) committed.subscriptions.set(id, r);
      for (const [id, d] of staged.deliveries) committed.deliveries.set(id, d);
      for (const [id, c] of staged.cursors) committed.cursors.set(id, c);
    },
  };
}

export function memoryOutboxStore(committed: MemorySubscriptionTables): OutboxStore {
  return {
    ...reads(() => [committed]),
    async listDeliveries(subscriptionId, query) {
      return [...committed.deliveries.values()]
        .filter((d) => d.subscriptionId === subscriptionId && (!query.status || d.status === query.status))
        .sort((a, b) => a.position - b.position || (a.deliveryId < b.deliveryId ? -1 : 1))
        .slice(0, query.limit)
        .map((d) => ({ ...d }));
    },
    async recordDeliveryOutcome(deliveryId, outcome) {
      const current = committed.deliveries.get(deliveryId);
      if (current?.status !== 'pending') return false;
      committed.deliveries.set(deliveryId, { ...current, ...outcome });
      return true;
    },
    async outboxDepth() {
      const pending = [...committed.deliveries.values()].filter((d) => d.status === 'pending');
      const oldest = pending.map((d) => d.createdAt).sort()[0] ?? null;
      return { pending: pending.length, oldestCreatedAt: oldest };
    },
  };
}
