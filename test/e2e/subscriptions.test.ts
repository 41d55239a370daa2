/**
 * Issue 16, acceptance: a thin webhook subscription with a real receiver on localhost and a real `portledger serve`
 * on a temp SQLite file. Every announced box arrives exactly once after de-duplication by id, in order, across a
 * receiver outage (60 s by default; PORTLEDGER_TEST_OUTAGE_MS shortens it for a quick local run) and a SIGKILL of
 * PortLedger during the outage (restarted on the same file). Each callback verifies with docs/webhook-verifier.mjs
 * and a replayed one is refused by it. Prints the outbox's delivery latency p99 as a ratio to a plain localhost POST
 * round trip measured in the same run (no timed assertion).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '../../docs/webhook-verifier.mjs';
import { computeCheckDigit } from '../../src/domain/index.js';
import { runCli, startCli } from '../support/cli.js';

const OUTAGE_MS = Number(process.env.PORTLEDGER_TEST_OUTAGE_MS ?? 60_000);
const secret = Buffer.alloc(32, 9).toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (what: string, ok: () => boolean, timeoutMs = 240_000) => {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
};
const p99 = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
};

interface Notification {
  id: string;
  type: string;
  visitRef: string;
  at: string;
}

async function startReceiver() {
  const verify = createWebhookVerifier({ secret });
  const received: (Notification & { receivedAt: number })[] = [];
  const refused: string[] = [];
  const raw: { headers: IncomingMessage['headers']; body: string }[] = [];
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.url === '/plain') return void response.writeHead(204).end();
      const verdict = verify({ headers: request.headers, body });
      if (!verdict.ok) {
        refused.push(verdict.reason);
        return void response.writeHead(401).end();
      }
      raw.push({ headers: request.headers, body });
      received.push({ ...(JSON.parse(body) as Notification), receivedAt: Date.now() });
      response.writeHead(204).end();
    });
  };
  let server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
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
  };
}

function startServe(db: string, env: NodeJS.ProcessEnv) {
  const { child, done } = startCli(['serve', '--db', db, '--port', '0', '--host', '127.0.0.1'], env);
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    done.then((result) =>
      reject(new Error(`serve ended ${result.code ?? result.signal}: ${result.stderr.slice(-2000)}`)),
    );
  });
  return { child, done, url };
}

describe('event subscriptions across a receiver outage and a SIGKILL (across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-subscriptions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const db = `sqlite:${join(dir, 'port.db')}`;
  const env = {
    PORTLEDGER_SIGNING_KEY_FILE: join(dir, 'log.key'),
    PORTLEDGER_DATA_KEY_FILE: join(dir, 'data.key'),
    PORTLEDGER_LOG_FILE: join(dir, 'portledger.log'),
    PORTLEDGER_CALLBACK_ALLOW: '127.0.0.1/32',
    PORTLEDGER_OUTBOX_RETRY_BASE_MS: '250',
    PORTLEDGER_OUTBOX_RETRY_CAP_MS: '3000',
    PORTLEDGER_DETECTION: 'off',
  };

  it('delivers every announced box once after de-duplication, in order, verified, and a replay is refused', async () => {
    const orgAdded = await runCli(
      ['org', 'add', '--db', db, '--id', 'msc', '--kind', 'shipping_line', '--name', 'MSC', '--code', 'MSCU'],
      env,
    );
    expect(orgAdded.code, orgAdded.stderr).toBe(0);
    const created = await runCli(
      [
        'token',
        'create',
        '--db',
        db,
        '--org',
        'msc',
        '--permission',
        'visit.announce',
        '--permission',
        'subscription.manage',
        '--label',
        'tms',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    const receiver = await startReceiver();
    let serve = startServe(db, env);
    let baseUrl = await serve.url;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const subscribed = await fetch(`${baseUrl}/v1/webhooks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ callbackUrl: `${receiver.base}/hook`, secret, types: ['visit.announced'] }),
    });
    expect(subscribed.status, await subscribed.clone().text()).toBe(201);
    const subscriptionId = ((await subscribed.json()) as { id: string }).id;

    const announced: string[] = [];
    let serial = 0;
    const announce = async () => {
      serial += 1;
      const first10 = `MSCU${String(800_000 + serial).padStart(6, '0')}`;
      const response = await fetch(`${baseUrl}/v1/visits`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          containerNumber: `${first10}${computeCheckDigit(first10)}`,
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'truck' },
        }),
      });
      expect(response.status).toBe(201);
      announced.push(((await response.json()) as { visitRef: string }).visitRef);
    };
    const uniqueRefs = () => [...new Map(receiver.received.map((n) => [n.id, n.visitRef])).values()];

    // Steady state: one box at a time, each waited for, so each delivery's latency is its own.
    for (let i = 0; i < 40; i++) {
      await announce();
      await until('the steady-state delivery', () => uniqueRefs().length === announced.length);
    }
    const steady = receiver.received.map((n) => n.receivedAt - Date.parse(n.at));

    // The outage: the receiver's port closed; boxes keep coming; PortLedger killed in the middle and restarted.
    await receiver.down();
    for (let i = 0; i < 15; i++) await announce();
    await sleep(OUTAGE_MS / 2);
    serve.child.kill('SIGKILL');
    await serve.done;
    serve = startServe(db, env);
    baseUrl = await serve.url;
    for (let i = 0; i < 15; i++) await announce();
    await sleep(OUTAGE_MS / 2);
    await receiver.up();
    await until('every box', () => uniqueRefs().length >= announced.length);

    try {
      expect(uniqueRefs()).toEqual(announced);
      expect(new Set(receiver.received.map((n) => n.type))).toEqual(new Set(['visit.announced']));
      expect(receiver.refused).toEqual([]);
      // A captured callback sent again: the reference verifier refuses it.
      const first = receiver.raw[0]!;
      expect(
        receiver.verify({ headers: first.headers as Record<string, string>, body: first.body }),
      ).toMatchObject({ ok: false });
      expect(first.headers['subscription-id']).toBe(subscriptionId);
      // Nothing is dead: the outage was shorter than the maximum age.
      const dead = await fetch(`${baseUrl}/v1/webhooks/${subscriptionId}/deliveries?status=dead`, {
        headers,
      });
      expect(((await dead.json()) as { deliveries: unknown[] }).deliveries).toEqual([]);

      // The baseline: a plain POST round trip to the same receiver, from this process.
      const plain: number[] = [];
      for (let i = 0; i < 200; i++) {
        const start = performance.now();
        const response = await fetch(`${receiver.base}/plain`, { method: 'POST', body: '{}' });
        await response.arrayBuffer();
        plain.push(performance.now() - start);
      }
      const outboxP99 = p99(steady);
      const plainP99 = p99(plain);
      console.log(
        `outbox delivery latency p99 ${outboxP99} ms (commit to receipt, ${steady.length} deliveries) = ${(outboxP99 / plainP99).toFixed(1)} × a plain localhost POST round trip p99 (${plainP99.toFixed(2)} ms, 200 requests); outage ${OUTAGE_MS} ms, ${receiver.received.length} callbacks for ${announced.length} events`,
      );
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
      await receiver.down();
    }
  }, 600_000);
});
