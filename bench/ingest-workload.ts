/**
 * The ingest workload of `bench:scale` and `bench/ingest.ts` (issue 13): export boxes announced, gated in to a free
 * stack top, sometimes moved, and loaded onto a vessel once the yard holds `LIVE_BOXES`, so the yard keeps a
 * terminal's stock while the history grows without end; and the baseline it is measured against, raw batched
 * inserts of rows shaped like the log's.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { VisitCommandInput } from '../src/app/visits/index.js';
import { demoTerminal } from '../src/demo/demo-port.js';
import { SimulatedClock } from '../src/demo/seed.js';
import { seededRandom } from '../src/demo/seeded-random.js';
import { computeCheckDigit, newVisitReference, type YardSlot } from '../src/domain/index.js';

export const terminals = new Map([[demoTerminal.terminal, demoTerminal]]);
export const COMMANDS_PER_TRANSACTION = 500;
/** Boxes in the yard at any time (one per ground stack): a terminal's stock, whatever the history's length. */
export const LIVE_BOXES = 9000;

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

interface LiveBox {
  visitRef: string;
  slot: YardSlot;
  moved: boolean;
}

export interface GrowState {
  clock: SimulatedClock;
  random: ReturnType<typeof seededRandom>;
  free: YardSlot[];
  live: LiveBox[];
  /** Boxes announced and not yet in the yard. */
  announced: string[];
  vesselCall: number;
  boxNumber: number;
}

export function newGrowState(seed = 'bench-scale'): GrowState {
  return {
    clock: new SimulatedClock(new Date('2026-01-01T00:00:00.000Z')),
    random: seededRandom(seed),
    free: groundSlots().reverse(),
    live: [],
    announced: [],
    vesselCall: 1,
    boxNumber: 0,
  };
}

export function nextStep(state: GrowState): { visitRef: string; command: VisitCommandInput } {
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
export function rawInsertRate(dir: string, rows: number): number {
  const path = join(dir, `raw-${process.pid}-${Date.now()}.db`);
  const db = new Sqlite(path);
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
