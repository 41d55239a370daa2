import { describe, expect, it } from 'vitest';
import { compareSubject } from './read-model-check.js';

const visit = {
  visitRef: 'V-1',
  containerNumber: 'MSCU1234565',
  status: 'in_yard',
  terminal: 'T1',
  streamVersion: 3,
  lastIndex: 41,
  view: { slot: { terminal: 'T1', block: 'A', bay: 3, row: 1, tier: 1 }, holds: [] },
};

describe('compareSubject: one subject of a read model against what the log folds to', () => {
  it('finds nothing when the rows are equal, whatever the key order and undefined fields', () => {
    const stored = {
      ...visit,
      view: { holds: [], slot: { tier: 1, row: 1, bay: 3, block: 'A', terminal: 'T1' } },
    };
    expect(compareSubject('visit', 'V-1', [{ ...visit, extra: undefined }], [stored])).toBeUndefined();
  });

  it('names the first differing field, down to the JSON path inside the view', () => {
    const forged = { ...visit, view: { ...visit.view, slot: { ...visit.view.slot, bay: 59 } } };
    expect(compareSubject('visit', 'V-1', [visit], [forged])).toEqual({
      table: 'visit',
      key: 'V-1',
      field: 'view.slot.bay',
      reason: 'view.slot.bay is 59, the log says 3',
    });
  });

  it('names a missing row and a row no event explains', () => {
    expect(compareSubject('alert', '7', [{ alertId: 7 }], [])).toMatchObject({
      key: '7',
      reason: 'the row is missing',
    });
    expect(compareSubject('alert', '8', [], [{ alertId: 8 }])).toMatchObject({
      key: '8',
      reason: 'the row is there, but no event explains it',
    });
  });

  it('names the row among several by its own key (a yard cell, a release party)', () => {
    const cell = (bay: number) => ({ terminal: 'T1', block: 'A', bay, row: 1, tier: 1, visitRef: 'V-1' });
    expect(compareSubject('yard_cell', 'V-1', [cell(1), cell(3)], [cell(1), cell(5)])).toMatchObject({
      key: 'V-1 T1/A/3/1/1',
      reason: 'the row is missing',
    });
    const party = (orgId: string) => ({ visitRef: 'V-1', orgId });
    expect(
      compareSubject(
        'release_party',
        'V-1',
        [party('fwd'), party('haul')],
        [party('fwd'), party('haul'), party('gang')],
      ),
    ).toMatchObject({ key: 'V-1 gang', reason: 'the row is there, but no event explains it' });
  });
});
