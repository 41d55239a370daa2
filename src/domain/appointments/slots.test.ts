import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.js';
import {
  checkSlotConfig,
  parseSlotId,
  type SlotConfig,
  slotIdOf,
  slotsFor,
  slotsStillReachable,
  slotWindow,
} from './slots.js';

// A 24-hour terminal in Antwerp: 30-minute slots with 30 minutes' grace either side (MISSION §6).
const antwerp: SlotConfig = {
  terminal: 'DPW1',
  timeZone: 'Europe/Brussels',
  slotMinutes: 30,
  graceBeforeMinutes: 30,
  graceAfterMinutes: 30,
  capacityPerSlot: 40,
  openingHours: [{ from: '00:00', to: '24:00' }],
};

const refusal = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, ...error.details };
    throw error;
  }
  return undefined;
};

describe('slot configuration', () => {
  it('normalises the terminal code', () => {
    expect(checkSlotConfig({ ...antwerp, terminal: ' dpw1 ' }).terminal).toBe('DPW1');
  });

  it.each([
    ['terminal', { terminal: 'DPW 1' }],
    ['timeZone', { timeZone: 'Europe/Atlantis' }],
    ['slotMinutes', { slotMinutes: 0 }],
    ['slotMinutes', { slotMinutes: 7.5 }],
    ['graceBeforeMinutes', { graceBeforeMinutes: -1 }],
    ['graceAfterMinutes', { graceAfterMinutes: 241 }],
    ['capacityPerSlot', { capacityPerSlot: 0 }],
    ['openingHours', { openingHours: [] }],
    ['openingHours[0]', { openingHours: [{ from: '07:00', to: '25:00' }] }],
    ['openingHours[0]', { openingHours: [{ from: '24:00', to: '24:00' }] }],
    ['openingHours[0]', { openingHours: [{ from: '08:00', to: '07:00' }] }],
    [
      'openingHours[1]',
      {
        openingHours: [
          { from: '06:00', to: '12:00' },
          { from: '11:00', to: '14:00' },
        ],
      },
    ],
  ])('refuses a bad %s', (field, change) => {
    expect(refusal(() => checkSlotConfig({ ...antwerp, ...change }))).toEqual({
      code: 'appointment.config_invalid',
      field,
    });
  });
});

describe('slot ids', () => {
  it('name the terminal and the UTC start, to the minute', () => {
    expect(slotIdOf('dpw1', '2025-03-01T09:00:00+01:00')).toBe('DPW1@20250301T0800Z');
    expect(parseSlotId('DPW1@20250301T0800Z')).toEqual({
      terminal: 'DPW1',
      start: '2025-03-01T08:00:00.000Z',
    });
  });

  it.each(['DPW1@20250230T0800Z', 'DPW1@20250301T2400Z', 'dpw1@20250301T0800Z', 'DPW1/20250301T0800Z', 42])(
    'refuses %s',
    (slotId) => {
      expect(refusal(() => parseSlotId(slotId))).toMatchObject({ code: 'appointment.slot_invalid' });
    },
  );

  it('refuses a start that is not on a whole minute', () => {
    expect(refusal(() => slotIdOf('DPW1', '2025-03-01T08:00:30Z'))).toMatchObject({
      code: 'appointment.slot_invalid',
    });
  });
});

describe('the slots of a day', () => {
  it('cut the opening hours into slots, in the terminal time zone', () => {
    const slots = slotsFor({ ...antwerp, openingHours: [{ from: '06:00', to: '08:00' }] }, '2025-03-01');
    expect(slots).toEqual([
      {
        slotId: 'DPW1@20250301T0500Z',
        terminal: 'DPW1',
        start: '2025-03-01T05:00:00.000Z',
        end: '2025-03-01T05:30:00.000Z',
        capacity: 40,
      },
      expect.objectContaining({ start: '2025-03-01T05:30:00.000Z' }),
      expect.objectContaining({ start: '2025-03-01T06:00:00.000Z' }),
      expect.objectContaining({ start: '2025-03-01T06:30:00.000Z', end: '2025-03-01T07:00:00.000Z' }),
    ]);
  });

  it('follow daylight saving time: 23 hours in spring, 25 in autumn', () => {
    expect(slotsFor(antwerp, '2025-03-30')).toHaveLength(46);
    expect(slotsFor(antwerp, '2025-10-26')).toHaveLength(50);
    expect(slotsFor(antwerp, '2025-06-01')).toHaveLength(48);
    expect(slotsFor(antwerp, '2025-06-01')[0]!.start).toBe('2025-05-31T22:00:00.000Z');
  });

  it('skip the gaps between periods and drop a last slot that does not fit', () => {
    const slots = slotsFor(
      {
        ...antwerp,
        slotMinutes: 45,
        openingHours: [
          { from: '06:00', to: '07:30' },
          { from: '13:00', to: '14:00' },
        ],
      },
      '2025-06-02',
    );
    expect(slots.map((slot) => slot.slotId)).toEqual([
      'DPW1@20250602T0400Z',
      'DPW1@20250602T0445Z',
      'DPW1@20250602T1100Z',
    ]);
  });

  it('refuses a day that is not a date', () => {
    expect(refusal(() => slotsFor(antwerp, '2025-02-29'))).toEqual({
      code: 'appointment.config_invalid',
      field: 'day',
    });
  });
});

describe('the gate window of a slot', () => {
  it('widens the slot by the grace', () => {
    expect(
      slotWindow(
        { start: '2025-03-01T08:00:00Z', end: '2025-03-01T08:30:00Z' },
        { ...antwerp, graceAfterMinutes: 15 },
      ),
    ).toEqual({ start: '2025-03-01T07:30:00.000Z', end: '2025-03-01T08:45:00.000Z' });
  });

  it('refuses a slot that ends before it starts', () => {
    expect(
      refusal(() => slotWindow({ start: '2025-03-01T08:30:00Z', end: '2025-03-01T08:00:00Z' }, antwerp)),
    ).toMatchObject({ code: 'appointment.slot_invalid' });
  });
});

// Issue 14: the booking picker offers only slots a driver can still make.
describe('the slots still reachable', () => {
  const config = checkSlotConfig({
    terminal: 'DPW1',
    timeZone: 'UTC',
    slotMinutes: 30,
    graceBeforeMinutes: 30,
    graceAfterMinutes: 30,
    capacityPerSlot: 10,
    openingHours: [{ from: '08:00', to: '10:00' }],
  });
  const day = slotsFor(config, '2025-03-01');
  const starts = (now: string) =>
    slotsStillReachable(day, config, now).map((slot) => slot.start.slice(11, 16));

  it('are every slot of the day before its first window opens', () => {
    expect(starts('2025-03-01T06:00:00Z')).toEqual(['08:00', '08:30', '09:00', '09:30']);
  });

  it('keep a slot until its window, grace included, has closed', () => {
    // The 08:00 slot's window closes at 09:00; the 08:30 slot's at 09:30.
    expect(starts('2025-03-01T08:59:59Z')).toEqual(['08:00', '08:30', '09:00', '09:30']);
    expect(starts('2025-03-01T09:00:00Z')).toEqual(['08:30', '09:00', '09:30']);
    expect(starts('2025-03-01T10:30:00Z')).toEqual([]);
  });

  it('refuse a time that is none', () => {
    expect(() => slotsStillReachable(day, config, 'soon')).toThrow(
      expect.objectContaining({ code: 'appointment.config_invalid' }),
    );
  });
});
