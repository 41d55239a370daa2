/**
 * The outbox dispatcher against a real receiver on localhost (issue 16): every matching event arrives once after
 * de-duplication by its id, in log order, across a receiver outage and a dispatcher replaced mid-stream (the
 * cross-process SIGKILL is `test/e2e/subscriptions.test.ts`); only what the organisation may see; each callback
 * verifies with docs/webhook-verifier.mjs; dead letters after the maximum age.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '../../../docs/webhook-verifier.mjs';
import { testSecurity } from '../../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
} from '../../../test/support/ledger.js';
import { computeCheckDigit } from '../../domain/index.js';
import { hmacSha256, httpCallbackTransport } from '../../security/callback-transport.js';
import { addOrganisation, defaultAuthSettings } from '../access/index.js';
import { announceVisit, runVisitCommand } from '../visits/index.js';
import { parseCidrList } from './callback-url.js';
import {
  type DispatcherDeps,
  queueDeliveriesOnce,
  sendDueOnce,
  startOutboxDispatcher,
} from './dispatcher.js';
import { createSubscription, listSubscriptionDeliveries } from './subscriptions.usecases.js';

const kinds: StoreKind[] = [
  'memory',
  'sqlite',
  ...((await postgresReachable()) ? ['postgres' as const] : []),
];
const box = (serial: number) => {
  const first10 = `TSTU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};
const secretText = Buffer.from('thirty-two bytes of shared key!!').toString('base64');
const allow = parseCidrList('127.0.0.1/32');
const until = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 120_000) => {
  const start = Date.now();
  while (!(await ok())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A receiver that verifies each callback, can go down (its port closed) and come back on the same port. */
async function startReceiver() {
  const verify = createWebhookVerifier({ secret: secretText });
  const received: { id: string; type: string; visitRef: string }[] = [];
  const refused: string[] = [];
  const raw: { headers: IncomingMessage['headers']; body: string }[] = [];
  const handler = (request: IncomingMessage, response: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verdict = verify({ headers: request.headers, body });
      if (!verdict.ok) {
        refused.push(verdict.reason);
        response.writeHead(401).end();
        return;
      }
      raw.push({ headers: request.headers, body });
      received.push(JSON.parse(body));
      response.writeHead(204).end();
    });
  };
  let server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    refused,
    raw,
    verify,
    async down() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async up() {
      server = createServer(handler);
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe.each(kinds)('outbox dispatcher with a receiver on localhost (%s)', (kind) => {
  const opened: TestLedger[] = [];
  afterAll(async () => {
    for (const fixture of opened) await fixture.cleanup();
  });

  async function port() {
    const fixture = await openTestLedger(kind);
    opened.push(fixture);
    const { ledger } = fixture;
    const auth = { ledger, security: testSecurity(), settings: defaultAuthSettings };
    await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'cma', kind: 'shipping_line', name: 'CMA CGM', code: 'CMDU' });
    const subscriptionDeps = { ledger, sealer: auth.security.sealer, resolve: async () => [], allow };
    const deps = (policy = { baseMs: 50, capMs: 400, maxAgeMs: 3_600_000 }): DispatcherDeps => ({
      ledger,
      sealer: auth.security.sealer,
      hmac: hmacSha256,
      transport: httpCallbackTransport({ allow }),
      partnerEvents: ledger.store.partnerEvents,
      policy,
      timeoutMs: 5000,
      batch: 7,
    });
    /** A box of `line` announced by truck and gated in: two thin notifications. */
    async function arrive(serial: number, line: string) {
      const { visit } = await announceVisit(ledger, testTerminals, {
        containerNumber: box(serial),
        line,
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      await runVisitCommand(ledger, testTerminals, visit.visitRef, {
        type: 'GateInContainer',
        slot: {
          terminal: 'T1',
          block: 'A',
          bay: 1 + 2 * (serial % 10),
          row: 1 + Math.floor(serial / 10),
          tier: 1,
        },
        truckPlate: '1-ABC-123',
        equipment: 'SC1',
        operator: 'clerk',
      });
      return visit.visitRef;
    }
    return { ledger, subscriptionDeps, deps, arrive };
  }

  it('delivers each of its own boxes’ events once after de-duplication, in log order, across an outage and a replaced dispatcher', async () => {
    const { ledger, subscriptionDeps, deps, arrive } = await port();
    const receiver = await startReceiver();
    try {
      // History before the subscription is not sent.
      await arrive(1, 'MSCU');
      const subscription = await createSubscription(
        subscriptionDeps,
        { orgId: 'msc', actor: 'u-msc' },
        { kind: 'thin', callbackUrl: receiver.url, secret: secretText, filters: {} },
      );
      const ours: string[] = [];
      for (let i = 2; i <= 6; i++) ours.push(await arrive(i, 'MSCU'));
      // Another line's box: MSC may not see it.
      await arrive(7, 'CMDU');

      let dispatcher = startOutboxDispatcher({ ...deps(), active: () => true, idleMs: 20, maxIdleMs: 100 });
      await until('the first events', () => receiver.received.length >= 4);
      await receiver.down();
      for (let i = 8; i <= 12; i++) ours.push(await arrive(i, 'MSCU'));
      // Down for a while: the dispatcher keeps trying, then is replaced (a crash between send and record resends).
      await until('failed attempts', async () => {
        const pending = await listSubscriptionDeliveries(
          ledger.store.outbox,
          { orgId: 'msc', actor: 'x' },
          subscription.subscriptionID,
          { status: 'pending', limit: 50 },
        );
        return pending.some((d) => d.attempts >= 2);
      });
      await dispatcher.stop();
      await arrive(13, 'CMDU');
      ours.push(await arrive(14, 'MSCU'));
      await receiver.up();
      dispatcher = startOutboxDispatcher({ ...deps(), active: () => true, idleMs: 20, maxIdleMs: 100 });
      await until('every event', () => new Set(receiver.received.map((n) => n.id)).size >= ours.length * 2);
      await dispatcher.stop();

      const unique = [...new Map(receiver.received.map((n) => [n.id, n])).values()];
      expect(unique.map((n) => n.visitRef)).toEqual(ours.flatMap((ref) => [ref, ref]));
      expect(unique.map((n) => n.type)).toEqual(ours.flatMap(() => ['visit.announced', 'visit.gated_in']));
      // In log order: the ids' audit positions ascend.
      const log = await ledger.store.readEvents(0, 10_000);
      const at = new Map(log.map((e) => [e.eventId, e.index]));
      const positions = unique.map((n) => at.get(n.id) ?? -1);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(receiver.refused).toEqual([]);
      // A replayed callback is refused by the reference verifier.
      const first = receiver.raw[0]!;
      expect(
        receiver.verify({ headers: first.headers as Record<string, string>, body: first.body }),
      ).toMatchObject({ ok: false });
      expect(first.headers['subscription-id']).toBe(subscription.subscriptionID);
    } finally {
      await receiver.close();
    }
  }, 300_000);

  it('sends DCSA 2.2 equipment events of its own boxes that match the filters, one event an array', async () => {
    const { subscriptionDeps, deps, arrive } = await port();
    const receiver = await startReceiver();
    try {
      await createSubscription(
        subscriptionDeps,
        { orgId: 'msc', actor: 'u-msc' },
        {
          kind: 'dcsa',
          callbackUrl: receiver.url,
          secret: secretText,
          filters: { equipmentEventTypeCode: ['GTIN'] },
        },
      );
      await arrive(31, 'MSCU');
      await arrive(32, 'CMDU');
      await arrive(33, 'MSCU');
      const quick = deps();
      await until('two events', async () => {
        await queueDeliveriesOnce(quick, 'dcsa');
        await sendDueOnce(quick);
        return receiver.received.length >= 2;
      });
      const events = receiver.received as unknown as Record<string, unknown>[][];
      expect(events.map((body) => body.length)).toEqual([1, 1]);
      expect(events.map((body) => body[0]?.equipmentEventTypeCode)).toEqual(['GTIN', 'GTIN']);
      expect(events.map((body) => body[0]?.equipmentReference)).toEqual([box(31), box(33)]);
      expect(JSON.stringify(events)).not.toContain('"bay"');
      expect(receiver.refused).toEqual([]);
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it('gives a delivery up as a dead letter after the maximum age, and the next one goes out', async () => {
    const { subscriptionDeps, deps, arrive, ledger } = await port();
    const receiver = await startReceiver();
    try {
      const subscription = await createSubscription(
        subscriptionDeps,
        { orgId: 'msc', actor: 'u-msc' },
        {
          kind: 'thin',
          callbackUrl: receiver.url,
          secret: secretText,
          filters: { thinTypes: ['visit.gated_in'] },
        },
      );
      await receiver.down();
      const first = await arrive(21, 'MSCU');
      const quick = deps({ baseMs: 10, capMs: 20, maxAgeMs: 150 });
      await queueDeliveriesOnce(quick, 'thin');
      await until('a dead letter', async () => {
        await sendDueOnce(quick);
        const dead = await listSubscriptionDeliveries(
          ledger.store.outbox,
          { orgId: 'msc', actor: 'x' },
          subscription.subscriptionID,
          { status: 'dead', limit: 5 },
        );
        return dead.length === 1;
      });
      await receiver.up();
      const second = await arrive(22, 'MSCU');
      await queueDeliveriesOnce(quick, 'thin');
      await until('the next event', async () => {
        await sendDueOnce(quick);
        return receiver.received.length === 1;
      });
      expect(receiver.received.map((n) => [n.visitRef, n.type])).toEqual([[second, 'visit.gated_in']]);
      const dead = await listSubscriptionDeliveries(
        ledger.store.outbox,
        { orgId: 'msc', actor: 'x' },
        subscription.subscriptionID,
        { status: 'dead', limit: 5 },
      );
      expect(dead).toHaveLength(1);
      expect(dead[0]?.lastError).toContain('given up');
      expect(first).not.toBe(second);
      // Another organisation cannot read them.
      await expect(
        listSubscriptionDeliveries(
          ledger.store.outbox,
          { orgId: 'cma', actor: 'x' },
          subscription.subscriptionID,
          { limit: 5 },
        ),
      ).rejects.toMatchObject({ code: 'subscription.not_found' });
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
