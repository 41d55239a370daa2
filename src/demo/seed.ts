import { AppError } from '../app/errors.js';
import { type Ledger, timeOrderedEventId } from '../app/ledger/index.js';
import type { Clock, IdSource, OccupiedCell } from '../app/ports.js';
import { executeVisitBatch, type TerminalLayouts, type VisitCommandInput } from '../app/visits/index.js';
import {
  computeCheckDigit,
  newVisitReference,
  parseSizeType,
  type YardLayout,
  type YardSlot,
} from '../domain/index.js';
import { demoDocuments } from './demo-documents.js';
import { demoLines, demoSizeTypes } from './demo-port.js';
import type { SeededRandom } from './seeded-random.js';

/** A clock the seed moves forward itself, so that a seeded history is the same on every run. */
export class SimulatedClock implements Clock {
  #now: number;
  constructor(start: Date) {
    this.#now = start.getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}

/**
 * Event ids and reference bytes drawn from the seed's generator: deterministic, and only for seeded data. Given the
 * seed's clock, event ids follow it (`timeOrderedEventId`, as the server's do), so a big seed appends to the end of
 * the event-id index instead of all over it.
 */
export function seededIds(random: SeededRandom, clock?: Clock): IdSource {
  return {
    eventId() {
      if (clock) return timeOrderedEventId(clock.now().getTime(), random.bytes(10));
      const hex = Array.from(random.bytes(16), (byte) => byte.toString(16).padStart(2, '0')).join('');
      // Shaped as a UUID version 4 so that every event id looks alike, seeded or not.
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
    randomBytes: (length) => random.bytes(length),
  };
}

export interface SeedSummary {
  readonly vesselCall: string;
  readonly announced: number;
  readonly discharged: number;
  readonly gatedIn: number;
  readonly moved: number;
  readonly holdsPlaced: number;
  readonly holdsLifted: number;
  readonly loaded: number;
  readonly refused: number;
  readonly events: number;
}

interface SeedBox {
  visitRef: string;
  line: string;
  containerNumber: string;
  sizeType: string;
  lengthFt: number;
  import: boolean;
  slot?: YardSlot;
  holdId?: string;
}

/**
 * Yard planning for the seed: a height map of every stack, so that boxes are put where the yard rules allow.
 * The ledger still checks every placement; this only keeps the seed from asking for refused ones.
 */
class StackHeights {
  readonly #heights = new Map<string, number>();
  constructor(
    readonly layout: YardLayout,
    occupied: readonly OccupiedCell[],
  ) {
    for (const cell of occupied) {
      const key = this.#key(cell.block, cell.row, cell.bay);
      this.#heights.set(key, Math.max(this.#heights.get(key) ?? 0, cell.tier));
    }
  }
  #key(block: string, row: number, bay: number): string {
    return `${block}/${row}/${bay}`;
  }
  height(block: string, row: number, bay: number): number {
    return this.#heights.get(this.#key(block, row, bay)) ?? 0;
  }
  /** The odd (20-foot) bays a box of this length at `bay` covers. */
  #bays(bay: number, lengthFt: number): number[] {
    return lengthFt === 20 ? [bay] : [bay - 1, bay + 1];
  }
  /** A slot on top of a stack where the box fits: a random stack first, then the first free one in yard order. */
  findSlot(random: SeededRandom, lengthFt: number): YardSlot | undefined {
    for (let attempt = 0; attempt < 32; attempt++) {
      const block = random.pick(this.layout.blocks);
      const row = 1 + random.int(block.rows);
      const groundBay = 1 + 2 * random.int(lengthFt === 20 ? block.bays : block.bays - 1);
      const slot = this.#fits(block, row, lengthFt === 20 ? groundBay : groundBay + 1, lengthFt);
      if (slot) return slot;
    }
    for (const block of this.layout.blocks) {
      for (let row = 1; row <= block.rows; row++) {
        for (let ground = 1; ground < 2 * block.bays; ground += 2) {
          const bay = lengthFt === 20 ? ground : ground + 1;
          if (bay > 2 * block.bays - 1) continue;
          const slot = this.#fits(block, row, bay, lengthFt);
          if (slot) return slot;
        }
      }
    }
    return undefined;
  }
  #fits(
    block: YardLayout['blocks'][number],
    row: number,
    bay: number,
    lengthFt: number,
  ): YardSlot | undefined {
    const heights = this.#bays(bay, lengthFt).map((b) => this.height(block.id, row, b));
    const top = heights[0]!;
    if (!heights.every((h) => h === top) || top >= block.tiers) return undefined;
    return { terminal: this.layout.terminal, block: block.id, bay, row, tier: top + 1 };
  }
  isTop(slot: YardSlot, lengthFt: number): boolean {
    return this.#bays(slot.bay, lengthFt).every((b) => this.height(slot.block, slot.row, b) === slot.tier);
  }
  place(slot: YardSlot, lengthFt: number): void {
    for (const b of this.#bays(slot.bay, lengthFt))
      this.#heights.set(this.#key(slot.block, slot.row, b), slot.tier);
  }
  remove(slot: YardSlot, lengthFt: number): void {
    for (const b of this.#bays(slot.bay, lengthFt))
      this.#heights.set(this.#key(slot.block, slot.row, b), slot.tier - 1);
  }
}

function containerNumber(random: SeededRandom, owner: string): string {
  const first10 = `${owner}${String(random.int(1_000_000)).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
}

/**
 * One vessel call's worth of port activity, through the real use cases: pre-advice, discharges and gate-ins into
 * the yard, yard moves, holds placed and lifted, and loads (gate-outs only through the gate). Commands are grouped into bulk
 * batches of `batchSize` (`executeVisitBatch`, issue 13), one transaction each, so that seeding 20,000 boxes does not
 * cost 100,000 fsyncs nor a round trip per read. A command the ledger refuses is counted
 * and skipped; it wrote nothing.
 */
export async function seedVesselCall(args: {
  ledger: Ledger;
  clock: SimulatedClock;
  random: SeededRandom;
  terminals: TerminalLayouts;
  terminal: string;
  containers: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<SeedSummary> {
  const { ledger, clock, random, terminals } = args;
  const layout = terminals.get(args.terminal);
  if (!layout) throw new AppError('terminal.unknown', `terminal ${args.terminal} is not configured`);
  const batchSize = args.batchSize ?? 500;
  const size = await ledger.store.logSize();
  const vesselCall = `VC${String(size).padStart(9, '0')}`;
  const heights = new StackHeights(
    layout,
    await ledger.store.terminalOccupancy({ terminal: layout.terminal }),
  );
  const counts = {
    announced: 0,
    discharged: 0,
    gatedIn: 0,
    moved: 0,
    holdsPlaced: 0,
    holdsLifted: 0,
    loaded: 0,
    refused: 0,
    events: 0,
  };
  const total = args.containers * 4;
  let done = 0;

  type Step = { box: SeedBox; command: VisitCommandInput; counter: keyof typeof counts };
  async function runSteps(steps: Step[]): Promise<void> {
    for (let start = 0; start < steps.length; start += batchSize) {
      const batch = steps.slice(start, start + batchSize);
      // One bulk batch (issue 13): streams, visits and stacks read once, read models written once.
      const outcomes = await ledger.write((context) =>
        executeVisitBatch(
          context,
          terminals,
          batch.map((step) => ({ visitRef: step.box.visitRef, command: step.command })),
          () => clock.advance(1000 + random.int(20_000)),
        ),
      );
      for (const [i, outcome] of outcomes.entries()) {
        if (!outcome.ok) counts.refused += 1;
        else {
          counts[batch[i]!.counter] += 1;
          counts.events += outcome.result.events.length;
        }
      }
      done += batch.length;
      args.onProgress?.(Math.min(done, total), total);
    }
  }

  // A box is in one vessel call once: draw again when a number repeats.
  const numbersInCall = new Set<string>();
  const boxes: SeedBox[] = Array.from({ length: args.containers }, () => {
    const line = random.pick(demoLines);
    const sizeType = random.pick(demoSizeTypes);
    let number = containerNumber(random, random.pick(line.owners));
    while (numbersInCall.has(number)) number = containerNumber(random, random.pick(line.owners));
    numbersInCall.add(number);
    return {
      visitRef: '',
      containerNumber: number,
      sizeType,
      lengthFt: parseSizeType(sizeType).lengthFt,
      import: random.chance(0.8),
      line: line.line,
    };
  });

  await runSteps(
    boxes.map((box) => {
      box.visitRef = newVisitReference(ledger.ids.randomBytes(13));
      return {
        box,
        counter: 'announced' as const,
        command: {
          type: 'AnnounceVisit',
          visitRef: box.visitRef,
          containerNumber: box.containerNumber,
          line: box.line,
          sizeType: box.sizeType,
          fullEmpty: random.chance(0.85) ? 'full' : 'empty',
          arrival: box.import ? { mode: 'vessel', vesselCall } : { mode: 'truck' },
          ...demoDocuments({ line: box.line, containerNumber: box.containerNumber, import: box.import }),
        } as VisitCommandInput,
      };
    }),
  );

  // Into the yard: discharge from the vessel, or gate in by truck.
  const arrivals: Step[] = [];
  for (const box of boxes) {
    const slot = heights.findSlot(random, box.lengthFt);
    if (!slot) continue;
    heights.place(slot, box.lengthFt);
    box.slot = slot;
    arrivals.push({
      box,
      counter: box.import ? 'discharged' : 'gatedIn',
      command: box.import
        ? {
            type: 'DischargeContainer',
            vesselCall,
            slot,
            equipment: `STS${1 + random.int(8)}`,
            operator: `op-${random.int(40)}`,
          }
        : {
            type: 'GateInContainer',
            slot,
            truckPlate: `1-${String.fromCharCode(65 + random.int(26))}BC-${random.int(1000)}`,
          },
    } as Step);
  }
  await runSteps(arrivals);

  // Yard moves (housekeeping) and holds.
  const later: Step[] = [];
  for (const box of boxes) {
    if (!box.slot) continue;
    if (random.chance(0.1) && heights.isTop(box.slot, box.lengthFt)) {
      const from = box.slot;
      heights.remove(from, box.lengthFt);
      const to = heights.findSlot(random, box.lengthFt);
      if (!to) heights.place(from, box.lengthFt);
      else {
        heights.place(to, box.lengthFt);
        box.slot = to;
        later.push({
          box,
          counter: 'moved',
          command: {
            type: 'MoveContainer',
            from,
            to,
            equipment: `RTG${1 + random.int(30)}`,
            operator: `op-${random.int(40)}`,
          },
        } as Step);
      }
    }
    if (random.chance(0.06)) {
      box.holdId = `H${random.int(1e9).toString(36)}`;
      const kind = random.pick(['customs', 'customs', 'line', 'terminal', 'police'] as const);
      later.push({
        box,
        counter: 'holdsPlaced',
        command: {
          type: 'PlaceHold',
          holdId: box.holdId,
          kind,
          reason:
            kind === 'customs'
              ? 'selected for scan'
              : kind === 'police'
                ? 'investigation'
                : 'documents pending',
          reference: `REF-${random.int(1e6)}`,
          // The seed acts as one officer per authority, who lifts what it placed (a colleague's hold takes two).
          by: `seed-${kind}`,
        },
      } as Step);
      if (random.chance(0.5)) {
        const holdId = box.holdId;
        box.holdId = undefined;
        later.push({
          box,
          counter: 'holdsLifted',
          command: { type: 'LiftHold', holdId, reason: 'cleared', by: `seed-${kind}` },
        } as Step);
      }
    }
  }
  await runSteps(later);

  // Departures: most exports loaded onto the call's vessel. Imports wait in the yard for their haulier: only the
  // gate lets a box out, on an accepted verdict (issue 10), and that takes a release chain, a booking and a driver
  // (`demo-cargo.ts` and the simulator's trucks).
  const departures: Step[] = [];
  for (const box of boxes) {
    if (box.import || !box.slot || box.holdId || !heights.isTop(box.slot, box.lengthFt)) continue;
    if (!random.chance(0.6)) continue;
    heights.remove(box.slot, box.lengthFt);
    departures.push({ box, counter: 'loaded', command: { type: 'LoadContainer', vesselCall } } as Step);
  }
  await runSteps(departures);
  args.onProgress?.(total, total);
  return { vesselCall, ...counts };
}
