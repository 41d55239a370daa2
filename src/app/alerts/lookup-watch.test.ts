import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ledger } from '../ledger/index.js';
import { LOOKUP_SAMPLE_SIZE, LookupWatch, notePositionsShown } from './lookup-watch.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-26T08:00:00Z');

/** A clock the test moves by hand. */
function manualClock() {
  let now = T0;
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

const refs = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `V-${String(from + i).padStart(4, '0')}`);

describe('LookupWatch (the bulk look-up window)', () => {
  it('counts distinct visits: the same visit shown again is one', () => {
    const clock = manualClock();
    const watch = new LookupWatch({ limit: 5, windowMinutes: 10 }, clock);
    for (let i = 0; i < 50; i += 1) expect(watch.record('u1', ['V-1', 'V-2'])).toBeUndefined();
    expect(watch.count('u1')).toBe(2);
  });

  it('crosses once the count passes the limit, with the count, the times and a sample', () => {
    const clock = manualClock();
    const watch = new LookupWatch({ limit: 5, windowMinutes: 10 }, clock);
    for (const ref of refs(0, 5)) {
      expect(watch.record('u1', [ref])).toBeUndefined();
      clock.advance(MINUTE);
    }
    const crossing = watch.record('u1', ['V-0005']);
    expect(crossing).toEqual({
      userId: 'u1',
      count: 6,
      windowMinutes: 10,
      firstAt: new Date(T0).toISOString(),
      lastAt: new Date(T0 + 5 * MINUTE).toISOString(),
      visitRefs: refs(0, 6),
    });
  });

  it('a listing that shows many at once crosses with all of them counted, and a sample of ten', () => {
    const watch = new LookupWatch({ limit: 5, windowMinutes: 10 }, manualClock());
    const crossing = watch.record('u1', refs(0, 40));
    expect(crossing?.count).toBe(40);
    expect(crossing?.visitRefs).toEqual(refs(0, LOOKUP_SAMPLE_SIZE));
  });

  it('raises once per window, then again in the next window', () => {
    const clock = manualClock();
    const watch = new LookupWatch({ limit: 5, windowMinutes: 10 }, clock);
    expect(watch.record('u1', refs(0, 6))).toBeDefined();
    // Still bulk-reading inside the same window: no second alert.
    for (let i = 6; i < 60; i += 1) {
      clock.advance(MINUTE / 10);
      expect(watch.record('u1', [`V-${i}`])).toBeUndefined();
    }
    clock.advance(5 * MINUTE);
    // The window after the alert has passed: counting starts afresh, and crossing the limit raises again.
    expect(watch.record('u1', refs(100, 105))).toBeUndefined();
    const again = watch.record('u1', ['V-again']);
    expect(again).toMatchObject({ count: 6, visitRefs: [...refs(100, 105), 'V-again'] });
  });

  it('prunes what slid out of the window, so slow reading never crosses', () => {
    const clock = manualClock();
    const watch = new LookupWatch({ limit: 5, windowMinutes: 10 }, clock);
    for (let i = 0; i < 100; i += 1) {
      expect(watch.record('u1', [`V-${i}`])).toBeUndefined();
      clock.advance(2 * MINUTE + 1);
    }
    expect(watch.count('u1')).toBeLessThanOrEqual(5);
  });

  it('counts each person apart', () => {
    const watch = new LookupWatch({ limit: 5, windowMinutes: 10 }, manualClock());
    expect(watch.record('u1', refs(0, 5))).toBeUndefined();
    expect(watch.record('u2', refs(5, 10))).toBeUndefined();
    expect(watch.record('u1', ['V-x'])?.userId).toBe('u1');
    expect(watch.count('u2')).toBe(5);
  });

  it('forgets people with nothing left in the window', () => {
    const clock = manualClock();
    const watch = new LookupWatch({ limit: 5, windowMinutes: 10 }, clock);
    for (let user = 0; user < 100; user += 1) watch.record(`u${user}`, ['V-1']);
    expect(watch.size).toBe(100);
    clock.advance(11 * MINUTE);
    watch.record('someone-else', ['V-1']);
    expect(watch.size).toBe(1);
  });

  it('refuses a limit or window that cannot work', () => {
    const clock = manualClock();
    expect(() => new LookupWatch({ limit: 0, windowMinutes: 10 }, clock)).toThrow(RangeError);
    expect(() => new LookupWatch({ limit: Number.NaN, windowMinutes: 10 }, clock)).toThrow(RangeError);
    expect(() => new LookupWatch({ limit: 5, windowMinutes: 0 }, clock)).toThrow(RangeError);
  });

  it('matches a plain count of distinct visits in the window, and keeps at most limit per person', () => {
    const step = fc.record({
      gapSeconds: fc.integer({ min: 0, max: 240 }),
      visits: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(step, { maxLength: 60 }), (limit, steps) => {
        const clock = manualClock();
        const windowMs = 10 * MINUTE;
        const watch = new LookupWatch({ limit, windowMinutes: 10 }, clock);
        // The model: every (visit, at) counted since the last alert's window ended.
        let shown: { ref: string; at: number }[] = [];
        let quietUntil = Number.NEGATIVE_INFINITY;
        for (const { gapSeconds, visits } of steps) {
          clock.advance(gapSeconds * 1000);
          const now = clock.now().getTime();
          const batch = visits.map((v) => `V-${v}`);
          const crossing = watch.record('u', batch);
          if (now < quietUntil) {
            expect(crossing).toBeUndefined();
          } else {
            shown.push(...batch.map((ref) => ({ ref, at: now })));
            const distinct = new Set(shown.filter((s) => s.at > now - windowMs).map((s) => s.ref));
            if (distinct.size > limit) {
              expect(crossing?.count).toBe(distinct.size);
              shown = [];
              quietUntil = now + windowMs;
            } else {
              expect(crossing).toBeUndefined();
            }
          }
          expect(watch.count('u')).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });
});

describe('notePositionsShown', () => {
  it('never fails the read: an alert that cannot be written goes to onError', async () => {
    const failing = {
      write: async () => {
        throw new Error('database unavailable');
      },
    } as unknown as Ledger;
    const errors: unknown[] = [];
    const deps = {
      watch: new LookupWatch({ limit: 1, windowMinutes: 10 }, manualClock()),
      ledger: failing,
      onError: (error: unknown) => errors.push(error),
    };
    const person = { userId: 'u1', displayName: 'U One', orgId: 'org-1' };
    await expect(notePositionsShown(deps, person, ['V-1'])).resolves.toBeUndefined();
    await expect(notePositionsShown(deps, person, ['V-2'])).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/database unavailable/);
  });
});
