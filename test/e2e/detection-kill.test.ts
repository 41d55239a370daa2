/**
 * Issue 15, acceptance: the detection engine killed with SIGKILL in the middle of the stream, several times, and
 * started again, raises every alert exactly once: what it recorded equals what one uninterrupted core raises over
 * the same log. The engine is a small process of its own (`src/cli/testing/detection-worker.ts`) running test-only
 * rules: every yard move fires a high alert (a freeze), every 7th event of a probe stream a medium one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/cli.js';

const worker = resolve(projectRoot, 'dist', 'src', 'cli', 'testing', 'detection-worker.js');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function startWorker(args: readonly string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [worker, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  /** Resolves once the worker has said `count` lines starting with `prefix` (or has ended). */
  const said = (prefix: string, count: number) =>
    new Promise<void>((resolveSaid) => {
      const check = () => {
        const lines = stdout.split('\n').filter((line) => line.startsWith(prefix)).length;
        if (lines >= count || child.exitCode !== null) resolveSaid();
        else setTimeout(check, 5);
      };
      check();
    });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolveDone) => child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr })));
  return { child, done, said };
}

describe('detection engine under SIGKILL (across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-detect-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const db = `sqlite:${join(dir, 'port.db')}`;
  const env = { PORTLEDGER_SIGNING_KEY_FILE: join(dir, 'log.key'), LOG_LEVEL: 'warn' };

  it('raises every alert exactly once however often it is killed', async () => {
    const port = await startWorker(['port', db, '150'], env).done;
    expect(port.code, port.stderr).toBe(0);
    const probes = await startWorker(['probes', db, '3000'], env).done;
    expect(probes.code, probes.stderr).toBe(0);

    // Where each kill left the stored place, and the log's size then.
    const killedAt: { position: number; size: number }[] = [];
    for (let round = 0; round < 8; round++) {
      const { child, done, said } = startWorker(['run', db, '60'], env);
      // After one to four committed batches, and a little more: in the middle of a batch or between two.
      await said('committed', 1 + Math.floor(Math.random() * 4));
      await sleep(Math.floor(Math.random() * 40));
      const killed = child.exitCode === null && child.kill('SIGKILL');
      const ended = await done;
      if (ended.signal === null) expect(ended.code, ended.stderr).toBe(0);
      if (killed) {
        const stood = await startWorker(['position', db], env).done;
        expect(stood.code, stood.stderr).toBe(0);
        killedAt.push(JSON.parse(stood.stdout));
      }
    }
    // Killed at least five times in the middle of the stream, each time after it had stored some batches and
    // before it caught up; then it runs to the end.
    const midStream = killedAt.filter(({ position, size }) => position > 0 && position < size);
    expect(midStream.length, JSON.stringify(killedAt)).toBeGreaterThanOrEqual(5);
    const last = await startWorker(['run', db, '60'], env).done;
    expect(last.code, last.stderr).toBe(0);

    const check = await startWorker(['expected', db], env).done;
    expect(check.code, check.stderr).toBe(0);
    const { size, expected, recorded, freezes } = JSON.parse(check.stdout) as {
      size: number;
      expected: unknown[];
      recorded: unknown[];
      freezes: Record<string, number>;
    };
    expect(JSON.parse(last.stdout.split('caught up ')[1]!).position).toBe(size);
    expect(expected.length).toBeGreaterThan(400);
    expect(recorded).toEqual(expected);
    // Each box the engine froze, it froze once.
    expect(Object.keys(freezes).length).toBeGreaterThan(0);
    expect(Object.values(freezes).every((count) => count === 1)).toBe(true);
  }, 300_000);
});
