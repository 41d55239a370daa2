import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Issue 6: a rogue database administrator drops the append-only triggers and edits a row of a live server's SQLite
 * file. Nobody runs `verify`; the server's own integrity watch turns `/readyz` to 503 naming the index within
 * seconds, and `portledger verify --db` names it too.
 */
describe('integrity watch of a running server (SQLite, across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-e2e-'));
  const path = join(dir, 'port.db');
  const db = `sqlite:${path}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('turns /readyz to 503 naming the edited index, and verify --db exits 1 naming it', async () => {
    const seeded = await runCli(['seed', '--db', db, '--containers', '200', '--seed', 'integrity']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const clean = await runCli(['verify', '--db', db]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/^verified \d+ events in the database/);
    expect(clean.stdout.trim().split('\n')).toHaveLength(1);

    const server = startCli(['serve', '--db', db, '--port', '0'], {
      PORTLEDGER_INTEGRITY_INTERVAL_MS: '300',
    });
    let stdout = '';
    server.child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    try {
      const url = await waitFor(
        'the server to listen',
        async () => stdout.match(/listening on (http:\/\/\S+)/)?.[1],
        30_000,
      );
      const healthy = await waitFor(
        'a first integrity check',
        async () => {
          const body = (await (await fetch(`${url}/readyz`)).json()) as { integrity?: { ok: boolean } };
          return body.integrity ? body : undefined;
        },
        15_000,
      );
      expect(healthy).toMatchObject({ status: 'ready', integrity: { ok: true } });

      const index = 42;
      const sqlite = new Sqlite(path);
      try {
        const triggers = sqlite.prepare("select name from sqlite_master where type = 'trigger'").all() as {
          name: string;
        }[];
        for (const { name } of triggers) sqlite.exec(`drop trigger "${name}"`);
        const row = sqlite.prepare('select data from event where idx = ?').get(index) as { data: string };
        const data = { ...JSON.parse(row.data), tampered: true };
        sqlite.prepare('update event set data = ? where idx = ?').run(JSON.stringify(data), index);
      } finally {
        sqlite.close();
      }
      const tamperedAt = Date.now();

      const unready = await waitFor(
        '/readyz to turn 503',
        async () => {
          const response = await fetch(`${url}/readyz`);
          return response.status === 503 ? await response.json() : undefined;
        },
        10_000,
      );
      expect(Date.now() - tamperedAt).toBeLessThan(10_000);
      expect(unready).toMatchObject({
        status: 'unavailable',
        integrity: { ok: false, firstBadIndex: index, code: 'integrity.entry_mismatch' },
      });
      expect((unready as { integrity: { reason: string } }).integrity.reason).toMatch(/event 42: .*data/);
    } finally {
      server.child.kill('SIGTERM');
      await server.done;
    }

    const verified = await runCli(['verify', '--db', db]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/^verify failed at index 42: /);
  }, 120_000);
});
