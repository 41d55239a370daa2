import {
  type AnnounceVisit,
  checkSlotInLayout,
  checkYardChange,
  type GateVerdictRecord,
  newVisitReference,
  parseSizeType,
  slotOf,
  stacksTouched,
  type VisitCommand,
  type VisitEvent,
  type VisitSearchKeys,
  type VisitState,
  type VisitView,
  visitDecider,
  visitSearchKeys,
  visitView,
  type YardLayout,
  yardChangeBetween,
} from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import type { JsonObject, LedgerReads, StoredEvent, VisitRecord } from '../ports.js';
import { partnerEventRowsOf, terminalLocations } from './partner-events.js';

/** The yards this ledger knows, by terminal code. */
export type TerminalLayouts = ReadonlyMap<string, YardLayout>;

export function visitStreamId(visitRef: string): string {
  return `visit-${visitRef}`;
}

/** Where the gate records one attempt and its verdict (`GateAttemptAccepted` or `GateAttemptRefused`). */
export const gateAttemptStreamId = (attemptId: string) => `gate-${attemptId}`;

/**
 * A command as a caller gives it: the ledger stamps the time. A gate-out names the gate attempt whose verdict lets
 * the box out; the verdict itself is read from the log, never taken from the caller.
 */
export type VisitCommandInput =
  | DistributiveOmit<Exclude<VisitCommand, { type: 'GateOutContainer' }>, 'at'>
  | { type: 'GateOutContainer'; truckPlate?: string; gateAttemptId: string };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface VisitCommandResult {
  readonly visit: VisitRecord;
  readonly events: readonly StoredEvent[];
}

function toVisitEvent(stored: StoredEvent): VisitEvent {
  return { ...stored.data, type: stored.type } as unknown as VisitEvent;
}

function toNewEvent(event: VisitEvent): { type: string; data: JsonObject } {
  const { type, ...data } = event;
  return { type, data: data as unknown as JsonObject };
}

/** The visit after one more stored event of its stream: the step both `foldVisit` and the read-model check take. */
export function evolveVisit(state: VisitState, stored: StoredEvent): VisitState {
  return visitDecider.evolve(state, toVisitEvent(stored));
}

export function foldVisit(events: readonly StoredEvent[]): VisitState {
  return events.reduce(evolveVisit, visitDecider.initialState());
}

/**
 * The state after each stored event, as far as this process folded its whole stream up to it (issue 13: a bulk
 * batch runs several commands on one visit and would fold its stream again for each). Stored events are never
 * changed, and an event is at one place of one stream, so the state after it is the state of that whole prefix.
 */
const stateAfter = new WeakMap<StoredEvent, VisitState>();

/** `foldVisit` of a whole stream, from the state remembered after its last event when there is one. */
function foldWholeStream(events: readonly StoredEvent[]): VisitState {
  const last = events.at(-1);
  const known = last && stateAfter.get(last);
  if (known) return known;
  const state = foldVisit(events);
  if (last) stateAfter.set(last, state);
  return state;
}

/**
 * The `visit` row of a visit in `state`, after `streamVersion` events of its stream, the last at `lastIndex`. The
 * use case writes it, and the read-model check (`read-model-projection.ts`) expects it, from this one function.
 */
export function visitRecordOf(
  visitRef: string,
  state: VisitState,
  streamVersion: number,
  lastIndex: number,
): VisitRecord | undefined {
  const facts = state.visit;
  if (!facts) return undefined;
  return {
    visitRef,
    containerNumber: facts.containerNumber,
    status: facts.status,
    terminal: slotOf(state)?.terminal ?? null,
    streamVersion,
    lastIndex,
    view: visitView(state) as unknown as JsonObject,
    ...withSearchKeys(visitSearchKeys(state)),
  };
}

const withSearchKeys = (searchKeys: VisitSearchKeys | undefined) => (searchKeys ? { searchKeys } : {});

/**
 * Loads a visit, decides, checks the yard, then appends the events with their audit leaves and updates the read
 * models — all inside the caller's transaction. Slot occupancy is never written except here, from the slot the
 * events put the box in, so it cannot drift from the history.
 */
export async function executeVisitCommand(
  context: WriteContext,
  terminals: TerminalLayouts,
  visitRef: string,
  input: VisitCommandInput,
): Promise<VisitCommandResult> {
  const { tx, now } = context;
  const streamId = visitStreamId(visitRef);
  const history = await tx.readStream(streamId);
  const state = foldWholeStream(history);
  const command = await toCommand(tx, input, now.toISOString());

  const decided = visitDecider.decide(command, state);
  const next = decided.reduce(visitDecider.evolve, state);
  const visitFacts = next.visit;
  if (!visitFacts) throw new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });

  if (!state.visit) {
    // One container number has at most one active visit; the decider normalised the number in its event.
    const active = await tx.findActiveVisit(visitFacts.containerNumber);
    if (active) {
      throw new AppError(
        'visit.container_active',
        `container ${visitFacts.containerNumber} already has an active visit`,
        {
          containerNumber: visitFacts.containerNumber,
        },
      );
    }
  }

  const change = yardChangeBetween(state, next);
  if (change) {
    const target = slotOf(next);
    if (target) {
      const layout = terminals.get(target.terminal);
      if (!layout) throw new AppError('terminal.unknown', `terminal ${target.terminal} is not configured`);
      checkSlotInLayout(layout, target, parseSizeType(visitFacts.sizeType).lengthFt);
    }
    const from = change.from ?? [];
    const to = change.to ?? [];
    const touched = stacksTouched([...from, ...to]);
    const occupied = (await Promise.all(touched.map((stack) => tx.occupiedCells(stack)))).flat();
    checkYardChange({ occupied, ...change });
    if (from.length > 0) await tx.vacateCells(from);
    if (to.length > 0) await tx.occupyCells(to, visitRef);
  }

  const events = await context.append(streamId, history.length, decided.map(toNewEvent));
  // The decided events folded into `next` are the ones just stored: the next command on this visit starts there.
  const last = events.at(-1);
  if (last) stateAfter.set(last, next);
  const visit = visitRecordOf(
    visitRef,
    next,
    history.length + events.length,
    events.at(-1)?.index ?? history.at(-1)?.index ?? -1,
  )!;
  await tx.upsertVisit(visit);
  // The DCSA view of the events (issue 16), in this transaction: what partners read and the outbox delivers.
  const partnerEvents = partnerEventRowsOf({
    visitRef,
    history,
    events,
    view: visit.view as unknown as VisitView,
    locationOf: terminalLocations(terminals),
  });
  if (partnerEvents.length > 0) await tx.partnerEvents.add(partnerEvents);
  return { visit, events };
}

/**
 * Stamps the time; for a gate-out, puts in the verdict the log holds for the named attempt (issue 10, row A), so
 * the decider judges what the gate recorded, not what a caller claims.
 */
async function toCommand(tx: LedgerReads, input: VisitCommandInput, at: string): Promise<VisitCommand> {
  if (input.type !== 'GateOutContainer') return { ...input, at } as VisitCommand;
  const { gateAttemptId, ...rest } = input;
  const [recorded] =
    typeof gateAttemptId === 'string' && gateAttemptId !== ''
      ? await tx.readStream(gateAttemptStreamId(gateAttemptId))
      : [];
  const verdict: GateVerdictRecord | undefined = recorded && {
    attemptId: gateAttemptId,
    visitRef: String(recorded.data.visitRef ?? ''),
    accepted: recorded.type === 'GateAttemptAccepted',
    index: recorded.index,
    recordedAt: recorded.recordedAt,
  };
  return { ...rest, at, verdict } as VisitCommand;
}

/** Announces a visit (pre-advice) under a fresh, unguessable visit reference. */
export async function announceVisit(
  ledger: Ledger,
  terminals: TerminalLayouts,
  input: Omit<VisitCommandInput & { type: 'AnnounceVisit' }, 'type' | 'visitRef'>,
): Promise<VisitCommandResult> {
  const visitRef = newVisitReference(ledger.ids.randomBytes(13));
  return ledger.write((context) =>
    executeVisitCommand(context, terminals, visitRef, {
      ...input,
      type: 'AnnounceVisit',
      visitRef,
    } as VisitCommandInput & Omit<AnnounceVisit, 'at'>),
  );
}

/** Runs one command on an existing visit in its own transaction. */
export async function runVisitCommand(
  ledger: Ledger,
  terminals: TerminalLayouts,
  visitRef: string,
  input: VisitCommandInput,
): Promise<VisitCommandResult> {
  const existing = await ledger.store.getVisit(visitRef);
  if (!existing) throw new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });
  return ledger.write((context) => executeVisitCommand(context, terminals, visitRef, input));
}

export async function getVisit(reads: LedgerReads, visitRef: string): Promise<VisitRecord> {
  const visit = await reads.getVisit(visitRef);
  if (!visit) throw new AppError('visit.not_found', `no visit ${visitRef}`, { visitRef });
  return visit;
}
