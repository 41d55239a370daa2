/**
 * A small live simulator for the demo port (issue 6): every few seconds something happens at the terminal — a
 * truck brings a box through the gate, a straddle carrier moves one of the boxes it brought, a vessel discharges
 * a few more boxes, a truck arrives for its slot and collects its box with the pickup credential its haulier gave
 * the driver. When the haulier runs short of booked pickups, the line releases another box, the forwarder and
 * the haulier pass the right on, and the haulier books the slot under way. Now and then a yard survey (issue 15)
 * walks the yard, with a few honest mistakes (a misread digit, a box seen one bay off), so the alert list shows
 * survey alerts as a real port's would.
 *
 * Everything goes through the real use cases (`announceVisit`, `runVisitCommand`, the release chain,
 * `changeAppointment`, and `gateTransaction` — the path of the gate kiosk, with credential, badge and plate), so
 * every step is an event of the audit log and every rule applies; a refusal of the domain is logged and skipped,
 * never fatal. The pickups of the demo driver are left for the person giving the demo to present at the kiosk.
 */

import type { AuthDeps } from '../app/access/index.js';
import type { PickupDeps } from '../app/appointments/index.js';
import { AppError } from '../app/errors.js';
import { gateTransaction } from '../app/gate/index.js';
import type { Ledger } from '../app/ledger/index.js';
import { announceVisit, runVisitCommand, type TerminalLayouts } from '../app/visits/index.js';
import { recordYardSurvey } from '../app/yard/index.js';
import { pickupPassCounter } from '../audit/index.js';
import {
  computeCheckDigit,
  DomainError,
  formatYardSlot,
  type YardLayout,
  type YardSlot,
} from '../domain/index.js';
import {
  bindSimulatedDriverPhones,
  bookDemoPickup,
  collectableBoxes,
  DEMO_DRIVER_BADGE,
  type DemoCargoDeps,
  type DemoCast,
  type DemoPickup,
  demoCast,
  demoDrivers,
  demoParties,
  releaseToDemoHaulier,
  simulatedDriverPhone,
  upcomingSlots,
} from './demo-cargo.js';
import { demoDocuments } from './demo-documents.js';
import { demoLines } from './demo-port.js';
import { type SeededRandom, seededRandom } from './seeded-random.js';

export interface Simulator {
  stop(): Promise<void>;
}

export interface SimulatorLog {
  info(message: string): void;
  warn(message: string): void;
}

/** What the simulator needs for release chains, bookings and the gate; without it, only gate-ins and moves. */
export interface SimulatorCargo {
  readonly auth: AuthDeps;
  readonly pickup: PickupDeps;
  /** Pickups booked before the simulator started, with the credentials the haulier handed out. */
  readonly pickups?: readonly DemoPickup[];
}

export interface SimulatorArgs {
  ledger: Ledger;
  terminals: TerminalLayouts;
  /** The pause between two steps. */
  intervalMs?: number;
  log: SimulatorLog;
  cargo?: SimulatorCargo;
  /** Seeds the simulator's choices; by default drawn from the ledger's id source. */
  seed?: string;
  /**
   * A yard survey every this many steps (the first after {@link FIRST_SURVEY_STEP}); 2,700 steps of 4 s are three
   * hours. 0: none.
   */
  surveyEverySteps?: number;
}

/** The steps of the simulator, each one a piece of port work; each resolves to what it did, in words. */
export interface SimulatorSteps {
  /** One step, chosen as the port's day would have it. Refusals are logged and skipped. */
  step(): Promise<void>;
  gateIn(): Promise<string>;
  move(): Promise<string>;
  discharge(): Promise<string>;
  /** A truck whose slot is open arrives at the gate with its credential, badge and plate. */
  pickUp(): Promise<string>;
  /** A new release chain and a booking in the slot under way, so that trucks keep coming. */
  replenish(): Promise<string>;
  /** A yard survey of the terminal, with a few honest mistakes, through the same use case as the console. */
  survey(): Promise<string>;
  /** Pickups still to come, in the order of their windows. */
  pending(): readonly DemoPickup[];
}

/** Pickups booked by the simulator itself go to the demo haulier's drivers other than the demo driver. */
const simulatedDrivers = demoDrivers.filter((driver) => driver.badge !== DEMO_DRIVER_BADGE);
/** Below this many pickups still to come, the simulator books another. */
const PENDING_LOW_WATER = 3;
/** How far ahead the simulated haulier books a pickup after the right reaches it (see `replenish`). */
const BOOK_AHEAD_MS = 2 * 3_600_000;
/** How early before its slot a simulated truck turns up. */
const ARRIVES_BEFORE_SLOT_MS = 10 * 60_000;
/** The first survey comes soon after the start, so that a demo shows survey alerts within minutes. */
const FIRST_SURVEY_STEP = 30;
const SURVEY_EVERY_STEPS = 2700;
/** A survey's walk: the rows' times spread over this long before the upload. */
const SURVEY_WALK_MS = 15 * 60_000;

/**
 * The simulator's steps on the first terminal of `terminals`, without a timer: `startSimulator` runs them every
 * `intervalMs`; tests call them one by one.
 */
export function createSimulator(args: SimulatorArgs): SimulatorSteps {
  const random: SeededRandom = seededRandom(
    args.seed ?? Buffer.from(args.ledger.ids.randomBytes(16)).toString('hex'),
  );
  const randomInt = (maxExclusive: number) => random.int(maxExclusive);
  const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)]!;
  const layout = [...args.terminals.values()][0];
  /** Boxes the simulator brought in, with where they stand; the ones it may move. */
  const mine = new Map<string, YardSlot>();
  /** Pickups to come, with the credentials the haulier handed to its drivers (kept in memory only). */
  const pickups: DemoPickup[] = [...(args.cargo?.pickups ?? [])];
  const vesselCall = `VCSIM${Buffer.from(args.ledger.ids.randomBytes(3)).toString('hex').toUpperCase()}`;
  const cargoDeps: DemoCargoDeps | undefined = args.cargo && {
    auth: args.cargo.auth,
    terminals: args.terminals,
    pickup: args.cargo.pickup,
  };
  let cast: DemoCast | undefined;
  /** Whether the simulated drivers' phones are known to be enrolled and confirmed (once per run). */
  let phonesBound = false;

  const now = () => args.ledger.clock.now().getTime();
  // A truck comes for its slot: from a few minutes before it starts, until its window (grace included) closes.
  const isDue = (pickup: DemoPickup) =>
    Math.max(Date.parse(pickup.windowStart), Date.parse(pickup.slotStart) - ARRIVES_BEFORE_SLOT_MS) <=
      now() && now() < Date.parse(pickup.windowEnd);

  /** A free 20-ft slot on top of a stack (odd bay), never on a box a truck is coming for. */
  async function freeSlot(terminal: YardLayout): Promise<YardSlot | undefined> {
    const occupied = await args.ledger.store.terminalOccupancy({ terminal: terminal.terminal });
    const tops = new Map<string, { tier: number; visitRef: string }>();
    for (const cell of occupied) {
      const key = `${cell.block}/${cell.row}/${cell.bay}`;
      if (cell.tier > (tops.get(key)?.tier ?? 0)) tops.set(key, { tier: cell.tier, visitRef: cell.visitRef });
    }
    const awaited = new Set(pickups.map((p) => p.visitRef));
    for (let attempt = 0; attempt < 64; attempt++) {
      const block = pick(terminal.blocks);
      const row = 1 + randomInt(block.rows);
      const bay = 1 + 2 * randomInt(block.bays);
      const top = tops.get(`${block.id}/${row}/${bay}`);
      if (top && awaited.has(top.visitRef)) continue;
      const tier = (top?.tier ?? 0) + 1;
      if (tier <= block.tiers) return { terminal: terminal.terminal, block: block.id, bay, row, tier };
    }
    return undefined;
  }

  function newContainerNumber(): { line: string; containerNumber: string } {
    const line = pick(demoLines);
    const first10 = `${pick(line.owners)}${String(randomInt(1_000_000)).padStart(6, '0')}`;
    return { line: line.line, containerNumber: `${first10}${computeCheckDigit(first10)}` };
  }

  async function gateIn(): Promise<string> {
    if (!layout) return 'no terminal';
    const slot = await freeSlot(layout);
    if (!slot) return 'no free slot for a gate-in';
    const { line, containerNumber } = newContainerNumber();
    const { visit } = await announceVisit(args.ledger, args.terminals, {
      containerNumber,
      line,
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
      ...demoDocuments({ line, containerNumber, import: false }),
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

  async function move(): Promise<string> {
    if (!layout) return 'no terminal';
    if (mine.size === 0) return gateIn();
    const [visitRef, from] = pick([...mine.entries()]);
    const to = await freeSlot(layout);
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

  /** The vessel at the quay discharges one to three more boxes (pre-advised as they come off). */
  async function discharge(): Promise<string> {
    if (!layout) return 'no terminal';
    const done: string[] = [];
    const count = 1 + randomInt(3);
    for (let i = 0; i < count; i++) {
      const slot = await freeSlot(layout);
      if (!slot) break;
      const { line, containerNumber } = newContainerNumber();
      const { visit } = await announceVisit(args.ledger, args.terminals, {
        containerNumber,
        line,
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'vessel', vesselCall },
        ...demoDocuments({ line, containerNumber, import: true }),
      });
      await runVisitCommand(args.ledger, args.terminals, visit.visitRef, {
        type: 'DischargeContainer',
        vesselCall,
        slot,
        equipment: `STS${1 + randomInt(8)}`,
        operator: 'simulator',
      });
      done.push(`${visit.containerNumber} to ${slot.block}-${slot.bay}-${slot.row}-${slot.tier}`);
    }
    return done.length > 0
      ? `vessel call ${vesselCall} discharged ${done.join(', ')}`
      : 'no free slot for a discharge';
  }

  /** The trucks the simulator drives: every pickup but the demo driver's. */
  const drivable = () => pickups.filter((p) => p.driverBadge !== DEMO_DRIVER_BADGE);

  async function pickUp(): Promise<string> {
    if (!cargoDeps) return 'no pickups without the release chain';
    // A truck that never came for a window now closed is a no-show: its credential lapses unused.
    for (const lapsed of pickups.filter((p) => Date.parse(p.windowEnd) <= now())) {
      pickups.splice(pickups.indexOf(lapsed), 1);
    }
    const due = drivable().find(isDue);
    if (!due) return 'no truck due at the gate';
    pickups.splice(pickups.indexOf(due), 1);
    // A credential handed out before a restart may have been used or voided meanwhile; that truck is not coming.
    const record = await args.ledger.store.gate.getCredential(due.credentialId);
    if (record?.status !== 'active') return `the truck for ${due.containerNumber} is not coming any more`;
    if (!phonesBound) {
      cast ??= await demoCast(cargoDeps.auth.ledger.store);
      await bindSimulatedDriverPhones(cargoDeps, cast);
      phonesBound = true;
    }
    // The driver shows the rotating pass his phone signs now (issue 10, row C), never the printed credential.
    const pass = simulatedDriverPhone(cargoDeps, due.driverBadge).pass(
      due.credentialId,
      pickupPassCounter(now()),
    );
    const verdict = await gateTransaction(
      {
        ledger: args.ledger,
        sealer: cargoDeps.auth.security.sealer,
        pickup: cargoDeps.pickup,
        terminals: args.terminals,
      },
      // A person of the terminal's operator presents it: the gate lets out only boxes of its own terminal.
      demoParties.gateClerk.userId,
      { credential: pass, badge: due.driverBadge, truckPlate: due.truckPlate },
    );
    if (verdict.accepted) {
      // Drivers' names are personal data (sealed at rest): the log names the truck only.
      return `truck ${due.truckPlate} collected ${due.containerNumber} in slot ${due.slot}: gate-out`;
    }
    const failed = verdict.checks.filter((check) => !check.passed).map((check) => check.check);
    return `the gate refused truck ${due.truckPlate} for ${due.containerNumber}: ${failed.join(', ')}`;
  }

  async function replenish(): Promise<string> {
    if (!cargoDeps || !layout) return 'no release chain to run';
    cast ??= await demoCast(cargoDeps.auth.ledger.store);
    // The haulier books ahead: a right passed on and used within the hour is the Antwerp pattern, and the detection
    // engine's release.passed_and_used alert would freeze the box (issue 15).
    const slot = (
      await upcomingSlots(args.ledger.store, cargoDeps.pickup, layout.terminal, new Date(now()))
    ).find((candidate) => Date.parse(candidate.start) >= now() + BOOK_AHEAD_MS);
    if (!slot) return 'no slot left to book two hours ahead';
    const lineCode = cast.line.orgCode;
    // Looked up afresh: since the last time, boxes were stacked on, collected or released by people in the console.
    const candidates = await collectableBoxes(
      args.ledger.store,
      layout.terminal,
      (view) => view.line === lineCode && view.arrival?.mode === 'vessel',
    );
    const box = candidates.length > 0 ? pick(candidates) : undefined;
    if (!box) return `no box of line ${lineCode} left to release`;
    await releaseToDemoHaulier(cargoDeps, cast, box.visitRef);
    const driver = pick(simulatedDrivers);
    const booked = await bookDemoPickup(
      cargoDeps,
      cast,
      box,
      { slotId: slot.slotId, start: slot.start },
      driver,
    );
    pickups.push(booked);
    pickups.sort((a, b) => Date.parse(a.windowStart) - Date.parse(b.windowStart));
    return `line ${lineCode} released ${box.containerNumber}, passed to the haulier, booked for truck ${driver.truckPlate} in slot ${slot.slotId}`;
  }

  /**
   * A survey of the whole yard as the log has it, every box seen where it stands, the walk spread over the last
   * minutes; then up to two honest mistakes, never on a box a truck is coming for (a missing box is a critical
   * alert): a misread digit (the OCR read a number that passes its check digit, so the real box is missing and the
   * misread one unknown), and a box seen one bay off (misplaced).
   */
  async function survey(): Promise<string> {
    if (!layout) return 'no terminal';
    const boxes: { visitRef: string; containerNumber: string; slot: YardSlot }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await args.ledger.store.listVisits({
        terminal: layout.terminal,
        status: 'in_yard',
        limit: 1000,
        ...(after !== undefined ? { after } : {}),
      });
      for (const visit of page) {
        const slot = visit.view.slot as YardSlot | null;
        if (slot) boxes.push({ visitRef: visit.visitRef, containerNumber: visit.containerNumber, slot });
      }
      if (page.length < 1000) break;
      after = page[page.length - 1]?.visitRef;
    }
    if (boxes.length === 0) return 'no box in the yard to survey';
    const awaited = new Set(pickups.map((p) => p.visitRef));
    const candidates = boxes.filter((b) => !awaited.has(b.visitRef));
    const mistakes: string[] = [];
    const rows = boxes.map((b) => ({ containerNumber: b.containerNumber, slot: b.slot }));
    const mistaken = new Set<number>();
    const target = () => {
      for (let attempt = 0; attempt < 8 && candidates.length > 0; attempt++) {
        const index = boxes.indexOf(pick(candidates));
        if (!mistaken.has(index)) {
          mistaken.add(index);
          return index;
        }
      }
      return undefined;
    };
    if (randomInt(2) === 0) {
      const index = target();
      if (index !== undefined) {
        const number = rows[index]!.containerNumber;
        const position = 4 + randomInt(6);
        const digit = (Number(number[position]) + 1 + randomInt(9)) % 10;
        const first10 = `${number.slice(0, position)}${digit}${number.slice(position + 1, 10)}`;
        rows[index] = { ...rows[index]!, containerNumber: `${first10}${computeCheckDigit(first10)}` };
        mistakes.push(`misread ${number} as ${rows[index]!.containerNumber}`);
      }
    }
    if (randomInt(2) === 0) {
      const index = target();
      const block =
        index === undefined ? undefined : layout.blocks.find((b) => b.id === rows[index]!.slot.block);
      if (index !== undefined && block) {
        const { slot } = rows[index]!;
        const bay = slot.bay + 2 <= 2 * block.bays - 1 ? slot.bay + 2 : slot.bay - 2;
        if (bay >= 1) {
          rows[index] = { ...rows[index]!, slot: { ...slot, bay } };
          mistakes.push(`saw ${rows[index]!.containerNumber} one bay off`);
        }
      }
    }
    const end = now();
    const csv = [
      'container,slot,seen_at',
      ...rows.map((row, i) =>
        [
          row.containerNumber,
          formatYardSlot(row.slot),
          new Date(end - SURVEY_WALK_MS + Math.floor((SURVEY_WALK_MS * i) / rows.length)).toISOString(),
        ].join(','),
      ),
    ].join('\n');
    const report = await recordYardSurvey({
      ledger: args.ledger,
      terminals: args.terminals,
      actor: { operator: 'simulator' },
      terminal: layout.terminal,
      input: { csv: `${csv}\n` },
    });
    const { totals } = report;
    return `yard survey ${report.surveyId} of ${boxes.length} boxes${mistakes.length > 0 ? ` (${mistakes.join('; ')})` : ''}: ${totals.missing} missing, ${totals.unknown} unknown, ${totals.misplaced} misplaced`;
  }

  const surveyEvery = args.surveyEverySteps ?? SURVEY_EVERY_STEPS;
  let steps = 0;

  async function step(): Promise<void> {
    if (!layout) return;
    steps++;
    try {
      let done: string;
      const surveyDue =
        surveyEvery > 0 && (steps === Math.min(FIRST_SURVEY_STEP, surveyEvery) || steps % surveyEvery === 0);
      const due = drivable().some(isDue);
      const upcoming = drivable().filter((p) => Date.parse(p.windowEnd) > now()).length;
      if (surveyDue) done = await survey();
      else if (cargoDeps && due && randomInt(2) === 0) done = await pickUp();
      else if (cargoDeps && upcoming < PENDING_LOW_WATER && randomInt(3) === 0) done = await replenish();
      else {
        const roll = randomInt(6);
        done = roll === 0 ? await discharge() : mine.size > 0 && roll <= 2 ? await move() : await gateIn();
      }
      args.log.info(`simulator: ${done}`);
    } catch (error) {
      if (error instanceof DomainError || error instanceof AppError) {
        args.log.warn(`simulator: refused (${error.code}): ${error.message}`);
        return;
      }
      args.log.warn(`simulator: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return { step, gateIn, move, discharge, pickUp, replenish, survey, pending: () => [...pickups] };
}

/**
 * Starts the simulator on the first terminal of `terminals`. `intervalMs` is the pause between two steps.
 */
export function startSimulator(args: SimulatorArgs): Simulator {
  const steps = createSimulator(args);
  const intervalMs = args.intervalMs ?? 4000;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(steps.step);
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
