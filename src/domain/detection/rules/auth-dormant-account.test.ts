import { describe, expect, it } from 'vitest';
import { DAY_MS, peopleFacts, runRule, TestLog } from '../testing/people.js';
import { authDormantAccountRule as rule } from './auth-dormant-account.js';

const START = Date.parse('2026-03-02T08:00:00.000Z');
const IP = '10.1.1.20';
const facts = peopleFacts(
  [{ orgId: 'org-h', kind: 'haulier' }],
  [
    { userId: 'u-h', orgId: 'org-h', roles: ['haulier_planner'] },
    { userId: 'u-audit', orgId: 'org-h', roles: ['haulier_planner'] },
  ],
);

describe('auth.dormant_account', () => {
  it('fires when a person active for weeks signs in again after 45 quiet days, naming the last activity', () => {
    const log = new TestLog();
    for (let d = 0; d < 20; d++) log.booked(START + d * DAY_MS, 'u-h', 'org-h');
    const last = log.events.at(-1)!;
    const woke = log.signIn(START + 64 * DAY_MS, 'u-h', IP);
    log.booked(START + 64 * DAY_MS + 60_000, 'u-h', 'org-h');
    expect(runRule(rule, log.events, facts)).toEqual([
      {
        rule: 'auth.dormant_account',
        severity: 'medium',
        subject: { kind: 'user', id: 'u-h' },
        terminal: null,
        orgId: 'org-h',
        summary: 'u-h was active again after 45 days without any activity.',
        evidence: [last.index, woke.index],
      },
    ]);
  });

  it('leaves alone a two-week holiday, a failed sign-in, a monthly user, and an account set up before its owner started', () => {
    const log = new TestLog();
    for (let d = 0; d < 10; d++) log.signIn(START + d * DAY_MS, 'u-h', IP);
    // Two weeks of holiday: back on day 24.
    log.signIn(START + 24 * DAY_MS, 'u-h', IP);
    // Someone tries the account 40 days later and fails: not activity, not a waking.
    log.signIn(START + 64 * DAY_MS, 'u-h', IP, undefined, false);
    // An auditor who signs in about every five to six weeks: the first long gap is worth a look (below); once the
    // rhythm is known, the next one is not.
    for (const d of [0, 1, 38, 39, 80]) log.signIn(START + d * DAY_MS, 'u-audit', IP);
    // An account used once at set-up, first used in earnest 40 days later.
    const fresh = peopleFacts(
      [{ orgId: 'org-h', kind: 'haulier' }],
      [...Object.values(facts.people), { userId: 'u-new', orgId: 'org-h', roles: ['haulier_planner'] }],
    );
    log.signIn(START, 'u-new', IP);
    log.signIn(START + 40 * DAY_MS, 'u-new', IP);
    expect(runRule(rule, log.events, fresh).map((a) => a.summary)).toEqual([
      'u-audit was active again after 37 days without any activity.',
    ]);
  });

  it('ignores people the log never registered', () => {
    const log = new TestLog();
    for (let d = 0; d < 5; d++) log.signIn(START + d * DAY_MS, 'u-ghost', IP);
    log.signIn(START + 60 * DAY_MS, 'u-ghost', IP);
    expect(runRule(rule, log.events, facts)).toEqual([]);
  });
});
