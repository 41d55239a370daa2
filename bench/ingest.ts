/**
 * Ingest A/B (issue 13): the visit workload of `bench:scale` written through the use cases, each way of writing on a
 * fresh SQLite file, against a raw batched insert of as many rows measured between them in the same run (these
 * machines are shared and noisy).
 *
 * `node dist/bench/ingest.js --events 20000 --reps 3 --modes ledger,bulk`
 * - `ledger`: `ledger.write` transactions of 500 `executeVisitCommand` calls with random event ids, as `bench:scale`
 *   grew the log before;
 * - `bulk-random-ids`: `executeVisitBatch` batches of 500 commands (`visit-batch.usecases.ts`), random event ids;
 * - `bulk`: the same with time-ordered event ids (`event-ids.ts`), as seeding and `bench:scale` do now.
 *
 * `--db sqlite|postgres` picks the store (PostgreSQL in a fresh schema of the test database); `--writer in-place`
 * runs SQLite's writes on the main thread's connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger } from '../src/app/ledger/index.js';
import { executeVisitBatch, executeVisitCommand } from '../src/app/visits/index.js';
import { openSystem } from '../src/cli/system.js';
import { seededIds } from '../src/demo/seed.js';
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
const events = Number(option('--events') ?? 20_000);
const reps = Number(option('--reps') ?? 3);
const modes = (option('--modes') ?? 'ledger,bulk').split(',');

type System = Awaited<ReturnType<typeof openSystem>>;

async function grow(system: System, mode: string, state: GrowState, upTo: number): Promise<number> {
  const store = system.store;
  const ledger = createLedger({
    store,
    clock: state.clock,
    // `bulk`: time-ordered event ids, as the server and the seed draw them now; the others the random ids of before.
    ids: mode === 'bulk' ? seededIds(state.random, state.clock) : seededIds(state.random),
    log: system.ledger.log,
    checkpointIntervalMs: 1000,
  });
  const started = performance.now();
  try {
    while ((await store.logSize()) < upTo) {
      if (mode === 'ledger') {
        await ledger.write(async (context) => {
          for (let n = 0; n < COMMANDS_PER_TRANSACTION; n++) {
            state.clock.advance(250 + state.random.int(1000));
            const step = nextStep(state);
            await executeVisitCommand(context, terminals, step.visitRef, step.command);
          }
        });
      } else if (mode === 'bulk' || mode === 'bulk-random-ids') {
        const steps = Array.from({ length: COMMANDS_PER_TRANSACTION }, () => nextStep(state));
        await ledger.write((context) =>
          executeVisitBatch(context, terminals, steps, () =>
            state.clock.advance(250 + state.random.int(1000)),
          ),
        );
      } else throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    await ledger.close();
  }
  return (await store.logSize()) / ((performance.now() - started) / 1000);
}

/** CPU seconds of every thread of this process (the SQLite writer's included) while `work` runs. */
async function cpuSeconds<T>(work: () => T | Promise<T>): Promise<{ value: T; cpu: number }> {
  const before = process.cpuUsage();
  const value = await work();
  const { user, system } = process.cpuUsage(before);
  return { value, cpu: (user + system) / 1e6 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-ingest-'));
  // Events per second of wall time, and per CPU second: on a shared, loaded machine the second is the steadier.
  const rows: Record<string, { wall: number[]; cpu: number[] }> = {};
  const note = (name: string, wall: number, cpu: number) => {
    const row = rows[name] ?? { wall: [], cpu: [] };
    row.wall.push(wall);
    row.cpu.push(cpu);
    rows[name] = row;
  };
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of modes) {
        const raw = await cpuSeconds(() => rawInsertRate(dir, events));
        note('raw', raw.value, events / raw.cpu);
        // A directory each: the signing key and the checkpoint kept outside the database live beside it.
        const path = join(mkdtempSync(join(dir, `${mode}-${rep}-`)), 'ingest.db');
        const system = await openSystem({ databaseUrl: `sqlite:${path}` });
        try {
          const grown = await cpuSeconds(() => grow(system, mode, newGrowState(), events));
          note(mode, grown.value, (await system.store.logSize()) / grown.cpu);
          const [wall, cpu] = [rows[mode]!.wall.at(-1)!, rows[mode]!.cpu.at(-1)!];
          const [rawWall, rawCpu] = [rows.raw!.wall.at(-1)!, rows.raw!.cpu.at(-1)!];
          process.stdout.write(
            `rep ${rep} ${mode.padEnd(7)} ${Math.round(wall)} events/s (raw ${Math.round(rawWall)}: ${(wall / rawWall).toFixed(3)}×), ` +
              `${Math.round(cpu)} events per CPU second (raw ${Math.round(rawCpu)}: ${(cpu / rawCpu).toFixed(3)}×)\n`,
          );
        } finally {
          await system.close();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const raw = rows.raw!;
  for (const mode of modes) {
    const { wall, cpu } = rows[mode]!;
    process.stdout.write(
      `median ${mode.padEnd(7)} ${Math.round(median(wall))} events/s ÷ raw ${Math.round(median(raw.wall))} = ${(median(wall) / median(raw.wall)).toFixed(3)}×; ` +
        `per CPU second ${Math.round(median(cpu))} ÷ ${Math.round(median(raw.cpu))} = ${(median(cpu) / median(raw.cpu)).toFixed(3)}×\n`,
    );
  }
}

await main();
