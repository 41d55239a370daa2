/**
 * Issue 16, operations: `portledger serve` stopped with SIGTERM under load loses nothing. Writers announce visits
 * over HTTP with an API token, concurrently and without pause; SIGTERM arrives in the middle. The server stops
 * accepting, answers the requests in flight, stops its background loops, signs a final checkpoint and exits 0.
 * Started again on the same SQLite file, every visit that was acknowledged (201) is there, the last checkpoint
 * covers the whole log, and the log verifies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeCheckDigit } from '../../src/domain/index.js';
import { runCli, startCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startServer(db: string, env: NodeJS.ProcessEnv) {
  const server = startCli(['serve', '--db', db, '--port', '0'], env);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server.done.then((ended) =>
      reject(new Error(`serve exited ${ended.code}: ${ended.stderr.slice(-2000)}`)),
    );
  });
  return { ...server, url };
}

describe('graceful shutdown of portledger serve (across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-shutdown-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const db = `sqlite:${join(dir, 'port.db')}`;
  const env = {
    PORTLEDGER_SIGNING_KEY_FILE: join(dir, 'log.key'),
    PORTLEDGER_DATA_KEY_FILE: join(dir, 'data.key'),
    PORTLEDGER_LOG_FILE: join(dir, 'portledger.log'),
    // Under load no checkpoint is signed for a minute: what the last writes need is the final one.
    PORTLEDGER_CHECKPOINT_INTERVAL_MS: '60000',
    LOG_LEVEL: 'warn',
  };

  it('on SIGTERM under load drains, signs a final checkpoint, exits 0 and loses no acknowledged write', async () => {
    const org = await runCli(
      ['org', 'add', '--db', db, '--id', 'msc', '--kind', 'shipping_line', '--name', 'MSC', '--code', 'MSC'],
      env,
    );
    expect(org.code, org.stderr).toBe(0);
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
        'visit.read',
        '--label',
        'feed',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^plt_/);
    const authorization = `Bearer ${token}`;

    const server = await startServer(db, env);
    const acknowledged: string[] = [];
    let acknowledgedAfterSignal = 0;
    let signalled = false;
    let serial = 0;
    const writer = async () => {
      // Until the server stops answering: a refused connection, a reset, or 503 while it closes.
      for (;;) {
        serial += 1;
        const first10 = `MSCU${String(100_000 + serial).padStart(6, '0')}`;
        const response = await fetch(`${server.url}/v1/visits`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({
            containerNumber: `${first10}${computeCheckDigit(first10)}`,
            sizeType: '22G1',
            fullEmpty: 'full',
            arrival: { mode: 'truck' },
          }),
        }).catch(() => undefined);
        if (response?.status !== 201) {
          await response?.text();
          // Before the signal every write is acknowledged.
          if (!signalled) throw new Error(`write refused before SIGTERM: ${response?.status}`);
          return;
        }
        acknowledged.push(((await response.json()) as { visitRef: string }).visitRef);
        if (signalled) acknowledgedAfterSignal += 1;
      }
    };
    const writers = Array.from({ length: 8 }, () => writer());
    while (acknowledged.length < 60) await sleep(20);
    signalled = true;
    server.child.kill('SIGTERM');
    await Promise.all(writers);
    const ended = await server.done;
    expect(ended.signal, ended.stderr).toBeNull();
    expect(ended.code, ended.stderr).toBe(0);
    // Requests in flight when the signal came were answered, not cut.
    expect(acknowledgedAfterSignal).toBeGreaterThan(0);

    // Started again on the same file: everything acknowledged is there, signed.
    const again = await startServer(db, env);
    try {
      let ready: { status?: string; logSize?: number; checkpointSize?: number | null } = {};
      for (let attempt = 0; attempt < 600 && ready.status !== 'ready'; attempt++) {
        ready = await (await fetch(`${again.url}/readyz`)).json();
        if (ready.status !== 'ready') await sleep(100);
      }
      expect(ready.status).toBe('ready');
      // The checkpoint signed on the way down covers the whole log (nothing was written since).
      expect(ready.checkpointSize).toBe(ready.logSize);
      const missing: string[] = [];
      for (const visitRef of acknowledged) {
        const response = await fetch(`${again.url}/v1/visits/${visitRef}`, { headers: { authorization } });
        if (response.status !== 200) missing.push(`${visitRef}: ${response.status}`);
        await response.text();
      }
      expect(missing).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(60);
      expect(new Set(acknowledged).size).toBe(acknowledged.length);
    } finally {
      again.child.kill('SIGTERM');
      const second = await again.done;
      expect(second.code, second.stderr).toBe(0);
    }

    const verified = await runCli(['verify', '--db', db], env);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^verified \d+ events in the database/);
  }, 600_000);
});
