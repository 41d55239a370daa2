import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestLedger, type TestLedger } from '../../../test/support/ledger.js';
import { POSITIONS_VIEWED, type PositionsViewedData } from '../../domain/index.js';
import { MAX_VISITS_PER_VIEW_EVENT, PositionViewRecorder, positionViewRows } from './position-views.js';

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

const ann = { userId: 'u-ann', orgId: 'org-t1', ip: '10.1.0.7' };
const bob = { userId: 'u-bob', orgId: 'org-customs', ip: '10.2.0.9' };

async function viewEvents(test: TestLedger) {
  const events = await test.store.readEvents(0, 10_000);
  return events.filter((event) => event.type === POSITIONS_VIEWED);
}

describe('PositionViewRecorder (who looked at what, batched per person)', () => {
  let test: TestLedger | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await test?.cleanup();
    test = undefined;
  });

  it('gathers one person’s views into one event, and every person’s into one write, when the timer fires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = manualClock();
    test = await openTestLedger('memory', { clock });
    const write = vi.spyOn(test.ledger, 'write');
    const views = new PositionViewRecorder({ ledger: test.ledger, intervalMs: 5000, onError: vi.fn() });
    views.note(ann, { route: 'visit', visitRefs: ['V-1'] });
    clock.advance(1000);
    views.note(ann, { route: 'visit.history', visitRefs: ['V-1'] });
    views.note(bob, { route: 'visit.search', visitRefs: ['V-2', 'V-3'] });
    clock.advance(1000);
    views.note(ann, { route: 'yard.map', terminal: 'T1' });
    views.note(ann, { route: 'visit.list', visitRefs: ['V-4', 'V-1'] });
    expect(views.waiting).toBe(2);
    expect(await viewEvents(test)).toEqual([]);

    await vi.advanceTimersByTimeAsync(5000);
    await views.flush();
    expect(write).toHaveBeenCalledTimes(1);
    const events = await viewEvents(test);
    expect(events.map((event) => [event.streamId, event.data])).toEqual([
      [
        'views-u-ann',
        {
          userId: 'u-ann',
          orgId: 'org-t1',
          routes: ['visit', 'visit.history', 'yard.map', 'visit.list'],
          visitRefs: ['V-1', 'V-4'],
          terminals: ['T1'],
          firstAt: new Date(T0).toISOString(),
          lastAt: new Date(T0 + 2000).toISOString(),
          ip: '10.1.0.7',
        } satisfies PositionsViewedData,
      ],
      [
        'views-u-bob',
        {
          userId: 'u-bob',
          orgId: 'org-customs',
          routes: ['visit.search'],
          visitRefs: ['V-2', 'V-3'],
          terminals: [],
          firstAt: new Date(T0 + 1000).toISOString(),
          lastAt: new Date(T0 + 1000).toISOString(),
          ip: '10.2.0.9',
        },
      ],
    ]);
    // The rows went in with the events.
    const rows = await test.store.positionViews.viewersOf({
      kind: 'visit',
      subject: 'V-1',
      since: new Date(T0 - 1).toISOString(),
      limit: 10,
    });
    expect(rows).toEqual(positionViewRows(events[0]!).filter((row) => row.subject === 'V-1'));
    const map = await test.store.positionViews.viewersOf({
      kind: 'terminal',
      subject: 'T1',
      since: new Date(T0 - 1).toISOString(),
      limit: 10,
    });
    expect(map.map((row) => [row.userId, row.auditIndex])).toEqual([['u-ann', events[0]!.index]]);
    expect(views.waiting).toBe(0);
    await views.close();
  });

  it('writes nothing while nobody is shown anything, and at most one event per person per interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    test = await openTestLedger('memory', { clock: manualClock() });
    const views = new PositionViewRecorder({ ledger: test.ledger, intervalMs: 5000, onError: vi.fn() });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await viewEvents(test)).toEqual([]);
    for (let second = 0; second < 20; second++) {
      views.note(ann, { route: 'visit', visitRefs: [`V-${second}`] });
      await vi.advanceTimersByTimeAsync(1000);
    }
    await views.close();
    const events = await viewEvents(test);
    // 20 s of views, one event per 5 s interval (the last written on close).
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(events.length).toBeLessThanOrEqual(5);
    expect(events.flatMap((event) => event.data.visitRefs as string[])).toEqual(
      Array.from({ length: 20 }, (_, i) => `V-${i}`),
    );
  });

  it('writes what waits on close, and a view noted after close at once', async () => {
    test = await openTestLedger('memory', { clock: manualClock() });
    const views = new PositionViewRecorder({ ledger: test.ledger, intervalMs: 60_000, onError: vi.fn() });
    views.note(ann, { route: 'visit', visitRefs: ['V-1'] });
    await views.close();
    expect((await viewEvents(test)).map((event) => event.data.visitRefs)).toEqual([['V-1']]);
    views.note(bob, { route: 'visit', visitRefs: ['V-2'] });
    await views.flush();
    expect((await viewEvents(test)).map((event) => event.data.visitRefs)).toEqual([['V-1'], ['V-2']]);
  });

  it('splits a bulk read into events of at most 500 visits, the map loads with the first', async () => {
    test = await openTestLedger('memory', { clock: manualClock() });
    const views = new PositionViewRecorder({ ledger: test.ledger, intervalMs: 5000, onError: vi.fn() });
    const refs = Array.from({ length: 1200 }, (_, i) => `V-${String(i).padStart(4, '0')}`);
    views.note(ann, { route: 'visit.list', visitRefs: refs });
    views.note(ann, { route: 'yard.map', terminal: 'T1' });
    await views.close();
    const events = await viewEvents(test);
    expect(events.map((event) => (event.data.visitRefs as string[]).length)).toEqual([
      MAX_VISITS_PER_VIEW_EVENT,
      MAX_VISITS_PER_VIEW_EVENT,
      200,
    ]);
    expect(events.map((event) => event.data.terminals)).toEqual([['T1'], [], []]);
    expect(events.flatMap((event) => event.data.visitRefs as string[])).toEqual(refs);
  });

  it('never throws into the read: a failed write goes to onError, with what was lost', async () => {
    test = await openTestLedger('memory', { clock: manualClock() });
    const onError = vi.fn();
    const views = new PositionViewRecorder({ ledger: test.ledger, intervalMs: 5000, onError });
    vi.spyOn(test.ledger, 'write').mockRejectedValueOnce(new Error('database gone'));
    expect(() => views.note(ann, { route: 'visit', visitRefs: ['V-1', 'V-2'] })).not.toThrow();
    await expect(views.flush()).resolves.toBeUndefined();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'database gone' }), {
      people: 1,
      views: 2,
    });
    await views.close();
  });

  it('refuses an interval that is not a positive number of milliseconds', async () => {
    test = await openTestLedger('memory');
    expect(() => new PositionViewRecorder({ ledger: test!.ledger, intervalMs: 0, onError: vi.fn() })).toThrow(
      RangeError,
    );
  });
});
