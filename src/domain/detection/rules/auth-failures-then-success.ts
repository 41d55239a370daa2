/**
 * `auth.failures_then_success` (issue 15, stolen credentials): several failed sign-ins on one account, then a
 * successful one, within a short window: someone guessing or stuffing credentials until one worked (MISSION §1).
 * The lockout (`auth.lockout`, 20 failures) stops a slow guesser; this rule sees the one who got in first.
 *
 * Honest work it leaves alone: one or two typos, a TOTP code typed a second too late, a code typed twice; a
 * refused attempt that was no guess (the account was locked, the passkey was still waiting for confirmation); and a
 * person who forgot their password, failed, and had it reset (`PasswordSet` starts the count again).
 */
import { signInOf } from '../actor.js';
import type { Rule, RuleSettings, RuleStep } from '../rule.js';
import { entryOf, MINUTE_MS, personAlert, timeOf } from './person-activity.js';

export interface FailuresThenSuccessSettings extends RuleSettings {
  /** Failed sign-ins within the window before a success that make it suspicious. */
  readonly minFailures: number;
  /** The window before the success, in minutes. */
  readonly windowMinutes: number;
}

export interface FailuresThenSuccessState {
  /** Per person: the recent failures as [ms, audit index], oldest first. */
  failures: Record<string, [number, number][]>;
}

/** Failures that say nothing about who typed what: the account was locked, or the passkey not yet confirmed. */
const NOT_A_GUESS = new Set(['account_locked', 'passkey_pending']);

/** At most this many failures kept per person (the lockout comes at 20). */
const MAX_KEPT = 40;

export const authFailuresThenSuccessRule: Rule<FailuresThenSuccessState, FailuresThenSuccessSettings> = {
  id: 'auth.failures_then_success',
  description: 'N failed sign-ins on one account followed by a successful one within M minutes',
  defaults: { severity: 'medium', minFailures: 5, windowMinutes: 30 },
  initialState: () => ({ failures: {} }),
  step(state, event, facts, settings): RuleStep<FailuresThenSuccessState> {
    if (event.type === 'PasswordSet' && typeof event.data.userId === 'string') {
      delete state.failures[event.data.userId];
      return { state, alerts: [] };
    }
    const signIn = signInOf(event);
    if (!signIn) return { state, alerts: [] };
    const now = timeOf(event);
    const since = now - settings.windowMinutes * MINUTE_MS;
    if (!signIn.ok) {
      if (NOT_A_GUESS.has(String(event.data.reason))) return { state, alerts: [] };
      const kept = entryOf<[number, number][]>(state.failures, signIn.userId, () => []);
      kept.push([now, event.index]);
      const recent = kept.filter(([at]) => at >= since).slice(-MAX_KEPT);
      state.failures[signIn.userId] = recent;
      return { state, alerts: [] };
    }
    const recent = (state.failures[signIn.userId] ?? []).filter(([at]) => at >= since);
    delete state.failures[signIn.userId];
    if (recent.length < settings.minFailures) return { state, alerts: [] };
    const orgId = facts.people[signIn.userId]?.orgId ?? null;
    const minutes = Math.max(1, Math.round((now - (recent[0]?.[0] ?? now)) / MINUTE_MS));
    return {
      state,
      alerts: [
        personAlert({
          rule: 'auth.failures_then_success',
          severity: settings.severity,
          actor: { userId: signIn.userId, orgId },
          summary: `${signIn.userId} signed in after ${recent.length} failed sign-ins in ${minutes} minutes.`,
          evidence: [...recent.map(([, index]) => index), event.index],
        }),
      ],
    };
  },
};
