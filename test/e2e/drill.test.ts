import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

interface DrillReport {
  steps: { name: string; outcome: 'blocked' | 'detected' | 'succeeded'; how: string; evidence: string[] }[];
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

  it('blocks or detects every step of the kill chain and exits 0', async () => {
    const server = startCli(['demo', '--db', db, '--port', '0', '--no-simulator'], {
      PORTLEDGER_INTEGRITY_INTERVAL_MS: '300',
    });
    let stdout = '';
    server.child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    try {
      const url = await waitFor(
        'the demo to listen',
        async () => stdout.match(/listening on (http:\/\/\S+)/)?.[1],
        90_000,
      );
      expect(stdout).not.toMatch(/simulator is on/);
      const secrets = join(dir, 'demo-secrets.json');
      expect(statSync(secrets).mode & 0o777).toBe(0o600);
      // A first clean integrity check, so the one after the tampering is the one that catches it.
      await waitFor(
        'a first integrity check',
        async () => {
          const body = (await (await fetch(`${url}/readyz`)).json()) as { integrity?: { ok: boolean } };
          return body.integrity?.ok ? body : undefined;
        },
        15_000,
      );

      const drill = await runCli([
        'drill',
        '--url',
        url,
        '--secrets',
        secrets,
        '--db',
        db,
        '--json',
        '--out',
        dir,
      ]);
      expect(drill.code, `${drill.stderr}\n${drill.stdout}`).toBe(0);
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
      ]) {
        expect(
          names.some((n) => expected.test(n)),
          String(expected),
        ).toBe(true);
      }
      for (const step of report.steps) {
        expect(['blocked', 'detected'], `${step.name}: ${step.how}`).toContain(step.outcome);
        expect(step.evidence.length, step.name).toBeGreaterThan(0);
      }
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
      // another driver: the gate refuses the gang's badge and truck and raises an alert.
      const secretsJson = JSON.parse(readFileSync(secrets, 'utf8')) as {
        pickups?: { credential: string; driverBadge: string }[];
      };
      expect(secretsJson.pickups?.length ?? 0).toBeGreaterThan(0);
      expect(secretsJson.pickups![0]!.credential).toMatch(/^plc1\./);
      const copied = report.steps.find((s) => /copied pickup credential/.test(s.name))!;
      expect(copied.outcome, copied.how).toBe('detected');
      expect(copied.how).toMatch(/badge mismatch/);
      expect(copied.how).toMatch(/raised gate\.refused alert/);
      expect(copied.evidence.join('\n')).toMatch(/accepted=false, failed checks: [^\n]*driver\.badge/);
      expect(copied.evidence.join('\n')).toMatch(
        /alert gate\.refused \(high\) \S+: .*listed on GET \/v1\/alerts/,
      );
      const tamper = report.steps.find((s) => /tamper/.test(s.name))!;
      expect(tamper.outcome).toBe('detected');
      expect(tamper.evidence.join('\n')).toMatch(
        /\/readyz 503 after \d+ ms: integrity integrity\.entry_mismatch/,
      );
      expect(tamper.evidence.join('\n')).toMatch(/verify --db .* failed at index \d+/);

      expect(existsSync(join(dir, 'drill-report.md'))).toBe(true);
      const written = JSON.parse(readFileSync(join(dir, 'drill-report.json'), 'utf8')) as DrillReport;
      expect(written.steps).toEqual(report.steps);
    } finally {
      server.child.kill('SIGTERM');
      await server.done;
    }
  }, 180_000);
});
