/**
 * A small live simulator for the demo port (issue 6): every few seconds a truck brings a box through the gate, or
 * a straddle carrier moves one of the boxes it brought. Everything goes through the real use cases
 * (`announceVisit`, `runVisitCommand`), so every step is an event of the audit log and the yard rules apply; a
 * refusal of the domain is logged and skipped, never fatal.
 */
import { computeCheckDigit, DomainError, type YardLayout, type YardSlot } from '../domain/index.js';
import { demoLines } from './demo-port.js';
import { AppError } from './errors.js';
import type { Ledger } from './ledger.js';
import { type SeededRandom, seededRandom } from './seeded-random.js';
import { announceVisit, runVisitCommand, type TerminalLayouts } from './visits.usecases.js';

export interface Simulator {
  stop(): Promise<void>;
}

export interface SimulatorLog {
  info(message: string): void;
  warn(message: string): void;
}

// Demo traffic, not secrets: a generator seeded from the ledger's id source when the simulator starts.
let random: SeededRandom = seededRandom('simulator');
const randomInt = (maxExclusive: number) => random.int(maxExclusive);
const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)]!;

/** A free 20-ft slot on top of a stack (odd bay), from the terminal's occupancy now. */
async function freeSlot(ledger: Ledger, layout: YardLayout): Promise<YardSlot | undefined> {
  const occupied = await ledger.store.terminalOccupancy({ terminal: layout.terminal });
  const heights = new Map<string, number>();
  for (const cell of occupied) {
    const key = `${cell.block}/${cell.row}/${cell.bay}`;
    heights.set(key, Math.max(heights.get(key) ?? 0, cell.tier));
  }
  for (let attempt = 0; attempt < 64; attempt++) {
    const block = pick(layout.blocks);
    const row = 1 + randomInt(block.rows);
    const bay = 1 + 2 * randomInt(block.bays);
    const tier = (heights.get(`${block.id}/${row}/${bay}`) ?? 0) + 1;
    if (tier <= block.tiers) return { terminal: layout.terminal, block: block.id, bay, row, tier };
  }
  return undefined;
}

/**
 * Starts the simulator on the first terminal of `terminals`. `intervalMs` is the pause between two steps.
 */
export function startSimulator(args: {
  ledger: Ledger;
  terminals: TerminalLayouts;
  intervalMs?: number;
  log: SimulatorLog;
}): Simulator {
  random = seededRandom(Buffer.from(args.ledger.ids.randomBytes(16)).toString('hex'));
  const layout = [...args.terminals.values()][0];
  const intervalMs = args.intervalMs ?? 4000;
  /** Boxes the simulator brought in, with where they stand; the ones it may move. */
  const mine = new Map<string, YardSlot>();
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function gateIn(terminal: YardLayout): Promise<string> {
    const slot = await freeSlot(args.ledger, terminal);
    if (!slot) return 'no free slot for a gate-in';
    const line = pick(demoLines);
    const first10 = `${pick(line.owners)}${String(randomInt(1_000_000)).padStart(6, '0')}`;
    const { visit } = await announceVisit(args.ledger, args.terminals, {
      containerNumber: `${first10}${computeCheckDigit(first10)}`,
      line: line.line,
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    await runVisitCommand(args.ledger, args.terminals, visit.visitRef, {
      type: 'GateInContainer',
      slot,
      truckPlate: `1-SIM-${String(randomInt(1000)).padStart(3, '0')}`,
      equipment: `SC${1 + randomInt(12)}`,
      operator: 'simulator',
    });
    mine.set(visit.visitRef, slot);
    return `gate-in of ${visit.containerNumber} to ${slot.block}-${slot.bay}-${slot.row}-${slot.tier}`;
  }

  async function move(terminal: YardLayout): Promise<string> {
    const [visitRef, from] = pick([...mine.entries()]);
    const to = await freeSlot(args.ledger, terminal);
    if (!to) return 'no free slot for a move';
    await runVisitCommand(args.ledger, args.terminals, visitRef, {
      type: 'MoveContainer',
      from,
      to,
      equipment: `SC${1 + randomInt(12)}`,
      operator: 'simulator',
    });
    mine.set(visitRef, to);
    return `yard move of ${visitRef} to ${to.block}-${to.bay}-${to.row}-${to.tier}`;
  }

  async function step(): Promise<void> {
    if (!layout) return;
    try {
      const done = mine.size > 0 && randomInt(3) === 0 ? await move(layout) : await gateIn(layout);
      args.log.info(`simulator: ${done}`);
    } catch (error) {
      if (error instanceof DomainError || error instanceof AppError) {
        args.log.warn(`simulator: refused (${error.code}): ${error.message}`);
        return;
      }
      args.log.warn(`simulator: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(step);
  }, intervalMs);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
