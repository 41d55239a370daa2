/**
 * Issue 14, item 10: `portledger serve` prints for people. At the default level the server's JSON log (one line per
 * HTTP request) goes to a file beside the signing key, and the terminal gets the URL once, with `localhost`; with
 * `--log-level` (or `PORTLEDGER_LOG_LEVEL`) the JSON lines come to stderr for operators. Each server runs in its own
 * process, as a person or an operator starts it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `serve` on 127.0.0.1, asks it three things, stops it, and returns everything it printed. */
async function serveAndAsk(db: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  // LOG_LEVEL is what the test helpers set for every other start; here the defaults are under test.
  const server = startCli(['serve', '--db', db, '--port', '0', '--host', '127.0.0.1', ...args], {
    LOG_LEVEL: '',
    PORTLEDGER_LOG_LEVEL: '',
    PORTLEDGER_INTEGRITY_INTERVAL_MS: '60000',
    ...env,
  });
  let stdout = '';
  server.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (url === undefined) {
    url = /listening on (http:\/\/\S+)\n/.exec(stdout)?.[1];
    if (url === undefined && (Date.now() > deadline || server.child.exitCode !== null)) {
      server.child.kill('SIGTERM');
      throw new Error(`the server did not listen: ${(await server.done).stderr}`);
    }
    await sleep(100);
  }
  for (const path of ['/healthz', '/v1/audit/checkpoint', '/v1/nothing-here']) await fetch(`${url}${path}`);
  server.child.kill('SIGTERM');
  const done = await server.done;
  return { url, stdout: done.stdout, stderr: done.stderr, code: done.code };
}

describe('portledger serve: start-up output for people (issue 14)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-startup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the URL once, with localhost, and writes the request log to a file, not the screen', async () => {
    const db = `sqlite:${join(dir, 'quiet', 'port.db')}`;
    const run = await serveAndAsk(db, [], {});
    expect(run.code).toBe(0);
    // Bound to 127.0.0.1, told as localhost: the passkeys' host.
    expect(run.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(run.stdout.match(/http:\/\//g)).toHaveLength(1);
    expect(run.stdout).not.toMatch(/127\.0\.0\.1/);
    expect(run.stdout).toMatch(
      /^the server's log: \S*portledger\.log \(--log-level info writes it to stderr instead\)$/m,
    );
    // No JSON on the screen: neither request lines nor Fastify's own "listening at".
    for (const line of `${run.stdout}${run.stderr}`.split('\n')) expect(line).not.toMatch(/^\s*\{/);
    // The log file beside the signing key holds them, one JSON line each.
    const logFile = join(dir, 'quiet', 'portledger.log');
    expect(existsSync(logFile)).toBe(true);
    const lines = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.some((l) => l.req?.url === '/healthz')).toBe(true);
    expect(lines.some((l) => /listening at/.test(l.msg ?? ''))).toBe(true);
  }, 120_000);

  it('brings the JSON lines to stderr with --log-level, and writes no file', async () => {
    const db = `sqlite:${join(dir, 'operator', 'port.db')}`;
    const run = await serveAndAsk(db, ['--log-level', 'info'], {});
    expect(run.code).toBe(0);
    const json = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(json.some((l) => l.req?.url === '/healthz')).toBe(true);
    expect(run.stdout).not.toMatch(/the server's log/);
    expect(existsSync(join(dir, 'operator', 'portledger.log'))).toBe(false);
  }, 120_000);

  it('stops with one line on stderr for a log level it does not know', async () => {
    const db = `sqlite:${join(dir, 'bad', 'port.db')}`;
    const server = startCli(['serve', '--db', db, '--port', '0'], {
      LOG_LEVEL: '',
      PORTLEDGER_LOG_LEVEL: 'loud',
    });
    const done = await server.done;
    expect(done.code).not.toBe(0);
    expect(done.stderr.trim().split('\n')).toHaveLength(1);
    expect(done.stderr).toMatch(
      /PORTLEDGER_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not loud/,
    );
  }, 60_000);
});
