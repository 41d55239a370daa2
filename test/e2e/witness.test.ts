import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, startCli } from '../support/cli.js';
import { noteBody, testLog, verifyCosignatureIndependently } from '../support/witness-log.js';

const log = testLog({ leaves: 5000 });

/** Starts `portledger witness serve` on a free port and waits for its address and verifier key. */
async function serveWitness(args: { key: string; state: string; name?: string }) {
  const started = startCli([
    'witness',
    'serve',
    '--port',
    '0',
    '--key',
    args.key,
    '--state',
    args.state,
    '--log',
    log.vkey,
    ...(args.name ? ['--name', args.name] : []),
  ]);
  let stdout = '';
  started.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const deadline = Date.now() + 20_000;
  while (!/verifier key: \S+\n/.test(stdout)) {
    if (started.child.exitCode !== null || Date.now() > deadline) {
      const result = await started.done;
      throw new Error(`witness did not start: ${result.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /listening on (http:\/\/\S+)\n/.exec(stdout)![1]!;
  const vkey = /verifier key: (\S+)\n/.exec(stdout)![1]!;
  return { ...started, url, vkey };
}

const post = (url: string, body: string) =>
  fetch(`${url}/add-checkpoint`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });

async function stop(child: ChildProcess, done: Promise<CliResult>, signal: NodeJS.Signals = 'SIGTERM') {
  child.kill(signal);
  return done;
}

describe('portledger witness across processes', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-witness-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keygen prints a signer key and its cosignature verifier key, and never overwrites a key file', async () => {
    const printed = await runCli(['witness', 'keygen', '--name', 'customs.test/witness']);
    expect(printed.code, printed.stderr).toBe(0);
    const [signerKey, vkey] = printed.stdout.trim().split('\n');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+customs\.test\/witness\+[0-9a-f]{8}\+B[A-P]/);
    expect(vkey).toMatch(/^customs\.test\/witness\+[0-9a-f]{8}\+B[A-P]/);
    expect(signerKey!.slice('PRIVATE+KEY+'.length, 'PRIVATE+KEY+'.length + 30)).toBe(vkey!.slice(0, 30));

    const file = join(tempDir(), 'witness.key');
    const written = await runCli(['witness', 'keygen', '--name', 'customs.test/witness', '--out', file]);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^PRIVATE\+KEY\+customs\.test\/witness\+/);
    const again = await runCli(['witness', 'keygen', '--name', 'customs.test/witness', '--out', file]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a missing key file without --name, and a log key that is not a log key, in one line', async () => {
    const dir = tempDir();
    const missing = await runCli([
      'witness',
      'serve',
      '--port',
      '0',
      '--key',
      join(dir, 'none.key'),
      '--state',
      join(dir, 'state.json'),
      '--log',
      log.vkey,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const badLog = await runCli([
      'witness',
      'serve',
      '--port',
      '0',
      '--key',
      join(dir, 'w.key'),
      '--name',
      'w.test/witness',
      '--state',
      join(dir, 'state.json'),
      '--log',
      'not-a-key',
    ]);
    expect(badLog.code).toBe(1);
    expect(badLog.stderr).toMatch(/^error: audit\.key_malformed: /);
  });

  it('answers every add-checkpoint status over HTTP and cosigns by the specification', async () => {
    const dir = tempDir();
    const witness = await serveWitness({
      key: join(dir, 'customs.key'),
      state: join(dir, 'customs.state.json'),
      name: 'customs.test/witness',
    });
    try {
      const unknown = testLog({ origin: 'unknown.test/log', seedByte: 3 });
      expect((await post(witness.url, unknown.body({ from: 0, to: 2 }))).status).toBe(404);
      const impostor = testLog({ seedByte: 4 });
      expect((await post(witness.url, impostor.body({ from: 0, to: 2 }))).status).toBe(403);
      expect((await post(witness.url, log.body({ from: 3, to: 2, proof: [] }))).status).toBe(400);

      const first = await post(witness.url, log.body({ from: 0, to: 100 }));
      expect(first.status).toBe(200);
      const line = await first.text();
      expect(
        verifyCosignatureIndependently({
          vkey: witness.vkey,
          checkpointBody: noteBody(log.checkpointAt(100)),
          line,
        }).ok,
      ).toBe(true);

      const conflict = await post(witness.url, log.body({ from: 50, to: 120 }));
      expect(conflict.status).toBe(409);
      expect(conflict.headers.get('content-type')).toBe('text/x.tlog.size');
      expect(await conflict.text()).toBe('100\n');

      const badProof = log.proofBetween(100, 120).reverse();
      expect((await post(witness.url, log.body({ from: 100, to: 120, proof: badProof }))).status).toBe(422);
      const sameSizeOtherRoot = log.checkpointAt(100, log.rootAt(99));
      expect(
        (await post(witness.url, log.body({ from: 100, to: 100, note: sameSizeOtherRoot }))).status,
      ).toBe(422);
      expect((await post(witness.url, log.body({ from: 100, to: 120 }))).status).toBe(200);

      // A second witness process on the same state file would check against its own memory: it is refused.
      const second = await runCli([
        'witness',
        'serve',
        '--port',
        '0',
        '--key',
        join(dir, 'customs.key'),
        '--state',
        join(dir, 'customs.state.json'),
        '--log',
        log.vkey,
      ]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/^error: witness state .* is in use by process \d+/);

      const evidence = readFileSync(join(dir, 'customs.state.evidence.jsonl'), 'utf8').trim().split('\n');
      expect(evidence.map((e) => JSON.parse(e).status)).toEqual([400, 409, 422, 422]);
    } finally {
      await stop(witness.child, witness.done);
    }
  });

  it('keeps every acknowledged cosignature across SIGKILL in the middle of a load', async () => {
    const dir = tempDir();
    const key = join(dir, 'authority.key');
    const state = join(dir, 'authority.state.json');
    let largestAcknowledged = 0;
    for (let round = 0; round < 3; round++) {
      const witness = await serveWitness({ key, state, name: 'authority.test/witness' });
      let killed = false;
      // Four clients race increasing sizes; each learns the witness's size from a 409 and proves from there.
      const client = async (offset: number) => {
        let from = 0;
        for (let size = round * 1500 + offset + 1; size <= log.leaves.length && !killed; size += 4) {
          // The witness is already past this size (another client got there): nothing to cosign here.
          while (from < size) {
            // Once the witness is killed its connections drop: that client stops.
            const response = await post(witness.url, log.body({ from, to: size })).catch(() => undefined);
            const text = await response?.text().catch(() => undefined);
            if (!response || text === undefined) return;
            if (response.status === 200) {
              largestAcknowledged = Math.max(largestAcknowledged, size);
              from = size;
              break;
            }
            expect(response.status).toBe(409);
            from = Number(text.trim());
          }
        }
      };
      const clients = [1, 2, 3, 4].map(client);
      await new Promise((resolve) => setTimeout(resolve, 700 + Math.floor(Math.random() * 800)));
      killed = true;
      const result = await stop(witness.child, witness.done, 'SIGKILL');
      expect(result.signal).toBe('SIGKILL');
      await Promise.all(clients);

      // After the restart the witness is at least where it acknowledged: it never cosigns below that again.
      const restarted = await serveWitness({ key, state });
      try {
        const probe = await post(restarted.url, log.body({ from: 0, to: 1 }));
        const size = Number((await probe.text()).trim());
        expect(probe.status).toBe(409);
        expect(size).toBeGreaterThanOrEqual(largestAcknowledged);
        expect(JSON.parse(readFileSync(state, 'utf8')).logs[log.origin].size).toBe(String(size));
      } finally {
        await stop(restarted.child, restarted.done);
      }
    }
    expect(largestAcknowledged).toBeGreaterThan(0);
  }, 120_000);
});
