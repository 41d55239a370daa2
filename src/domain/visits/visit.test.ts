import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import type { JsonObject } from '../json.js';
import { deciderSpec } from '../testing/decider-spec.js';
import type { AnnounceVisit, VisitCommand } from './visit.commands.js';
import type {
  ContainerDischarged,
  ContainerGatedIn,
  ContainerGatedOut,
  ContainerLoaded,
  ContainerMoved,
  EventVoided,
  HoldLifted,
  HoldPlaced,
  VisitAnnounced,
  VisitEvent,
} from './visit.events.js';
import {
  dcsaEquipmentEventCode,
  effectiveEvents,
  initialState,
  isActive,
  slotOf,
  visitCells,
  visitDecider,
  visitView,
  yardChangeBetween,
} from './visit.js';
import { newVisitReference } from './visit-reference.js';

const spec = deciderSpec(visitDecider);
const at = (minute: number): string => new Date(Date.UTC(2025, 2, 1, 8, minute)).toISOString();
const visitRef = newVisitReference(new Uint8Array(13).fill(0xa5));
const slot = (bay: number, row = 2, tier = 1) => ({ terminal: 'DPW1', block: 'A', bay, row, tier });

// A 40-ft box off the vessel call MAEU-W09.
const announce: AnnounceVisit = {
  type: 'AnnounceVisit',
  at: at(0),
  visitRef,
  containerNumber: 'CSQU3054383',
  line: 'MAEU',
  sizeType: '42G1',
  fullEmpty: 'full',
  arrival: { mode: 'vessel', vesselCall: 'MAEU-W09' },
};
const announced: VisitAnnounced = {
  type: 'VisitAnnounced',
  visitRef,
  containerNumber: 'CSQU3054383',
  line: 'MAEU',
  sizeType: '42G1',
  fullEmpty: 'full',
  arrival: { mode: 'vessel', vesselCall: 'MAEU-W09' },
  at: at(0),
};
const discharged: ContainerDischarged = {
  type: 'ContainerDischarged',
  visitRef,
  vesselCall: 'MAEU-W09',
  slot: slot(4),
  equipment: 'STS-03',
  operator: 'op-17',
  at: at(10),
};
const moved: ContainerMoved = {
  type: 'ContainerMoved',
  visitRef,
  from: slot(4),
  to: slot(8, 3, 2),
  equipment: 'RTG-07',
  operator: 'op-22',
  at: at(20),
};
const movedBack: ContainerMoved = { ...moved, from: slot(8, 3, 2), to: slot(12), at: at(25) };
const customsHold: HoldPlaced = {
  type: 'HoldPlaced',
  visitRef,
  holdId: 'CUS-1',
  kind: 'customs',
  reason: 'selected for scan',
  reference: 'MRN 25BE000000001234',
  placedBy: 'u-cus-1',
  at: at(30),
};
const customsLifted: HoldLifted = {
  type: 'HoldLifted',
  visitRef,
  holdId: 'CUS-1',
  kind: 'customs',
  reason: 'scan clear',
  liftedBy: 'u-cus-1',
  approvalId: null,
  approvedBy: null,
  at: at(40),
};
const gatedOut: ContainerGatedOut = {
  type: 'ContainerGatedOut',
  visitRef,
  from: slot(8, 3, 2),
  truckPlate: '1-ABC-123',
  gateAttemptId: 'A-1',
  verdictIndex: 99,
  at: at(50),
};
const loaded: ContainerLoaded = {
  type: 'ContainerLoaded',
  visitRef,
  from: slot(8, 3, 2),
  vesselCall: 'MSC-E12',
  at: at(50),
};
const voided = (voidedVersion: number, voidedType: EventVoided['voidedType'], minute = 59): EventVoided => ({
  type: 'EventVoided',
  visitRef,
  voidedVersion,
  voidedType,
  reason: 'recorded on the wrong visit',
  requestedBy: 'clerk-1',
  approvedBy: 'supervisor-2',
  at: at(minute),
});

// A 20-ft empty arriving by truck.
const truckRef = newVisitReference(new Uint8Array(13).fill(0x3c));
const announcedByTruck: VisitAnnounced = {
  ...announced,
  visitRef: truckRef,
  containerNumber: 'CBHU1234561',
  sizeType: '22G1',
  fullEmpty: 'empty',
  arrival: { mode: 'truck' },
};
const gatedIn: ContainerGatedIn = {
  type: 'ContainerGatedIn',
  visitRef: truckRef,
  slot: slot(3),
  truckPlate: '2-XYZ-987',
  equipment: null,
  operator: null,
  at: at(5),
};

const discharge = {
  type: 'DischargeContainer',
  at: at(10),
  vesselCall: 'MAEU-W09',
  slot: slot(4),
  equipment: 'STS-03',
  operator: 'op-17',
} satisfies VisitCommand;
const move = {
  type: 'MoveContainer',
  at: at(20),
  from: slot(4),
  to: slot(8, 3, 2),
  equipment: 'RTG-07',
  operator: 'op-22',
} satisfies VisitCommand;
const placeHold = {
  type: 'PlaceHold',
  at: at(30),
  holdId: 'CUS-1',
  kind: 'customs',
  reason: 'selected for scan',
  reference: 'MRN 25BE000000001234',
  by: 'u-cus-1',
} satisfies VisitCommand;
const liftHold = {
  type: 'LiftHold',
  at: at(40),
  holdId: 'CUS-1',
  reason: 'scan clear',
  by: 'u-cus-1',
} satisfies VisitCommand;
/** The gate's accepted verdict for this visit, recorded in the same transaction as the gate-out (issue 10). */
const acceptedAtGate = { attemptId: 'A-1', visitRef, accepted: true, index: 99, recordedAt: at(50) };
const gateOut = {
  type: 'GateOutContainer',
  at: at(50),
  truckPlate: '1-ABC-123',
  verdict: acceptedAtGate,
} satisfies VisitCommand;
const load = { type: 'LoadContainer', at: at(50), vesselCall: 'MSC-E12' } satisfies VisitCommand;
const voidVersion = (voidedVersion: number) =>
  ({
    type: 'VoidEvent',
    at: at(59),
    voidedVersion,
    reason: 'recorded on the wrong visit',
    requestedBy: 'clerk-1',
    approvedBy: 'supervisor-2',
  }) satisfies VisitCommand;

describe('announcing a visit (pre-advice)', () => {
  it('records the normalised announcement', () => {
    const state = spec
      .given([])
      .when({
        ...announce,
        containerNumber: 'csqu 305438-3',
        line: ' maeu',
        sizeType: '42g1',
        visitRef: visitRef.toLowerCase(),
      })
      .then([announced]);
    expect(state.visit?.status).toBe('announced');
    expect(isActive(state)).toBe(true);
  });

  it('records the bill of lading and carrier booking the line names, under their DCSA names (issue 14)', () => {
    const state = spec
      .given([])
      .when({ ...announce, transportDocumentReference: ' MAEUB1234567 ', carrierBookingReference: 'BKG-778' })
      .then([
        { ...announced, transportDocumentReference: 'MAEUB1234567', carrierBookingReference: 'BKG-778' },
      ]);
    expect(visitView(state)).toMatchObject({
      transportDocumentReference: 'MAEUB1234567',
      carrierBookingReference: 'BKG-778',
    });
  });

  it('leaves the documents out of the event and the view when the line names none, as before they existed', () => {
    const state = spec.given([]).when(announce).then([announced]);
    expect(Object.keys(state.events[0]!)).not.toContain('transportDocumentReference');
    expect(Object.keys(visitView(state))).not.toContain('transportDocumentReference');
    expect(Object.keys(visitView(state))).not.toContain('carrierBookingReference');
  });

  it('refuses a bill of lading longer than DCSA allows (20) and a booking longer than 35', () => {
    spec
      .given([])
      .when({ ...announce, transportDocumentReference: 'B'.repeat(21) })
      .thenFails('visit.command_invalid');
    spec
      .given([])
      .when({ ...announce, carrierBookingReference: 'K'.repeat(36) })
      .thenFails('visit.command_invalid');
    spec
      .given([])
      .when({ ...announce, carrierBookingReference: '  ' })
      .thenFails('visit.command_invalid');
  });

  it('normalises the instant to UTC with milliseconds', () => {
    spec
      .given([])
      .when({ ...announce, at: '2025-03-01T09:00:00+01:00' })
      .then([announced]);
  });

  it('refuses a second announcement on the same stream', () => {
    spec.given([announced]).when(announce).thenFails('visit.already_exists');
  });

  it.each([
    ['CSQU3054384', 'container.check_digit', { expected: 3 }],
    ['CSQU30543', 'container.malformed', {}],
  ] as const)('refuses container number %s with %s', (containerNumber, code, details) => {
    spec
      .given([])
      .when({ ...announce, containerNumber })
      .thenFails(code, details);
  });

  it('refuses a malformed size type and a length the yard does not handle', () => {
    spec
      .given([])
      .when({ ...announce, sizeType: '4XG1' })
      .thenFails('container.size_type');
    spec
      .given([])
      .when({ ...announce, sizeType: '12G1' })
      .thenFails('container.size_type_unsupported');
  });

  it('refuses a visit reference with a wrong check symbol', () => {
    spec
      .given([])
      .when({ ...announce, visitRef: `${visitRef.slice(0, -1)}${visitRef.endsWith('0') ? '1' : '0'}` })
      .thenFails('visit.reference_invalid');
  });

  it.each([
    ['at', { at: '1 March 2025' }],
    ['at', { at: '2025-03-01T08:00:00' }],
    ['fullEmpty', { fullEmpty: 'half' }],
    ['arrival', { arrival: { mode: 'rail' } }],
    ['arrival.vesselCall', { arrival: { mode: 'vessel', vesselCall: ' ' } }],
    ['line', { line: 'M' }],
  ])('refuses a command with a bad %s (visit.command_invalid)', (field, patch) => {
    spec
      .given([])
      .when({ ...announce, ...patch } as VisitCommand)
      .thenFails('visit.command_invalid', { field });
  });
});

describe('arrival', () => {
  it('discharges a vessel arrival into the yard (DISC)', () => {
    const state = spec.given([announced]).when(discharge).then([discharged]);
    expect(slotOf(state)).toEqual(slot(4));
    expect(visitCells(state)).toEqual([slot(3), slot(5)]);
    expect(dcsaEquipmentEventCode(discharged)).toBe('DISC');
  });

  it('gates a truck arrival into the yard (GTIN)', () => {
    const state = spec
      .given([announcedByTruck])
      .when({ type: 'GateInContainer', at: at(5), slot: slot(3), truckPlate: '2-XYZ-987' })
      .then([gatedIn]);
    expect(state.visit?.status).toBe('in_yard');
    expect(dcsaEquipmentEventCode(gatedIn)).toBe('GTIN');
  });

  it('refuses an arrival that is not the announced mode', () => {
    spec
      .given([announced])
      .when({ type: 'GateInContainer', at: at(5), slot: slot(4) })
      .thenFails('visit.wrong_arrival_mode', { announced: 'vessel', attempted: 'truck' });
    spec
      .given([announcedByTruck])
      .when({ ...discharge, slot: slot(3) })
      .thenFails('visit.wrong_arrival_mode');
  });

  it('refuses a discharge from another vessel call', () => {
    spec
      .given([announced])
      .when({ ...discharge, vesselCall: 'MAEU-W10' })
      .thenFails('visit.vessel_call_mismatch', { announced: 'MAEU-W09', attempted: 'MAEU-W10' });
  });

  it('refuses a second arrival', () => {
    spec.given([announced, discharged]).when(discharge).thenFails('visit.already_in_yard');
    spec
      .given([announcedByTruck, gatedIn])
      .when({ type: 'GateInContainer', at: at(6), slot: slot(3) })
      .thenFails('visit.already_in_yard');
  });

  it('refuses an arrival on a stream that was never announced', () => {
    spec.given([]).when(discharge).thenFails('visit.not_found');
  });

  it('checks bay parity against the size type', () => {
    spec
      .given([announced])
      .when({ ...discharge, slot: slot(3) })
      .thenFails('yard.bay_parity', { lengthFt: 40 });
    spec
      .given([announcedByTruck])
      .when({ type: 'GateInContainer', at: at(5), slot: slot(4) })
      .thenFails('yard.bay_parity', { lengthFt: 20 });
  });

  it('refuses a malformed slot', () => {
    spec
      .given([announced])
      .when({ ...discharge, slot: { ...slot(4), tier: 0 } })
      .thenFails('yard.slot_malformed');
  });
});

describe('yard moves', () => {
  it('records from, to, equipment and operator', () => {
    const state = spec.given([announced, discharged]).when(move).then([moved]);
    expect(slotOf(state)).toEqual(slot(8, 3, 2));
    expect(dcsaEquipmentEventCode(moved)).toBeUndefined();
  });

  it('refuses a move whose from is not where the box stands', () => {
    spec
      .given([announced, discharged])
      .when({ ...move, from: slot(6) })
      .thenFails('yard.from_mismatch', { recorded: slot(4), claimed: slot(6) });
  });

  it('refuses a move to the same slot', () => {
    spec
      .given([announced, discharged])
      .when({ ...move, to: slot(4) })
      .thenFails('yard.same_slot');
  });

  it('refuses a 40-ft box to an odd bay', () => {
    spec
      .given([announced, discharged])
      .when({ ...move, to: slot(7) })
      .thenFails('yard.bay_parity');
  });

  it('refuses a move before arrival and after departure', () => {
    spec.given([announced]).when(move).thenFails('visit.not_in_yard');
    spec
      .given([announced, discharged, moved, gatedOut])
      .when({ ...move, from: slot(8, 3, 2), to: slot(4) })
      .thenFails('visit.already_gated_out');
    spec
      .given([announced, discharged, moved, loaded])
      .when({ ...move, from: slot(8, 3, 2), to: slot(4) })
      .thenFails('visit.already_loaded');
  });

  it('needs equipment and operator', () => {
    spec
      .given([announced, discharged])
      .when({ ...move, operator: '' })
      .thenFails('visit.command_invalid', { field: 'operator' });
  });
});

describe('position corrections (two people, no physical move)', () => {
  const correct: VisitCommand = {
    type: 'CorrectPosition',
    at: at(30),
    from: slot(4),
    to: slot(10, 1, 1),
    reason: 'yard scan found the box in A/10/1/1',
    approvalId: 'req-1',
    requestedBy: 'planner-1',
    approvedBy: 'supervisor-1',
  };

  it('records the correction with its request, requester and approver', () => {
    const state = spec
      .given([announced, discharged])
      .when(correct)
      .then([
        {
          type: 'ContainerPositionCorrected',
          visitRef,
          from: slot(4),
          to: slot(10, 1, 1),
          reason: 'yard scan found the box in A/10/1/1',
          approvalId: 'req-1',
          requestedBy: 'planner-1',
          approvedBy: 'supervisor-1',
          at: at(30),
        },
      ]);
    expect(slotOf(state)).toEqual(slot(10, 1, 1));
  });

  it('refuses one person approving their own correction', () => {
    spec
      .given([announced, discharged])
      .when({ ...correct, approvedBy: 'planner-1' })
      .thenFails('visit.correction_needs_two');
  });

  it('refuses a correction from a slot the box is not recorded at, or before arrival', () => {
    spec
      .given([announced, discharged])
      .when({ ...correct, from: slot(6) })
      .thenFails('yard.from_mismatch');
    spec.given([announced]).when(correct).thenFails('visit.not_in_yard');
  });
});

describe('holds', () => {
  it('places and lifts a hold', () => {
    const onHold = spec.given([announced, discharged]).when(placeHold).then([customsHold]);
    expect(visitView(onHold).holds).toEqual([
      {
        holdId: 'CUS-1',
        kind: 'customs',
        reason: 'selected for scan',
        reference: 'MRN 25BE000000001234',
        placedAt: at(30),
      },
    ]);
    const lifted = spec.given([announced, discharged, customsHold]).when(liftHold).then([customsLifted]);
    expect(visitView(lifted).onHold).toBe(false);
  });

  it('may hold a box before it arrives', () => {
    spec.given([announced]).when(placeHold).then([customsHold]);
  });

  it('refuses a hold id already in force, and lifting one not in force', () => {
    spec.given([announced, customsHold]).when(placeHold).thenFails('hold.already_active');
    spec.given([announced]).when(liftHold).thenFails('hold.not_found');
    spec.given([announced, customsHold, customsLifted]).when(liftHold).thenFails('hold.not_found');
  });

  it('refuses an unknown hold kind', () => {
    spec
      .given([announced])
      .when({ ...placeHold, kind: 'mafia' } as unknown as VisitCommand)
      .thenFails('visit.command_invalid', { field: 'kind' });
  });

  it('refuses holds on a visit that has ended', () => {
    spec.given([announced, discharged, moved, gatedOut]).when(placeHold).thenFails('visit.ended');
    spec.given([announced, discharged, moved, loaded]).when(liftHold).thenFails('visit.ended');
  });

  it.each([
    ['gate-out', gateOut],
    ['load', load],
  ])('any active hold blocks %s (visit.on_hold)', (_, command) => {
    spec
      .given([announced, discharged, moved, customsHold])
      .when(command)
      .thenFails('visit.on_hold', { holds: [{ holdId: 'CUS-1', kind: 'customs' }] });
    const police: HoldPlaced = { ...customsHold, holdId: 'POL-7', kind: 'police' };
    spec
      .given([announced, discharged, moved, customsHold, police, customsLifted])
      .when(command)
      .thenFails('visit.on_hold', { holds: [{ holdId: 'POL-7', kind: 'police' }] });
  });
});

describe('departure', () => {
  it('gates the box out (GTOT) from where it stands', () => {
    const state = spec
      .given([announced, discharged, moved, customsHold, customsLifted])
      .when(gateOut)
      .then([gatedOut]);
    expect(state.visit).toMatchObject({ status: 'gated_out', slot: null, departedAt: at(50) });
    expect(isActive(state)).toBe(false);
    expect(dcsaEquipmentEventCode(gatedOut)).toBe('GTOT');
  });

  it('loads the box onto a vessel (LOAD)', () => {
    const state = spec.given([announced, discharged, moved]).when(load).then([loaded]);
    expect(state.visit).toMatchObject({
      status: 'loaded',
      departure: { mode: 'vessel', vesselCall: 'MSC-E12' },
    });
    expect(dcsaEquipmentEventCode(loaded)).toBe('LOAD');
  });

  it('refuses departure before arrival', () => {
    spec.given([announced]).when(gateOut).thenFails('visit.not_in_yard');
    spec.given([announced]).when(load).thenFails('visit.not_in_yard');
    spec.given([]).when(gateOut).thenFails('visit.not_found');
  });

  it('refuses a second departure', () => {
    spec.given([announced, discharged, moved, gatedOut]).when(gateOut).thenFails('visit.already_gated_out');
    spec.given([announced, discharged, moved, gatedOut]).when(load).thenFails('visit.already_gated_out');
    spec.given([announced, discharged, moved, loaded]).when(gateOut).thenFails('visit.already_loaded');
    spec.given([announced, discharged, moved, loaded]).when(discharge).thenFails('visit.already_loaded');
  });

  it('gate-out records an absent truck plate as null', () => {
    spec
      .given([announced, discharged])
      .when({ type: 'GateOutContainer', at: at(50), verdict: acceptedAtGate })
      .then([{ ...gatedOut, from: slot(4), truckPlate: null }]);
  });
});

describe('only the gate lets a box out (issue 10, row A)', () => {
  const inYard = [announced, discharged, moved];
  const needsVerdict = 'visit.gate_out_needs_verdict';

  it('refuses a gate-out that carries no gate verdict, as a bare route or a stolen kiosk token would send', () => {
    spec
      .given(inYard)
      .when({ type: 'GateOutContainer', at: at(50), truckPlate: '1-GNG-666' } as unknown as VisitCommand)
      .thenFails(needsVerdict);
  });

  it('refuses a verdict the gate refused', () => {
    spec
      .given(inYard)
      .when({ ...gateOut, verdict: { ...acceptedAtGate, accepted: false } })
      .thenFails(needsVerdict, { attemptId: 'A-1' });
  });

  it('refuses a verdict given for another visit', () => {
    const other = newVisitReference(new Uint8Array(13).fill(0x11));
    spec
      .given(inYard)
      .when({ ...gateOut, verdict: { ...acceptedAtGate, visitRef: other } })
      .thenFails(needsVerdict, { attemptId: 'A-1' });
  });

  it('refuses a verdict recorded in another transaction', () => {
    spec
      .given(inYard)
      .when({ ...gateOut, verdict: { ...acceptedAtGate, recordedAt: at(49) } })
      .thenFails(needsVerdict, { attemptId: 'A-1' });
  });

  it('refuses a verdict that already let the box out once, even after that gate-out was voided', () => {
    const state = foldEvents(visitDecider, [...inYard, gatedOut]);
    const afterVoid = visitDecider.decide(voidVersion(4), state).reduce(visitDecider.evolve, state);
    expect(afterVoid.visit?.status).toBe('in_yard');
    expect(() =>
      visitDecider.decide(
        { ...gateOut, at: at(59), verdict: { ...acceptedAtGate, recordedAt: at(59) } },
        afterVoid,
      ),
    ).toThrow(expect.objectContaining({ code: needsVerdict }));
  });

  it("records which attempt let the box out, and that verdict's audit index", () => {
    spec.given(inYard).when(gateOut).then([gatedOut]);
  });
});

describe('corrections: voiding an event', () => {
  it('voids the last move: the box is back where it was, and the move stays in the log', () => {
    const state = spec
      .given([announced, discharged, moved])
      .when(voidVersion(3))
      .then([voided(3, 'ContainerMoved')]);
    expect(slotOf(state)).toEqual(slot(4));
    expect(state.events).toHaveLength(4);
    expect(state.voided).toEqual([3]);
    expect(effectiveEvents(state).map((e) => e.version)).toEqual([1, 2]);
  });

  it('voids a gate-out recorded by mistake: the box is in the yard again', () => {
    const state = spec
      .given([announced, discharged, moved, gatedOut])
      .when(voidVersion(4))
      .then([voided(4, 'ContainerGatedOut')]);
    expect(state.visit).toMatchObject({ status: 'in_yard', slot: slot(8, 3, 2), departedAt: null });
  });

  it('voids a hold lift: the hold is in force again', () => {
    const state = spec
      .given([announced, customsHold, customsLifted])
      .when(voidVersion(3))
      .then([voided(3, 'HoldLifted')]);
    expect(visitView(state).onHold).toBe(true);
  });

  it('voids the announcement when nothing else counts: the visit is cancelled', () => {
    const state = spec
      .given([announced])
      .when(voidVersion(1))
      .then([voided(1, 'VisitAnnounced')]);
    expect(state.visit).toMatchObject({
      status: 'cancelled',
      containerNumber: 'CSQU3054383',
      cancelledAt: at(59),
    });
    expect(isActive(state)).toBe(false);
    spec
      .given([announced, customsHold, customsLifted, voided(2, 'HoldPlaced'), voided(3, 'HoldLifted')])
      .when(voidVersion(1))
      .then([voided(1, 'VisitAnnounced')]);
  });

  it('a cancelled visit takes no more commands', () => {
    const cancelled = [announced, voided(1, 'VisitAnnounced')];
    spec.given(cancelled).when(discharge).thenFails('visit.ended');
    spec.given(cancelled).when(placeHold).thenFails('visit.ended');
    spec.given(cancelled).when(voidVersion(2)).thenFails('visit.ended');
    spec.given(cancelled).when(announce).thenFails('visit.already_exists');
  });

  it.each([
    [0, 'before the stream'],
    [4, 'past the stream'],
    [1.5, 'not a version'],
  ])('refuses to void version %s (%s)', (version) => {
    spec
      .given([announced, discharged, moved])
      .when(voidVersion(version))
      .thenFails('visit.void_target_invalid');
  });

  it('refuses to void a void, or to void twice', () => {
    const history = [announced, discharged, moved, voided(3, 'ContainerMoved')];
    spec.given(history).when(voidVersion(4)).thenFails('visit.void_target_invalid');
    spec.given(history).when(voidVersion(3)).thenFails('visit.void_target_invalid');
  });

  it('refuses a void on an empty stream', () => {
    spec.given([]).when(voidVersion(1)).thenFails('visit.not_found');
  });

  it.each([
    ['the announcement, while the box is in the yard', [announced, discharged], 1, 'visit.not_found'],
    ['the discharge, when a move followed', [announced, discharged, moved], 2, 'visit.not_in_yard'],
    [
      'a move, when a later move started from its target',
      [announced, discharged, moved, movedBack],
      3,
      'yard.from_mismatch',
    ],
    [
      'a move, when the gate-out left from its target',
      [announced, discharged, moved, gatedOut],
      3,
      'yard.from_mismatch',
    ],
    ['a hold, when it was lifted later', [announced, customsHold, customsLifted], 2, 'hold.not_found'],
    [
      'a hold lift, when the box then left',
      [announced, discharged, moved, customsHold, customsLifted, gatedOut],
      5,
      'visit.on_hold',
    ],
  ] as const)('refuses to void %s (visit.void_breaks_history)', (_, history, version, cause) => {
    spec
      .given([...history])
      .when(voidVersion(version))
      .thenFails('visit.void_breaks_history', { voidedVersion: version, cause: { code: cause } });
  });

  it('events after a void apply to the corrected state', () => {
    const history = [announced, discharged, moved, voided(3, 'ContainerMoved')];
    spec
      .given(history)
      .when({ ...move, at: at(60), to: slot(6) })
      .then([{ ...moved, to: slot(6), at: at(60) }]);
    spec
      .given(history)
      .when({ ...move, from: slot(8, 3, 2) })
      .thenFails('yard.from_mismatch');
  });

  it('needs a reason', () => {
    spec
      .given([announced])
      .when({ ...voidVersion(1), reason: '' })
      .thenFails('visit.command_invalid', { field: 'reason' });
  });
});

describe('views', () => {
  it('shows the visit as plain JSON for the read model', () => {
    const state = foldEvents(visitDecider, [announced, discharged, moved, customsHold]);
    const view: JsonObject = visitView(state);
    expect(view).toEqual({
      visitRef,
      containerNumber: 'CSQU3054383',
      status: 'in_yard',
      line: 'MAEU',
      sizeType: '42G1',
      lengthFt: 40,
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'MAEU-W09' },
      slot: slot(8, 3, 2),
      slotText: 'DPW1/A/08/03/2',
      holds: [
        {
          holdId: 'CUS-1',
          kind: 'customs',
          reason: 'selected for scan',
          reference: 'MRN 25BE000000001234',
          placedAt: at(30),
        },
      ],
      onHold: true,
      frozen: null,
      departure: null,
      announcedAt: at(0),
      arrivedAt: at(10),
      lastMovedAt: at(20),
      departedAt: null,
      cancelledAt: null,
      version: 4,
      voidedVersions: [],
    });
    expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
  });

  it('has no view of an empty stream', () => {
    expect(() => visitView(initialState())).toThrow(expect.objectContaining({ code: 'visit.not_found' }));
  });

  it('says how the yard changed between two states', () => {
    const before = foldEvents(visitDecider, [announced, discharged]);
    const after = visitDecider.evolve(before, moved);
    expect(yardChangeBetween(before, after)).toEqual({
      visitRef,
      from: [slot(3), slot(5)],
      to: [slot(7, 3, 2), slot(9, 3, 2)],
    });
    expect(yardChangeBetween(after, visitDecider.evolve(after, gatedOut))).toEqual({
      visitRef,
      from: [slot(7, 3, 2), slot(9, 3, 2)],
      to: [],
    });
    expect(yardChangeBetween(after, visitDecider.evolve(after, customsHold))).toBeUndefined();
    expect(yardChangeBetween(initialState(), foldEvents(visitDecider, [announced]))).toBeUndefined();
  });

  it('types every event as plain JSON', () => {
    const asJson = (event: VisitEvent): JsonObject => event;
    expect(asJson(announced)).toBe(announced);
  });
});
