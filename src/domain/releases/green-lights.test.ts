import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import type {
  ContainerDischarged,
  ContainerGatedOut,
  ContainerLoaded,
  EventVoided,
  HoldLifted,
  HoldPlaced,
  VisitAnnounced,
  VisitEvent,
} from '../visits/index.js';
import { initialState, newVisitReference, visitDecider } from '../visits/index.js';
import { type GreenLightFacts, type GreenLights, greenLightNames, greenLights } from './green-lights.js';
import type { ReleaseEvent } from './release.events.js';
import { initialReleaseState, releaseDecider } from './release.js';
import {
  at,
  blocked,
  heldByH1,
  issued,
  lineDesk,
  offered,
  revoked,
  unblocked,
  validityUpdated,
  visitRef,
} from './testing/release-histories.js';

const slot = { terminal: 'DPW1', block: 'A', bay: 4, row: 2, tier: 1 };
const announced: VisitAnnounced = {
  type: 'VisitAnnounced',
  visitRef,
  containerNumber: 'CSQU3054383',
  line: 'MAEU',
  sizeType: '42G1',
  fullEmpty: 'full',
  arrival: { mode: 'vessel', vesselCall: 'MAEU-W09' },
  at: at(-60),
};
const discharged: ContainerDischarged = {
  type: 'ContainerDischarged',
  visitRef,
  vesselCall: 'MAEU-W09',
  slot,
  equipment: 'STS-03',
  operator: 'op-17',
  at: at(-30),
};
const hold = (holdId: string, kind: HoldPlaced['kind'], minute: number): HoldPlaced => ({
  type: 'HoldPlaced',
  visitRef,
  holdId,
  kind,
  reason: 'selected for scan',
  reference: 'MRN 25BE000000001234',
  at: at(minute),
});
const lifted = (holdId: string, kind: HoldLifted['kind'], minute: number): HoldLifted => ({
  type: 'HoldLifted',
  visitRef,
  holdId,
  kind,
  reason: 'scan clear',
  at: at(minute),
});
const gatedOut: ContainerGatedOut = {
  type: 'ContainerGatedOut',
  visitRef,
  from: slot,
  truckPlate: '1-ABC-123',
  at: at(50),
};
const loaded: ContainerLoaded = {
  type: 'ContainerLoaded',
  visitRef,
  from: slot,
  vesselCall: 'MSC-E12',
  at: at(50),
};

const inYard = [announced, discharged];
const lightsOf = (
  visit: readonly VisitEvent[],
  release: readonly ReleaseEvent[],
  minute = 60,
  extra: Partial<GreenLightFacts> = {},
  options: { visibility?: 'full' | 'status' } = {},
): GreenLights =>
  greenLights(
    {
      visit: foldEvents(visitDecider, visit),
      release: foldEvents(releaseDecider, release),
      at: at(minute),
      ...extra,
    },
    options,
  );
const reasonsOf = (lights: GreenLights) =>
  Object.fromEntries(lights.lights.map((light) => [light.light, light.reasons]));
const red = (lights: GreenLights) =>
  lights.lights.filter((light) => !light.green).map((light) => light.light);

describe('green lights', () => {
  it('are all green for a box in the yard with a valid, held release and no hold: AVPU', () => {
    const lights = lightsOf(inYard, heldByH1);
    expect(lights).toEqual({
      visitRef,
      at: at(60),
      lights: greenLightNames.map((light) => ({ light, green: true, reasons: [] })),
      allGreen: true,
      dcsaCodes: ['AVPU'],
    });
    expect(JSON.parse(JSON.stringify(lights))).toStrictEqual(lights);
  });

  it('gives a reason for every light that is not green', () => {
    const lights = greenLights({ visit: initialState(), release: initialReleaseState(), at: at(0) });
    expect(lights.allGreen).toBe(false);
    expect(lights.dcsaCodes).toEqual([]);
    expect(reasonsOf(lights)).toEqual({
      commercial_release: ['the shipping line has not issued a commercial release'],
      customs_release: ['no such visit'],
      discharge_confirmed: ['no such visit'],
      no_hold_or_block: [],
    });
    expect(lights.visitRef).toBeNull();
  });
});

describe('commercial release', () => {
  it('is green from validFrom and red from validUntil', () => {
    expect(red(lightsOf(inYard, heldByH1, 0))).toEqual([]);
    expect(red(lightsOf(inYard, heldByH1, 599))).toEqual([]);
    expect(reasonsOf(lightsOf(inYard, heldByH1, 600)).commercial_release).toEqual([
      `the release expired at ${at(600)}`,
    ]);
    const later = [
      ...heldByH1,
      validityUpdated(at(120), at(600), { validFrom: at(0), validUntil: at(600) }, 5, 30),
    ];
    expect(reasonsOf(lightsOf(inYard, later, 60)).commercial_release).toEqual([
      `the release is valid only from ${at(120)}`,
    ]);
    expect(red(lightsOf(inYard, later, 120))).toEqual([]);
  });

  it('is red while blocked, and the block also turns "no hold or block" red', () => {
    const lights = lightsOf(inYard, [...heldByH1, blocked(5, 30)]);
    expect(reasonsOf(lights)).toMatchObject({
      commercial_release: [`the line blocked the release at ${at(30)}`],
      no_hold_or_block: [`the line blocked the release at ${at(30)}`],
    });
    expect(lights.dcsaCodes).toEqual([]);
    expect(lightsOf(inYard, [...heldByH1, blocked(5, 30), unblocked(6, 40)]).allGreen).toBe(true);
  });

  it('is red once revoked', () => {
    const lights = lightsOf(inYard, [...heldByH1, revoked('org-h1', null, 5, 40)]);
    expect(red(lights)).toEqual(['commercial_release']);
    expect(reasonsOf(lights).commercial_release).toEqual([`the line revoked the release at ${at(40)}`]);
  });

  it('is red for a release of another visit or another line', () => {
    const otherRef = newVisitReference(new Uint8Array(13).fill(0x11));
    const otherVisit = [
      { ...announced, visitRef: otherRef },
      { ...discharged, visitRef: otherRef },
    ];
    expect(reasonsOf(lightsOf(otherVisit, heldByH1)).commercial_release).toEqual([
      `the release is for visit ${visitRef}, not ${otherRef}`,
    ]);
    const otherLine = [{ ...announced, line: 'MSCU' }, discharged];
    expect(reasonsOf(lightsOf(otherLine, heldByH1)).commercial_release).toEqual([
      'the release was issued under line MAEU, the box is announced under MSCU',
    ]);
  });

  it('does not wait for the first party to accept: the light is the line’s, the right to collect the gate’s', () => {
    expect(lightsOf(inYard, [issued, offered(lineDesk, 'org-f1', 1)]).allGreen).toBe(true);
  });
});

describe('customs release', () => {
  it('is red while a customs hold is in force, without telling why customs holds it', () => {
    const lights = lightsOf([...inYard, hold('CUS-1', 'customs', 10)], heldByH1);
    expect(reasonsOf(lights)).toMatchObject({
      customs_release: [`customs hold CUS-1 in force since ${at(10)}`],
      no_hold_or_block: [`customs hold CUS-1 in force since ${at(10)}`],
    });
    expect(JSON.stringify(lights)).not.toMatch(/scan|MRN/);
    expect(lights.dcsaCodes).toEqual([]);
  });

  it('reports CUSS or CUSI for an active customs hold whose selection is known', () => {
    const visit = [...inYard, hold('CUS-1', 'customs', 10), hold('CUS-2', 'customs', 11)];
    expect(
      lightsOf(visit, heldByH1, 60, { customsSelections: [{ holdId: 'CUS-1', selectedFor: 'scan' }] })
        .dcsaCodes,
    ).toEqual(['CUSS']);
    expect(
      lightsOf(visit, heldByH1, 60, {
        customsSelections: [
          { holdId: 'CUS-1', selectedFor: 'scan' },
          { holdId: 'CUS-2', selectedFor: 'inspection' },
        ],
      }).dcsaCodes,
    ).toEqual(['CUSS', 'CUSI']);
  });

  it('reports CUSR once customs lifted its hold, and the selection of a lifted hold no longer counts', () => {
    const visit = [...inYard, hold('CUS-1', 'customs', 10), lifted('CUS-1', 'customs', 20)];
    const lights = lightsOf(visit, heldByH1, 60, {
      customsSelections: [{ holdId: 'CUS-1', selectedFor: 'scan' }],
    });
    expect(lights.allGreen).toBe(true);
    expect(lights.dcsaCodes).toEqual(['AVPU', 'CUSR']);
  });

  it('reports no CUSR for a box customs never held, nor when the lift was voided', () => {
    expect(lightsOf(inYard, heldByH1).dcsaCodes).toEqual(['AVPU']);
    const voidedLift: EventVoided = {
      type: 'EventVoided',
      visitRef,
      voidedVersion: 4,
      voidedType: 'HoldLifted',
      reason: 'lifted on the wrong visit',
      requestedBy: 'officer-1',
      approvedBy: 'officer-2',
      at: at(25),
    };
    const lights = lightsOf(
      [...inYard, hold('CUS-1', 'customs', 10), lifted('CUS-1', 'customs', 20), voidedLift],
      heldByH1,
    );
    expect(red(lights)).toEqual(['customs_release', 'no_hold_or_block']);
    expect(lights.dcsaCodes).toEqual([]);
  });

  it('is not turned red by another authority’s hold', () => {
    const lights = lightsOf([...inYard, hold('T-1', 'terminal', 10)], heldByH1);
    expect(red(lights)).toEqual(['no_hold_or_block']);
  });
});

describe('discharge confirmed', () => {
  it.each([
    ['announced off a vessel', [announced], ['the box has not been discharged from vessel call MAEU-W09']],
    [
      'announced by truck',
      [{ ...announced, arrival: { mode: 'truck' } } as VisitAnnounced],
      ['the box has not gated in'],
    ],
    ['gated out', [...inYard, gatedOut], [`the box gated out at ${at(50)}`]],
    ['loaded', [...inYard, loaded], [`the box was loaded at ${at(50)}`]],
  ] as const)('is red for a box %s', (_, visit, reasons) => {
    expect(reasonsOf(lightsOf(visit, heldByH1)).discharge_confirmed).toEqual(reasons);
  });

  it('is red for a cancelled visit', () => {
    const cancelled: EventVoided = {
      type: 'EventVoided',
      visitRef,
      voidedVersion: 1,
      voidedType: 'VisitAnnounced',
      reason: 'announced twice',
      requestedBy: null,
      approvedBy: null,
      at: at(-50),
    };
    expect(reasonsOf(lightsOf([announced, cancelled], heldByH1)).discharge_confirmed).toEqual([
      `the visit was cancelled at ${at(-50)}`,
    ]);
  });

  it('is green for a box gated in', () => {
    const byTruck: VisitEvent[] = [
      { ...announced, arrival: { mode: 'truck' } },
      {
        type: 'ContainerGatedIn',
        visitRef,
        slot,
        truckPlate: '2-XYZ-987',
        equipment: null,
        operator: null,
        at: at(-30),
      },
    ];
    expect(lightsOf(byTruck, heldByH1).allGreen).toBe(true);
  });
});

describe('no hold or block', () => {
  it('names every hold in force', () => {
    const lights = lightsOf([...inYard, hold('L-1', 'line', 10), hold('P-1', 'police', 11)], heldByH1);
    expect(reasonsOf(lights).no_hold_or_block).toEqual([
      `line hold L-1 in force since ${at(10)}`,
      `police hold P-1 in force since ${at(11)}`,
    ]);
    expect(red(lights)).toEqual(['no_hold_or_block']);
  });

  it('leaves police holds out for a status viewer, as redactVisitView does; the gate sees them', () => {
    const visit = [...inYard, hold('P-1', 'police', 11)];
    expect(lightsOf(visit, heldByH1, 60, {}, { visibility: 'status' }).allGreen).toBe(true);
    expect(lightsOf(visit, heldByH1, 60, {}, { visibility: 'full' }).allGreen).toBe(false);
  });
});

describe('input', () => {
  it('refuses an instant that is not ISO 8601 (release.command_invalid)', () => {
    expect(() =>
      greenLights({ visit: initialState(), release: initialReleaseState(), at: 'now' }),
    ).toThrowError(expect.objectContaining({ code: 'release.command_invalid', details: { field: 'at' } }));
  });
});
