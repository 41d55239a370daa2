/**
 * `npm run bench:scale -- --events N`: a log grown to N events (1,000,000 by default; `--events 40000000` is a
 * year of Antwerp-Bruges) through the real deciders, measured at 100k, 1M and 10M events on the way (those ≤ N).
 * Every figure comes with a baseline measured in the same run, on the same machine, because these machines are
 * shared and noisy (issue 13):
 *
 * - ingest: events per second through `executeVisitCommand` in bulk batches of 500 commands (`executeVisitBatch`, one
 *   transaction each) ÷ a raw batched insert of the same rows into a table of the same shape;
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
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SingleBar } from 'cli-progress';
import {
  checkLogIntegrity,
  type IntegrityResult,
  inclusionProof,
  startIntegrityWatch,
} from '../src/app/audit/index.js';
import { createLedger } from '../src/app/ledger/index.js';
import type { LedgerStore } from '../src/app/ports.js';
import { executeVisitBatch } from '../src/app/visits/index.js';
import { yardMap } from '../src/app/yard/index.js';
import { sweepInWorker, sweepRequestOf } from '../src/cli/integrity-sweep.js';
import { openSystem } from '../src/cli/system.js';
import { seededIds } from '../src/demo/seed.js';
import type { Principal } from '../src/domain/index.js';
import {
  COMMANDS_PER_TRANSACTION,
  type GrowState,
  newGrowState,
  nextStep,
  rawInsertRate,
  terminals,
} from './ingest-workload.js';

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
    ids: seededIds(state.random, state.clock),
    log: system.ledger.log,
    checkpointIntervalMs: 1000,
  });
  try {
    while ((await store.logSize()) < upTo) {
      // One bulk batch (issue 13): the streams, visits and stacks it names read once, its read models written once.
      const steps = Array.from({ length: COMMANDS_PER_TRANSACTION }, () => nextStep(state));
      await ledger.write((context) =>
        executeVisitBatch(context, terminals, steps, () => state.clock.advance(250 + state.random.int(1000))),
      );
      bar?.update(Math.min(await store.logSize(), upTo));
    }
  } finally {
    await ledger.close();
  }
  const grown = (await store.logSize()) - from;
  return grown / ((performance.now() - started) / 1000);
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
  const state = newGrowState('bench-scale');
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
