import { expect, it } from 'vitest';
import { describeWithPostgres, twoInstancesOnOneSchema } from '../../store/testing/databases.js';
import { SharedLookupWatch } from './lookup-watch.js';

/** Issue 13: the bulk look-up rule counts a person once across the instances on one PostgreSQL database. */
await describeWithPostgres('the bulk look-up count shared by two instances on one PostgreSQL', () => {
  const instances = twoInstancesOnOneSchema('lookups');

  it('crosses once for visits shown on both, counts a visit once, and stays quiet for the window after', async () => {
    let nowMs = Date.UTC(2026, 11, 6, 10, 0, 0);
    const clock = { now: () => new Date(nowMs) };
    const settings = { limit: 3, windowMinutes: 10 };
    const onA = new SharedLookupWatch(settings, instances.a.windowCounts!, clock);
    const onB = new SharedLookupWatch(settings, instances.b.windowCounts!, clock);
    expect(await onA.record('u-1', ['V-1', 'V-2'])).toBeUndefined();
    nowMs += 60_000;
    expect(await onB.record('u-1', ['V-2', 'V-3'])).toBeUndefined();
    expect(await onB.record('u-2', ['V-1', 'V-2', 'V-3'])).toBeUndefined();
    nowMs += 60_000;
    const crossing = await onA.record('u-1', ['V-4']);
    expect(crossing).toEqual({
      userId: 'u-1',
      count: 4,
      windowMinutes: 10,
      firstAt: '2026-12-06T10:00:00.000Z',
      lastAt: '2026-12-06T10:02:00.000Z',
      visitRefs: ['V-1', 'V-2', 'V-3', 'V-4'],
    });
    // One alert covers its window, on every instance; counting starts afresh after it.
    expect(await onB.record('u-1', ['V-5', 'V-6', 'V-7', 'V-8'])).toBeUndefined();
    nowMs += 10 * 60_000;
    expect(await onB.record('u-1', ['V-5', 'V-6', 'V-7'])).toBeUndefined();
    expect(await onA.record('u-1', ['V-8'])).toMatchObject({ count: 4 });
    // Visits that left the window no longer count.
    nowMs += 20 * 60_000;
    expect(await onA.record('u-2', ['V-9'])).toBeUndefined();
  });
});
