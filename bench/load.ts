/**
 * `npm run load`: the peak-hour mix of issue 13 against a started `portledger serve`, open loop, with throughput,
 * p50 and p99 per route and the errors. Acceptance (issue 13): 0 errors, p99 under 50 ms on every route, on SQLite
 * and on PostgreSQL.
 *
 *     npm run load                                          # a fresh SQLite file, 60 s at 10× the peak
 *     npm run load -- --db postgres://postgres@127.0.0.1:5432/test   # a schema of its own, dropped after
 *     npm run load -- --url http://localhost:8080 --db sqlite:data/portledger.db   # a server already running
 *
 * Options: `--seconds N` (60), `--scale N` (10), `--warmup N` seconds before the measured run (5), `--concurrency N`
 * requests in flight at most (64), `--stock N` boxes in the yard besides those the mix books (300), `--seed N` (1),
 * `--json` (JSON only on stdout), `--keep` (keep the database), `--log-level` of the server (info: its
 * request log gives each route's time inside the server), `--profile DIR`
 * (the server writes a V8 CPU profile into DIR when it stops; open it in Chrome DevTools).
 *
 * The rate. MISSION §6: Antwerp's busiest terminal sees about 2,600 trucks a day, 80 % of them between 06:00 and
 * 20:00, so 150–200+ gate transactions an hour at the peak; we take 200 an hour as scale 1 and run at `--scale 10`
 * (2,000 an hour, 0.56 a second). The other routes are in proportion to the gate, per gate transaction — these
 * are assumptions of ours, not measurements of a terminal (`load-plan.ts`, `perGateTransaction`):
 * - the gate: 85 % of trucks leave with their box (the kiosk's pickup, booked, right driver, in the slot), 15 %
 *   are turned away (the driver came on the wrong day, or another driver came with the pass);
 * - 6 look-ups: the TOS and the clerk read the visit (2), the line and forwarders track the box by its number (2),
 *   the haulier reads the lights (1) and its appointment (1);
 * - about 1 booking change: a re-booking (0.5), a driver change (0.25), a new booking of a later day (0.25);
 * - 2.5 yard moves: delivery to the transfer area, housekeeping and re-shuffles, by straddle carriers;
 * - no DCSA polling: there is no DCSA Track & Trace route yet (README, Standards); add it to the mix when there is.
 * At scale 10 that is about 5.8 requests a second in all, plus `/healthz` at 2 a second as the same-run baseline.
 *
 * Open loop: each request starts when it is due (a Poisson process per route, seeded), not when the one before it
 * ends, so a slow server does not slow the arrivals and hide its latency; latency is measured from when the
 * request was due, so waiting for a free place under the concurrency cap counts too. A warm-up of `--warmup`
 * seconds runs the same mix first (its gate pickups sent as refusals, to keep the booked boxes for the run) and is
 * not counted.
 *
 * What the run prepares, and how (`load-prepare.ts`): organisations, API tokens (one per gate lane, so that no lane
 * nears the kiosk rate limit) and two people through the CLI; the rest through the HTTP API as the port's parties
 * would. Re-bookings and driver changes come from the haulier planner's passkey session (`appointment.change` is
 * never a token's); everything else from machine clients' tokens. The gate reads the planner's printed credential
 * (`PORTLEDGER_PRINTED_PASS=on` on the server it starts): the drivers' phones would each need a person to enrol and
 * a planner to confirm.
 *
 * The clock. The demo terminal's slots hold 10 trucks each, a slot can be booked until it ends, and a pickup is let
 * out only in its slot's window (30 minutes' grace either side). Three slots are open at the gate and bookable only
 * around a full hour H: the one of H − 0:30 until H, those of H and H + 0:30 from H. So the server (and the CLI that
 * prepares it) runs on a wall clock shifted to two minutes before such an hour (`load-clock.ts`), books up to 30
 * pickups first, and the mix starts just after H. Timers and latencies are not shifted. With `--url` nothing is
 * shifted: the run books what the open slots still take. Either way the report says when the schedule asked for more
 * pickups than were booked (those are sent as refusals).
 *
 * Writes bench-results/load.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client } from '../src/cli/drill-client.js';
import { demoSlotConfig } from '../src/demo/demo-port.js';
import type { YardSlot } from '../src/domain/index.js';
import {
  type Arrival,
  arrivalSchedule,
  clockShiftMs,
  type LoadRoute,
  loadRoutes,
  peakHourRates,
  percentile,
  type RouteFigures,
  routeFigures,
  routeLabels,
  seededUniform,
  serverRouteOf,
  writeRoutes,
} from './load-plan.js';
import {
  type Answer,
  type BookedBox,
  type Box,
  type LoadWorld,
  prepareWorld,
  registerParties,
} from './load-prepare.js';
import { startCommitProbe } from './load-probe.js';
import {
  type LoadServer,
  loadEnvironment,
  openLoadDatabase,
  runPortledger,
  startLoadServer,
} from './load-server.js';

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const numberOption = (name: string, fallback: number, min: number) => {
  const text = option(name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(value) || value < min) {
    process.stderr.write(`${name} must be a number of at least ${min}, not ${text}\n`);
    process.exit(2);
  }
  return value;
};
const json = argv.includes('--json');
const keep = argv.includes('--keep');
const seconds = numberOption('--seconds', 60, 1);
const scale = numberOption('--scale', 10, 0.01);
const warmup = numberOption('--warmup', 5, 0);
const concurrency = Math.floor(numberOption('--concurrency', 64, 1));
const stock = Math.floor(numberOption('--stock', 300, 10));
const seed = Math.floor(numberOption('--seed', 1, 0));
const givenUrl = option('--url');
const givenDb = option('--db');
// Info, so that the server logs each request's response time (Fastify's "request completed").
const logLevel = option('--log-level') ?? 'info';
const profileDir = option('--profile');
if (givenUrl && !givenDb) {
  process.stderr.write(
    '--url needs --db: the database of that server, on which the CLI registers the run’s parties\n',
  );
  process.exit(2);
}
const log = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};

/** With `--url`: how long preparing takes at most, in seconds; the pickups' slots must stay open past it. */
const PREPARE_ALLOWANCE_SECONDS = 240;
/**
 * The shifted clock reads this long before the hour when the run begins: time for the CLI, the server's start and
 * the pickups' bookings (a few seconds each) before the slot that ends on the hour closes.
 */
const LEAD_SECONDS = 120;
/** Issue 13's acceptance: every route's p99 under this. */
const ROUTE_P99_LIMIT_MS = 50;

interface Outcome {
  /** Why the answer was not the one expected; undefined when it was. */
  error?: string;
  /** The route the request was sent as, when not the one scheduled (a pickup with no booked box left). */
  sentAs?: LoadRoute;
}

interface RouteSamples {
  latencies: number[];
  errors: number;
  messages: Map<string, number>;
}

/** What the mix notes besides the samples. */
interface MixNotes {
  /** Pickups due when no booked box was left: sent as refusals. */
  pickupsWithoutBox: number;
  /** New bookings due when no unbooked box was left: sent as re-bookings. */
  bookingsWithoutBox: number;
  /** Requests that waited for a place under the concurrency cap. */
  queued: number;
  /** The most requests in flight at once. */
  maxInFlight: number;
}

const describeAnswer = (answer: Answer) =>
  `HTTP ${answer.status}${typeof answer.body.code === 'string' ? ` ${answer.body.code}` : ''}${typeof answer.body.detail === 'string' ? `: ${answer.body.detail.slice(0, 160)}` : ''}`;

/**
 * The operations of the mix on the prepared world. Each picks what it works on so that no two requests touch the
 * same box at once, as in a port where one truck and one straddle carrier handle a box at a time.
 */
function mixOperations(
  client: Client,
  world: LoadWorld,
  random: () => number,
  notes: MixNotes,
  warm: () => boolean,
) {
  const busy = new Set<string>();
  const pick = <T extends Box>(pool: readonly T[]): T | undefined => {
    for (let tries = 0; tries < 20 && pool.length > 0; tries++) {
      const box = pool[Math.floor(random() * pool.length)]!;
      if (!busy.has(box.visitRef)) return box;
    }
    return pool.find((box) => !busy.has(box.visitRef));
  };
  /** Runs `work` on `box` while no other operation of the mix may touch it. */
  const holding = async (box: Box, work: () => Promise<Outcome>): Promise<Outcome> => {
    busy.add(box.visitRef);
    try {
      return await work();
    } finally {
      busy.delete(box.visitRef);
    }
  };
  const call = (method: string, path: string, bearer: string, body?: unknown) =>
    client.call(method, path, { bearer, ...(body === undefined ? {} : { body }) });
  const expect = (answer: Answer, ...statuses: number[]): Outcome =>
    statuses.includes(answer.status) ? {} : { error: describeAnswer(answer) };
  const inYard = [...world.stock, ...world.booked, ...world.early, ...world.unbooked];
  const everyBox = [...inYard, ...world.pickups];
  const withRight = [...world.booked, ...world.early];
  let lane = 0;
  let early = 0;
  const gate = async (box: BookedBox, badge: string, plate: string, accepted: boolean): Promise<Outcome> => {
    const kiosk = world.tokens.kiosks[lane++ % world.tokens.kiosks.length]!;
    const answer = await call('POST', '/v1/gate/transactions', kiosk, {
      credential: box.credential,
      badge,
      truckPlate: plate,
    });
    if (answer.status !== 200) return { error: describeAnswer(answer) };
    if (answer.body.accepted !== accepted) {
      const failed = (answer.body.checks as { check: string; passed: boolean }[] | undefined)
        ?.filter((check) => !check.passed)
        .map((check) => check.check);
      return { error: `verdict ${answer.body.accepted ? 'accepted' : `refused (${failed?.join(', ')})`}` };
    }
    return {};
  };
  const refuse = (): Promise<Outcome> => {
    // Round robin over the boxes booked days ahead, so that no credential nears the gate's per-credential limit;
    // every other one comes with another driver's badge and truck as well.
    const turn = early++;
    const box = world.early[turn % world.early.length]!;
    const other = world.drivers[(world.drivers.indexOf(box.driver) + 1) % world.drivers.length]!;
    return turn % 2 === 0
      ? gate(box, box.driver.badge, box.driver.plate, false)
      : gate(box, other.badge, other.plate, false);
  };
  const freeSlot = (current: string) => {
    const candidates = world.futureSlots.filter((slot) => slot.remaining > 0 && slot.slotId !== current);
    return candidates[Math.floor(random() * candidates.length)];
  };
  const rebook = async (): Promise<Outcome> => {
    const box = pick(world.booked);
    if (!box) return { error: 'no booked box free to re-book' };
    return holding(box, async () => {
      const target = freeSlot(box.slotId);
      if (!target) return { error: 'no slot days ahead has room left' };
      target.remaining -= 1;
      const answer = await client.call('POST', `/v1/visits/${box.visitRef}/appointment/rebook`, {
        session: world.planner,
        body: { slotId: target.slotId },
      });
      if (answer.status !== 200) {
        target.remaining += 1;
        return { error: describeAnswer(answer) };
      }
      const previous = world.futureSlots.find((slot) => slot.slotId === box.slotId);
      if (previous) previous.remaining += 1;
      box.slotId = target.slotId;
      return {};
    });
  };
  const operations: { readonly [R in LoadRoute]: () => Promise<Outcome> } = {
    'gate.accept': async () => {
      const box = warm() ? undefined : world.pickups.shift();
      if (!box) {
        if (!warm()) notes.pickupsWithoutBox += 1;
        return { ...(await refuse()), sentAs: 'gate.refuse' };
      }
      return holding(box, () => gate(box, box.driver.badge, box.driver.plate, true));
    },
    'gate.refuse': refuse,
    'visit.read': async () => {
      const box = inYard[Math.floor(random() * inYard.length)]!;
      return expect(await call('GET', `/v1/visits/${box.visitRef}`, world.tokens.tos), 200);
    },
    'visit.search': async () => {
      const box = everyBox[Math.floor(random() * everyBox.length)]!;
      const answer = await call(
        'GET',
        `/v1/visits?containerNumber=${box.containerNumber}`,
        world.tokens.line,
      );
      if (answer.status !== 200) return { error: describeAnswer(answer) };
      return (answer.body.visits as unknown[]).length === 1
        ? {}
        : { error: 'the search did not find the box' };
    },
    'visit.lights': async () => {
      const box = everyBox[Math.floor(random() * everyBox.length)]!;
      return expect(await call('GET', `/v1/visits/${box.visitRef}/lights`, world.tokens.line), 200);
    },
    'appointment.read': async () => {
      const box = withRight[Math.floor(random() * withRight.length)]!;
      return expect(await call('GET', `/v1/visits/${box.visitRef}/appointment`, world.tokens.haulier), 200);
    },
    'appointment.book': async () => {
      const box = world.unbooked.shift();
      if (!box) {
        notes.bookingsWithoutBox += 1;
        return { ...(await rebook()), sentAs: 'appointment.rebook' };
      }
      return holding(box, async () => {
        const target = freeSlot('');
        if (!target) return { error: 'no slot days ahead has room left' };
        target.remaining -= 1;
        const driver = world.drivers[Math.floor(random() * world.drivers.length)]!;
        const answer = await call('POST', `/v1/visits/${box.visitRef}/appointment`, world.tokens.haulier, {
          slotId: target.slotId,
          badge: driver.badge,
          truckPlate: driver.plate,
        });
        if (answer.status !== 201) {
          target.remaining += 1;
          return { error: describeAnswer(answer) };
        }
        const credential = (answer.body.credential as { token?: string } | null)?.token ?? '';
        world.booked.push({ ...box, slotId: target.slotId, driver, credential });
        return {};
      });
    },
    'appointment.rebook': rebook,
    'appointment.driver': async () => {
      const box = pick(world.booked);
      if (!box) return { error: 'no booked box free to change' };
      return holding(box, async () => {
        const driver = world.drivers[(world.drivers.indexOf(box.driver) + 1) % world.drivers.length]!;
        const answer = await client.call('POST', `/v1/visits/${box.visitRef}/appointment/driver`, {
          session: world.planner,
          body: { badge: driver.badge, truckPlate: driver.plate },
        });
        if (answer.status !== 200) return { error: describeAnswer(answer) };
        box.driver = driver;
        return {};
      });
    },
    'yard.move': async () => {
      const box = pick(world.stock);
      if (!box) return { error: 'no box free to move' };
      return holding(box, async () => {
        const to = world.freeGround.splice(Math.floor(random() * world.freeGround.length), 1)[0];
        if (!to) return { error: 'no free ground slot' };
        const from: YardSlot = box.slot;
        const answer = await call('POST', `/v1/visits/${box.visitRef}/moves`, world.tokens.tos, {
          from,
          to,
          equipment: `SC-${String(1 + Math.floor(random() * 24)).padStart(2, '0')}`,
        });
        if (answer.status !== 200) {
          world.freeGround.push(to);
          return { error: describeAnswer(answer) };
        }
        box.slot = to;
        world.freeGround.push(from);
        return {};
      });
    },
    healthz: async () => {
      const response = await fetch(new URL('/healthz', client.base));
      await response.arrayBuffer();
      return response.status === 200 ? {} : { error: `HTTP ${response.status}` };
    },
  };
  return operations;
}

/**
 * Runs `schedule` open loop: each request is started when due (ms after the start), at most `cap` at once, later
 * ones waiting for a place; each latency runs from when the request was due to when its answer was read.
 */
async function runOpenLoop(
  schedule: readonly Arrival[],
  operations: { readonly [R in LoadRoute]: () => Promise<Outcome> },
  cap: number,
  notes: MixNotes,
): Promise<{ samples: Map<LoadRoute, RouteSamples>; elapsedSeconds: number }> {
  const samples = new Map<LoadRoute, RouteSamples>(
    loadRoutes.map((route) => [route, { latencies: [], errors: 0, messages: new Map() }]),
  );
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const started = performance.now() + 20;
  const fire = async (arrival: Arrival, due: number) => {
    if (inFlight >= cap) {
      notes.queued += 1;
      // The place is handed over by the request that ends, without being given back in between.
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      inFlight += 1;
    }
    notes.maxInFlight = Math.max(notes.maxInFlight, inFlight);
    let outcome: Outcome;
    try {
      outcome = await operations[arrival.route]();
    } catch (error) {
      outcome = { error: error instanceof Error ? error.message : String(error) };
    }
    const latency = performance.now() - due;
    const next = waiting.shift();
    if (next) next();
    else inFlight -= 1;
    const route = samples.get(outcome.sentAs ?? arrival.route)!;
    route.latencies.push(latency);
    if (outcome.error !== undefined) {
      route.errors += 1;
      route.messages.set(outcome.error, (route.messages.get(outcome.error) ?? 0) + 1);
    }
  };
  const running: Promise<void>[] = [];
  for (const arrival of schedule) {
    const due = started + arrival.atMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(fire(arrival, due));
  }
  await Promise.all(running);
  return { samples, elapsedSeconds: (performance.now() - started) / 1000 };
}

const fixed = (value: number | undefined, digits = 1) => (value === undefined ? '-' : value.toFixed(digits));

function table(
  rows: readonly RouteFigures[],
  baselineP99: number | undefined,
  commitP99: number | undefined,
  inServer: ReadonlyMap<LoadRoute, { p50Ms: number | undefined; p99Ms: number | undefined }>,
): string {
  const header = [
    'route',
    'requests',
    'per s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'errors',
    'p99 ÷ healthz p99',
    'p99 ÷ commit p99',
    'in server p50/p99',
  ];
  const lines = rows.map((row) => [
    routeLabels[row.route],
    String(row.requests),
    fixed(row.perSecond, 2),
    fixed(row.p50Ms),
    fixed(row.p99Ms),
    fixed(row.maxMs),
    String(row.errors),
    row.p99Ms === undefined || !baselineP99 ? '-' : fixed(row.p99Ms / baselineP99),
    row.p99Ms === undefined || !commitP99 || !writeRoutes.has(row.route) ? '-' : fixed(row.p99Ms / commitP99),
    inServer.has(row.route)
      ? `${fixed(inServer.get(row.route)!.p50Ms)}/${fixed(inServer.get(row.route)!.p99Ms)}`
      : '-',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [format(header), ...lines.map(format)].join('\n');
}

/** `/healthz` one request at a time on an otherwise idle server: the quiet baseline. */
async function idleBaseline(url: string, requests: number) {
  const latencies: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    const response = await fetch(new URL('/healthz', url));
    await response.arrayBuffer();
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

async function main(): Promise<number> {
  const rates = peakHourRates(scale);
  const gatePerMinute = (rates['gate.accept'] + rates['gate.refuse']) * 60;
  const expected = (route: LoadRoute, span: number) => rates[route] * span;
  // Each lane takes at most 4 trucks a minute on average, well under the kiosk limit's 10 a minute.
  const lanes = Math.max(2, Math.ceil(gatePerMinute / 4));
  const database = givenUrl ? undefined : await openLoadDatabase(givenDb, keep);
  const run = warmup + seconds;
  const shiftedAt = Date.now();
  const shiftMs = givenUrl
    ? 0
    : clockShiftMs(new Date(shiftedAt), {
        timeZone: demoSlotConfig.timeZone,
        fromHour: 6,
        toHour: 22,
        leadSeconds: LEAD_SECONDS,
      });
  // On the server's clock: when the run starts (just after the hour, for a run we shift; with --url, the slots must
  // be open from now, as preparing takes seconds to minutes) and ends.
  const runStartsAtMs = givenUrl ? Date.now() : shiftedAt + shiftMs + LEAD_SECONDS * 1000 + 5_000;
  const runEndsAtMs = runStartsAtMs + ((givenUrl ? PREPARE_ALLOWANCE_SECONDS : 0) + run + 60) * 1000;
  const env = database
    ? {
        ...loadEnvironment(database.dir, shiftMs),
        PORTLEDGER_PRINTED_PASS: 'on',
        PORTLEDGER_PUBLIC_URL: 'http://localhost',
      }
    : {};
  const databaseUrl = database?.url ?? givenDb!;
  const kind = database?.kind ?? (databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres');
  log(
    `npm run load on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${kind}: ${seconds} s at ${scale}× the peak of Antwerp's busiest terminal (${Math.round(gatePerMinute * 60)} gate transactions an hour), after ${warmup} s of warm-up`,
  );
  if (shiftMs !== 0) {
    log(
      `the server's clock runs ${(shiftMs / 3_600_000).toFixed(2)} h ahead: its pickups are booked before ${new Date(runStartsAtMs - 5000).toISOString()} and run just after, when three slots are open at the gate`,
    );
  }
  let server: LoadServer | undefined;
  try {
    const parties = await registerParties(databaseUrl, env, lanes);
    server = database
      ? await startLoadServer(databaseUrl, env, {
          logLevel,
          ...(profileDir ? { profileDir: resolve(profileDir) } : {}),
        })
      : undefined;
    const url = server?.url ?? givenUrl!;
    const nowMs = () => Date.now() + shiftMs;
    const preparingFrom = performance.now();
    const world = await prepareWorld({
      url,
      publicUrl: database ? 'http://localhost' : (option('--public-url') ?? givenUrl!),
      parties,
      needs: {
        pickups: Math.ceil(expected('gate.accept', seconds) * 1.25 + 3),
        // Refusals go round these, each at most twice a minute: under the gate's limit of 3 per credential.
        early: Math.max(8, Math.ceil(gatePerMinute / 2)),
        booked: 24,
        unbooked: Math.ceil(expected('appointment.book', run) * 1.5 + 4),
        stock,
        lanes,
        runStartsAtMs,
        runEndsAtMs,
      },
      nowMs,
      cli: (args) => runPortledger([...args, '--db', databaseUrl], env),
      log,
    });
    const preparedSeconds = (performance.now() - preparingFrom) / 1000;
    log(
      `prepared in ${preparedSeconds.toFixed(1)} s: ${world.pickups.length} pickups booked in the open slots (room for ${world.openCapacity}), ${world.stock.length} boxes of stock, ${lanes} gate lanes`,
    );

    const pickupsBooked = world.pickups.length;
    const client = new Client(url);
    const random = seededUniform(seed + 1);
    const notes: MixNotes = { pickupsWithoutBox: 0, bookingsWithoutBox: 0, queued: 0, maxInFlight: 0 };
    let warming = true;
    const operations = mixOperations(client, world, random, notes, () => warming);
    const untilStart = runStartsAtMs - nowMs();
    if (!givenUrl && untilStart > 0) {
      log(`waiting ${(untilStart / 1000).toFixed(0)} s for the hour on the server's clock…`);
      await new Promise((resolve) => setTimeout(resolve, untilStart));
    }
    const idle = await idleBaseline(url, 200);
    if (warmup > 0) {
      log(`warming up for ${warmup} s…`);
      const warm = await runOpenLoop(
        arrivalSchedule(rates, warmup, seed + 2),
        operations,
        concurrency,
        notes,
      );
      const warmErrors = [...warm.samples.values()].reduce((sum, route) => sum + route.errors, 0);
      if (warmErrors > 0) log(`the warm-up met ${warmErrors} errors (not counted below)`);
    }
    warming = false;
    Object.assign(notes, { queued: 0, maxInFlight: 0 });
    const schedule = arrivalSchedule(rates, seconds, seed);
    log(`running the mix for ${seconds} s: ${schedule.length} requests…`);
    // How busy the machine is, besides the run: the load average, and this process's own event-loop delay (a
    // starved machine delays the client's timers too, and that shows in every route's latency alike).
    const loadBefore = loadavg()[0]!;
    const usageBefore = server?.usage();
    const clientLoop = monitorEventLoopDelay({ resolution: 10 });
    clientLoop.enable();
    const serverTimes = server?.recordResponseTimes();
    // With --url, a SQLite probe needs a folder of its own (on the same disk as the server's file only if tmp is).
    const probeDir = database?.dir ?? mkdtempSync(join(tmpdir(), 'portledger-load-probe-'));
    const commitProbe = startCommitProbe(databaseUrl, probeDir, 500);
    const measured = await runOpenLoop(schedule, operations, concurrency, notes);
    const commits = (await commitProbe.stop()).sort((a, b) => a - b);
    if (!database) rmSync(probeDir, { recursive: true, force: true });
    clientLoop.disable();
    const commit = {
      samples: commits.length,
      p50Ms: percentile(commits, 50),
      p99Ms: percentile(commits, 99),
    };
    // The same requests as the server timed them: from its router to the reply, without the network, the kernel's
    // queues or this client.
    const timedInServer = new Map<LoadRoute, number[]>();
    for (const request of (await serverTimes?.stop()) ?? []) {
      for (const route of serverRouteOf(request.method, request.url) ?? []) {
        const times = timedInServer.get(route) ?? [];
        times.push(request.ms);
        timedInServer.set(route, times);
      }
    }
    const inServer = new Map(
      [...timedInServer].map(([route, times]) => {
        const sorted = times.sort((a, b) => a - b);
        return [
          route,
          { requests: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) },
        ];
      }),
    );
    const usageAfter = server?.usage();
    const loadAfter = loadavg()[0]!;

    const figures = loadRoutes.map((route) => {
      const samples = measured.samples.get(route)!;
      return routeFigures(route, samples.latencies, samples.errors, seconds);
    });
    const mixRoutes = figures.filter((row) => row.route !== 'healthz' && row.requests > 0);
    const mixLatencies = loadRoutes
      .filter((route) => route !== 'healthz')
      .flatMap((route) => measured.samples.get(route)!.latencies)
      .sort((a, b) => a - b);
    const baseline = figures.find((row) => row.route === 'healthz')!;
    const errors = mixRoutes.reduce((sum, row) => sum + row.errors, 0) + baseline.errors;
    const serverErrors = server?.errorLines() ?? [];
    const worstP99 = Math.max(...mixRoutes.map((row) => row.p99Ms ?? 0));
    const passed = errors === 0 && serverErrors.length === 0 && worstP99 < ROUTE_P99_LIMIT_MS;
    const messages = Object.fromEntries(
      loadRoutes
        .map((route) => [route, Object.fromEntries(measured.samples.get(route)!.messages)] as const)
        .filter(([, byMessage]) => Object.keys(byMessage).length > 0),
    );
    const report = {
      machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      database: kind,
      options: { seconds, scale, warmup, concurrency, stock, seed, external: Boolean(givenUrl) },
      clockShiftHours: Math.round((shiftMs / 3_600_000) * 100) / 100,
      ratesPerSecond: rates,
      preparedSeconds: Math.round(preparedSeconds * 10) / 10,
      gateLanes: lanes,
      pickupsBooked,
      openSlotCapacity: world.openCapacity,
      baselines: {
        idleHealthzP50Ms: idle.p50Ms,
        idleHealthzP99Ms: idle.p99Ms,
        inRunHealthzP99Ms: baseline.p99Ms,
        inRunCommit: commit,
      },
      machineDuringRun: {
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadAfter,
        clientLoopDelayP99Ms: clientLoop.percentile(99) / 1e6,
        clientLoopDelayMaxMs: clientLoop.max / 1e6,
      },
      server:
        usageBefore && usageAfter
          ? {
              cpuMsDuringRun: usageAfter.cpuMs - usageBefore.cpuMs,
              cpuShareOfOneCore: (usageAfter.cpuMs - usageBefore.cpuMs) / (measured.elapsedSeconds * 1000),
              cpuMsPerRequest:
                (usageAfter.cpuMs - usageBefore.cpuMs) / Math.max(1, mixLatencies.length + baseline.requests),
              rssMbAfter: usageAfter.rssMb,
            }
          : null,
      mix: {
        requests: mixLatencies.length,
        perSecond: mixLatencies.length / seconds,
        p50Ms: percentile(mixLatencies, 50),
        p99Ms: percentile(mixLatencies, 99),
        p99RatioToHealthzInRun: baseline.p99Ms ? (percentile(mixLatencies, 99) ?? 0) / baseline.p99Ms : null,
        errors,
        elapsedSeconds: measured.elapsedSeconds,
      },
      routes: figures,
      // Gate verdicts, accepted and refused, are one route to the server.
      inServer: Object.fromEntries(inServer),
      errorMessages: messages,
      serverErrorLines: serverErrors.slice(0, 20),
      notes,
      acceptance: { limitP99Ms: ROUTE_P99_LIMIT_MS, worstRouteP99Ms: worstP99, passed },
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(join('bench-results', 'load.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      log('');
      log(table([...mixRoutes, baseline], baseline.p99Ms, commit.p99Ms, inServer));
      log(
        `bare commit on the same ${kind === 'sqlite' ? 'disk (WAL, synchronous=FULL)' : 'database'}, twice a second in the run (baseline of the writes): p50 ${fixed(commit.p50Ms)} ms, p99 ${fixed(commit.p99Ms)} ms (${commit.samples} commits)`,
      );
      log('');
      log(
        `mix: ${report.mix.requests} requests, ${report.mix.perSecond.toFixed(2)}/s, p50 ${fixed(report.mix.p50Ms)} ms, p99 ${fixed(report.mix.p99Ms)} ms (${fixed(report.mix.p99RatioToHealthzInRun ?? undefined)}× /healthz's p99 in the same run; idle /healthz p50 ${fixed(idle.p50Ms, 2)} ms, p99 ${fixed(idle.p99Ms, 2)} ms), ${errors} errors, ${serverErrors.length} server error lines`,
      );
      log(
        `machine: load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${cpus().length} cores; this client's event-loop delay p99 ${fixed(report.machineDuringRun.clientLoopDelayP99Ms)} ms, max ${fixed(report.machineDuringRun.clientLoopDelayMaxMs)} ms`,
      );
      if (report.server) {
        log(
          `server: ${report.server.cpuMsDuringRun} ms of CPU in the run (${(report.server.cpuShareOfOneCore * 100).toFixed(0)} % of one core), ${report.server.cpuMsPerRequest.toFixed(1)} ms per request; RSS ${report.server.rssMbAfter} MB`,
        );
      }
      for (const [route, byMessage] of Object.entries(messages)) {
        for (const [message, count] of Object.entries(byMessage)) log(`  ${route}: ${count}× ${message}`);
      }
      for (const line of serverErrors.slice(0, 5)) log(`  server: ${line.slice(0, 300)}`);
      if (notes.pickupsWithoutBox > 0) {
        log(
          `note: ${notes.pickupsWithoutBox} pickups were due when no booked box was left (the open slots took ${world.openCapacity}): sent as refusals`,
        );
      }
      if (notes.bookingsWithoutBox > 0)
        log(`note: ${notes.bookingsWithoutBox} new bookings were sent as re-bookings`);
      if (notes.queued > 0)
        log(`note: ${notes.queued} requests waited for a place under --concurrency ${concurrency}`);
      log(
        `issue 13 (0 errors, p99 under ${ROUTE_P99_LIMIT_MS} ms on every route): ${passed ? 'passed' : 'NOT passed'}; worst route p99 ${worstP99.toFixed(1)} ms`,
      );
      log('written to bench-results/load.json');
    }
    return passed ? 0 : 1;
  } finally {
    await server?.stop();
    await database?.remove();
    if (keep && database) log(`the database stays in ${database.url}, its keys in ${database.dir}`);
  }
}

process.exitCode = await main();
