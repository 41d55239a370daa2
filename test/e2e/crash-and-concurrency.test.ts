import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash safety and concurrent writers on one SQLite file (across processes)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-e2e-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function exportAndVerify(db: string, out: string): Promise<number> {
    const exported = await runCli(['export', '--db', db, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const verified = await runCli(['verify', out]);
    expect(verified.code, verified.stderr).toBe(0);
    return readFileSync(join(out, 'entries.jsonl'), 'utf8').trimEnd().split('\n').length;
  }

  it('survives SIGKILL of `seed` at random moments: no torn leaf, no gap', async () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, 'port.db')}`;
    let kills = 0;
    for (let round = 0; round < 4; round++) {
      const { child, done } = startCli([
        'seed',
        '--db',
        db,
        '--containers',
        '3000',
        '--seed',
        `crash-${round}`,
      ]);
      await sleep(400 + Math.floor(Math.random() * 2500));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills += 1;
      }
      await done;
    }
    expect(kills).toBeGreaterThan(0);
    const after = await runCli(['seed', '--db', db, '--containers', '500', '--seed', 'after-crash']);
    expect(after.code, after.stderr).toBe(0);
    const size = await exportAndVerify(db, join(dir, 'export'));
    expect(size).toBeGreaterThan(0);
  }, 300_000);

  it('two processes appending to one file at the same time lose nothing and produce a log that verifies', async () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, 'port.db')}`;
    const [a, b] = await Promise.all([
      runCli(['seed', '--db', db, '--containers', '1500', '--seed', 'writer-a']),
      runCli(['seed', '--db', db, '--containers', '1500', '--seed', 'writer-b']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const eventsOf = (stdout: string) => Number(stdout.match(/; (\d+) events/)?.[1]);
    const size = await exportAndVerify(db, join(dir, 'export'));
    expect(size).toBe(eventsOf(a.stdout) + eventsOf(b.stdout));
  }, 300_000);
});
