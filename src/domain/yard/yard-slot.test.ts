import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import type { LengthFt } from './size-type.js';
import {
  cellsOf,
  checkSlotInLayout,
  checkYardSlot,
  formatYardSlot,
  parseYardSlot,
  sameSlot,
  type YardLayout,
  type YardSlot,
} from './yard-slot.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'no error';
}

const slot = (bay: number, row = 2, tier = 1) => ({ terminal: 'DPW1', block: 'A', bay, row, tier });
const layout: YardLayout = { terminal: 'DPW1', blocks: [{ id: 'A', bays: 10, rows: 6, tiers: 4 }] };

describe('yard slots', () => {
  it('parses and formats TERMINAL/BLOCK/BAY/ROW/TIER', () => {
    expect(parseYardSlot('DPW1/A/03/02/1')).toEqual(slot(3));
    expect(parseYardSlot(' dpw1/a/3/2/1 ')).toEqual(slot(3));
    expect(formatYardSlot(slot(3))).toBe('DPW1/A/03/02/1');
    expect(formatYardSlot(parseYardSlot('DPW1/B7/104/12/10'))).toBe('DPW1/B7/104/12/10');
  });

  it.each([
    '',
    'DPW1/A/03/02',
    'DPW1/A/03/02/1/9',
    'DPW1/A/0/02/1',
    'DPW1/A/03/00/1',
    'DPW1/A/03/02/0',
    'DPW1/A/x3/02/1',
    'DPW1//03/02/1',
    'DP W1/A/03/02/1',
    'DPW1/A/-3/02/1',
    'DPW1/A/1000/02/1',
  ])('refuses %j as yard.slot_malformed', (text) => {
    expect(codeOf(() => parseYardSlot(text))).toBe('yard.slot_malformed');
  });

  it('checks structured slots the same way', () => {
    expect(checkYardSlot({ terminal: 'dpw1', block: 'a', bay: 3, row: 2, tier: 1 })).toEqual(slot(3));
    expect(codeOf(() => checkYardSlot({ ...slot(3), tier: 1.5 }))).toBe('yard.slot_malformed');
    expect(codeOf(() => checkYardSlot({ ...slot(3), bay: '3' }))).toBe('yard.slot_malformed');
    expect(codeOf(() => checkYardSlot(null))).toBe('yard.slot_malformed');
  });

  it('puts a 20-ft box in one odd-bay cell', () => {
    expect(cellsOf(slot(3), 20)).toEqual([slot(3)]);
  });

  it('spreads a 40-ft or 45-ft box in even bay b over bays b − 1 and b + 1', () => {
    expect(cellsOf(slot(4), 40)).toEqual([slot(3), slot(5)]);
    expect(cellsOf(slot(2), 45)).toEqual([slot(1), slot(3)]);
  });

  it('refuses a 20-ft box in an even bay and a 40-ft box in an odd bay (yard.bay_parity)', () => {
    expect(codeOf(() => cellsOf(slot(4), 20))).toBe('yard.bay_parity');
    expect(codeOf(() => cellsOf(slot(3), 40))).toBe('yard.bay_parity');
    expect(codeOf(() => cellsOf(slot(3), 45))).toBe('yard.bay_parity');
  });

  it('accepts slots inside the layout', () => {
    expect(checkSlotInLayout(layout, slot(19, 6, 4), 20)).toEqual([slot(19, 6, 4)]);
    expect(checkSlotInLayout(layout, slot(18), 40)).toEqual([slot(17), slot(19)]);
  });

  it.each([
    [{ ...slot(3), terminal: 'PSA9' }, 20, 'another terminal'],
    [{ ...slot(3), block: 'Z' }, 20, 'unknown block'],
    [slot(21), 20, 'bay past the last'],
    [slot(20), 40, 'a 40-ft box reaching past the last bay'],
    [slot(3, 7), 20, 'row out of range'],
    [slot(3, 2, 5), 20, 'tier above the stacking height'],
  ] as [YardSlot, LengthFt, string][])('refuses %j (%s) as yard.slot_unknown', (s, lengthFt) => {
    expect(codeOf(() => checkSlotInLayout(layout, s, lengthFt))).toBe('yard.slot_unknown');
  });

  it('checks parity before the layout', () => {
    expect(codeOf(() => checkSlotInLayout(layout, { ...slot(4), block: 'Z' }, 20))).toBe('yard.bay_parity');
  });

  it('compares slots', () => {
    expect(sameSlot(slot(3), parseYardSlot('DPW1/A/03/02/1'))).toBe(true);
    expect(sameSlot(slot(3), slot(5))).toBe(false);
  });
});
