/**
 * Bulk ingest of visit commands (issue 13): seeding, `bench:scale` and, later, EDI import run hundreds of commands in
 * one transaction through the same use case (`executeVisitCommand`) and the same decider, with the shell's costs paid
 * per batch rather than per command:
 * - the streams the batch names are read in one query before it starts (`readStreams`), held to the writers' MACs
 *   there, and kept in memory with what the batch appends to them;
 * - the active visits of the containers it announces and the stacks it touches are read in one query each;
 * - visit rows and yard cells are written once, at the end, in multi-row statements (`upsertVisits`,
 *   `vacateCells`, `occupyCellsOf`); every read the batch cannot answer itself sees them first;
 * - events and audit nodes were already written per transaction (`kysely-store.ts`), and the tree's border is kept
 *   in memory from one append to the next (`AuditAppender`).
 * A command the domain refuses writes nothing and is reported; the others commit together.
 */
import {
  DomainError,
  parseContainerNumber,
  slotOf,
  type VisitState,
  type YardCell,
} from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { WriteContext } from '../ledger/index.js';
import type { PartnerEventRow } from '../partners/partners.ports.js';
import type { LedgerWriteTx, OccupiedCell, StoredEvent, StreamRange, VisitRecord } from '../ports.js';
import { StoreIntegrityError } from '../ports.js';
import {
  executeVisitCommand,
  foldVisit,
  gateAttemptStreamId,
  type TerminalLayouts,
  type VisitCommandInput,
  type VisitCommandResult,
  visitStreamId,
} from './visits.usecases.js';

/** One command of a batch, on the visit it names. */
export interface VisitBatchStep {
  readonly visitRef: string;
  readonly command: VisitCommandInput;
}

/** What became of one command of a batch: its events, or the domain's refusal (nothing written). */
export type VisitBatchOutcome =
  | { readonly ok: true; readonly result: VisitCommandResult }
  | { readonly ok: false; readonly error: DomainError | AppError };

const ENDED: ReadonlySet<string> = new Set(['gated_out', 'loaded', 'cancelled']);
const bayKey = (c: { terminal: string; block: string; row: number; bay: number }) =>
  `${c.terminal}\u0000${c.block}\u0000${c.row}\u0000${c.bay}`;
const cellKey = (c: YardCell) => `${bayKey(c)}\u0000${c.tier}`;

interface CellChange {
  readonly cell: YardCell;
  /** Who stands there after the batch so far; null when nobody. */
  visitRef: string | null;
  /** Whether the batch emptied the cell at some point: its stored row goes before anything is put there. */
  vacated: boolean;
}

/**
 * The transaction as one batch sees it: the visit and yard reads the batch needs answered from what it read up front
 * and what it did since, its visit and yard writes held until `flush`. Every other read flushes first, so it sees
 * the batch's writes; log writes go straight through.
 */
class BatchTx {
  readonly #tx: LedgerWriteTx;
  /** Whole streams as they stand in this batch: as read (and checked) up front, plus the batch's appends. */
  readonly #streams = new Map<string, StoredEvent[]>();
  /** The active visit of each container number asked up front, as stored when asked; null for none. */
  readonly #active = new Map<string, VisitRecord | null>();
  readonly #visits = new Map<string, VisitRecord>();
  readonly #visitsByContainer = new Map<string, Set<string>>();
  /** The stored cells of each bay asked (all tiers), as stored when asked. */
  readonly #bays = new Map<string, OccupiedCell[]>();
  readonly #changes = new Map<string, CellChange>();
  readonly #changesByBay = new Map<string, Set<string>>();
  /** The `partner_event` rows of the batch's events (issue 16), written with its visit rows. */
  readonly #partnerEvents: PartnerEventRow[] = [];
  readonly view: LedgerWriteTx;

  constructor(tx: LedgerWriteTx) {
    this.#tx = tx;
    const own: Partial<LedgerWriteTx> = {
      readStream: (streamId) => this.readStream(streamId),
      readStreams: (streamIds) => this.readStreams(streamIds),
      readStreamRange: (streamId, range) => this.readStreamRange(streamId, range),
      streamVersion: async (streamId) => this.#streams.get(streamId)?.length ?? tx.streamVersion(streamId),
      getVisit: (visitRef) => this.getVisit(visitRef),
      findActiveVisit: (containerNumber) => this.findActiveVisit(containerNumber),
      occupiedCells: (where) => this.occupiedCellsIn([where]),
      occupiedCellsIn: (stacks) => this.occupiedCellsIn(stacks),
      upsertVisit: async (visit) => this.upsertVisit(visit),
      upsertVisits: async (visits) => {
        for (const visit of visits) this.upsertVisit(visit);
      },
      vacateCells: async (cells) => this.vacate(cells),
      occupyCells: async (cells, visitRef) => this.occupy(cells.map((cell) => ({ ...cell, visitRef }))),
      occupyCellsOf: async (cells) => this.occupy(cells),
      partnerEvents: {
        add: async (rows) => {
          this.#partnerEvents.push(...rows);
        },
      },
    };
    // Reads and writes of the log alone: they neither see nor change what the batch holds back.
    const logOnly = new Set<PropertyKey>([
      'logSize',
      'appendToStream',
      'insertNodes',
      'readNodes',
      'insertCheckpoint',
      'latestCheckpoint',
      'checkpointAt',
      'readCheckpoints',
      'readEvents',
      'readLogRows',
    ]);
    const flushFirst = <T extends object>(target: T): T =>
      new Proxy(target, {
        get: (object, property) => {
          const value = Reflect.get(object, property);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            await this.flush();
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        },
      });
    // Each member looked up once: a command reads a dozen of them, and every lookup through the store's own proxies
    // (`withAuthenticatedStreams`) would bind a function anew.
    const members = new Map<PropertyKey, unknown>();
    const member = (target: LedgerWriteTx, property: PropertyKey): unknown => {
      if (property in own) return own[property as keyof LedgerWriteTx];
      const value = Reflect.get(target, property);
      if (typeof value === 'function') {
        if (logOnly.has(property)) return value.bind(target);
        return async (...args: unknown[]) => {
          await this.flush();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      // identity, releases, gate, readModels: their reads may join the visit and yard tables.
      return value !== null && typeof value === 'object' ? flushFirst(value) : value;
    };
    this.view = new Proxy(tx, {
      get: (target, property) => {
        if (members.has(property)) return members.get(property);
        const value = member(target, property);
        members.set(property, value);
        return value;
      },
    });
  }

  /** Reads, in one query, the streams a batch names, checked as any stream read is; later reads come from memory. */
  async readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const unread = [...new Set(streamIds)].filter((streamId) => !this.#streams.has(streamId));
    if (unread.length > 0) {
      for (const [streamId, events] of await this.#tx.readStreams(unread))
        this.#streams.set(streamId, events);
    }
    return new Map(streamIds.map((streamId) => [streamId, [...(this.#streams.get(streamId) ?? [])]]));
  }

  async readStream(streamId: string): Promise<StoredEvent[]> {
    const known = this.#streams.get(streamId) ?? (await this.readStreams([streamId])).get(streamId)!;
    return [...known];
  }

  async readStreamRange(streamId: string, range: StreamRange): Promise<StoredEvent[]> {
    const known = this.#streams.get(streamId);
    if (!known) return this.#tx.readStreamRange(streamId, range);
    const from = Math.max(range.fromVersion ?? 1, 1) - 1;
    return known.slice(from, range.limit === undefined ? undefined : from + Math.max(range.limit, 0));
  }

  /** What the batch appended, so that its next command on the stream folds it without reading it back. */
  appended(streamId: string, events: readonly StoredEvent[]): void {
    this.#streams.get(streamId)?.push(...events);
  }

  /** Asks up front for the active visits of these container numbers, in one query. */
  async prefetchActive(containerNumbers: readonly string[]): Promise<void> {
    const unasked = [...new Set(containerNumbers)].filter((number) => !this.#active.has(number));
    if (unasked.length === 0) return;
    const found = await this.#tx.findActiveVisits(unasked);
    for (const number of unasked) this.#active.set(number, found.get(number) ?? null);
  }

  async getVisit(visitRef: string): Promise<VisitRecord | undefined> {
    return this.#visits.get(visitRef) ?? this.#tx.getVisit(visitRef);
  }

  async findActiveVisit(containerNumber: string): Promise<VisitRecord | undefined> {
    let stored = this.#active.get(containerNumber);
    if (stored === undefined) stored = (await this.#tx.findActiveVisit(containerNumber)) ?? null;
    const candidates = [
      ...(stored && !this.#visits.has(stored.visitRef) ? [stored] : []),
      ...[...(this.#visitsByContainer.get(containerNumber) ?? [])].map((ref) => this.#visits.get(ref)!),
    ].filter((visit) => !ENDED.has(visit.status));
    return candidates.sort((a, b) => b.lastIndex - a.lastIndex)[0];
  }

  upsertVisit(visit: VisitRecord): void {
    this.#visits.set(visit.visitRef, visit);
    const refs = this.#visitsByContainer.get(visit.containerNumber) ?? new Set<string>();
    refs.add(visit.visitRef);
    this.#visitsByContainer.set(visit.containerNumber, refs);
  }

  async occupiedCellsIn(
    stacks: readonly { terminal: string; block: string; row: number; bays: readonly number[] }[],
  ): Promise<OccupiedCell[]> {
    const keys = new Set<string>();
    const unknown: { terminal: string; block: string; row: number; bays: number[] }[] = [];
    for (const { terminal, block, row, bays } of stacks) {
      for (const bay of bays) {
        const key = bayKey({ terminal, block, row, bay });
        if (keys.has(key)) continue;
        keys.add(key);
        if (this.#bays.has(key)) continue;
        this.#bays.set(key, []);
        unknown.push({ terminal, block, row, bays: [bay] });
      }
    }
    if (unknown.length > 0) {
      for (const cell of await this.#tx.occupiedCellsIn(unknown)) this.#bays.get(bayKey(cell))?.push(cell);
    }
    const cells: OccupiedCell[] = [];
    for (const key of keys) {
      const changed = this.#changesByBay.get(key);
      for (const cell of this.#bays.get(key)!) {
        if (!changed?.has(cellKey(cell))) cells.push({ ...cell });
      }
      if (!changed) continue;
      for (const changedKey of changed) {
        const change = this.#changes.get(changedKey)!;
        if (change.visitRef !== null) cells.push({ ...change.cell, visitRef: change.visitRef });
      }
    }
    return cells.length > 1 ? cells.sort((a, b) => a.bay - b.bay || a.tier - b.tier) : cells;
  }

  #change(cell: YardCell): CellChange {
    const key = cellKey(cell);
    let change = this.#changes.get(key);
    if (!change) {
      const { terminal, block, bay, row, tier } = cell;
      change = { cell: { terminal, block, bay, row, tier }, visitRef: null, vacated: false };
      this.#changes.set(key, change);
      const inBay = this.#changesByBay.get(bayKey(cell)) ?? new Set<string>();
      inBay.add(key);
      this.#changesByBay.set(bayKey(cell), inBay);
      // What stands there now, as stored: a cell the batch has not touched yet is as the store holds it.
      const stored = this.#bays.get(bayKey(cell))?.find((c) => cellKey(c) === key);
      if (stored) change.visitRef = stored.visitRef;
    }
    return change;
  }

  vacate(cells: readonly YardCell[]): void {
    for (const cell of cells) {
      const change = this.#change(cell);
      change.visitRef = null;
      change.vacated = true;
    }
  }

  occupy(cells: readonly OccupiedCell[]): void {
    for (const cell of cells) {
      const change = this.#change(cell);
      // Refused at once, as the store's `occupyCells` refuses a cell that is taken.
      if (change.visitRef !== null) {
        throw new StoreIntegrityError('store.duplicate', 'yard cell is already occupied');
      }
      change.visitRef = cell.visitRef;
    }
  }

  /** Writes what the batch held back, in a few multi-row statements, and forgets what it read up front. */
  async flush(): Promise<void> {
    if (this.#partnerEvents.length > 0) await this.#tx.partnerEvents.add(this.#partnerEvents.splice(0));
    if (this.#visits.size === 0 && this.#changes.size === 0) return;
    const visits = [...this.#visits.values()];
    const changes = [...this.#changes.values()];
    this.#visits.clear();
    this.#visitsByContainer.clear();
    this.#changes.clear();
    this.#changesByBay.clear();
    this.#active.clear();
    this.#bays.clear();
    await this.#tx.upsertVisits(visits);
    const vacated = changes.filter((change) => change.vacated).map((change) => change.cell);
    if (vacated.length > 0) await this.#tx.vacateCells(vacated);
    const occupied = changes.flatMap((change) =>
      change.visitRef === null ? [] : [{ ...change.cell, visitRef: change.visitRef }],
    );
    if (occupied.length > 0) await this.#tx.occupyCellsOf(occupied);
  }
}

/** The stacks (all tiers of the bay and its neighbours, for a box of any length) where `state`'s box stands. */
function stacksNear(slot: { terminal: string; block: string; row: number; bay: number } | undefined) {
  if (!slot) return [];
  const { terminal, block, row, bay } = slot;
  return [{ terminal, block, row, bays: [bay - 1, bay, bay + 1].filter((b) => b >= 1) }];
}

const slotIn = (command: VisitCommandInput, field: 'slot' | 'to' | 'from') => {
  const value = (command as unknown as Record<string, unknown>)[field];
  return value !== null && typeof value === 'object'
    ? (value as { terminal: string; block: string; row: number; bay: number })
    : undefined;
};

/**
 * Runs `steps` in the caller's transaction, one after another, through `executeVisitCommand`, reading what they need
 * in a few queries up front and writing the read models once at the end. `beforeEach` runs before each command (a
 * seed moves its clock there). Returns one outcome per step, in order; errors other than the domain's refusals
 * abort the batch (and the transaction).
 *
 * @example
 * await ledger.write((context) => executeVisitBatch(context, terminals, steps));
 */
export async function executeVisitBatch(
  context: WriteContext,
  terminals: TerminalLayouts,
  steps: readonly VisitBatchStep[],
  beforeEach?: (step: VisitBatchStep, index: number) => void,
): Promise<VisitBatchOutcome[]> {
  const batch = new BatchTx(context.tx);
  const streamIds = steps.map((step) => visitStreamId(step.visitRef));
  for (const { command } of steps) {
    const attempt = (command as { gateAttemptId?: unknown }).gateAttemptId;
    if (command.type === 'GateOutContainer' && typeof attempt === 'string' && attempt !== '') {
      streamIds.push(gateAttemptStreamId(attempt));
    }
  }
  const streams = await batch.readStreams(streamIds);

  // The yard the batch may touch: where each box stands and every slot a command names.
  const states = new Map<string, VisitState>();
  const stacks = steps.flatMap(({ visitRef, command }) => {
    let state = states.get(visitRef);
    if (!state) {
      state = foldVisit(streams.get(visitStreamId(visitRef)) ?? []);
      states.set(visitRef, state);
    }
    return [slotOf(state), slotIn(command, 'slot'), slotIn(command, 'to'), slotIn(command, 'from')].flatMap(
      stacksNear,
    );
  });
  const containers = steps.flatMap(({ command }) => {
    if (command.type !== 'AnnounceVisit') return [];
    try {
      return [parseContainerNumber(command.containerNumber).text];
    } catch {
      return [];
    }
  });
  await batch.prefetchActive(containers);
  await batch.occupiedCellsIn(stacks);

  const batchContext: WriteContext = {
    ...context,
    tx: batch.view,
    append: async (streamId, expectedVersion, events) => {
      const stored = await context.append(streamId, expectedVersion, events);
      batch.appended(streamId, stored);
      return stored;
    },
    appendAtEnd: async (streamId, events) => {
      const stored = await context.append(streamId, await batch.view.streamVersion(streamId), events);
      batch.appended(streamId, stored);
      return stored;
    },
  };
  const outcomes: VisitBatchOutcome[] = [];
  for (const [index, step] of steps.entries()) {
    beforeEach?.(step, index);
    try {
      outcomes.push({
        ok: true,
        result: await executeVisitCommand(batchContext, terminals, step.visitRef, step.command),
      });
    } catch (error) {
      if (!(error instanceof DomainError || error instanceof AppError)) throw error;
      outcomes.push({ ok: false, error });
    }
  }
  await batch.flush();
  return outcomes;
}
