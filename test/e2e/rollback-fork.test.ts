import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
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

interface Readiness {
  status: number;
  body: {
    status: string;
    logSize?: number;
    integrity?: { ok: boolean; code?: string; checkpointSize?: number | null; reason?: string } | null;
  };
}

/** `portledger serve` on a SQLite file in its own process, checking its log every 300 ms. */
async function serve(db: string) {
  const server = startCli(['serve', '--db', db, '--port', '0'], { PORTLEDGER_INTEGRITY_INTERVAL_MS: '300' });
  let stdout = '';
  let stderr = '';
  server.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  server.child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = await waitFor(
    'the server to listen',
    async () => stdout.match(/listening on (http:\/\/\S+)/)?.[1],
    30_000,
  );
  const readiness = async (): Promise<Readiness> => {
    const response = await fetch(`${url}/readyz`);
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  };
  return {
    url,
    readiness,
    stderr: () => stderr,
    /** The first finished integrity check (a rollback or fork found on start shows at once). */
    checked: () =>
      waitFor(
        'an integrity check',
        async () => {
          const ready = await readiness();
          return ready.body.integrity ? ready : undefined;
        },
        30_000,
      ),
    async stop() {
      server.child.kill('SIGTERM');
      return server.done;
    },
  };
}

function largestCheckpoint(path: string): number {
  const db = new Sqlite(path, { readonly: true });
  try {
    return (db.prepare('select max(tree_size) as size from checkpoint').get() as { size: number }).size;
  } finally {
    db.close();
  }
}

/** The integrity alerts the server raised about its history, as the alert read model holds them. */
function historyAlerts(path: string, code: string): { severity: string; status: string; summary: string }[] {
  const db = new Sqlite(path, { readonly: true });
  try {
    return db
      .prepare(
        "select severity, status, summary from alert where rule = 'integrity.failed' and summary like ? order by alert_id",
      )
      .all(`%(${code})%`) as { severity: string; status: string; summary: string }[];
  } finally {
    db.close();
  }
}

/**
 * Issue 11, acceptance: the careful cut made while the server is stopped, and the fork made with the stolen log key.
 * Both leave a database that verifies on its own; the server, holding the checkpoint it kept beside its key, refuses
 * to turn ready, raises a critical alert that stays, and signs nothing over the broken log. A server whose kept file
 * was replaced as well cannot tell; a monitor that saw the true history can.
 */
describe('rollback and fork detection across a restart (SQLite, across processes)', () => {
  const parent = mkdtempSync(join(tmpdir(), 'portledger-rollback-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  /** Seeds a log, serves it until its checkpoint is kept and a monitor has seen it, then stops. */
  async function history(name: string) {
    const dir = join(parent, name);
    mkdirSync(dir);
    const path = join(dir, 'port.db');
    const db = `sqlite:${path}`;
    const seeded = await runCli(['seed', '--db', db, '--containers', '60', '--seed', name]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const monitorState = join(dir, 'auditor.monitor.json');
    const server = await serve(db);
    try {
      expect(await server.checked()).toMatchObject({ status: 200, body: { integrity: { ok: true } } });
      const watched = await runCli(['monitor', '--url', server.url, '--state', monitorState, '--once']);
      expect(watched.code, watched.stderr).toBe(0);
    } finally {
      await server.stop();
    }
    const keptFile = join(dir, 'log.checkpoint');
    expect(existsSync(keptFile)).toBe(true);
    const kept = readFileSync(keptFile, 'utf8');
    const keptSize = Number(kept.split('\n')[1]);
    // The server kept the latest checkpoint of its log, outside the database.
    expect(keptSize).toBe(largestCheckpoint(path));
    return { dir, path, db, keptFile, kept, keptSize, monitorState };
  }

  it('a careful cut: 503 integrity.rollback from the restarted server, a critical alert that stays, no checkpoint signed, and verify --checkpoint and the monitor name it', async () => {
    const { path, db, keptFile, kept, keptSize, monitorState } = await history('cut');
    const from = Math.floor(keptSize * 0.8);
    expect(cutLog(path, from)).toEqual({ before: keptSize, after: from });

    // The cut log verifies on its own: that is what makes it careful.
    const alone = await runCli(['verify', '--db', db]);
    expect(alone.code, alone.stderr).toBe(0);
    const withKept = await runCli(['verify', '--db', db, '--checkpoint', keptFile]);
    expect(withKept.code).toBe(1);
    expect(withKept.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^verify failed: rollback: kept checkpoint of size ${keptSize}, log of size ${from}: `),
      ),
    ]);

    // Nor does an export hand out the cut log under a checkpoint of its own.
    const exported = await runCli(['export', '--db', db, '--out', join(parent, 'cut-export')]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(
      /^export refused: the log does not extend the checkpoint kept in .*: rollback: /,
    );
    expect(exported.stderr.trim().split('\n')).toHaveLength(1);

    const server = await serve(db);
    try {
      const first = await server.checked();
      expect(first).toMatchObject({
        status: 503,
        body: {
          status: 'unavailable',
          integrity: { ok: false, code: 'integrity.rollback', checkpointSize: keptSize },
        },
      });
      expect(server.stderr()).toContain(
        `the log does not extend the checkpoint kept in ${keptFile}: rollback: kept checkpoint of size ${keptSize}`,
      );
      expect(first.body.integrity?.reason).toMatch(
        new RegExp(`^rollback: kept checkpoint of size ${keptSize}, log of size ${from}`),
      );
      // The critical alert is raised once, and the watch goes on failing, check after check.
      const alerts = await waitFor(
        'the rollback alert',
        async () => {
          const found = historyAlerts(path, 'integrity.rollback');
          return found.length > 0 ? found : undefined;
        },
        10_000,
      );
      await sleep(1500);
      expect((await server.readiness()).body.integrity).toMatchObject({
        ok: false,
        code: 'integrity.rollback',
      });
      expect(historyAlerts(path, 'integrity.rollback')).toEqual(alerts);
      expect(alerts).toEqual([expect.objectContaining({ severity: 'critical', status: 'open' })]);
      // The alert is an event on the cut log; no checkpoint is signed over it.
      expect(largestCheckpoint(path)).toBeLessThanOrEqual(from);

      const monitored = await runCli(['monitor', '--url', server.url, '--state', monitorState, '--once']);
      expect(monitored.code).toBe(1);
      expect(monitored.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^rollback: .*size ${keptSize}.*log of size \\d+`)),
      ]);
      const shownSize = Number(monitored.stderr.match(/log of size (\d+)/)?.[1]);
      expect(shownSize).toBeLessThanOrEqual(from);
    } finally {
      await server.stop();
    }
    // The evidence stays: the kept checkpoint was not replaced by anything the broken log showed.
    expect(readFileSync(keptFile, 'utf8')).toBe(kept);
  }, 240_000);

  it('the same cut under a running server: 503 integrity.rollback within a few checks, and it does not flap back to ready', async () => {
    const dir = join(parent, 'live');
    mkdirSync(dir);
    const path = join(dir, 'port.db');
    const db = `sqlite:${path}`;
    const seeded = await runCli(['seed', '--db', db, '--containers', '40', '--seed', 'live']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const server = await serve(db);
    try {
      const ready = await server.checked();
      expect(ready).toMatchObject({ status: 200, body: { integrity: { ok: true } } });
      const size = ready.body.logSize!;
      const from = Math.floor(size * 0.8);
      cutLog(path, from);
      const unready = await waitFor(
        '/readyz to name the rollback',
        async () => {
          const now = await server.readiness();
          return now.status === 503 ? now : undefined;
        },
        10_000,
      );
      expect(unready.body.integrity).toMatchObject({
        ok: false,
        code: 'integrity.rollback',
        checkpointSize: size,
      });
      // Many checks later the log still does not extend what the server kept: no flapping, no new checkpoint.
      await sleep(2000);
      expect(await server.readiness()).toMatchObject({
        status: 503,
        body: { integrity: { code: 'integrity.rollback' } },
      });
      expect(historyAlerts(path, 'integrity.rollback')).toHaveLength(1);
      expect(largestCheckpoint(path)).toBeLessThanOrEqual(from);
    } finally {
      await server.stop();
    }
  }, 240_000);

  it('a fork with the stolen key: 503 integrity.fork and no checkpoint signed; once the kept file is replaced too, only the monitor can tell', async () => {
    const { dir, path, db, keptFile, kept, keptSize, monitorState } = await history('fork');
    const rewritten = forkLog(path, { index: Math.floor(keptSize / 2), keyFile: join(dir, 'log.key') });
    expect(rewritten.treeSize).toBe(keptSize);
    const alone = await runCli(['verify', '--db', db]);
    expect(alone.code, alone.stderr).toBe(0);
    const withKept = await runCli(['verify', '--db', db, '--checkpoint', keptFile]);
    expect(withKept.code).toBe(1);
    expect(withKept.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^verify failed: fork: kept checkpoint of size ${keptSize}, log of size ${keptSize}: `),
      ),
    ]);

    let server = await serve(db);
    try {
      expect(await server.checked()).toMatchObject({
        status: 503,
        body: { integrity: { ok: false, code: 'integrity.fork', checkpointSize: keptSize } },
      });
      await waitFor(
        'the fork alert',
        async () => (historyAlerts(path, 'integrity.fork').length === 1 ? true : undefined),
        10_000,
      );
      await sleep(1000);
      expect((await server.readiness()).status).toBe(503);
      expect(historyAlerts(path, 'integrity.fork')).toHaveLength(1);
      // The alert went onto the forked log, and nothing was signed over it.
      expect(largestCheckpoint(path)).toBe(keptSize);
    } finally {
      await server.stop();
    }
    expect(readFileSync(keptFile, 'utf8')).toBe(kept);

    // The thief also replaces the kept file with the forged head: the server cannot tell any more.
    const forged = (() => {
      const sqlite = new Sqlite(path, { readonly: true });
      try {
        return (
          sqlite.prepare('select note from checkpoint where tree_size = ?').get(keptSize) as { note: string }
        ).note;
      } finally {
        sqlite.close();
      }
    })();
    writeFileSync(keptFile, forged);
    server = await serve(db);
    try {
      // Its kept file says what the forged log says, and the fork alert it raised is part of that log (a log
      // event); only the monitor, which kept the true head, still names the fork.
      const ready = await server.checked();
      expect(ready.body.integrity).toMatchObject({ ok: true });
      const monitored = await runCli(['monitor', '--url', server.url, '--state', monitorState, '--once']);
      expect(monitored.code).toBe(1);
      expect(monitored.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^fork: kept checkpoint of size ${keptSize}, log of size \\d+`)),
      ]);
    } finally {
      await server.stop();
    }
  }, 240_000);
});
