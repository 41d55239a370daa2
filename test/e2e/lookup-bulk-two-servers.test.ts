import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { addOrganisation, addUser } from '../../src/app/access/index.js';
import { announceVisit, runVisitCommand } from '../../src/app/visits/index.js';
import { openSystem } from '../../src/cli/system.js';
import { computeCheckDigit } from '../../src/domain/index.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  uniqueSchemaName,
} from '../../src/store/testing/databases.js';
import { startCli } from '../support/cli.js';
import { mintSession } from '../support/sessions.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startServer(name: string, databaseUrl: string, env: NodeJS.ProcessEnv) {
  const { child } = startCli(['serve', '--db', databaseUrl, '--port', '0'], env);
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${err.slice(-2000)}`)));
  });
  return { name, child, url, stderr: () => err };
}

/**
 * Issue 15, acceptance: `lookup.bulk` counts across two servers sharing one PostgreSQL. The in-process window it
 * replaces counted each server's half apart, so a person whose reads a load balancer spread over two servers stayed
 * under the limit on each. Now each server records its views in the log and the one detection engine (leader role
 * `detection-engine`) counts them together: three boxes through one server and three through the other raise one
 * alert with a limit of five.
 */
await describeWithPostgres('lookup.bulk across two servers on one PostgreSQL', () => {
  it('adds up the views each server recorded, and raises one alert', async () => {
    const schema = uniqueSchemaName('views');
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    await admin.end();
    const databaseUrl = `${TEST_POSTGRES_URL}?options=-c%20search_path%3D${schema}`;
    const dir = mkdtempSync(join(tmpdir(), 'portledger-views-'));
    const env = {
      PORTLEDGER_SIGNING_KEY_FILE: join(dir, 'log.key'),
      PORTLEDGER_DATA_KEY_FILE: join(dir, 'data.key'),
      PORTLEDGER_LOG_ORIGIN: `${schema}.portledger.test/log`,
      PORTLEDGER_CHECKPOINT_INTERVAL_MS: '200',
      PORTLEDGER_VIEW_BATCH_SECONDS: '0.2',
      PORTLEDGER_DETECT_LOOKUP_BULK_LIMIT: '5',
      PORTLEDGER_DETECT_LOOKUP_BULK_WINDOW_MINUTES: '10',
      LOG_LEVEL: 'info',
    };
    // The port, set up as the CLI would (same keys, so the servers accept what this process writes).
    const system = await openSystem({ databaseUrl, env });
    const servers: Awaited<ReturnType<typeof startServer>>[] = [];
    try {
      await addOrganisation(system.auth, {
        orgId: 'nqt',
        kind: 'terminal_operator',
        name: 'North Quay Terminal',
        code: 'NQT',
        terminals: ['T1'],
      });
      await addUser(system.auth, {
        userId: 'planner',
        orgId: 'nqt',
        username: 'planner',
        displayName: 'Yannick Yard',
        roles: ['yard_planner'],
        issuedBy: 'test',
      });
      const visitRefs: string[] = [];
      for (let i = 0; i < 6; i++) {
        const first10 = `MSCU${String(610_000 + i).padStart(6, '0')}`;
        const { visit } = await announceVisit(system.ledger, system.terminals, {
          containerNumber: `${first10}${computeCheckDigit(first10)}`,
          line: 'MSCU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'truck' },
        });
        await runVisitCommand(system.ledger, system.terminals, visit.visitRef, {
          type: 'GateInContainer',
          slot: { terminal: 'T1', block: 'A', bay: 1, row: i + 1, tier: 1 },
        });
        visitRefs.push(visit.visitRef);
      }
      const session = await mintSession(system.auth, 'planner');

      for (const name of ['a', 'b']) {
        servers.push(
          await startServer(name, databaseUrl, {
            ...env,
            PORTLEDGER_CHECKPOINT_FILE: join(dir, `${name}.checkpoint`),
          }),
        );
      }
      // The load balancer sends the first three reads to one server, the last three to the other.
      for (const [i, visitRef] of visitRefs.entries()) {
        const server = servers[i < 3 ? 0 : 1]!;
        const response = await fetch(`${server.url}/v1/visits/${visitRef}`, {
          headers: { cookie: `pl_session=${session.cookie}` },
        });
        expect(response.status, await response.clone().text()).toBe(200);
        expect(((await response.json()) as { slot?: unknown }).slot).toBeTruthy();
      }

      const lookupAlerts = async () =>
        (await system.store.listAlertRecords({ limit: 50 })).filter(
          (alert) => alert.rule === 'lookup.bulk' && alert.subjectId === 'planner',
        );
      for (let waited = 0; (await lookupAlerts()).length === 0 && waited < 30_000; waited += 250)
        await sleep(250);
      const alerts = await lookupAlerts();
      expect(alerts, servers.map((server) => server.stderr().slice(-1500)).join('\n---\n')).toHaveLength(1);
      expect(alerts[0]!.summary).toMatch(/^planner was shown the yard positions of 6 containers/);
      // Each server wrote its own views: the evidence holds events of both.
      const views = (await system.store.readEvents(0, await system.store.logSize())).filter(
        (event) => event.type === 'PositionsViewed',
      );
      expect(views.flatMap((event) => event.data.visitRefs as string[]).sort()).toEqual(
        [...visitRefs].sort(),
      );
      expect(views.length).toBeGreaterThanOrEqual(2);
      // No second alert later: the engine ran once over each event.
      await sleep(1000);
      expect(await lookupAlerts()).toHaveLength(1);
    } finally {
      for (const server of servers) server.child.kill('SIGTERM');
      await Promise.all(
        servers.map((server) => new Promise((resolve) => server.child.once('exit', resolve))),
      );
      await system.close();
      await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
