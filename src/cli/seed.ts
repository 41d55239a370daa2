import { createLedger } from '../app/ledger/index.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../demo/seed.js';
import { seededRandom } from '../demo/seeded-random.js';
import { progressBar } from './progress.js';
import { openSystem } from './system.js';

/** The seeded history starts here on an empty log, and an hour after the last event otherwise. */
const seedEpoch = Date.parse('2026-01-05T06:00:00.000Z');

export async function seedCommand(
  options: { db?: string; containers: number; seed: string; terminal: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const summary = await seedInto(system, options, progressBar(io.stderr, 'seed'));
    io.stdout.write(
      `seeded vessel call ${summary.vesselCall}: ${summary.announced} announced, ${summary.discharged} discharged, ` +
        `${summary.gatedIn} gated in, ${summary.moved} moved, ${summary.holdsPlaced} holds placed, ${summary.holdsLifted} lifted, ` +
        `${summary.loaded} loaded; ${summary.events} events\n`,
    );
    return 0;
  } finally {
    await system.close();
  }
}

export async function seedInto(
  system: Awaited<ReturnType<typeof openSystem>>,
  options: { containers: number; seed: string; terminal: string; startAt?: Date },
  progress?: { update(done: number, total: number): void; stop(): void },
) {
  const size = await system.store.logSize();
  const last = size > 0 ? (await system.store.readEvents(size - 1, 1))[0] : undefined;
  // A caller may start the history at its own instant (the demo: yesterday's vessel call), never before the log's end.
  const epoch = options.startAt?.getTime() ?? seedEpoch;
  const start = last ? Math.max(epoch, Date.parse(last.recordedAt) + 3_600_000) : epoch;
  // Deterministic for a given seed and database state: the generator is keyed by both.
  const random = seededRandom(`${options.seed}:${size}`);
  const clock = new SimulatedClock(new Date(start));
  const ledger = createLedger({
    store: system.store,
    clock,
    ids: seededIds(random, clock),
    log: system.ledger.log,
    checkpointIntervalMs: 0,
  });
  try {
    return await seedVesselCall({
      ledger,
      clock,
      random,
      terminals: system.terminals,
      terminal: options.terminal,
      containers: options.containers,
      onProgress: (done, total) => progress?.update(done, total),
    });
  } finally {
    progress?.stop();
    await ledger.close();
  }
}
