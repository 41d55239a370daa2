import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSignerKey, verifierKeyString } from '../../src/audit/index.js';
import { runCli, startCli } from '../support/cli.js';
import { cutLog, forkLog } from '../support/log-tampering.js';

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

/** `portledger serve` on a SQLite file, in its own process, until `stop`. */
async function serve(db: string, env: NodeJS.ProcessEnv = {}) {
  const server = startCli(['serve', '--db', db, '--port', '0'], {
    PORTLEDGER_INTEGRITY_INTERVAL_MS: '500',
    ...env,
  });
  let stdout = '';
  server.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  let exited = false;
  void server.done.then(() => {
    exited = true;
  });
  const listening = await waitFor(
    'the server to listen',
    async () => (exited ? { exited } : stdout.match(/listening on (http:\/\/\S+)/)?.[1]),
    // Two cores shared with other test runs: a cold start can take a while.
    90_000,
  );
  if (typeof listening !== 'string') throw new Error(`the server exited: ${(await server.done).stderr}`);
  const url = listening;
  return {
    url,
    async stop() {
      server.child.kill('SIGTERM');
      await server.done;
    },
  };
}

/** `portledger witness serve` for one log, in its own process; `--name` makes its key on the first start. */
async function serveWitness(args: { folder: string; name: string; logKey: string }) {
  const slug = args.name.split('.')[0]!;
  const started = startCli([
    'witness',
    'serve',
    '--port',
    '0',
    '--key',
    join(args.folder, `${slug}.key`),
    '--state',
    join(args.folder, `${slug}.state.json`),
    '--log',
    args.logKey,
    '--name',
    args.name,
  ]);
  let stdout = '';
  started.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const [url, vkey] = await waitFor(
    `witness ${args.name} to listen`,
    async () => {
      const url = /listening on (http:\/\/\S+)\n/.exec(stdout)?.[1];
      const vkey = /verifier key: (\S+)\n/.exec(stdout)?.[1];
      return url && vkey ? [url, vkey] : undefined;
    },
    20_000,
  );
  return {
    url,
    vkey,
    async stop() {
      started.child.kill('SIGTERM');
      await started.done;
    },
  };
}

/** A folder per server: the log key and the server's kept checkpoint live beside its database. */
function serverFolder(parent: string, name: string): string {
  const folder = join(parent, name);
  mkdirSync(folder);
  return folder;
}

const monitorOnce = (url: string, state: string) =>
  runCli(['monitor', '--url', url, '--state', state, '--once']);
const keptSize = (state: string) =>
  (JSON.parse(readFileSync(state, 'utf8')) as { treeSize: number }).treeSize;

/**
 * Issue 11: an auditor who runs no server keeps the log's last checkpoint. The log grows and the monitor follows;
 * a careful cut made while the server is stopped, or a rewrite signed with the stolen log key, leaves a log that
 * verifies on its own, but cannot prove it extends what the monitor kept.
 */
describe('portledger monitor against a real server (SQLite, across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-monitor-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 while the log grows, then 1 naming rollback and both sizes after a careful cut', async () => {
    const path = join(serverFolder(dir, 'rollback'), 'port.db');
    const db = `sqlite:${path}`;
    const state = join(dir, 'rollback.monitor.json');
    const seeded = await runCli(['seed', '--db', db, '--containers', '40', '--seed', 'monitor']);
    expect(seeded.code, seeded.stderr).toBe(0);

    let server = await serve(db);
    let firstSize = 0;
    try {
      const first = await monitorOnce(server.url, state);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^ok: .* checkpoint of size \d+ first check, pinned log key /);
      expect(first.stdout.trim().split('\n')).toHaveLength(1);
      firstSize = keptSize(state);

      // The log grows while the server runs (another process appends, as the two-process store test does).
      const more = await runCli(['seed', '--db', db, '--containers', '10', '--seed', 'monitor-more']);
      expect(more.code, more.stderr).toBe(0);
      const grown = await monitorOnce(server.url, state);
      expect(grown.code, grown.stderr).toBe(0);
      expect(grown.stdout).toContain(`extends the kept checkpoint of size ${firstSize}`);
      expect(keptSize(state)).toBeGreaterThan(firstSize);
    } finally {
      await server.stop();
    }

    const kept = keptSize(state);
    // The second vessel call is cut away, back to the size the monitor saw first.
    const cut = cutLog(path, firstSize);
    expect(cut.before).toBeGreaterThanOrEqual(kept);
    // The cut log verifies on its own: that is what makes it careful.
    const verified = await runCli(['verify', '--db', db]);
    expect(verified.code, verified.stderr).toBe(0);

    server = await serve(db);
    try {
      const checked = await monitorOnce(server.url, state);
      expect(checked.code, checked.stdout).toBe(1);
      const lines = checked.stderr.trim().split('\n');
      expect(lines, checked.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^rollback: /);
      expect(lines[0]).toContain(`size ${kept}`);
      expect(lines[0]).toMatch(/log of size \d+/);
      const logSizeNamed = Number(lines[0]!.match(/log of size (\d+)/)![1]);
      expect(logSizeNamed).toBe(firstSize);
      // The monitor keeps what the log showed before, and the shorter checkpoint as evidence.
      const after = JSON.parse(readFileSync(state, 'utf8'));
      expect(after.treeSize).toBe(kept);
      expect(after.refused.map((r: { problem: string }) => r.problem)).toEqual(['rollback']);
      // And again: a log that stays cut keeps failing.
      expect((await monitorOnce(server.url, state)).code).toBe(1);
    } finally {
      await server.stop();
    }
  }, 240_000);

  it('exits 1 naming fork after one event is rewritten and the checkpoints re-signed with the stolen key', async () => {
    const path = join(serverFolder(dir, 'fork'), 'port.db');
    const db = `sqlite:${path}`;
    const state = join(dir, 'fork.monitor.json');
    const seeded = await runCli(['seed', '--db', db, '--containers', '40', '--seed', 'fork']);
    expect(seeded.code, seeded.stderr).toBe(0);

    let server = await serve(db);
    try {
      const first = await monitorOnce(server.url, state);
      expect(first.code, first.stderr).toBe(0);
    } finally {
      await server.stop();
    }
    const kept = keptSize(state);
    const keyFile = join(dir, 'fork', 'log.key');
    expect(existsSync(keyFile)).toBe(true);
    const fork = forkLog(path, { index: Math.floor(kept / 2), keyFile });
    expect(fork.treeSize).toBe(kept);
    const verified = await runCli(['verify', '--db', db]);
    expect(verified.code, verified.stderr).toBe(0);

    server = await serve(db);
    try {
      const checked = await monitorOnce(server.url, state);
      expect(checked.code, checked.stdout).toBe(1);
      const lines = checked.stderr.trim().split('\n');
      expect(lines, checked.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^fork: /);
      expect(lines[0]).toContain(`kept checkpoint of size ${kept}, log of size ${kept}`);
    } finally {
      await server.stop();
    }
  }, 240_000);

  it("checks a quorum of two real witnesses' cosignatures, and names the quorum missing for a witness that never cosigned", async () => {
    const folder = serverFolder(dir, 'witnessed');
    const db = `sqlite:${join(folder, 'port.db')}`;
    const state = join(dir, 'witnessed.monitor.json');
    const seeded = await runCli(['seed', '--db', db, '--containers', '10', '--seed', 'witnessed']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const logKey = verifierKeyString(parseSignerKey(readFileSync(join(folder, 'log.key'), 'utf8').trim()));
    const customs = await serveWitness({ folder, name: 'customs.test/witness', logKey });
    const portAuthority = await serveWitness({ folder, name: 'port-authority.test/witness', logKey });
    const server = await serve(db, {
      PORTLEDGER_WITNESSES: `${customs.vkey}@${customs.url},${portAuthority.vkey}@${portAuthority.url}`,
      PORTLEDGER_WITNESS_QUORUM: '2',
    });
    try {
      const witnessArgs = ['--witness', customs.vkey, '--witness', portAuthority.vkey];
      // The server submits its checkpoint to both witnesses off the write path: wait for the quorum.
      const cosigned = await waitFor(
        'both cosignatures',
        async () => {
          const result = await runCli([
            'monitor',
            '--url',
            server.url,
            '--state',
            state,
            '--once',
            ...witnessArgs,
          ]);
          return result.code === 0 ? result : undefined;
        },
        30_000,
      );
      expect(cosigned.stdout).toMatch(/cosigned by customs\.test\/witness, port-authority\.test\/witness\n$/);

      const stranger = (await runCli(['witness', 'keygen', '--name', 'stranger.test/witness'])).stdout
        .trim()
        .split('\n')[1]!;
      const missing = await runCli([
        'monitor',
        '--url',
        server.url,
        '--state',
        state,
        '--once',
        ...witnessArgs,
        '--witness',
        stranger,
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim().split('\n'), missing.stderr).toHaveLength(1);
      expect(missing.stderr).toMatch(/^quorum_missing: .* carries 2 of the 3 witness cosignatures required/);
    } finally {
      await server.stop();
      await customs.stop();
      await portAuthority.stop();
    }
  }, 180_000);

  it('without --once keeps watching with a status line per check, and stops on SIGTERM with exit 0', async () => {
    const db = `sqlite:${join(serverFolder(dir, 'watch'), 'port.db')}`;
    const seeded = await runCli(['seed', '--db', db, '--containers', '5', '--seed', 'watch']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const server = await serve(db);
    const state = join(dir, 'watch.monitor.json');
    try {
      const watching = startCli(['monitor', '--url', server.url, '--state', state, '--interval', '1']);
      let stderr = '';
      watching.child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      await waitFor('two checks', async () => (stderr.match(/check 2: ok: /) ? true : undefined), 20_000);
      watching.child.kill('SIGTERM');
      const result = await watching.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/check 1: ok: .* first check/);
      expect(result.stderr).toMatch(/check 2: ok: .* unchanged since the last check/);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('exits 2 with one line when the log cannot be reached, and 1 for a broken state file', async () => {
    const unreachable = await monitorOnce('http://127.0.0.1:9', join(dir, 'nowhere.json'));
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/^unreachable: GET \/v1\/audit\/checkpoint/);
    expect(existsSync(join(dir, 'nowhere.json'))).toBe(false);

    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"version":1,"treeSize":');
    const refused = await monitorOnce('http://127.0.0.1:9', broken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `monitor: ${broken} is not a monitor state file; move it away to start over\n`,
    );
  });
});
