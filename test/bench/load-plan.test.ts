import { describe, expect, it } from 'vitest';
import {
  arrivalSchedule,
  clockShiftMs,
  localTime,
  PEAK_GATE_TRANSACTIONS_PER_HOUR,
  peakHourRates,
  percentile,
  perGateTransaction,
  routeFigures,
  serverRouteOf,
} from '../../bench/load-plan.js';

// The pure parts of `npm run load` (bench/load-plan.ts); vitest runs tests under src/ and test/ only.
describe('the peak-hour rates', () => {
  it('run the gate at scale × the peak, and every other route in proportion to it', () => {
    const rates = peakHourRates(10);
    const gatePerSecond = rates['gate.accept'] + rates['gate.refuse'];
    expect(gatePerSecond * 3600).toBeCloseTo(PEAK_GATE_TRANSACTIONS_PER_HOUR * 10);
    for (const [route, perGate] of Object.entries(perGateTransaction)) {
      expect(rates[route as keyof typeof rates] / gatePerSecond).toBeCloseTo(perGate);
    }
  });

  it('keep the /healthz baseline at the same rate whatever the scale', () => {
    expect(peakHourRates(1).healthz).toBe(peakHourRates(50).healthz);
  });
});

describe('the open-loop schedule', () => {
  it('is the same for the same seed, in time order, within the run', () => {
    const schedule = arrivalSchedule(peakHourRates(10), 60, 7);
    expect(arrivalSchedule(peakHourRates(10), 60, 7)).toEqual(schedule);
    expect(arrivalSchedule(peakHourRates(10), 60, 8)).not.toEqual(schedule);
    for (let i = 1; i < schedule.length; i++)
      expect(schedule[i]!.atMs).toBeGreaterThanOrEqual(schedule[i - 1]!.atMs);
    expect(schedule[0]!.atMs).toBeGreaterThanOrEqual(0);
    expect(schedule.at(-1)!.atMs).toBeLessThan(60_000);
  });

  it('draws each route at its rate over a long run, and none at rate 0', () => {
    const schedule = arrivalSchedule({ 'yard.move': 2, 'visit.read': 0.5, 'gate.refuse': 0 }, 3600, 1);
    const count = (route: string) => schedule.filter((arrival) => arrival.route === route).length;
    // A Poisson count of mean λ has standard deviation √λ: 7,200 ± 85 and 1,800 ± 42; allow four of them.
    expect(Math.abs(count('yard.move') - 7200)).toBeLessThan(4 * 85);
    expect(Math.abs(count('visit.read') - 1800)).toBeLessThan(4 * 42);
    expect(count('gate.refuse')).toBe(0);
  });

  it('has exponential gaps, not a metronome: about 37 % of them are longer than the mean (e^−1)', () => {
    const arrivals = arrivalSchedule({ healthz: 1 }, 10_000, 3).map((arrival) => arrival.atMs);
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
    const longer = gaps.filter((gap) => gap > 1000).length / gaps.length;
    expect(longer).toBeGreaterThan(0.34);
    expect(longer).toBeLessThan(0.4);
  });
});

describe('the percentiles', () => {
  it('are nearest-rank: the smallest sample with at least p % at or below it', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([3, 9], 0)).toBe(3);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('summarise a route from unsorted latencies', () => {
    expect(routeFigures('yard.move', [30, 10, 20, 40], 1, 2)).toEqual({
      route: 'yard.move',
      requests: 4,
      perSecond: 2,
      p50Ms: 20,
      p99Ms: 40,
      maxMs: 40,
      errors: 1,
    });
    expect(routeFigures('healthz', [], 0, 60).p99Ms).toBeUndefined();
  });
});

describe('the route of a request the server logged', () => {
  it('is told by method and path, both gate routes being one to the server', () => {
    expect(serverRouteOf('POST', '/v1/gate/transactions')).toEqual(['gate.accept', 'gate.refuse']);
    expect(serverRouteOf('GET', '/v1/visits/V-1a2B')).toEqual(['visit.read']);
    expect(serverRouteOf('GET', '/v1/visits?containerNumber=MSCU1234565')).toEqual(['visit.search']);
    expect(serverRouteOf('GET', '/v1/visits/V-1/lights')).toEqual(['visit.lights']);
    expect(serverRouteOf('GET', '/v1/visits/V-1/appointment')).toEqual(['appointment.read']);
    expect(serverRouteOf('POST', '/v1/visits/V-1/appointment')).toEqual(['appointment.book']);
    expect(serverRouteOf('POST', '/v1/visits/V-1/appointment/rebook')).toEqual(['appointment.rebook']);
    expect(serverRouteOf('POST', '/v1/visits/V-1/appointment/driver')).toEqual(['appointment.driver']);
    expect(serverRouteOf('POST', '/v1/visits/V-1/moves')).toEqual(['yard.move']);
    expect(serverRouteOf('GET', '/healthz')).toEqual(['healthz']);
  });

  it('is none for what the mix does not send, such as the preparation', () => {
    expect(serverRouteOf('POST', '/v1/visits')).toBeUndefined();
    expect(serverRouteOf('GET', '/v1/visits?status=in_yard')).toBeUndefined();
    expect(serverRouteOf('POST', '/v1/visits/V-1/gate-in')).toBeUndefined();
    expect(serverRouteOf('GET', '/readyz')).toBeUndefined();
  });
});

describe('the clock shift', () => {
  const brussels = { timeZone: 'Europe/Brussels', fromHour: 6, toHour: 22, leadSeconds: 120 };
  const shifted = (iso: string) => new Date(Date.parse(iso) + clockShiftMs(new Date(iso), brussels));

  it('puts the server two minutes before the next full hour with three slots open after it', () => {
    // 10:20 in Brussels (UTC+1 in March 2030): 10:58, before 11:00.
    expect(shifted('2030-03-04T09:20:00Z').toISOString()).toBe('2030-03-04T09:58:00.000Z');
    // 10:59 is too close to 11:00 to prepare: 11:58, before 12:00.
    expect(shifted('2030-03-04T09:59:00Z').toISOString()).toBe('2030-03-04T10:58:00.000Z');
  });

  it('at night, and after the last usable hour, waits for the morning: 06:58 before 07:00', () => {
    expect(localTime(shifted('2030-03-04T23:00:00Z'), 'Europe/Brussels')).toEqual({ hour: 6, minute: 58 });
    // 21:10: the slot of 21:30 is the day's last, so 22:00 has none after it.
    expect(shifted('2030-03-04T20:10:00Z').toISOString()).toBe('2030-03-05T05:58:00.000Z');
  });

  it('never moves the clock back', () => {
    for (const iso of ['2030-03-04T05:00:00Z', '2030-07-01T12:34:56Z', '2030-10-27T01:30:00Z']) {
      expect(clockShiftMs(new Date(iso), brussels)).toBeGreaterThan(0);
    }
  });
});
