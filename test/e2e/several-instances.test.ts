import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { computeCheckDigit } from '../../src/domain/index.js';
import {
  describeWithPostgres,
  TEST_POSTGRES_URL,
  uniqueSchemaName,
} from '../../src/store/testing/databases.js';
import { runCli, startCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Instance {
  name: string;
  child: ReturnType<typeof startCli>['child'];
  url: string;
  /** Whether its log last said it holds the checkpoint signer's role. */
  signs(): boolean;
  /** When its log first said so, in ms since the epoch. */
  signedSince(): number | undefined;
  stderr(): string;
}

async function startInstance(name: string, databaseUrl: string, env: NodeJS.ProcessEnv): Promise<Instance> {
  const { child } = startCli(['serve', '--db', databaseUrl, '--port', '0'], env);
  let out = '';
  let err = '';
  let signs = false;
  let signedSince: number | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk;
    for (const line of String(chunk).split('\n')) {
      if (line.includes('leader role checkpoint-signer held')) {
        signs = true;
        signedSince ??= Date.now();
      }
      if (line.includes('leader role checkpoint-signer released')) signs = false;
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${err.slice(-2000)}`)));
  });
  return { name, child, url, signs: () => signs, signedSince: () => signedSince, stderr: () => err };
}

/**
 * Issue 13: several `portledger serve` processes on one PostgreSQL database, as behind a load balancer. Writes go
 * through all three; the checkpoint signer is killed with SIGKILL mid-stream. Then exactly one of the other two signs
 * within 10 s, every acknowledged write is in the log, and the log verifies.
 */
await describeWithPostgres('three instances on one PostgreSQL, and the signer killed', () => {
  it('hands the signing over within 10 s, loses no acknowledged write, and the log verifies', async () => {
    const schema = uniqueSchemaName('instances');
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    const databaseUrl = `${TEST_POSTGRES_URL}?options=-c%20search_path%3D${schema}`;
    const dir = mkdtempSync(join(tmpdir(), 'portledger-instances-'));
    const env = {
      PORTLEDGER_SIGNING_KEY_FILE: join(dir, 'log.key'),
      PORTLEDGER_DATA_KEY_FILE: join(dir, 'data.key'),
      PORTLEDGER_LOG_ORIGIN: `${schema}.portledger.test/log`,
      PORTLEDGER_CHECKPOINT_INTERVAL_MS: '200',
      LOG_LEVEL: 'info',
    };
    const instances: Instance[] = [];
    try {
      expect(
        (
          await runCli(
            [
              'org',
              'add',
              '--db',
              databaseUrl,
              '--id',
              'msc',
              '--kind',
              'shipping_line',
              '--name',
              'MSC',
              '--code',
              'MSC',
            ],
            env,
          )
        ).code,
      ).toBe(0);
      const created = await runCli(
        [
          'token',
          'create',
          '--db',
          databaseUrl,
          '--org',
          'msc',
          '--permission',
          'visit.announce',
          '--label',
          'feed',
        ],
        env,
      );
      const token = created.stdout.trim();
      expect(token).toMatch(/^plt_/);
      for (const name of ['a', 'b', 'c']) {
        instances.push(
          await startInstance(name, databaseUrl, {
            ...env,
            PORTLEDGER_CHECKPOINT_FILE: join(dir, `${name}.checkpoint`),
          }),
        );
      }

      const acknowledged: string[] = [];
      let serial = 0;
      const announce = async (instance: Instance) => {
        serial += 1;
        const first10 = `MSCU${String(700_000 + serial).padStart(6, '0')}`;
        const response = await fetch(`${instance.url}/v1/visits`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            containerNumber: `${first10}${computeCheckDigit(first10)}`,
            sizeType: '22G1',
            fullEmpty: 'full',
            arrival: { mode: 'truck' },
          }),
        }).catch(() => undefined);
        if (response?.status === 201)
          acknowledged.push(((await response.json()) as { visitRef: string }).visitRef);
        else await response?.text();
      };
      const writeRound = (alive: Instance[]) =>
        Promise.all(alive.flatMap((instance) => [announce(instance), announce(instance)]));

      for (let round = 0; round < 10; round++) await writeRound(instances);
      expect(acknowledged).toHaveLength(60);
      const signers = instances.filter((instance) => instance.signs());
      expect(signers.map((instance) => instance.name)).toHaveLength(1);
      const killed = signers[0]!;

      // Writes keep coming while the signer dies.
      const survivors = instances.filter((instance) => instance !== killed);
      const writing = (async () => {
        for (let round = 0; round < 15; round++) {
          await writeRound(round < 5 ? instances : survivors);
          await sleep(50);
        }
      })();
      await sleep(150);
      const killedAt = Date.now();
      killed.child.kill('SIGKILL');
      await writing;

      const deadline = killedAt + 10_000;
      while (!survivors.some((instance) => instance.signs()) && Date.now() < deadline) await sleep(50);
      const newSigners = survivors.filter((instance) => instance.signs());
      expect(newSigners).toHaveLength(1);
      expect(newSigners[0]!.signedSince()! - killedAt).toBeLessThan(10_000);

      // The new signer signs what every instance wrote.
      const log = new pg.Client({ connectionString: databaseUrl });
      await log.connect();
      try {
        const covered = async () => {
          const { rows } = await log.query<{ size: string; signed: string | null }>(
            'select (select size from log_head where id = 1) as size, (select max(tree_size) from checkpoint) as signed',
          );
          return rows[0]!.size === rows[0]!.signed;
        };
        const until = Date.now() + 10_000;
        while (!(await covered()) && Date.now() < until) await sleep(100);
        expect(await covered()).toBe(true);
        const { rows } = await log.query<{ n: string }>(
          'select count(*) as n from visit where visit_ref = any($1)',
          [acknowledged],
        );
        expect(Number(rows[0]!.n)).toBe(acknowledged.length);
        expect(acknowledged.length).toBeGreaterThan(60);
      } finally {
        await log.end();
      }
      for (const instance of survivors) instance.child.kill('SIGTERM');
      await Promise.all(
        survivors.map((instance) => new Promise((resolve) => instance.child.once('exit', resolve))),
      );

      const verified = await runCli(['verify', '--db', databaseUrl], env);
      expect(verified.stderr).toBe('');
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^verified \d+ events in the database/);
    } finally {
      for (const instance of instances) instance.child.kill('SIGKILL');
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
