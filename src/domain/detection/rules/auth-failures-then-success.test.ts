import { describe, expect, it } from 'vitest';
import { HOUR_MS, peopleFacts, runRule, TestLog } from '../testing/people.js';
import { authFailuresThenSuccessRule as rule } from './auth-failures-then-success.js';

const START = Date.parse('2026-03-02T08:00:00.000Z');
const MINUTE = 60_000;
const facts = peopleFacts(
  [{ orgId: 'org-h', kind: 'haulier' }],
  [{ userId: 'u-h', orgId: 'org-h', roles: ['haulier_planner'] }],
);
const IP = '203.0.113.9';

describe('auth.failures_then_success', () => {
  it('fires on six failures then a success within half an hour, with every attempt as evidence', () => {
    const log = new TestLog();
    const failed = Array.from({ length: 6 }, (_, i) =>
      log.signIn(START + i * 2 * MINUTE, 'u-h', IP, undefined, false),
    );
    const ok = log.signIn(START + 13 * MINUTE, 'u-h', IP);
    expect(runRule(rule, log.events, facts)).toEqual([
      {
        rule: 'auth.failures_then_success',
        severity: 'medium',
        subject: { kind: 'user', id: 'u-h' },
        terminal: null,
        orgId: 'org-h',
        summary: 'u-h signed in after 6 failed sign-ins in 13 minutes.',
        evidence: [...failed.map((e) => e.index), ok.index],
      },
    ]);
  });

  it('leaves alone typos, failures long before, refusals that were no guess, and a reset password', () => {
    const log = new TestLog();
    // Two typos, then in.
    log.signIn(START, 'u-h', IP, undefined, false);
    log.signIn(START + MINUTE, 'u-h', IP, undefined, false);
    log.signIn(START + 2 * MINUTE, 'u-h', IP);
    // Five failures in the morning, the success after lunch.
    for (let i = 0; i < 5; i++) log.signIn(START + HOUR_MS + i * MINUTE, 'u-h', IP, undefined, false);
    log.signIn(START + 4 * HOUR_MS, 'u-h', IP);
    // Locked out: the attempts on a locked account are not guesses.
    for (let i = 0; i < 6; i++) {
      log.add(START + 5 * HOUR_MS + i * MINUTE, 'auth-u-h', 'LoginFailed', {
        method: 'password_totp',
        reason: 'account_locked',
        ip: IP,
        userAgent: '',
      });
    }
    log.signIn(START + 5 * HOUR_MS + 10 * MINUTE, 'u-h', IP);
    // Forgot the password: five failures, an administrator sets a new one, then in.
    for (let i = 0; i < 5; i++) log.signIn(START + 6 * HOUR_MS + i * MINUTE, 'u-h', IP, undefined, false);
    log.add(START + 6 * HOUR_MS + 8 * MINUTE, 'user-u-h', 'PasswordSet', { userId: 'u-h' });
    log.signIn(START + 6 * HOUR_MS + 9 * MINUTE, 'u-h', IP);
    expect(runRule(rule, log.events, facts)).toEqual([]);
  });

  it('counts each account on its own', () => {
    const log = new TestLog();
    for (let i = 0; i < 5; i++) log.signIn(START + i * MINUTE, `u-${i}`, IP, undefined, false);
    log.signIn(START + 6 * MINUTE, 'u-0', IP);
    expect(runRule(rule, log.events, facts)).toEqual([]);
  });
});
