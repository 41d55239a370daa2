/**
 * The pure parts of `npm run load` (issue 13): the peak-hour rates, the open-loop arrival schedule, the
 * percentiles, and the clock shift that puts a run inside the demo terminal's gate hours. No I/O here, so that
 * `test/bench/load-plan.test.ts` checks them without a server.
 */

/** The routes of the mix, and `/healthz` as the same-run baseline. */
export const loadRoutes = [
  'gate.accept',
  'gate.refuse',
  'visit.read',
  'visit.search',
  'visit.lights',
  'appointment.read',
  'appointment.book',
  'appointment.rebook',
  'appointment.driver',
  'yard.move',
  'healthz',
] as const;

export type LoadRoute = (typeof loadRoutes)[number];

/** How each route is called, for the report. */
export const routeLabels: { readonly [R in LoadRoute]: string } = {
  'gate.accept': 'POST /v1/gate/transactions (pickup accepted)',
  'gate.refuse': 'POST /v1/gate/transactions (refused)',
  'visit.read': 'GET /v1/visits/:ref',
  'visit.search': 'GET /v1/visits?containerNumber=',
  'visit.lights': 'GET /v1/visits/:ref/lights',
  'appointment.read': 'GET /v1/visits/:ref/appointment',
  'appointment.book': 'POST /v1/visits/:ref/appointment',
  'appointment.rebook': 'POST /v1/visits/:ref/appointment/rebook',
  'appointment.driver': 'POST /v1/visits/:ref/appointment/driver',
  'yard.move': 'POST /v1/visits/:ref/moves',
  healthz: 'GET /healthz (baseline)',
};

/** The routes that write to the log: their p99 is also read against a bare commit's (`load-probe.ts`). */
export const writeRoutes: ReadonlySet<LoadRoute> = new Set<LoadRoute>([
  'gate.accept',
  'gate.refuse',
  'appointment.book',
  'appointment.rebook',
  'appointment.driver',
  'yard.move',
]);

/**
 * Gate transactions an hour at the peak of Antwerp's busiest terminal, at scale 1: MISSION §6 gives about 2,600
 * trucks a day, 80 % between 06:00 and 20:00 (about 150 an hour on average) and 150–200+ at the peak; we take 200.
 */
export const PEAK_GATE_TRANSACTIONS_PER_HOUR = 200;

/**
 * Requests per gate transaction for each route of the mix: what a terminal sees around one truck. These are our
 * assumptions, not measurements of a real terminal; the header of bench/load.ts says why each is what it is.
 */
export const perGateTransaction: { readonly [R in Exclude<LoadRoute, 'healthz'>]: number } = {
  // 85 % of trucks leave with their box; 15 % are turned away (wrong day, wrong driver).
  'gate.accept': 0.85,
  'gate.refuse': 0.15,
  // Six look-ups per truck: the TOS and the gate clerk read the visit, the line and forwarders track the box by
  // its number, the haulier checks the lights and its appointment before sending the truck.
  'visit.read': 2,
  'visit.search': 2,
  'visit.lights': 1,
  'appointment.read': 1,
  // About one booking change per truck: re-bookings, driver changes and new bookings of later days.
  'appointment.book': 0.25,
  'appointment.rebook': 0.5,
  'appointment.driver': 0.25,
  // Two to three yard moves per truck: delivery to the transfer area, housekeeping and re-shuffles.
  'yard.move': 2.5,
};

/** The baseline route's rate, whatever the scale: enough samples for a p99 in a minute. */
export const BASELINE_PER_SECOND = 2;

/**
 * Requests per second of each route at `scale` times the peak (scale 10 is issue 13's target).
 *
 * @example
 * ```ts
 * peakHourRates(10)['gate.accept']; // 200 × 10 × 0.85 / 3600 ≈ 0.47
 * ```
 */
export function peakHourRates(scale: number): Record<LoadRoute, number> {
  const gatePerSecond = (PEAK_GATE_TRANSACTIONS_PER_HOUR * scale) / 3600;
  const rates = { healthz: BASELINE_PER_SECOND } as Record<LoadRoute, number>;
  for (const [route, perGate] of Object.entries(perGateTransaction)) {
    rates[route as LoadRoute] = gatePerSecond * perGate;
  }
  return rates;
}

/**
 * The route of the mix a request the server logged belongs to, from its method and URL; both gate routes are one
 * route to the server. `undefined` for requests outside the mix.
 *
 * @example
 * ```ts
 * serverRouteOf('GET', '/v1/visits?containerNumber=MSCU1234565'); // ['visit.search']
 * ```
 */
export function serverRouteOf(method: string, url: string): readonly LoadRoute[] | undefined {
  const path = url.split('?')[0]!;
  if (method === 'POST' && path === '/v1/gate/transactions') return ['gate.accept', 'gate.refuse'];
  if (method === 'GET' && path === '/healthz') return ['healthz'];
  if (method === 'GET' && path === '/v1/visits')
    return url.includes('containerNumber=') ? ['visit.search'] : undefined;
  const visit = /^\/v1\/visits\/[^/]+(\/.*)?$/.exec(path);
  if (!visit) return undefined;
  const rest = visit[1] ?? '';
  const routes: Record<string, LoadRoute> = {
    'GET ': 'visit.read',
    'GET /lights': 'visit.lights',
    'GET /appointment': 'appointment.read',
    'POST /appointment': 'appointment.book',
    'POST /appointment/rebook': 'appointment.rebook',
    'POST /appointment/driver': 'appointment.driver',
    'POST /moves': 'yard.move',
  };
  const route = routes[`${method} ${rest}`];
  return route ? [route] : undefined;
}

/** One request of the schedule: its route and when it is due, in ms from the start of the run. */
export interface Arrival {
  readonly atMs: number;
  readonly route: LoadRoute;
}

/** A small seeded generator (mulberry32), so that a run's schedule can be repeated exactly. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The open-loop schedule: for each route an independent Poisson process at its rate (exponential gaps,
 * −ln(U)/λ), merged in time order. Requests start when due, not when an earlier one ends, so that a slow server
 * cannot slow the arrivals down and hide its own latency (the "coordinated omission" of closed-loop drivers).
 *
 * @example
 * ```ts
 * arrivalSchedule({ healthz: 2 }, 60, 1).length; // about 120
 * ```
 */
export function arrivalSchedule(
  rates: Partial<Record<LoadRoute, number>>,
  seconds: number,
  seed: number,
): Arrival[] {
  const uniform = seededUniform(seed);
  const endMs = seconds * 1000;
  const arrivals: Arrival[] = [];
  for (const route of loadRoutes) {
    const perSecond = rates[route] ?? 0;
    if (!(perSecond > 0)) continue;
    let atMs = 0;
    for (;;) {
      // 1 − U lies in (0, 1], so the logarithm is finite.
      atMs += (-Math.log(1 - uniform()) / perSecond) * 1000;
      if (atMs >= endMs) break;
      arrivals.push({ atMs, route });
    }
  }
  return arrivals.sort((a, b) => a.atMs - b.atMs);
}

/**
 * The nearest-rank percentile (the smallest sample with at least p % of the samples at or below it) of samples
 * sorted ascending; `undefined` when there are none.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2
 * ```
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** What the report says of one route. */
export interface RouteFigures {
  readonly route: LoadRoute;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly maxMs: number | undefined;
  readonly errors: number;
}

/** Summarises one route's latencies (ms, from when each request was due) over a run of `seconds`. */
export function routeFigures(
  route: LoadRoute,
  latenciesMs: readonly number[],
  errors: number,
  seconds: number,
): RouteFigures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    route,
    requests: sorted.length,
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1),
    errors,
  };
}

/** The hour and minute of `instant` on the wall clocks of `timeZone`. */
export function localTime(instant: Date, timeZone: string): { hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { hour: part('hour'), minute: part('minute') };
}

/**
 * How far ahead to shift the server's wall clock so that `now` falls `leadSeconds` before a full hour H of
 * `timeZone` at which three 30-minute slots are open at the gate throughout the half hour after H: the one that
 * started at H − 0:30 (still bookable before H, its window open until H + 0:30 with 30 minutes' grace), the one
 * starting at H, and the one starting at H + 0:30 (its window open from H). So the run books its pickups before H
 * and runs between H and H + 0:30. All three must lie within the opening hours `fromHour`–`toHour` (whole hours,
 * slots starting every half hour from `fromHour` to half an hour before `toHour`).
 *
 * @example
 * ```ts
 * clockShiftMs(new Date('2030-03-04T23:00:00Z'), { timeZone: 'Europe/Brussels', fromHour: 6, toHour: 22, leadSeconds: 120 });
 * // the milliseconds from 00:00 to 06:58 Brussels time (H = 07:00)
 * ```
 */
export function clockShiftMs(
  now: Date,
  hours: { timeZone: string; fromHour: number; toHour: number; leadSeconds: number },
): number {
  const leadMs = hours.leadSeconds * 1000;
  const firstMinute = Math.ceil((now.getTime() + leadMs) / 60_000) * 60_000;
  for (let t = firstMinute; t < firstMinute + 2 * 24 * 3_600_000; t += 60_000) {
    const { hour, minute } = localTime(new Date(t), hours.timeZone);
    if (minute === 0 && hour >= hours.fromHour + 1 && hour <= hours.toHour - 1)
      return t - leadMs - now.getTime();
  }
  throw new Error(`no hour of ${hours.timeZone} between ${hours.fromHour}:00 and ${hours.toHour}:00`);
}
