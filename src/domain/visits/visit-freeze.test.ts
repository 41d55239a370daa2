import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import { deciderSpec } from '../testing/decider-spec.js';
import type { FreezeVisit, UnfreezeVisit } from './visit.commands.js';
import type {
  ContainerDischarged,
  VisitAnnounced,
  VisitEvent,
  VisitFrozen,
  VisitUnfrozen,
} from './visit.events.js';
import { visitDecider, visitView } from './visit.js';
import { newVisitReference } from './visit-reference.js';

const spec = deciderSpec(visitDecider);
const at = (minute: number): string => new Date(Date.UTC(2025, 2, 1, 8, minute)).toISOString();
const visitRef = newVisitReference(new Uint8Array(13).fill(0x5a));
const slot = { terminal: 'DPW1', block: 'A', bay: 3, row: 2, tier: 1 };

const announced: VisitAnnounced = {
  type: 'VisitAnnounced',
  visitRef,
  containerNumber: 'CSQU3054383',
  line: 'MAEU',
  sizeType: '22G1',
  fullEmpty: 'full',
  arrival: { mode: 'vessel', vesselCall: 'MAEU-W09' },
  at: at(0),
};
const discharged: ContainerDischarged = {
  type: 'ContainerDischarged',
  visitRef,
  vesselCall: 'MAEU-W09',
  slot,
  equipment: 'STS-03',
  operator: 'op-17',
  at: at(10),
};
const freeze: FreezeVisit = {
  type: 'FreezeVisit',
  at: at(20),
  reason: 'driver was not the nominated one',
  by: 'sup-anna',
  alertId: '812',
};
const frozen: VisitFrozen = {
  type: 'VisitFrozen',
  visitRef,
  reason: 'driver was not the nominated one',
  alertId: '812',
  by: 'sup-anna',
  at: at(20),
};
const unfreeze: UnfreezeVisit = {
  type: 'UnfreezeVisit',
  at: at(40),
  reason: 'police cleared the box',
  approvalId: 'q-1',
  requestedBy: 'sup-anna',
  approvedBy: 'sup-bart',
};
const unfrozen: VisitUnfrozen = {
  type: 'VisitUnfrozen',
  visitRef,
  reason: 'police cleared the box',
  approvalId: 'q-1',
  requestedBy: 'sup-anna',
  approvedBy: 'sup-bart',
  frozenBy: 'sup-anna',
  frozenAt: at(20),
  at: at(40),
};
const inYard: VisitEvent[] = [announced, discharged];

describe('freezing a visit', () => {
  it('records who froze the box, why, and the alert that prompted it', () => {
    spec.given(inYard).when(freeze).then([frozen]);
  });

  it('needs no alert', () => {
    const { alertId: _alert, ...plain } = freeze;
    spec
      .given(inYard)
      .when(plain)
      .then([{ ...frozen, alertId: null }]);
  });

  it('may stop a box that is only announced', () => {
    spec
      .given([announced])
      .when(freeze)
      .then([{ ...frozen }]);
  });

  it('shows the freeze in the state and the read-model view', () => {
    const state = foldEvents(visitDecider, [...inYard, frozen]);
    expect(state.visit?.frozen).toEqual({
      reason: frozen.reason,
      by: 'sup-anna',
      at: at(20),
      alertId: '812',
    });
    expect(visitView(state).frozen).toEqual({
      reason: frozen.reason,
      by: 'sup-anna',
      at: at(20),
      alertId: '812',
    });
    expect(visitView(foldEvents(visitDecider, inYard)).frozen).toBeNull();
  });

  it('refuses to freeze a frozen box (visit.already_frozen)', () => {
    spec
      .given([...inYard, frozen])
      .when({ ...freeze, by: 'customs-1' })
      .thenFails('visit.already_frozen', { frozenBy: 'sup-anna', frozenAt: at(20) });
  });

  it('refuses a freeze without a reason or a person', () => {
    spec
      .given(inYard)
      .when({ ...freeze, reason: '  ' })
      .thenFails('visit.command_invalid', { field: 'reason' });
    spec
      .given(inYard)
      .when({ ...freeze, by: '' })
      .thenFails('visit.command_invalid', { field: 'by' });
  });

  it('refuses to freeze a box that does not exist or has left', () => {
    spec.given([]).when(freeze).thenFails('visit.not_found');
    const gatedOut: VisitEvent = {
      type: 'ContainerGatedOut',
      visitRef,
      from: slot,
      truckPlate: '1-ABC-123',
      at: at(15),
    };
    spec
      .given([...inYard, gatedOut])
      .when(freeze)
      .thenFails('visit.ended');
  });

  it.each([
    [
      'gate-out',
      {
        type: 'GateOutContainer',
        at: at(30),
        truckPlate: '1-ABC-123',
        verdict: { attemptId: 'A-1', visitRef, accepted: true, index: 40, recordedAt: at(30) },
      },
    ],
    ['load', { type: 'LoadContainer', at: at(30), vesselCall: 'MAEU-E10' }],
  ] as const)('a frozen box cannot leave by %s (visit.frozen)', (_, command) => {
    spec
      .given([...inYard, frozen])
      .when(command)
      .thenFails('visit.frozen', { frozenBy: 'sup-anna' });
  });

  it('a frozen box still moves inside the yard', () => {
    const events = visitDecider.decide(
      {
        type: 'MoveContainer',
        at: at(30),
        from: slot,
        to: { ...slot, bay: 5 },
        equipment: 'RTG-1',
        operator: 'op-1',
      },
      foldEvents(visitDecider, [...inYard, frozen]),
    );
    expect(events.map((e) => e.type)).toEqual(['ContainerMoved']);
  });
});

describe('unfreezing a visit', () => {
  it('records the two people and the approval, and copies the freeze it lifts', () => {
    spec
      .given([...inYard, frozen])
      .when(unfreeze)
      .then([unfrozen]);
  });

  it('lets the box leave again', () => {
    const state = foldEvents(visitDecider, [...inYard, frozen, unfrozen]);
    expect(state.visit?.frozen).toBeNull();
    const events = visitDecider.decide(
      {
        type: 'GateOutContainer',
        at: at(50),
        verdict: { attemptId: 'A-1', visitRef, accepted: true, index: 40, recordedAt: at(50) },
      },
      state,
    );
    expect(events.map((e) => e.type)).toEqual(['ContainerGatedOut']);
  });

  it('needs a second person (visit.unfreeze_needs_two)', () => {
    spec
      .given([...inYard, frozen])
      .when({ ...unfreeze, approvedBy: 'sup-anna' })
      .thenFails('visit.unfreeze_needs_two', { approvalId: 'q-1' });
  });

  it('refuses to unfreeze a box that is not frozen (visit.not_frozen)', () => {
    spec.given(inYard).when(unfreeze).thenFails('visit.not_frozen');
    spec
      .given([...inYard, frozen, unfrozen])
      .when(unfreeze)
      .thenFails('visit.not_frozen');
  });

  it('may freeze again after an unfreeze', () => {
    spec
      .given([...inYard, frozen, unfrozen])
      .when({ ...freeze, at: at(50) })
      .then([{ ...frozen, at: at(50) }]);
  });

  it.each([
    [3, 'the freeze'],
    [4, 'the unfreeze'],
  ])('a void cannot lift or undo a freeze (version %i, %s)', (version) => {
    spec
      .given([...inYard, frozen, unfrozen])
      .when({ type: 'VoidEvent', at: at(60), voidedVersion: version, reason: 'entered by mistake' })
      .thenFails('visit.void_target_invalid', { voidedVersion: version });
  });

  it('a void of an earlier event keeps the freeze', () => {
    const events = visitDecider.decide(
      { type: 'VoidEvent', at: at(60), voidedVersion: 2, reason: 'discharged on the wrong call' },
      foldEvents(visitDecider, [announced, discharged, frozen]),
    );
    const state = foldEvents(visitDecider, [announced, discharged, frozen, ...events]);
    expect(state.visit?.status).toBe('announced');
    expect(state.visit?.frozen?.by).toBe('sup-anna');
  });
});
