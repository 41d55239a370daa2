/**
 * Lifting a customs or police hold (issue 10, row B): an officer lifts their own hold alone; a colleague's hold,
 * or one whose placer is not recorded, only as the effect of a second officer's approval. Terminal and line holds
 * are lifted directly. The rule lives in `checkEvent`, so a void that re-checks the history obeys it too.
 */
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import { deciderSpec } from '../testing/decider-spec.js';
import type { LiftHold, PlaceHold } from './visit.commands.js';
import type { HoldLifted, HoldPlaced, VisitAnnounced } from './visit.events.js';
import { holdLiftNeedsSecondOfficer, visitDecider, visitView } from './visit.js';
import { newVisitReference } from './visit-reference.js';

const spec = deciderSpec(visitDecider);
const at = (minute: number): string => new Date(Date.UTC(2025, 2, 1, 8, minute)).toISOString();
const visitRef = newVisitReference(new Uint8Array(13).fill(0x3c));

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
const placedBy = (kind: HoldPlaced['kind'], by: string | undefined): HoldPlaced => ({
  type: 'HoldPlaced',
  visitRef,
  holdId: 'H-1',
  kind,
  reason: 'selected for scan',
  reference: 'MRN 25BE000000001234',
  ...(by === undefined ? {} : { placedBy: by }),
  at: at(10),
});
const lift = (by: string, approval?: { approvalId: string; approvedBy: string }): LiftHold => ({
  type: 'LiftHold',
  at: at(20),
  holdId: 'H-1',
  reason: 'scan clear',
  by,
  ...approval,
});
const lifted = (
  kind: HoldLifted['kind'],
  by: string,
  approval: { approvalId: string; approvedBy: string } | null = null,
): HoldLifted => ({
  type: 'HoldLifted',
  visitRef,
  holdId: 'H-1',
  kind,
  reason: 'scan clear',
  liftedBy: by,
  approvalId: approval?.approvalId ?? null,
  approvedBy: approval?.approvedBy ?? null,
  at: at(20),
});

describe('lifting a hold', () => {
  it('records who placed a hold', () => {
    const place: PlaceHold = {
      type: 'PlaceHold',
      at: at(10),
      holdId: 'H-1',
      kind: 'customs',
      reason: 'selected for scan',
      reference: 'MRN 25BE000000001234',
      by: 'u-cus-1',
    };
    const state = spec
      .given([announced])
      .when(place)
      .then([placedBy('customs', 'u-cus-1')]);
    expect(state.visit?.holds[0]?.placedBy).toBe('u-cus-1');
    // The read model's view does not carry the placer: the edge shows holds as before.
    expect(visitView(state).holds[0]).not.toHaveProperty('placedBy');
  });

  it.each(['customs', 'police'] as const)('an officer lifts their own %s hold alone', (kind) => {
    spec
      .given([announced, placedBy(kind, 'u-off-1')])
      .when(lift('u-off-1'))
      .then([lifted(kind, 'u-off-1')]);
  });

  it.each(['customs', 'police'] as const)("another officer's %s hold needs a second officer", (kind) => {
    spec
      .given([announced, placedBy(kind, 'u-off-1')])
      .when(lift('u-off-2'))
      .thenFails('hold.second_officer_required', { holdId: 'H-1', kind });
    // A hold whose placer was never recorded is nobody's own.
    spec
      .given([announced, placedBy(kind, undefined)])
      .when(lift('u-off-1'))
      .thenFails('hold.second_officer_required');
    // The approver must be another person than the one lifting.
    spec
      .given([announced, placedBy(kind, 'u-off-1')])
      .when(lift('u-off-2', { approvalId: 'q-1', approvedBy: 'u-off-2' }))
      .thenFails('hold.second_officer_required');
    const approval = { approvalId: 'q-1', approvedBy: 'u-off-3' };
    spec
      .given([announced, placedBy(kind, 'u-off-1')])
      .when(lift('u-off-2', approval))
      .then([lifted(kind, 'u-off-2', approval)]);
  });

  it.each(['terminal', 'line'] as const)(
    'a %s hold is lifted directly by anyone of its authority',
    (kind) => {
      spec
        .given([announced, placedBy(kind, 'u-sup-1')])
        .when(lift('u-pln-2'))
        .then([lifted(kind, 'u-pln-2')]);
    },
  );

  it('refuses a lift that names nobody', () => {
    spec
      .given([announced, placedBy('terminal', 'u-sup-1')])
      .when({ ...lift('x'), by: '' })
      .thenFails('visit.command_invalid', { field: 'by' });
  });

  it('keeps lifts recorded before issue 10 (no lifter named) valid when a void re-checks the history', () => {
    const legacyLift = { ...lifted('customs', 'u-off-2') } as Partial<HoldLifted>;
    delete legacyLift.liftedBy;
    delete legacyLift.approvalId;
    delete legacyLift.approvedBy;
    const discharged = {
      type: 'ContainerDischarged',
      visitRef,
      vesselCall: 'MAEU-W09',
      slot: { terminal: 'DPW1', block: 'A', bay: 3, row: 2, tier: 1 },
      equipment: null,
      operator: null,
      at: at(5),
    } as const;
    const state = foldEvents(visitDecider, [
      announced,
      discharged,
      placedBy('customs', undefined),
      legacyLift as HoldLifted,
    ]);
    const [voided] = visitDecider.decide(
      { type: 'VoidEvent', at: at(30), voidedVersion: 2, reason: 'discharged at the wrong terminal' },
      state,
    );
    expect(voided).toMatchObject({ type: 'EventVoided', voidedVersion: 2 });
  });

  it('names who needs a second officer', () => {
    expect(holdLiftNeedsSecondOfficer({ kind: 'customs', placedBy: 'a' }, 'a')).toBe(false);
    expect(holdLiftNeedsSecondOfficer({ kind: 'customs', placedBy: 'a' }, 'b')).toBe(true);
    expect(holdLiftNeedsSecondOfficer({ kind: 'police', placedBy: null }, 'a')).toBe(true);
    expect(holdLiftNeedsSecondOfficer({ kind: 'terminal', placedBy: null }, 'a')).toBe(false);
    expect(holdLiftNeedsSecondOfficer({ kind: 'line', placedBy: 'a' }, 'b')).toBe(false);
  });
});
