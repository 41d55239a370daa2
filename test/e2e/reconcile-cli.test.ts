import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceVisit, runVisitCommand } from '../../src/app/visits/index.js';
import { openSystem } from '../../src/cli/system.js';
import { computeCheckDigit } from '../../src/domain/index.js';
import { runCli } from '../support/cli.js';

const box = (serial: number) => {
  const first10 = `CLIU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};

/**
 * Issue 15: `portledger reconcile --terminal T FILE.csv`, in its own process on a SQLite file. A bad row refuses the
 * whole file with one line on stderr and exit 1, and nothing is written; a good one prints the report, and the same
 * file again is refused.
 */
describe('portledger reconcile (SQLite, across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-reconcile-'));
  const db = `sqlite:${join(dir, 'port.db')}`;
  const env = {
    PORTLEDGER_SIGNING_KEY_FILE: join(dir, 'log.key'),
    PORTLEDGER_DATA_KEY_FILE: join(dir, 'data.key'),
  };
  let seenAt = '';

  async function withSystem<T>(work: (system: Awaited<ReturnType<typeof openSystem>>) => Promise<T>) {
    const system = await openSystem({ databaseUrl: db, env: { ...process.env, ...env } });
    try {
      return await work(system);
    } finally {
      await system.close();
    }
  }

  beforeAll(async () => {
    await withSystem(async ({ ledger, terminals }) => {
      for (let i = 1; i <= 3; i++) {
        const { visit } = await announceVisit(ledger, terminals, {
          containerNumber: box(i),
          line: 'MSCU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'truck' },
        });
        await runVisitCommand(ledger, terminals, visit.visitRef, {
          type: 'GateInContainer',
          slot: { terminal: 'T1', block: 'A', bay: 2 * i - 1, row: 1, tier: 1 },
          truckPlate: '1-ABC-123',
          equipment: 'SC1',
          operator: 'clerk',
        });
      }
    });
    seenAt = new Date(Date.now() + 1000).toISOString();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const logSize = () => withSystem(({ store }) => store.logSize());

  function csvFile(name: string, lines: string[]): string {
    const file = join(dir, name);
    writeFileSync(file, `container,slot,seen_at\n${lines.join('\n')}\n`);
    return file;
  }

  it('refuses a file with a bad line: one line on stderr naming it, exit 1, nothing written', async () => {
    const before = await logSize();
    // Line 3 carries a misread check digit.
    const bad = `${box(2).slice(0, 10)}${(Number(box(2).slice(10)) + 1) % 10}`;
    const file = csvFile('bad.csv', [`${box(1)},T1/A/01/01/1,${seenAt}`, `${bad},T1/A/03/01/1,${seenAt}`]);
    const result = await runCli(['reconcile', '--terminal', 'T1', file, '--db', db], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: yard\.survey_invalid: line 3: check digit of CLIU000002 is \d, not \d\n$/,
    );
    expect(await logSize()).toBe(before);

    const missingFile = await runCli(
      ['reconcile', '--terminal', 'T1', join(dir, 'none.csv'), '--db', db],
      env,
    );
    expect(missingFile.code).toBe(1);
    expect(missingFile.stderr).toMatch(/^error: cannot read .*none\.csv: ENOENT\n$/);
    const noTerminal = await runCli(['reconcile', '--terminal', 'T9', file, '--db', db], env);
    expect(noTerminal.code).toBe(1);
    expect(noTerminal.stderr).toMatch(/^error: yard\.terminal_not_found: /);
    expect(await logSize()).toBe(before);
  });

  it('prints the report, records the survey and its alerts, and refuses the same file twice', async () => {
    const before = await logSize();
    const file = csvFile('survey.csv', [
      `${box(1)},T1/A/01/01/1,${seenAt}`,
      // One row over: misplaced.
      `${box(2)},T1/A/03/02/1,${seenAt}`,
      // box 3 not seen: missing. Box 9: unknown.
      `${box(9)},T1/A/07/01/1,${seenAt}`,
    ]);
    const result = await runCli(['reconcile', '--terminal', 'T1', file, '--db', db, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      terminal: 'T1',
      surveyId: 'T1-1',
      index: before,
      rowCount: 3,
      matched: 1,
      totals: { missing: 1, unknown: 1, misplaced: 1 },
      alertsRaised: 3,
    });
    expect(report.missing[0].containerNumber).toBe(box(3));
    expect(report.unknown[0].containerNumber).toBe(box(9));
    expect(report.misplaced[0]).toMatchObject({
      containerNumber: box(2),
      loggedSlot: 'T1/A/03/01/1',
      seenSlot: 'T1/A/03/02/1',
    });

    const written = await withSystem(async ({ store }) => store.readEvents(before, 10));
    expect(written.map((e) => e.type)).toEqual([
      'YardSurveyRecorded',
      'DetectionAlertRaised',
      'DetectionAlertRaised',
      'DetectionAlertRaised',
      // The missing and the misplaced box are frozen at once (issue 15, Response).
      'VisitFrozen',
      'VisitFrozen',
    ]);
    expect(report.frozen).toHaveLength(2);
    expect(written[0]!.data.by).toMatchObject({ orgId: null });
    expect(String((written[0]!.data.by as { userId: string }).userId)).toMatch(/^cli:/);

    const again = await runCli(['reconcile', '--terminal', 'T1', file, '--db', db], env);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toMatch(
      /^error: yard\.survey_duplicate: this file was recorded already as survey T1-1 of T1\n$/,
    );

    // The words: counts and each discrepancy.
    const words = await runCli(
      [
        'reconcile',
        '--terminal',
        'T1',
        csvFile('again.csv', [`${box(1)},T1/A/01/01/1,${seenAt}`]),
        '--db',
        db,
      ],
      env,
    );
    expect(words.code, words.stderr).toBe(0);
    expect(words.stdout).toMatch(/^survey T1-2 of T1 recorded at audit index \d+\n/);
    expect(words.stdout).toContain('missing 2, unknown 0, misplaced 0: 2 alerts raised');
    expect(words.stdout).toContain(`${box(3)}  logged T1/A/05/01/1`);
  });
});
