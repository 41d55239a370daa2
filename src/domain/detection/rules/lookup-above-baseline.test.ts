import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, peopleFacts, runRule, TestLog } from '../testing/people.js';
import { lookupAboveBaselineRule as rule } from './lookup-above-baseline.js';

const START = Date.parse('2026-03-02T08:00:00.000Z');
const facts = peopleFacts(
  [
    { orgId: 'org-fwd', kind: 'forwarder' },
    { orgId: 'org-nst', kind: 'terminal_operator' },
  ],
  [
    ...['u-ann', 'u-bob', 'u-cas'].map((userId) => ({ userId, orgId: 'org-fwd', roles: ['release_desk'] })),
    ...['u-pla', 'u-plb'].map((userId) => ({ userId, orgId: 'org-nst', roles: ['yard_planner'] })),
  ],
);

const boxes = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `V${from + i}`);

/** `days` working days of look-ups: each person `perDay` boxes a day, in batches of 3. */
function usualDays(log: TestLog, people: readonly [string, string, number][], days: number): void {
  for (let d = 0; d < days; d++) {
    for (const [userId, orgId, perDay] of people) {
      for (let i = 0; i < perDay; i += 3) {
        log.viewed(START + d * DAY_MS + i * 60_000, userId, orgId, boxes(Math.min(3, perDay - i), i));
      }
    }
  }
}

const clerks: [string, string, number][] = [
  ['u-ann', 'org-fwd', 6],
  ['u-bob', 'org-fwd', 9],
  ['u-cas', 'org-fwd', 12],
];

describe('lookup.above_baseline', () => {
  it("fires once when a clerk's day passes five times her median and three times her peers' busy day", () => {
    const log = new TestLog();
    usualDays(log, clerks, 10);
    const night = START + 10 * DAY_MS + 16 * HOUR_MS;
    const batches = Array.from({ length: 10 }, (_, i) =>
      log.viewed(night + i * 60_000, 'u-ann', 'org-fwd', boxes(5, i * 5)),
    );
    const alerts = runRule(rule, log.events, facts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: 'lookup.above_baseline',
      severity: 'medium',
      subject: { kind: 'user', id: 'u-ann' },
      orgId: 'org-fwd',
      summary:
        'u-ann viewed the positions of 40 boxes today, against a usual 6 a day and 12 on a busy day for their peers.',
    });
    // The day's batches so far, the one that crossed last.
    expect(alerts[0]?.evidence).toEqual(batches.slice(0, 8).map((e) => e.index));
  });

  it('leaves alone a busy day, a planner whose peers look at as many, and a person back from holiday', () => {
    const log = new TestLog();
    usualDays(log, [...clerks, ['u-pla', 'org-nst', 150], ['u-plb', 'org-nst', 180]], 10);
    const day = START + 24 * DAY_MS;
    // Bob twice as busy as usual.
    log.viewed(day, 'u-bob', 'org-fwd', boxes(20));
    // A planner's normal day is 150 boxes: far above a clerk, not above planners.
    log.viewed(day, 'u-pla', 'org-nst', boxes(170));
    // Ann back after two weeks away, her usual day.
    log.viewed(day, 'u-ann', 'org-fwd', boxes(6));
    expect(runRule(rule, log.events, facts)).toEqual([]);
  });

  it('does not judge before the person and the group have a history, nor below the minimum', () => {
    const log = new TestLog();
    usualDays(log, clerks, 3);
    log.viewed(START + 3 * DAY_MS, 'u-ann', 'org-fwd', boxes(200));
    expect(runRule(rule, log.events, facts)).toEqual([]);
    const quiet = new TestLog();
    usualDays(
      quiet,
      [
        ['u-ann', 'org-fwd', 1],
        ['u-bob', 'org-fwd', 1],
        ['u-cas', 'org-fwd', 2],
      ],
      10,
    );
    quiet.viewed(START + 10 * DAY_MS, 'u-ann', 'org-fwd', boxes(25));
    expect(runRule(rule, quiet.events, facts)).toEqual([]);
  });
});
