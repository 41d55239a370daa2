/**
 * The EDI import's speed (issue 17): the full D.95B BAPLIE of the conformance samples (19,841 segments, 2,799 boxes
 * of which 1,702 are OOCL's) imported for OOCL on a fresh SQLite database — read, mapped, and 1,702 announcements
 * plus the receipt applied in one transaction — in segments per second, and its events per second as a ratio to
 * `portledger seed` (the same use cases in batches of 500, 2,000 boxes) measured in the same run on a fresh
 * database of its own. Rounds alternate and the median is taken. Time is the process's CPU time (user + system,
 * every thread) as well as the wall clock: the machine is shared, and wall time then measures the neighbours.
 *
 * Run: `npx tsc -p tsconfig.build.json && node dist/bench/edi-import.js [--rounds N] [--json]`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importInterchange } from '../src/app/edi/index.js';
import { createLedger } from '../src/app/ledger/index.js';
import type { IdSource, LedgerStore } from '../src/app/ports.js';
import { signerFromSeed } from '../src/audit/index.js';
import { demoTerminal } from '../src/demo/demo-port.js';
import { SimulatedClock, seededIds, seedVesselCall } from '../src/demo/seed.js';
import { seededRandom } from '../src/demo/seeded-random.js';
import { readInterchange } from '../src/edifact/index.js';
import { openLedgerStore } from '../src/store/open-store.js';

const signer = signerFromSeed('bench.portledger.local/log', new Uint8Array(32).fill(7));
const terminals = new Map([[demoTerminal.terminal, demoTerminal]]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

let counter = 0;
const ids: IdSource = {
  eventId: () => `00000000-0000-4000-9000-${String(++counter).padStart(12, '0')}`,
  randomBytes: (length) => Uint8Array.from({ length }, () => Math.floor(Math.random() * 256)),
};

async function freshStore(): Promise<{ store: LedgerStore; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-bench-edi-'));
  const store = await openLedgerStore(`sqlite:${join(dir, 'bench.db')}`);
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `work` and measures it: wall milliseconds and CPU milliseconds of the whole process. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

async function importRound(text: string) {
  const { store, dispose } = await freshStore();
  try {
    await store.writeTransaction((tx) =>
      tx.identity.putOrganisation({
        orgId: 'org-ool',
        kind: 'shipping_line',
        name: 'OOCL',
        code: 'OOL',
        terminals: [],
        createdAt: new Date().toISOString(),
      }),
    );
    const ledger = createLedger({
      store,
      clock: { now: () => new Date() },
      ids,
      log: { origin: signer.name, signer },
      checkpointIntervalMs: 60_000,
    });
    const before = await store.logSize();
    const run = await measured(() =>
      importInterchange({ ledger, terminals }, { text, as: 'org-ool', by: 'bench' }),
    );
    if (run.value.outcome !== 'applied') throw new Error(`not applied: ${JSON.stringify(run.value.refusal)}`);
    const events = (await store.logSize()) - before;
    await ledger.close();
    return { ...run, events };
  } finally {
    await dispose();
  }
}

async function seedRound(containers: number) {
  const { store, dispose } = await freshStore();
  try {
    const clock = new SimulatedClock(new Date('2026-01-05T06:00:00.000Z'));
    const random = seededRandom('bench:edi');
    const ledger = createLedger({
      store,
      clock,
      ids: seededIds(random, clock),
      log: { origin: signer.name, signer },
      checkpointIntervalMs: 0,
    });
    const run = await measured(() =>
      seedVesselCall({ ledger, clock, random, terminals, terminal: demoTerminal.terminal, containers }),
    );
    await ledger.close();
    return { ...run, events: run.value.events };
  } finally {
    await dispose();
  }
}

export async function ediImportFigures(args: { file: string; rounds: number; seedContainers: number }) {
  const text = readFileSync(args.file).toString('latin1');
  const read = readInterchange(text);
  if (!read.ok) throw new Error('the sample is refused by the reader');
  // UNB, UNZ, and each message's UNH and UNT with its body.
  const segments = 2 + read.interchange.messages.reduce((n, m) => n + m.segments.length + 2, 0);
  const imports: Awaited<ReturnType<typeof importRound>>[] = [];
  const seeds: Awaited<ReturnType<typeof seedRound>>[] = [];
  for (let i = 0; i < args.rounds; i++) {
    imports.push(await importRound(text));
    seeds.push(await seedRound(args.seedContainers));
  }
  const importCpuS = median(imports.map((r) => r.cpuMs)) / 1000;
  const importWallS = median(imports.map((r) => r.wallMs)) / 1000;
  const seedCpuS = median(seeds.map((r) => r.cpuMs)) / 1000;
  const seedWallS = median(seeds.map((r) => r.wallMs)) / 1000;
  const importEvents = imports[0]?.events ?? 0;
  const seedEvents = seeds[0]?.events ?? 0;
  return {
    file: args.file,
    rounds: args.rounds,
    segments,
    importEvents,
    seedEvents,
    segmentsPerCpuSecond: round(segments / importCpuS, 0),
    segmentsPerWallSecond: round(segments / importWallS, 0),
    importEventsPerCpuSecond: round(importEvents / importCpuS, 0),
    seedEventsPerCpuSecond: round(seedEvents / seedCpuS, 0),
    importEventsPerWallSecond: round(importEvents / importWallS, 0),
    seedEventsPerWallSecond: round(seedEvents / seedWallS, 0),
    /** The figure for the note: import events/s ÷ seed events/s, same run, CPU time. */
    eventsRatioToSeedCpu: round(importEvents / importCpuS / (seedEvents / seedCpuS)),
    eventsRatioToSeedWall: round(importEvents / importWallS / (seedEvents / seedWallS)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const roundsAt = argv.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 5;
  const file =
    argv.find((a) => a.endsWith('.edi')) ??
    resolve(process.cwd(), '../shared/conformance/edifact/full/D95BBAPLIE-full.edi');
  const figures = await ediImportFigures({ file, rounds, seedContainers: 2_000 });
  if (argv.includes('--json')) console.log(JSON.stringify(figures, null, 2));
  else {
    console.log(
      `EDI import of ${file}: ${figures.segments} segments, ${figures.importEvents} events; ` +
        `${figures.segmentsPerCpuSecond} segments/s (CPU), ${figures.segmentsPerWallSecond} segments/s (wall); ` +
        `events/s ${figures.importEventsPerCpuSecond} vs seed ${figures.seedEventsPerCpuSecond} (CPU): ratio ${figures.eventsRatioToSeedCpu} ` +
        `(wall: ${figures.eventsRatioToSeedWall}), median of ${rounds} rounds`,
    );
  }
}
