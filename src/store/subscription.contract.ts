import { describe, expect, it } from 'vitest';
import type { OutboxDelivery, SubscriptionRecord } from '../app/partners/subscriptions.ports.js';
import type { LedgerStore } from '../app/ports.js';

const subscription = (
  id: string,
  orgId: string,
  createdAt: string,
  kind: 'dcsa' | 'thin' = 'dcsa',
): SubscriptionRecord => ({
  subscriptionId: id,
  orgId,
  kind,
  callbackUrl: `https://receiver.example/${id}`,
  filters: { equipmentEventTypeCode: ['GTIN', 'GTOT'], equipmentReference: 'MSCU1234565' },
  secretSealed: new Uint8Array([1, 2, 3, 250]),
  active: true,
  createdAt,
  updatedAt: createdAt,
  createdBy: 'u-clerk',
});

const delivery = (subscriptionId: string, position: number, eventId = `e-${position}`): OutboxDelivery => ({
  deliveryId: `${subscriptionId}/${eventId}`,
  subscriptionId,
  position,
  eventId,
  payload: `[{"eventID":"${eventId}","note":"é ✓"}]`,
  status: 'pending',
  attempts: 0,
  nextAttemptAt: '2026-03-02T08:00:00.000Z',
  lastError: null,
  createdAt: '2026-03-02T08:00:00.000Z',
  deliveredAt: null,
});

/** Event subscriptions and their outbox (`subscriptions.ports.ts`, issue 16), on every store. */
export function describeSubscriptionContract(storeOf: () => LedgerStore): void {
  describe('event subscriptions and outbox', () => {
    it('keeps subscriptions by organisation, replaces them in place, and lists the active ones by kind', async () => {
      const store = storeOf();
      const a = subscription('00000000-0000-4000-8000-00000000000a', 'org-msc', '2026-03-02T08:00:00.000Z');
      const b = subscription(
        '00000000-0000-4000-8000-00000000000b',
        'org-msc',
        '2026-03-02T09:00:00.000Z',
        'thin',
      );
      const c = subscription('00000000-0000-4000-8000-00000000000c', 'org-cma', '2026-03-02T07:00:00.000Z');
      await store.writeTransaction(async (tx) => {
        for (const s of [b, a, c]) await tx.subscriptions.putSubscription(s);
        expect(await tx.subscriptions.getSubscription(a.subscriptionId)).toEqual(a);
      });
      expect(await store.outbox.getSubscription(a.subscriptionId)).toEqual(a);
      expect((await store.outbox.listSubscriptions('org-msc')).map((s) => s.subscriptionId)).toEqual([
        a.subscriptionId,
        b.subscriptionId,
      ]);
      expect((await store.outbox.activeSubscriptions('dcsa')).map((s) => s.subscriptionId)).toEqual([
        c.subscriptionId,
        a.subscriptionId,
      ]);
      const deleted = {
        ...a,
        active: false,
        callbackUrl: 'https://other.example/',
        updatedAt: '2026-03-02T10:00:00.000Z',
      };
      await store.writeTransaction((tx) => tx.subscriptions.putSubscription(deleted));
      expect(await store.outbox.getSubscription(a.subscriptionId)).toEqual(deleted);
      expect((await store.outbox.activeSubscriptions('dcsa')).map((s) => s.subscriptionId)).toEqual([
        c.subscriptionId,
      ]);
      expect(await store.outbox.getSubscription('00000000-0000-4000-8000-0000000000ff')).toBeUndefined();
    });

    it('moves a cursor only from where it stands, queues a delivery once, and a rollback leaves both', async () => {
      const store = storeOf();
      const at = '2026-03-02T08:00:00.000Z';
      expect(await store.outbox.getOutboxCursor('outbox-thin')).toBeUndefined();
      expect(
        await store.writeTransaction(async (tx) => {
          await tx.subscriptions.addDeliveries([delivery('s1', 3), delivery('s1', 1), delivery('s2', 2)]);
          return tx.subscriptions.advanceOutboxCursor(
            { dispatcherId: 'outbox-thin', position: 4, updatedAt: at },
            null,
          );
        }),
      ).toBe(true);
      expect(
        await store.writeTransaction((tx) =>
          tx.subscriptions.advanceOutboxCursor(
            { dispatcherId: 'outbox-thin', position: 9, updatedAt: at },
            null,
          ),
        ),
      ).toBe(false);
      expect(
        await store.writeTransaction((tx) =>
          tx.subscriptions.advanceOutboxCursor(
            { dispatcherId: 'outbox-thin', position: 9, updatedAt: at },
            3,
          ),
        ),
      ).toBe(false);
      await expect(
        store.writeTransaction(async (tx) => {
          expect(
            await tx.subscriptions.advanceOutboxCursor(
              { dispatcherId: 'outbox-thin', position: 9, updatedAt: at },
              4,
            ),
          ).toBe(true);
          await tx.subscriptions.addDeliveries([delivery('s1', 5)]);
          throw new Error('crash before commit');
        }),
      ).rejects.toThrow('crash before commit');
      expect(await store.outbox.getOutboxCursor('outbox-thin')).toEqual({
        dispatcherId: 'outbox-thin',
        position: 4,
        updatedAt: at,
      });
      // Queued again (a dispatcher that re-read a batch): the first row stands.
      await store.writeTransaction((tx) =>
        tx.subscriptions.addDeliveries([{ ...delivery('s1', 1), payload: 'other' }]),
      );
      const line = await store.outbox.listDeliveries('s1', { status: 'pending', limit: 10 });
      expect(line.map((d) => d.position)).toEqual([1, 3]);
      expect(line[0]).toEqual(delivery('s1', 1));
      expect(await store.outbox.outboxDepth()).toEqual({ pending: 3, oldestCreatedAt: at });
    });

    it('records an attempt only while the delivery is pending, and filters the dead letters', async () => {
      const store = storeOf();
      await store.writeTransaction((tx) =>
        tx.subscriptions.addDeliveries([delivery('s1', 1), delivery('s1', 2)]),
      );
      const dead = {
        status: 'dead' as const,
        attempts: 7,
        nextAttemptAt: '2026-03-03T08:00:00.000Z',
        lastError: 'HTTP 503; given up',
        deliveredAt: null,
      };
      expect(await store.outbox.recordDeliveryOutcome('s1/e-1', dead)).toBe(true);
      expect(
        await store.outbox.recordDeliveryOutcome('s1/e-1', {
          ...dead,
          status: 'delivered',
          deliveredAt: '2026-03-03T08:00:00.000Z',
        }),
      ).toBe(false);
      expect(await store.outbox.listDeliveries('s1', { status: 'dead', limit: 10 })).toEqual([
        { ...delivery('s1', 1), ...dead },
      ]);
      expect((await store.outbox.listDeliveries('s1', { limit: 10 })).map((d) => d.status)).toEqual([
        'dead',
        'pending',
      ]);
      expect(await store.outbox.listDeliveries('s1', { status: 'pending', limit: 1 })).toEqual([
        delivery('s1', 2),
      ]);
    });
  });
}
