/**
 * `npm run bench:scale -- --events N`: a log grown to N events (1,000,000 by default; `--events 40000000` is a
 * year of Antwerp-Bruges) through the real deciders, measured at 100k, 1M and 10M events on the way (those ≤ N).
 * Every figure comes with a baseline measured in the same run, on the same machine, because these machines are
 * shared and noisy (issue 13):
 *
 * - ingest: events per second through `executeVisitCommand` in transactions of 500 commands ÷ a raw batched insert
 *   of the same rows into a table of the same shape;
 * - database size in bytes, and bytes per event;
 * - start-up: `portledger serve` on the grown database to `/healthz` and to `/readyz` ready, ÷ the same on an empty
 *   database; the server's RSS when ready, ÷ the empty server's;
 * - a visit read and the yard map, p99 ÷ the p99 of a primary-key read of one event;
 * - an inclusion proof, mean ÷ a primary-key read;
 * - `verify` (`verify --db`'s check over the whole log: its two threads, writer MACs included, thread start-up
 *   included): leaves per second, and as a ratio of raw SHA-256 over the same leaf bytes on one thread, hashed with
 *   a createHash chain per leaf and with one crypto.hash call per leaf;
 * - the event loop's delay p99 while the watch's full sweep runs (`monitorEventLoopDelay`), on its worker thread as
 *   the server runs it and in process with pauses, and the same over an idle stretch.
 *
 * `--db URL` grows an existing database (sqlite:PATH or postgres://…) instead of a temporary SQLite file; `--keep`
 * leaves the temporary file. Prints a table and writes bench-results/scale.json; `--json` prints JSON only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Sqlite from 'better-sqlite3';
import { SingleBar } from 'cli-progress';
import {
  checkLogIntegrity,
  type IntegrityResult,
  inclusionProof,
  startIntegrityWatch,
} from '../src/app/audit/index.js';
import { createLedger } from '../src/app/ledger/index.js';
import type { LedgerStore } from '../src/app/ports.js';
import { executeVisitCommand, type VisitCommandInput } from '../src/app/visits/index.js';
import { yardMap } from '../src/app/yard/index.js';
import { sweepInWorker, sweepRequestOf } from '../src/cli/integrity-sweep.js';
import { openSystem } from '../src/cli/system.js';
import { demoTerminal } from '../src/demo/demo-port.js';
import { SimulatedClock, seededIds } from '../src/demo/seed.js';
import { seededRandom } from '../src/demo/seeded-random.js';
import { computeCheckDigit, newVisitReference, type Principal, type YardSlot } from '../src/domain/index.js';

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const json = argv.includes('--json');
const keep = argv.includes('--keep');
const target = Number(option('--events') ?? 1_000_000);
if (!Number.isSafeInteger(target) || target < 1000) {
  process.stderr.write(`--events must be a whole number of at least 1000, not ${option('--events')}\n`);
  process.exit(2);
}
const log = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};

const terminals = new Map([[demoTerminal.terminal, demoTerminal]]);
const COMMANDS_PER_TRANSACTION = 500;
/** Boxes in the yard at any time (one per ground stack): a terminal's stock, whatever the history's length. */
const LIVE_BOXES = 9000;

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};

async function timed(runs: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work(i);
    times.push(performance.now() - started);
  }
  return times;
}

/** Every ground slot of the demo terminal, 20-foot bays: one box a stack, so every box is on its stack's top. */
function groundSlots(): YardSlot[] {
  const slots: YardSlot[] = [];
  for (const block of demoTerminal.blocks) {
    for (let row = 1; row <= block.rows; row++) {
      for (let bay = 1; bay < 2 * block.bays; bay += 2) {
        slots.push({ terminal: demoTerminal.terminal, block: block.id, bay, row, tier: 1 });
      }
    }
  }
  return slots;
}

/**
 * Grows the log through the visit decider: export boxes announced, gated in to a free stack top, sometimes moved,
 * and loaded onto a vessel once the yard holds LIVE_BOXES, so the yard keeps a terminal's stock while the history
 * grows without end. Returns events per second.
 */
async function grow(
  system: Awaited<ReturnType<typeof openSystem>>,
  upTo: number,
  bar: SingleBar | undefined,
  state: GrowState,
): Promise<number> {
  const store = system.store;
  const started = performance.now();
  const from = await store.logSize();
  const ledger = createLedger({
    store,
    clock: state.clock,
    ids: seededIds(state.random),
    log: system.ledger.log,
    checkpointIntervalMs: 1000,
  });
  try {
    while ((await store.logSize()) < upTo) {
      await ledger.write(async (context) => {
        for (let n = 0; n < COMMANDS_PER_TRANSACTION; n++) {
          state.clock.advance(250 + state.random.int(1000));
          const step = nextStep(state);
          await executeVisitCommand(context, terminals, step.visitRef, step.command);
        }
      });
      bar?.update(Math.min(await store.logSize(), upTo));
    }
  } finally {
    await ledger.close();
  }
  const grown = (await store.logSize()) - from;
  return grown / ((performance.now() - started) / 1000);
}

interface LiveBox {
  visitRef: string;
  slot: YardSlot;
  moved: boolean;
}
interface GrowState {
  clock: SimulatedClock;
  random: ReturnType<typeof seededRandom>;
  free: YardSlot[];
  live: LiveBox[];
  /** Boxes announced and not yet in the yard. */
  announced: string[];
  vesselCall: number;
  boxNumber: number;
}

function nextStep(state: GrowState): { visitRef: string; command: VisitCommandInput } {
  const { random } = state;
  if (state.live.length >= LIVE_BOXES || state.free.length === 0) {
    // The oldest box on a stack top leaves on the vessel: its slot is free again.
    const box = state.live.shift()!;
    state.free.push(box.slot);
    if (random.chance(0.02)) state.vesselCall += 1;
    return {
      visitRef: box.visitRef,
      command: { type: 'LoadContainer', vesselCall: `VC${String(state.vesselCall).padStart(9, '0')}` },
    };
  }
  if (state.announced.length > 0) {
    const visitRef = state.announced.shift()!;
    const slot = takeFreeTop(state);
    state.live.push({ visitRef, slot, moved: false });
    return { visitRef, command: { type: 'GateInContainer', slot, truckPlate: `1-ABC-${random.int(1000)}` } };
  }
  if (random.chance(0.1) && state.live.length > 0) {
    const box = state.live[state.live.length - 1]!;
    if (!box.moved && state.free.length > 0) {
      // The newest box is always on its stack's top: a housekeeping move to another free top.
      const to = takeFreeTop(state);
      state.free.push(box.slot);
      const from = box.slot;
      box.slot = to;
      box.moved = true;
      return {
        visitRef: box.visitRef,
        command: { type: 'MoveContainer', from, to, equipment: `RTG${1 + random.int(30)}`, operator: 'op-1' },
      };
    }
  }
  const visitRef = newVisitReference(randomBytes(13));
  state.announced.push(visitRef);
  state.boxNumber += 1;
  const first10 = `MSCU${String(state.boxNumber % 1_000_000).padStart(6, '0')}`;
  return {
    visitRef,
    command: {
      type: 'AnnounceVisit',
      visitRef,
      containerNumber: `${first10}${computeCheckDigit(first10)}`,
      line: 'MSC',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    } as VisitCommandInput,
  };
}

/** A free ground slot. */
function takeFreeTop(state: GrowState): YardSlot {
  const slot = state.free.pop();
  if (!slot) throw new Error('the yard is full');
  return slot;
}

/** Raw batched inserts of rows shaped like the log's, into a table like `event`: the ingest baseline. */
function rawInsertRate(dir: string, rows: number): number {
  const db = new Sqlite(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'create table event (idx integer primary key, event_id text not null unique, stream_id text not null, stream_version integer not null, type text not null, recorded_at text not null, data text not null, leaf blob not null, unique (stream_id, stream_version))',
  );
  const insert = db.prepare('insert into event values (?, ?, ?, ?, ?, ?, ?, ?)');
  const data = JSON.stringify({
    slot: { terminal: 'T1', block: 'A', bay: 7, row: 3, tier: 1 },
    truckPlate: '1-ABC-123',
    at: new Date().toISOString(),
  });
  const leaf = randomBytes(420);
  const started = performance.now();
  for (let start = 0; start < rows; start += COMMANDS_PER_TRANSACTION) {
    db.transaction(() => {
      for (let i = start; i < Math.min(rows, start + COMMANDS_PER_TRANSACTION); i++) {
        insert.run(
          i,
          `e-${i}`,
          `visit-${i >> 2}`,
          (i & 3) + 1,
          'ContainerGatedIn',
          new Date().toISOString(),
          data,
          leaf,
        );
      }
    })();
  }
  const rate = rows / ((performance.now() - started) / 1000);
  db.close();
  return rate;
}

/** Starts `portledger serve` on a database; resolves the times to /healthz and /readyz ready, and the RSS then. */
async function startUp(databaseUrl: string, env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(import.meta.dirname, '..', '..', 'bin', 'portledger.js'),
      'serve',
      '--db',
      databaseUrl,
      '--port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn', ...env } },
  );
  const started = performance.now();
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr.slice(0, 500)}`)));
  });
  const poll = async (path: string, ok: (status: number) => boolean) => {
    for (;;) {
      try {
        if (ok((await fetch(`${url}${path}`)).status)) return performance.now() - started;
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const healthzMs = await poll('/healthz', (status) => status === 200);
  const readyzMs = await poll('/readyz', (status) => status === 200);
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { healthzMs, readyzMs, rssMb };
}

function fileBytes(path: string): number {
  return [path, `${path}-wal`].reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0);
}

/** The figures at one size of the log. */
async function measure(
  system: Awaited<ReturnType<typeof openSystem>>,
  databaseUrl: string,
  dbPath: string | undefined,
  empty: { healthzMs: number; readyzMs: number; rssMb: number },
  ingest: { rate: number; raw: number },
) {
  const store: LedgerStore = system.store;
  const size = await store.logSize();
  await system.ledger.checkpoint();
  await system.keeper?.flush();

  // Reads against a primary-key read of one event.
  const pick = () => Math.floor(Math.random() * size);
  const pkRead = await timed(2000, () => store.readEvents(pick(), 1));
  const liveRefs = (await store.listVisits({ terminal: 'T1', status: 'in_yard', limit: 500 })).map(
    (visit) => visit.visitRef,
  );
  const visitRead = await timed(2000, (i) => store.getVisit(liveRefs[i % liveRefs.length]!));
  const principal: Principal = {
    userId: 'bench',
    orgId: 'org-terminal',
    orgKind: 'terminal_operator',
    orgCode: 'T1',
    roles: ['yard_planner'],
    terminals: ['T1'],
  };
  const map = await timed(30, () =>
    yardMap({ reads: store, terminals, principal, terminal: 'T1', now: new Date() }),
  );
  const proof = await timed(500, () => inclusionProof(store, { index: pick(), treeSize: size }));

  // verify: `verify --db`'s check over the whole log (its two threads reading the log the fast way, writer MACs
  // included), against raw SHA-256 over the same leaf bytes on one thread: a createHash chain per leaf, and one
  // crypto.hash call per leaf (Node ≥ 20.12), the fastest way one thread hashes them.
  let leafBytes = 0;
  let hashMs = 0;
  let oneCallHashMs = 0;
  const oneCall = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer })
    .hash;
  for (let from = 0; from < size; from += 10_000) {
    const rows = await store.readLogRows(from, 10_000);
    let started = performance.now();
    for (const row of rows) createHash('sha256').update(row.leaf).digest();
    hashMs += performance.now() - started;
    if (oneCall) {
      started = performance.now();
      for (const row of rows) oneCall('sha256', row.leaf, 'buffer');
      oneCallHashMs += performance.now() - started;
    }
    for (const row of rows) leafBytes += row.leaf.length;
  }
  const verifyStarted = performance.now();
  const sweep = sweepInWorker(sweepRequestOf(system));
  const verified = sweep
    ? await sweep()
    : await checkLogIntegrity({
        reads: store,
        verifierKey: system.verifierKey,
        entryMacs: system.entryMacs,
        batchSize: 5000,
      });
  const verifyMs = performance.now() - verifyStarted;
  if (!verified.ok) throw new Error(`the grown log fails its check: ${verified.reason}`);

  // The event loop while the watch's full sweep runs, and while nothing does.
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  idle.disable();
  // As the server runs it (the sweep on a worker thread), and in process with pauses (where no worker can run).
  const sweepWith = async (sweep: (() => Promise<IntegrityResult>) | undefined) => {
    const watch = startIntegrityWatch({
      reads: store,
      verifierKey: system.verifierKey,
      intervalMs: 3_600_000,
      sweepIntervalMs: 3_600_000,
      keeper: system.keeper,
      sweep,
    });
    await watch.checkNow();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const result = await watch.sweepNow();
    const ms = performance.now() - started;
    delay.disable();
    watch.stop();
    if (!result.ok) throw new Error(`the sweep failed: ${result.reason}`);
    return { ms, delay };
  };
  const worker = await sweepWith(sweepInWorker({ databaseUrl, verifierKey: system.verifierKey }));
  const inProcess = await sweepWith(undefined);

  const start = await startUp(databaseUrl, {});
  const bytes = dbPath ? fileBytes(dbPath) : undefined;
  const ms = (ns: number) => ns / 1e6;
  return {
    events: size,
    ingestEventsPerSecond: Math.round(ingest.rate),
    ingestRatio: round(ingest.rate / ingest.raw),
    databaseBytes: bytes ?? null,
    bytesPerEvent: bytes ? Math.round(bytes / size) : null,
    startupHealthzMs: Math.round(start.healthzMs),
    startupHealthzRatio: round(start.healthzMs / empty.healthzMs, 2),
    startupReadyzMs: Math.round(start.readyzMs),
    startupReadyzRatio: round(start.readyzMs / empty.readyzMs, 2),
    rssMb: Math.round(start.rssMb),
    rssRatio: round(start.rssMb / empty.rssMb, 2),
    pkReadP99Ms: round(percentile(pkRead, 0.99)),
    visitReadP99Ms: round(percentile(visitRead, 0.99)),
    visitReadP99Ratio: round(percentile(visitRead, 0.99) / percentile(pkRead, 0.99), 2),
    yardMapP99Ms: round(percentile(map, 0.99), 1),
    yardMapP99Ratio: round(percentile(map, 0.99) / percentile(pkRead, 0.99), 1),
    inclusionProofMeanMs: round(proof.reduce((a, b) => a + b, 0) / proof.length),
    inclusionProofRatio: round(
      proof.reduce((a, b) => a + b, 0) / proof.length / (pkRead.reduce((a, b) => a + b, 0) / pkRead.length),
      2,
    ),
    verifyLeavesPerSecond: Math.round(size / (verifyMs / 1000)),
    verifyRatioToSha256: round(hashMs / verifyMs),
    verifyRatioToOneCallSha256: oneCall ? round(oneCallHashMs / verifyMs) : null,
    sweepSeconds: round(worker.ms / 1000, 1),
    loopDelayP99DuringSweepMs: round(ms(worker.delay.percentile(99)), 1),
    loopDelayMaxDuringSweepMs: round(ms(worker.delay.max), 1),
    loopDelayP99IdleMs: round(ms(idle.percentile(99)), 1),
    inProcessSweepSeconds: round(inProcess.ms / 1000, 1),
    loopDelayP99DuringInProcessSweepMs: round(ms(inProcess.delay.percentile(99)), 1),
    leafBytes,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-scale-'));
  const given = option('--db');
  const dbPath = given
    ? given.startsWith('sqlite:')
      ? given.slice('sqlite:'.length)
      : undefined
    : join(dir, 'scale.db');
  const databaseUrl = given ?? `sqlite:${dbPath}`;
  log(
    `bench:scale on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; growing ${databaseUrl} to ${target.toLocaleString('en')} events`,
  );

  const emptyDir = mkdtempSync(join(tmpdir(), 'portledger-scale-empty-'));
  const empty = await startUp(`sqlite:${join(emptyDir, 'empty.db')}`, {});
  rmSync(emptyDir, { recursive: true, force: true });
  const raw = rawInsertRate(dir, 100_000);

  const system = await openSystem({ databaseUrl });
  const random = seededRandom('bench-scale');
  const state: GrowState = {
    clock: new SimulatedClock(new Date('2026-01-01T00:00:00.000Z')),
    random,
    free: groundSlots().reverse(),
    live: [],
    announced: [],
    vesselCall: 1,
    boxNumber: 0,
  };
  const marks = [100_000, 1_000_000, 10_000_000, 40_000_000].filter((mark) => mark < target);
  marks.push(target);
  const bar = json
    ? undefined
    : new SingleBar({ format: 'grow [{bar}] {value}/{total} events | {eta_formatted}' });
  const results = [];
  try {
    for (const mark of marks) {
      bar?.start(mark, await system.store.logSize());
      const rate = await grow(system, mark, bar, state);
      bar?.stop();
      log(`measuring at ${(await system.store.logSize()).toLocaleString('en')} events…`);
      results.push(await measure(system, databaseUrl, dbPath, empty, { rate, raw }));
      if (!json) {
        for (const [name, value] of Object.entries(results.at(-1)!)) log(`  ${name.padEnd(28)} ${value}`);
      }
    }
  } finally {
    await system.close();
    if (!keep && !given) rmSync(dir, { recursive: true, force: true });
    else log(`the grown database stays in ${databaseUrl}`);
  }
  const report = {
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    baselines: {
      rawInsertRowsPerSecond: Math.round(raw),
      emptyStartupHealthzMs: Math.round(empty.healthzMs),
      emptyStartupReadyzMs: Math.round(empty.readyzMs),
      emptyRssMb: Math.round(empty.rssMb),
    },
    results,
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'scale.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else log('written to bench-results/scale.json');
}

await main();
