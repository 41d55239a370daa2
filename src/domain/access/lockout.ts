/**
 * Brute-force rules (issue 3; OWASP ASVS 5.0 §6.3): after a few consecutive failed logins each further attempt
 * waits exponentially longer, and an account is locked at 20. Pure: the caller reads the failures and the
 * clock, and on `lock: true` records an `AccountLocked` auth event (never a silent lock); an administrator
 * unlocks. The same function throttles per IP with its own thresholds.
 */
import { instantMs } from './fields.js';

/** The thresholds of one throttle. */
export type ThrottlePolicy = {
  /** Consecutive failures allowed before any wait. */
  freeFailures: number;
  /** The wait after `freeFailures` failures; doubles with each further failure. */
  baseDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
  /** Lock at this many consecutive failures; `null` never locks (an IP is not an account an admin unlocks). */
  lockAfter: number | null;
  /** Failures older than this are forgotten; `null` keeps them until the caller resets the count. */
  windowMs: number | null;
};

/**
 * Per account: after 5 failures wait 1 s, doubling up to 15 minutes; lock at 20. Twenty is far above what a
 * person mistyping reaches, and the back-off leaves an online guesser a few dozen tries a day before the lock.
 */
export const ACCOUNT_THROTTLE: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  lockAfter: 20,
  windowMs: null,
};

/**
 * Per IP: an office or a truck gate sits behind one address, so more room before the first wait, a window of an
 * hour, and no lock (a lock per IP would let one attacker shut out a whole company).
 */
export const IP_THROTTLE: ThrottlePolicy = {
  freeFailures: 30,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  lockAfter: null,
  windowMs: 60 * 60_000,
};

/** What the caller does with the next attempt. */
export type ThrottleVerdict = {
  /** Whether to check the next attempt's credentials at all. */
  allowed: boolean;
  /** How long until the next attempt is allowed; `0` when allowed, and when locked (only an unlock helps). */
  retryAfterMs: number;
  /** Whether the account is to be locked (or stay locked). */
  lock: boolean;
};

/** How far apart the clocks of two servers on one database may be. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Whether another login attempt may be checked now, given the consecutive failures so far.
 *
 * `failures` are the failed attempts since the later of the last success and the last unlock (for an IP: all
 * recent ones); their order does not matter. A failure dated after `now` (clock skew between nodes) counts as
 * happening `now`; one dated further ahead than any skew ({@link MAX_CLOCK_SKEW_MS}) was written by no server and is
 * not counted (issue 13's outside attacker locked a person out for good with rows dated 2099).
 *
 * @example
 * ```ts
 * const verdict = loginThrottle({ failures, now: clock.now().toISOString() });
 * if (verdict.lock && !user.locked) record({ type: 'LockAccount', reason: 'too_many_failures', at });
 * if (!verdict.allowed) reply(429, { retryAfterMs: verdict.retryAfterMs });
 * ```
 */
export function loginThrottle({
  failures,
  now,
  policy = ACCOUNT_THROTTLE,
}: {
  failures: readonly { at: string }[];
  now: string;
  policy?: ThrottlePolicy;
}): ThrottleVerdict {
  const nowMs = instantMs('access.invalid', 'now', now);
  const times = failures
    .map((failure, i) => instantMs('access.invalid', `failures[${i}].at`, failure.at))
    .filter((at) => at <= nowMs + MAX_CLOCK_SKEW_MS)
    .map((at) => Math.min(at, nowMs))
    .filter((at) => policy.windowMs === null || at > nowMs - policy.windowMs);
  const count = times.length;
  if (policy.lockAfter !== null && count >= policy.lockAfter)
    return { allowed: false, retryAfterMs: 0, lock: true };
  if (count < policy.freeFailures) return { allowed: true, retryAfterMs: 0, lock: false };
  // A reduce, not Math.max(...times): an IP under attack can have more failures than a call's argument limit.
  const last = times.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  const retryAfterMs = Math.max(0, last + backoffMs(count, policy) - nowMs);
  return { allowed: retryAfterMs === 0, retryAfterMs, lock: false };
}

/**
 * The wait after `count` consecutive failures: none below `freeFailures`, then `baseDelayMs` doubling per
 * further failure, capped at `maxDelayMs`.
 *
 * @example
 * ```ts
 * backoffMs(5); // 1000
 * backoffMs(7); // 4000
 * backoffMs(19); // 900000
 * ```
 */
export function backoffMs(count: number, policy: ThrottlePolicy = ACCOUNT_THROTTLE): number {
  if (count < policy.freeFailures) return 0;
  // The exponent is capped before it is used, so a huge count cannot overflow to Infinity.
  const doublings = Math.min(count - policy.freeFailures, 52);
  return Math.min(policy.baseDelayMs * 2 ** doublings, policy.maxDelayMs);
}
