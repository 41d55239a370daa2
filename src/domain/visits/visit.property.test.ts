import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import { DomainError } from '../errors.js';
import type { VisitCommand } from './visit.commands.js';
import type { VisitEvent } from './visit.events.js';
import { effectiveEvents, initialState, slotOf, type VisitState, visitDecider, visitView } from './visit.js';
import { newVisitReference } from './visit-reference.js';

const visitRef = newVisitReference(new Uint8Array(13).fill(0x42));
const at = (step: number): string => new Date(Date.UTC(2025, 2, 1, 6, 0, step)).toISOString();

/** A command whose details depend on the state it meets (the slot the box stands at, its length). */
type Op = (state: VisitState, step: number) => VisitCommand;

const place = fc.record({
  bay: fc.integer({ min: 1, max: 3 }),
  row: fc.integer({ min: 1, max: 2 }),
  tier: fc.integer({ min: 1, max: 2 }),
  parityRight: fc.constantFrom(true, true, true, false),
});
const slotFor = (state: VisitState, p: { bay: number; row: number; tier: number; parityRight: boolean }) => {
  const twenty = state.visit?.lengthFt === 20;
  const odd = 2 * p.bay - 1;
  return {
    terminal: 'T1',
    block: 'A',
    bay: twenty === p.parityRight ? odd : odd + 1,
    row: p.row,
    tier: p.tier,
  };
};

const announce: fc.Arbitrary<Op> = fc
  .record({ truck: fc.boolean(), sizeType: fc.constantFrom('22G1', '42G1', 'L5G1') })
  .map(
    ({ truck, sizeType }): Op =>
      (_, step) => ({
        type: 'AnnounceVisit',
        at: at(step),
        visitRef,
        containerNumber: 'CSQU3054383',
        line: 'MAEU',
        sizeType,
        fullEmpty: 'full',
        arrival: truck ? { mode: 'truck' } : { mode: 'vessel', vesselCall: 'V1' },
      }),
  );

const discharge = fc.record({ call: fc.constantFrom('V1', 'V1', 'V1', 'V2'), p: place }).map(
  ({ call, p }): Op =>
    (state, step) => ({
      type: 'DischargeContainer',
      at: at(step),
      vesselCall: call,
      slot: slotFor(state, p),
      equipment: 'STS-1',
    }),
);
const gateIn = place.map(
  (p): Op =>
    (state, step) => ({ type: 'GateInContainer', at: at(step), slot: slotFor(state, p) }),
);
const move = fc.record({ fromHere: fc.constantFrom(true, true, true, false), p: place }).map(
  ({ fromHere, p }): Op =>
    (state, step) => ({
      type: 'MoveContainer',
      at: at(step),
      from: (fromHere && slotOf(state)) || slotFor(state, { ...p, tier: 1 }),
      to: slotFor(state, p),
      equipment: 'RTG-2',
      operator: 'op-9',
    }),
);
const holdKind = fc.constantFrom<'customs' | 'line' | 'terminal' | 'police'>(
  'customs',
  'line',
  'terminal',
  'police',
);
const placeHold = fc.record({ holdId: fc.constantFrom('H1', 'H2'), kind: holdKind }).map(
  ({ holdId, kind }): Op =>
    (_, step) => ({
      type: 'PlaceHold',
      at: at(step),
      holdId,
      kind,
      reason: 'check',
      reference: `R-${holdId}`,
      by: 'u-officer',
    }),
);
const liftHold = fc.constantFrom('H1', 'H2').map(
  (holdId): Op =>
    (_, step) => ({ type: 'LiftHold', at: at(step), holdId, reason: 'cleared', by: 'u-officer' }),
);
// The gate's accepted verdict, recorded in the same transaction: the one way a box leaves by truck.
const gateOut = fc.constant<Op>((_, step) => ({
  type: 'GateOutContainer',
  at: at(step),
  truckPlate: '1-ABC-123',
  verdict: { attemptId: `A-${step}`, visitRef, accepted: true, index: step, recordedAt: at(step) },
}));
const load = fc.constant<Op>((_, step) => ({ type: 'LoadContainer', at: at(step), vesselCall: 'V9' }));
const voidEvent = fc.integer({ min: 1, max: 12 }).map(
  (voidedVersion): Op =>
    (_, step) => ({
      type: 'VoidEvent',
      at: at(step),
      voidedVersion,
      reason: 'wrong entry',
      approvedBy: 'sup-1',
    }),
);

// Weighted so that most commands meet a state where they may be accepted: the box arrives, moves, is held and
// released, leaves, and corrections void any of it.
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: announce, weight: 1 },
  { arbitrary: discharge, weight: 3 },
  { arbitrary: gateIn, weight: 3 },
  { arbitrary: move, weight: 8 },
  { arbitrary: placeHold, weight: 2 },
  { arbitrary: liftHold, weight: 4 },
  { arbitrary: gateOut, weight: 2 },
  { arbitrary: load, weight: 2 },
  { arbitrary: voidEvent, weight: 5 },
);

describe('visit decider, property', () => {
  it('a random history folds to the same state incrementally, from scratch, and from its effective events', () => {
    const accepted = new Map<string, number>();
    fc.assert(
      fc.property(announce, fc.array(op, { minLength: 5, maxLength: 30 }), (first, rest) => {
        const ops = [first, ...rest];
        let state = initialState();
        const events: VisitEvent[] = [];
        ops.forEach((makeCommand, step) => {
          let decided: VisitEvent[];
          try {
            decided = visitDecider.decide(makeCommand(state, step), state);
          } catch (error) {
            if (error instanceof DomainError) return;
            throw error;
          }
          for (const event of decided) {
            accepted.set(event.type, (accepted.get(event.type) ?? 0) + 1);
            expect(JSON.parse(JSON.stringify(event)), 'events are plain JSON').toStrictEqual(event);
            events.push(event);
            state = visitDecider.evolve(state, event);
          }
          expect(foldEvents(visitDecider, events)).toEqual(state);
        });

        const fromEffective = foldEvents(
          visitDecider,
          effectiveEvents(state).map(({ event }) => event),
        ).visit;
        if (state.visit?.status === 'cancelled') expect(fromEffective).toBeNull();
        else expect(fromEffective).toEqual(state.visit);

        if (state.visit) {
          const view = visitView(state);
          expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
          expect(view.slot !== null).toBe(view.status === 'in_yard');
        }
      }),
      { numRuns: 500 },
    );
    // The property only says something if every kind of event, voids included, happens often enough.
    for (const type of [
      'VisitAnnounced',
      'ContainerDischarged',
      'ContainerGatedIn',
      'ContainerMoved',
      'HoldPlaced',
      'HoldLifted',
      'ContainerGatedOut',
      'ContainerLoaded',
      'EventVoided',
    ]) {
      expect(accepted.get(type) ?? 0, type).toBeGreaterThan(20);
    }
  });
});
