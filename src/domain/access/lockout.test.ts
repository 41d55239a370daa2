import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_THROTTLE, backoffMs, IP_THROTTLE, loginThrottle } from './lockout.js';

const t0 = Date.UTC(2025, 2, 1, 8, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const failures = (count: number, lastAt = t0): { at: string }[] =>
  Array.from({ length: count }, (_, i) => ({ at: iso(lastAt - (count - 1 - i) * 100) }));

describe('login throttle', () => {
  it('lets the first few failures retry at once', () => {
    expect(loginThrottle({ failures: [], now: iso(t0) })).toEqual({
      allowed: true,
      retryAfterMs: 0,
      lock: false,
    });
    expect(loginThrottle({ failures: failures(4), now: iso(t0) })).toEqual({
      allowed: true,
      retryAfterMs: 0,
      lock: false,
    });
  });

  it('after 5 failures waits 1 s, doubling', () => {
    expect(loginThrottle({ failures: failures(5), now: iso(t0) })).toEqual({
      allowed: false,
      retryAfterMs: 1_000,
      lock: false,
    });
    expect(loginThrottle({ failures: failures(5), now: iso(t0 + 400) })).toEqual({
      allowed: false,
      retryAfterMs: 600,
      lock: false,
    });
    expect(loginThrottle({ failures: failures(5), now: iso(t0 + 1_000) })).toEqual({
      allowed: true,
      retryAfterMs: 0,
      lock: false,
    });
    expect(loginThrottle({ failures: failures(6), now: iso(t0) }).retryAfterMs).toBe(2_000);
    expect(loginThrottle({ failures: failures(8), now: iso(t0) }).retryAfterMs).toBe(8_000);
  });

  it('caps the wait at 15 minutes', () => {
    expect(backoffMs(14)).toBe(512_000);
    expect(backoffMs(15)).toBe(900_000);
    expect(backoffMs(19)).toBe(900_000);
    expect(backoffMs(10_000)).toBe(900_000);
    expect(loginThrottle({ failures: failures(19), now: iso(t0) })).toEqual({
      allowed: false,
      retryAfterMs: 900_000,
      lock: false,
    });
  });

  it('locks at 20 consecutive failures, however old', () => {
    expect(loginThrottle({ failures: failures(20), now: iso(t0) })).toEqual({
      allowed: false,
      retryAfterMs: 0,
      lock: true,
    });
    expect(loginThrottle({ failures: failures(20), now: iso(t0 + 30 * 86_400_000) }).lock).toBe(true);
  });

  it('counts a failure dated in the future as now, in any order', () => {
    const skewed = [...failures(4), { at: iso(t0 + 60_000) }].reverse();
    expect(loginThrottle({ failures: skewed, now: iso(t0) }).retryAfterMs).toBe(1_000);
  });

  it('does not count failures dated further ahead than any clock skew: no server wrote them', () => {
    const planted = Array.from({ length: 30 }, () => ({ at: '2099-01-01T00:00:00.000Z' }));
    expect(loginThrottle({ failures: planted, now: iso(t0) })).toEqual({
      allowed: true,
      retryAfterMs: 0,
      lock: false,
    });
    expect(loginThrottle({ failures: planted, now: iso(t0), policy: IP_THROTTLE }).allowed).toBe(true);
  });

  it('per IP: more room, forgets after an hour, never locks', () => {
    expect(loginThrottle({ failures: failures(29), now: iso(t0), policy: IP_THROTTLE }).allowed).toBe(true);
    expect(loginThrottle({ failures: failures(30), now: iso(t0), policy: IP_THROTTLE }).retryAfterMs).toBe(
      1_000,
    );
    const many = failures(500);
    expect(loginThrottle({ failures: many, now: iso(t0), policy: IP_THROTTLE })).toEqual({
      allowed: false,
      retryAfterMs: 900_000,
      lock: false,
    });
    expect(loginThrottle({ failures: many, now: iso(t0 + 3_600_000), policy: IP_THROTTLE })).toEqual({
      allowed: true,
      retryAfterMs: 0,
      lock: false,
    });
  });

  it('handles an address under heavy attack without exhausting the stack', () => {
    const flood = Array.from({ length: 200_000 }, () => ({ at: iso(t0) }));
    expect(loginThrottle({ failures: flood, now: iso(t0), policy: IP_THROTTLE }).retryAfterMs).toBe(900_000);
  });

  it('refuses malformed instants', () => {
    expect(() => loginThrottle({ failures: [], now: 'now' })).toThrow(
      expect.objectContaining({ code: 'access.invalid' }),
    );
    expect(() => loginThrottle({ failures: [{ at: '' }], now: iso(t0) })).toThrow(
      expect.objectContaining({ code: 'access.invalid', details: { field: 'failures[0].at' } }),
    );
  });

  it('never allows an attempt sooner than the back-off, and the wait never shrinks with more failures', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        (count, elapsed) => {
          const verdict = loginThrottle({ failures: failures(count), now: iso(t0 + elapsed) });
          const more = loginThrottle({ failures: failures(count + 1), now: iso(t0 + elapsed) });
          expect(verdict.lock).toBe(count >= ACCOUNT_THROTTLE.lockAfter!);
          if (!verdict.lock) {
            expect(verdict.allowed).toBe(elapsed >= backoffMs(count));
            expect(verdict.retryAfterMs).toBe(Math.max(0, backoffMs(count) - elapsed));
            expect(more.lock || more.retryAfterMs >= verdict.retryAfterMs).toBe(true);
          }
        },
      ),
    );
  });
});
