import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  uniqueSchemaName,
} from '../../src/store/testing/databases.js';
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

interface DrillReport {
  steps: { name: string; outcome: 'blocked' | 'detected' | 'succeeded'; how: string; evidence: string[] }[];
  findings: string[];
}

/**
 * Starts `portledger demo` on `db` and waits until it listens and its integrity watch has passed once, so that the
 * check after the drill's tampering is the one that catches it.
 */
async function startDemo(
  db: string,
  env: NodeJS.ProcessEnv = {},
  options: { port?: number; sound?: boolean } = {},
) {
  const server = startCli(['demo', '--db', db, '--port', String(options.port ?? 0), '--no-simulator'], {
    PORTLEDGER_INTEGRITY_INTERVAL_MS: '300',
    ...env,
  });
  let stdout = '';
  server.child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  // Seeding 2,000 boxes takes seconds on an idle machine, minutes on a loaded one.
  const url = await waitFor(
    'the demo to listen',
    async () => stdout.match(/listening on (http:\/\/\S+)/)?.[1],
    150_000,
  );
  if (options.sound === false) return { server, url, stdout: () => stdout };
  await waitFor(
    'a first integrity check',
    async () => {
      const body = (await (await fetch(`${url}/readyz`)).json()) as { integrity?: { ok: boolean } };
      return body.integrity?.ok ? body : undefined;
    },
    60_000,
  );
  return { server, url, stdout: () => stdout };
}

/** A TCP port free now, so that a restarted demo answers where the drill waits for it. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The operator's token for the drill's observer: an API token with alert.read for the customs organisation (which
 * sees every alert), made with the CLI against the demo's database, as the README's how-to says. Not in the secrets
 * file: the gang does not hold it.
 */
async function alertToken(db: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const created = await runCli(
    ['token', 'create', '--db', db, '--org', 'customs', '--permission', 'alert.read', '--label', 'drill'],
    env,
  );
  expect(created.code, created.stderr).toBe(0);
  const token = created.stdout.trim();
  expect(token).not.toBe('');
  return token;
}

function step(report: DrillReport, name: RegExp): DrillReport['steps'][number] {
  const found = report.steps.find((s) => name.test(s.name));
  if (!found) throw new Error(`no drill step matches ${name}`);
  return found;
}

/**
 * Issue 6: `portledger demo` serves a seeded port; `portledger drill`, a separate process that knows only the URL,
 * the demo secrets file and the SQLite path, replays the Antwerp attack. Every step must be blocked or detected.
 */
describe('portledger drill against portledger demo (across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-drill-'));
  const path = join(dir, 'port.db');
  const db = `sqlite:${path}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('blocks or detects every step of the kill chain, the careful cut and the fork among them, and exits 0', async () => {
    const port = await freePort();
    let demo = await startDemo(db, {}, { port });
    const { url, stdout } = demo;
    const restarts: string[] = [];
    try {
      expect(stdout()).not.toMatch(/simulator is on/);
      const secrets = join(dir, 'demo-secrets.json');
      expect(statSync(secrets).mode & 0o777).toBe(0o600);
      const token = await alertToken(db);
      expect(readFileSync(secrets, 'utf8')).not.toContain(token);

      // The drill cannot stop the server: with --server-stopped it says when, and the operator (this test) does.
      const running = startCli([
        'drill',
        '--url',
        url,
        '--secrets',
        secrets,
        '--db',
        db,
        '--alert-token',
        token,
        '--server-stopped',
        '--json',
        '--out',
        dir,
      ]);
      let said = '';
      let operator = Promise.resolve();
      running.child.stderr?.on('data', (chunk) => {
        said += chunk;
        const lines = said.split('\n');
        said = lines.pop() ?? '';
        for (const line of lines) {
          if (/^drill: .*stop it now$/.test(line)) {
            restarts.push('stop');
            operator = operator.then(async () => {
              demo.server.child.kill('SIGTERM');
              await demo.server.done;
            });
          } else if (/^drill: .*start the server again$/.test(line)) {
            restarts.push('start');
            operator = operator.then(async () => {
              demo = await startDemo(db, {}, { port, sound: false });
            });
          }
        }
      });
      const drill = await running.done;
      await operator;
      // The drill's own stderr when it ended early, so that a failure here says why.
      expect(restarts, `${drill.code}\n${drill.stderr}`).toEqual(['stop', 'start', 'stop', 'start']);
      // The report first, step by step, so that a failure names the step; the exit code last.
      expect(drill.stdout, drill.stderr).toMatch(/^\{/);
      const report = JSON.parse(drill.stdout) as DrillReport;
      const names = report.steps.map((s) => s.name);
      for (const expected of [
        /^log in/,
        /yard positions/,
        /change a position/,
        /pickup slot earlier/,
        /change the driver/,
        /release right/,
        /gate out/,
        /copied pickup credential/,
        /delete or void/,
        /tamper with the database/,
        // Issue 10: the holes an outside attacker found, rows A–G, and the verifier key.
        /bare route with the kiosk token/,
        /read the alert inbox with the investigator's and a customs officer's keylogged password/,
        /customs hold with a customs officer's keylogged password/,
        /credential, badge number and plate all copied/,
        /whether the police hold a box/,
        /each unused one-time enrolment link/,
        /published key/,
        /25 forged credentials at the gate in one second/,
        /delete an alert and forge a box's yard slot/,
      ]) {
        expect(
          names.some((n) => expected.test(n)),
          String(expected),
        ).toBe(true);
      }
      // Every step that went through, at once (softly, so the checks of each step below still run).
      const through = report.steps.filter((s) => s.outcome !== 'blocked' && s.outcome !== 'detected');
      expect.soft(through.map((s) => `${s.name}: ${s.outcome}: ${s.how}`)).toEqual([]);
      for (const step of report.steps) expect(step.evidence.length, step.name).toBeGreaterThan(0);
      // Issue 11: the careful cut and the fork with the stolen log key, each made while the demo was stopped.
      // Each verifies on its own, and every angle names it: the restarted server, verify --db --checkpoint with
      // the checkpoint the drill's monitor kept, that monitor, and both witnesses.
      for (const [name, kind] of [
        [/cut the log back carefully while the server is stopped/, 'rollback'],
        [/fork the log with the stolen log key while the server is stopped/, 'fork'],
      ] as const) {
        const history = step(report, name);
        const evidence = history.evidence.join('\n');
        expect(history.outcome, history.how).toBe('detected');
        expect(history.how).not.toMatch(/some angles only|did not name|no witness/);
        expect(evidence).toMatch(/verify --db alone \(\d+ ms\): exit 0: verified/);
        expect(evidence).toMatch(
          new RegExp(
            `verify --db --checkpoint with the monitor's kept checkpoint of size \\d+ \\(\\d+ ms\\): exit 1: verify failed: ${kind}: `,
          ),
        );
        expect(evidence).toMatch(
          new RegExp(`/readyz 503 \\d+ ms after the restarted server first answered: integrity\\.${kind}`),
        );
        expect(evidence).toMatch(
          new RegExp(`alert integrity\\.\\S+ \\(critical\\) \\d+: "[^"]*integrity\\.${kind}`),
        );
        expect(evidence).toMatch(new RegExp(`the auditor's monitor after \\(\\d+ ms\\): ${kind}: `));
        expect(history.how).toMatch(/2 of 2 witnesses refused/);
        expect(
          evidence.match(/witness \S+ holds a cosigned checkpoint of size \d+; .*: HTTP (400|409|422)/g),
        ).toHaveLength(2);
      }
      expect(step(report, /cut the log back/).evidence.join('\n')).toMatch(
        /the auditor's monitor before the stop \(\d+ ms\): ok: checkpoint of size \d+ extends the kept checkpoint/,
      );

      const gate = report.steps.find((s) => /gate out/.test(s.name))!;
      expect(gate.outcome).toBe('detected');
      expect(gate.how).toMatch(/raised gate\.refused alert/);
      // A keylogged investigator password opens statuses only: no slot anywhere, and 403 on the positional views.
      const lookup = report.steps.find((s) => /yard positions/.test(s.name))!;
      expect(lookup.outcome).toBe('blocked');
      const investigatorLines = lookup.evidence.filter((line) => line.startsWith('investigator:'));
      expect(investigatorLines.join('\n')).toMatch(
        /GET \/v1\/terminals\/T1\/yard: HTTP 403 auth\.passkey_session_required/,
      );
      expect(investigatorLines.join('\n')).toMatch(/GET \/v1\/visits\/V-\S+: HTTP 200 \(no position in it\)/);
      // The copied credential is real (from the pickups the demo haulier handed its drivers), but bound to
      // another driver's phone: the printed pass is off, so the gate refuses it whoever presents it (it checks no
      // badge for a pass that does not authenticate its presenter) and raises an alert naming its pass checks only.
      const secretsJson = JSON.parse(readFileSync(secrets, 'utf8')) as {
        pickups?: { credential: string; driverBadge: string }[];
      };
      expect(secretsJson.pickups?.length ?? 0).toBeGreaterThan(0);
      expect(secretsJson.pickups![0]!.credential).toMatch(/^plc1\./);
      const copied = report.steps.find((s) => /copied pickup credential/.test(s.name))!;
      expect(copied.outcome, copied.how).toBe('detected');
      expect(copied.how).toMatch(/pass\.printed_disabled/);
      expect(copied.how).toMatch(/raised gate\.refused alert/);
      expect(copied.evidence.join('\n')).toMatch(/accepted=false/);
      // The kiosk is told only the pass's own checks, and so is the alert the port's staff read, on the token.
      expect(copied.evidence.join('\n')).toMatch(
        /alert gate\.refused \(high\) \S+: "Gate refused [^"]*pass\.printed_disabled/,
      );
      expect(copied.evidence.join('\n')).toMatch(
        /alert gate\.refused \(high\) \S+: .*listed on GET \/v1\/alerts to the operator's alert\.read API token/,
      );
      const tamper = report.steps.find((s) => /tamper/.test(s.name))!;
      expect(tamper.outcome).toBe('detected');
      expect(tamper.evidence.join('\n')).toMatch(
        /\/readyz 503 after \d+ ms: integrity integrity\.entry_mismatch/,
      );
      expect(tamper.evidence.join('\n')).toMatch(/verify --db .* failed at index \d+/);

      // Issue 10, row A: the kiosk token on the bare gate-out route, for a box nobody released or booked.
      const bare = step(report, /bare route with the kiosk token/);
      expect(bare.outcome, bare.how).toBe('blocked');
      expect(bare.evidence.join('\n')).toMatch(
        /gate-out \{"truckPlate":"1-GNG-666"\}: HTTP 404 \S+ \(application\/problem\+json\)/,
      );
      expect(bare.evidence.join('\n')).toMatch(
        /the box afterwards, as the investigator's view shows it: in_yard/,
      );
      // The gang reads the alert inbox with its keylogged password sessions: alerts need a passkey session.
      const inbox = step(report, /read the alert inbox/);
      expect(inbox.outcome, inbox.how).toBe('blocked');
      for (const who of ['investigator', 'customs'])
        expect(inbox.evidence.join('\n')).toMatch(
          new RegExp(`^${who}\\S*: GET /v1/alerts\\S*: HTTP 403 auth\\.passkey_session_required`, 'm'),
        );
      expect(report.findings.join('\n')).not.toMatch(/could not be observed|alert table of the database/);
      // Row B: a keylogged customs password + TOTP session lifts a customs hold.
      const lift = step(report, /customs hold/);
      expect(lift.outcome, lift.how).toBe('blocked');
      expect(lift.evidence.join('\n')).toMatch(/\/lift: HTTP 403 auth\.passkey_session_required/);
      expect(lift.evidence.join('\n')).toMatch(/afterwards: still active/);
      // Row C: credential, badge and plate copied together, inside the gate window: the printed pass is off.
      const pass = step(report, /badge number and plate all copied/);
      expect(pass.outcome, pass.how).toBe('detected');
      expect(pass.evidence.join('\n')).toMatch(/accepted=false/);
      expect(pass.how).toMatch(/pass\.printed_disabled/);
      // The rotating pass the gate asks for instead, signed by a phone key of the gang's own: refused too.
      expect(pass.evidence.join('\n')).toMatch(/rotating plp1\. pass .* accepted=false/);
      expect(pass.how).toMatch(/raised \S+ alert \d+ \(high\) within \d+ ms/);
      // Row F: the kiosk learns no hold kind it may not see, nor whether a box exists.
      const holds = step(report, /whether the police hold a box/);
      expect(['blocked', 'detected'], holds.how).toContain(holds.outcome);
      expect(holds.how).toMatch(/no hold kind it may not see/);
      const kioskLines = holds.evidence.filter((line) => line.startsWith('kiosk'));
      expect(kioskLines.length).toBeGreaterThanOrEqual(4);
      expect(kioskLines.join('\n')).not.toMatch(/police|customs/i);
      // Row D: every link in the secrets file enrolled with the gang's own passkey: pending, and alerted.
      const enrol = step(report, /each unused one-time enrolment link/);
      expect(enrol.outcome, enrol.how).toBe('detected');
      const enrolled = enrol.evidence.filter((line) => /: enrolment HTTP/.test(line));
      expect(enrolled.length).toBe(13);
      for (const line of enrolled) expect(line).toMatch(/passkey sign-in: HTTP 403 auth\.passkey_pending/);
      expect(enrol.how).toMatch(/raised \d+ auth\.enrolment_repeated alert/);
      // Row G: 25 forged credentials in one second: rate-limited, and one grouped alert.
      const flood = step(report, /25 forged credentials/);
      expect(flood.outcome, flood.how).toBe('detected');
      expect(flood.evidence.join('\n')).toMatch(/\d+ × HTTP 429 gate\.rate_limited/);
      expect(flood.how).toMatch(/one grouped \S+ alert/);
      // The verifier key parses with the shared parser, and the checkpoint verifies; forgeries do not.
      const key = step(report, /published key/);
      expect(key.outcome, key.how).toBe('blocked');
      expect(key.evidence.join('\n')).toMatch(
        /holds both '\+' and '\/' .* parses back to the same key: true/,
      );
      expect(key.evidence.join('\n')).toMatch(/GET \/v1\/audit\/checkpoint verifies against the key/);
      expect(key.evidence.join('\n')).toMatch(/signed with its own key .*: refused \(audit\./);
      // Row E: as DBA, an alert deleted and a yard slot forged in the read models: caught by the integrity watch.
      const readModels = step(report, /delete an alert and forge/);
      expect(readModels.outcome, readModels.how).toBe('detected');
      expect(readModels.evidence.join('\n')).toMatch(/DELETE FROM alert WHERE alert_id = \d+/);
      expect(readModels.evidence.join('\n')).toMatch(/json_set/);
      expect(readModels.evidence.join('\n')).toMatch(
        /\/readyz 503 after \d+ ms: integrity integrity\.read_model_mismatch/,
      );
      expect(readModels.how).toMatch(/critical integrity\.\S+ alert/);

      expect(existsSync(join(dir, 'drill-report.md'))).toBe(true);
      const written = JSON.parse(readFileSync(join(dir, 'drill-report.json'), 'utf8')) as DrillReport;
      expect(written.steps).toEqual(report.steps);
      expect(drill.code, `${drill.stderr}\n${drill.stdout}`).toBe(0);
    } finally {
      demo.server.child.kill('SIGTERM');
      await demo.server.done;
    }
  }, 600_000); // the drill waits out a TOTP step when a keylogged code was already used in it (up to 30 s, twice)
});

/**
 * Issue 10, row E on PostgreSQL: the drill connects with the server's own URL (its schema on the `search_path`) and
 * edits the read models as a database administrator would; the integrity watch must name the edit there too.
 */
await describeWithPostgres(
  'portledger drill against portledger demo on PostgreSQL (across processes)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-drill-pg-'));
    const schema = uniqueSchemaName('drill');
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const db = url.toString();
    beforeAll(async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`create schema "${schema}"`);
      await client.end();
    });
    afterAll(async () => {
      await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    });

    it('detects a deleted alert and a forged yard slot in the read models, and exits 0', async () => {
      // The secrets file lands beside the signing key; PostgreSQL has no file of its own to put it beside.
      const env = { PORTLEDGER_SIGNING_KEY_FILE: join(dir, 'log.key') };
      const { server, url: serverUrl } = await startDemo(db, env);
      try {
        const token = await alertToken(db, env);
        const drill = await runCli([
          'drill',
          '--url',
          serverUrl,
          '--secrets',
          join(dir, 'demo-secrets.json'),
          '--db',
          db,
          '--alert-token',
          token,
          '--json',
          '--out',
          dir,
        ]);
        expect(drill.stdout, drill.stderr).toMatch(/^\{/);
        const report = JSON.parse(drill.stdout) as DrillReport;
        const through = report.steps.filter((s) => s.outcome !== 'blocked' && s.outcome !== 'detected');
        expect.soft(through.map((s) => `${s.name}: ${s.outcome}: ${s.how}`)).toEqual([]);
        const readModels = step(report, /delete an alert and forge/);
        expect(readModels.outcome, readModels.how).toBe('detected');
        expect(readModels.evidence.join('\n')).toMatch(/DELETE FROM alert WHERE alert_id = \d+/);
        expect(readModels.evidence.join('\n')).toMatch(/jsonb_set/);
        expect(readModels.evidence.join('\n')).toMatch(
          /\/readyz 503 after \d+ ms: integrity integrity\.read_model_mismatch/,
        );
        expect(readModels.how).toMatch(/critical integrity\.\S+ alert/);
        expect(readModels.evidence.join('\n')).toMatch(
          /alert integrity\.\S+ \(critical\) \d+: .*listed on GET \/v1\/alerts to the operator's alert\.read API token/,
        );
        expect(step(report, /read the alert inbox/).outcome).toBe('blocked');
        // The log itself is edited in a SQLite file only: said, not counted as blocked.
        expect(report.steps.some((s) => /tamper with the database file/.test(s.name))).toBe(false);
        expect(report.findings.join('\n')).toMatch(/log-tampering step .* not tried/);
        expect(drill.code, `${drill.stderr}\n${drill.stdout}`).toBe(0);
      } finally {
        server.child.kill('SIGTERM');
        await server.done;
      }
    }, 330_000);
  },
);
