import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, outcomeOf, retryAfterMs } from './delivery.js';
import type { OutboxDelivery } from './subscriptions.ports.js';

const policy = { baseMs: 1000, capMs: 60_000, maxAgeMs: 3_600_000 };
const pending: OutboxDelivery = {
  deliveryId: 's/e',
  subscriptionId: 's',
  position: 7,
  eventId: 'e',
  payload: '[]',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: '2026-03-02T08:00:00.000Z',
  lastError: null,
  createdAt: '2026-03-02T08:00:00.000Z',
  deliveredAt: null,
};

describe('delivery retries (issue 16)', () => {
  it('backs off exponentially with jitter, within [a tenth, all] of min(cap, base·2^(n-1))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempts, r) => {
          const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempts - 1));
          const wait = backoffMs(attempts, policy, () => r);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.1));
          expect(wait).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, policy, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 60_000,
    ]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-03-02T08:00:00.000Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 08:05:00 GMT', now)).toBe(300_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 07:05:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('delivers on a 2xx, retries on anything else, and honours a longer Retry-After', () => {
    const now = new Date('2026-03-02T08:01:00.000Z');
    const base = { delivery: pending, now, policy, random: () => 0.5 };
    expect(outcomeOf({ ...base, response: { kind: 'answered', status: 204 } })).toMatchObject({
      status: 'delivered',
      attempts: 1,
      deliveredAt: now.toISOString(),
    });
    expect(outcomeOf({ ...base, response: { kind: 'answered', status: 503 } })).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: '2026-03-02T08:01:00.550Z',
      lastError: 'HTTP 503',
    });
    expect(
      outcomeOf({ ...base, response: { kind: 'answered', status: 429, retryAfter: '30' } }),
    ).toMatchObject({
      status: 'pending',
      nextAttemptAt: '2026-03-02T08:01:30.000Z',
    });
    expect(outcomeOf({ ...base, response: { kind: 'answered', status: 302 } }).lastError).toContain(
      'redirect, not followed',
    );
    expect(outcomeOf({ ...base, response: { kind: 'failed', error: 'connect ECONNREFUSED' } })).toMatchObject(
      {
        status: 'pending',
        lastError: 'connect ECONNREFUSED',
      },
    );
  });

  it('gives up into a dead letter once the next try would be past the maximum age', () => {
    const old = { ...pending, attempts: 30 };
    const now = new Date('2026-03-02T08:59:30.000Z');
    const dead = outcomeOf({
      delivery: old,
      now,
      policy,
      random: () => 1,
      response: { kind: 'answered', status: 500 },
    });
    expect(dead).toMatchObject({ status: 'dead', attempts: 31 });
    expect(dead.lastError).toContain('given up');
    // A Retry-After past the deadline: dead too, rather than waiting past it.
    expect(
      outcomeOf({
        delivery: pending,
        now,
        policy,
        random: () => 0,
        response: { kind: 'answered', status: 503, retryAfter: '7200' },
      }).status,
    ).toBe('dead');
  });
});
