import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLedger, type TestLedger, testTerminals } from '../../test/support/ledger.js';
import { createSimulator } from './simulator.js';

/**
 * Issue 15: the simulator's yard surveys go through the reconciliation use case, and their honest mistakes are the
 * only discrepancies they raise: a misread digit is one box missing and one unknown, a box seen one bay off is one
 * misplaced; a survey without a mistake raises nothing.
 */
describe('the simulator surveys the yard now and then (sqlite)', () => {
  let fixture: TestLedger;
  let now = Date.parse('2030-03-01T06:00:00.000Z');

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite', { clock: { now: () => new Date(now) } });
  });

  afterAll(async () => {
    await fixture?.cleanup();
  });

  it('raises an alert for each honest mistake, and none besides', async () => {
    const log = { info: () => {}, warn: () => {} };
    const simulator = createSimulator({
      ledger: fixture.ledger,
      terminals: testTerminals,
      log,
      seed: 'survey-test',
    });
    for (let i = 0; i < 12; i++) await simulator.gateIn();
    for (let i = 0; i < 4; i++) await simulator.move();
    // The walk starts a quarter of an hour before the upload: an hour on, every box stood where it stands before it.
    now += 3_600_000;

    const said: string[] = [];
    for (let i = 0; i < 8; i++) {
      said.push(await simulator.survey());
      now += 60_000;
    }
    let misreads = 0;
    let bayOff = 0;
    for (const line of said) {
      const match = /: (\d+) missing, (\d+) unknown, (\d+) misplaced$/.exec(line);
      expect(match, line).not.toBeNull();
      const [missing, unknown, misplaced] = match!.slice(1).map(Number);
      const misread = line.includes('misread') ? 1 : 0;
      const off = line.includes('one bay off') ? 1 : 0;
      misreads += misread;
      bayOff += off;
      expect([missing, unknown, misplaced], line).toEqual([misread, misread, off]);
    }
    expect(misreads).toBeGreaterThan(0);
    expect(bayOff).toBeGreaterThan(0);
    expect(said.some((line) => !line.includes('('))).toBe(true);

    const events = await fixture.store.readEvents(0, await fixture.store.logSize());
    expect(events.filter((e) => e.type === 'YardSurveyRecorded')).toHaveLength(8);
    const alerts = await fixture.store.listAlertRecords({ limit: 100 });
    expect(alerts.filter((a) => a.rule === 'survey.unknown')).toHaveLength(misreads);
    expect(alerts.filter((a) => a.rule === 'survey.missing')).toHaveLength(misreads);
    expect(alerts.filter((a) => a.rule === 'survey.misplaced')).toHaveLength(bayOff);
    expect(alerts.every((a) => a.terminal === 'T1')).toBe(true);
  });

  it('surveys on its own in the run of steps', async () => {
    const simulator = createSimulator({
      ledger: fixture.ledger,
      terminals: testTerminals,
      log: { info: () => {}, warn: () => {} },
      seed: 'survey-steps',
      surveyEverySteps: 5,
    });
    const before = (await fixture.store.readEvents(0, 100_000)).filter(
      (e) => e.type === 'YardSurveyRecorded',
    ).length;
    for (let i = 0; i < 10; i++) await simulator.step();
    const after = (await fixture.store.readEvents(0, 100_000)).filter(
      (e) => e.type === 'YardSurveyRecorded',
    ).length;
    expect(after - before).toBe(2);
  });
});
