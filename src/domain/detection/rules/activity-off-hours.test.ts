import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../rule.js';
import { DAY_MS, HOUR_MS, peopleFacts, runRule, TestLog } from '../testing/people.js';
import { activityOffHoursRule as rule } from './activity-off-hours.js';

/** A Monday. */
const MONDAY = Date.parse('2026-03-02T00:00:00.000Z');
const facts = peopleFacts(
  [
    { orgId: 'org-fwd', kind: 'forwarder' },
    { orgId: 'org-nst', kind: 'terminal_operator' },
  ],
  [
    ...['u-ann', 'u-bob', 'u-cas', 'u-dee'].map((userId) => ({
      userId,
      orgId: 'org-fwd',
      roles: ['release_desk'],
    })),
    ...['u-day', 'u-eve', 'u-night'].map((userId) => ({ userId, orgId: 'org-nst', roles: ['yard_planner'] })),
    { userId: 'u-new', orgId: 'org-fwd', roles: ['release_desk'] },
  ],
);

/** Office hours on weekdays: a booking every hour from `start` for `hours` hours, for `weeks` weeks. */
function officeWeeks(log: TestLog, userId: string, start: number, hours: number, weeks: number): void {
  for (let d = 0; d < weeks * 7; d++) {
    if (d % 7 >= 5) continue;
    for (let h = start; h < start + hours; h++)
      log.booked(MONDAY + d * DAY_MS + h * HOUR_MS + 5 * 60_000, userId, 'org-fwd');
  }
}

/** Three weeks of a forwarder's office: Ann 8–17, Bob and Cas 9–18, Dee 7–16. */
function office(log: TestLog): void {
  officeWeeks(log, 'u-ann', 8, 9, 3);
  officeWeeks(log, 'u-bob', 9, 9, 3);
  officeWeeks(log, 'u-cas', 9, 9, 3);
  officeWeeks(log, 'u-dee', 7, 9, 3);
}

const sorted = (log: TestLog): LogEvent[] =>
  [...log.events]
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
    .map((event, index) => ({ ...event, index }));

describe('activity.off_hours', () => {
  it('fires on a sign-in at 02:00 even when the day before ended late in a session', () => {
    const log = new TestLog();
    office(log);
    const wednesday = MONDAY + 23 * DAY_MS;
    log.signIn(wednesday - 15 * HOUR_MS, 'u-bob', '10.7.1.20');
    log.booked(wednesday - 4 * HOUR_MS, 'u-bob', 'org-fwd');
    const night = log.signIn(wednesday + 2 * HOUR_MS, 'u-bob', '10.7.1.20');
    const events = sorted(log);
    expect(runRule(rule, events, facts).map((a) => [a.subject.id, a.evidence])).toEqual([
      [
        'u-bob',
        [events.find((e) => e.type === 'LoginSucceeded' && e.recordedAt === night.recordedAt)!.index],
      ],
    ]);
  });

  it("fires on a clerk's look-ups at 03:00, once that day", () => {
    const log = new TestLog();
    office(log);
    const night = MONDAY + 22 * DAY_MS + 3 * HOUR_MS;
    log.viewed(night, 'u-ann', 'org-fwd', ['V1', 'V2']);
    log.viewed(night + HOUR_MS, 'u-ann', 'org-fwd', ['V3']);
    const events = sorted(log);
    const alerts = runRule(rule, events, facts);
    expect(alerts).toEqual([
      {
        rule: 'activity.off_hours',
        severity: 'medium',
        subject: { kind: 'user', id: 'u-ann' },
        terminal: null,
        orgId: 'org-fwd',
        summary:
          'u-ann was active at 03:00 UTC on a Tuesday, outside their own usual hours and those of their peers (forwarder release_desk).',
        evidence: [events.find((e) => e.recordedAt === new Date(night).toISOString())!.index],
      },
    ]);
  });

  it("leaves alone a clerk who starts at a colleague's hour, a Saturday morning, and a new person", () => {
    const log = new TestLog();
    office(log);
    const tuesday = MONDAY + 22 * DAY_MS;
    // Ann comes in at 07:00, Dee's hour.
    log.booked(tuesday + 7 * HOUR_MS, 'u-ann', 'org-fwd');
    // Bob works a Saturday morning at his usual hour of the day.
    log.booked(MONDAY + 26 * DAY_MS + 10 * HOUR_MS, 'u-bob', 'org-fwd');
    // A new clerk's first night: no history of their own to judge.
    log.booked(tuesday + 2 * HOUR_MS, 'u-new', 'org-fwd');
    // Cas signs in at nine and stays late: her look-ups at 21:00 continue the day's session.
    log.signIn(tuesday + 9 * HOUR_MS, 'u-cas', '10.7.1.20');
    log.viewed(tuesday + 21 * HOUR_MS, 'u-cas', 'org-fwd', ['V1']);
    expect(runRule(rule, sorted(log), facts)).toEqual([]);
  });

  it('leaves alone a night-shift planner whose peers work nights, and does not judge before the history is there', () => {
    const log = new TestLog();
    // Three shifts round the clock at the terminal, three weeks.
    for (let d = 0; d < 21; d++) {
      for (const [userId, start] of [
        ['u-day', 6],
        ['u-eve', 14],
        ['u-night', 22],
      ] as const) {
        for (let h = start; h < start + 8; h++)
          log.booked(MONDAY + d * DAY_MS + h * HOUR_MS, userId, 'org-nst');
      }
    }
    // The day planner covers a night.
    log.booked(MONDAY + 21 * DAY_MS + 2 * HOUR_MS, 'u-day', 'org-nst');
    // Early in a log, nothing is judged: Ann at 03:00 on her second day.
    const early = new TestLog();
    officeWeeks(early, 'u-ann', 8, 9, 1);
    early.booked(MONDAY + 1 * DAY_MS + 3 * HOUR_MS, 'u-ann', 'org-fwd');
    expect(runRule(rule, sorted(log), facts)).toEqual([]);
    expect(runRule(rule, sorted(early), facts)).toEqual([]);
  });
});
