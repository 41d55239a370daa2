import type { SlotConfig, YardLayout } from '../domain/index.js';

/**
 * The demo port's one terminal. Thirty blocks of 40 twenty-foot ground bays (bays 1, 3 … 79), 8 rows and 5 tiers:
 * 48,000 cells, room for the boxes of several vessel calls.
 */
export const demoTerminal: YardLayout = {
  terminal: 'T1',
  // Antwerp (UN/LOCODE BEANR); the facility code is the demo terminal's own, as an SMDG code would be.
  unLocode: 'BEANR',
  facilityCode: 'PLT1',
  blocks: Array.from({ length: 30 }, (_, i) => ({
    id: blockName(i),
    bays: 40,
    rows: 8,
    tiers: 5,
  })),
};

function blockName(i: number): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return i < letters.length
    ? letters[i]!
    : `${letters[Math.floor(i / letters.length) - 1]}${letters[i % letters.length]}`;
}

/** Carrier codes of the demo's shipping lines, with the owner prefixes of their boxes (ISO 6346). */
export const demoLines = [
  { line: 'MSCU', owners: ['MSCU', 'MEDU', 'TGHU'] },
  { line: 'MAEU', owners: ['MAEU', 'MSKU', 'MRKU'] },
  { line: 'CMDU', owners: ['CMAU', 'ECMU', 'APZU'] },
  { line: 'HLCU', owners: ['HLCU', 'HLXU', 'FANU'] },
  { line: 'ONEY', owners: ['ONEU', 'NYKU', 'TCLU'] },
] as const;

export const demoSizeTypes = ['22G1', '22G1', '42G1', '45G1', '45G1', '22R1', '45R1', 'L5G1'] as const;

/**
 * The demo terminal's appointment slots (issue 4): 30-minute slots from 06:00 to 22:00 Antwerp time, ten trucks
 * each, and 30 minutes' grace either side, as MISSION §6 sizes them.
 */
export const demoSlotConfig: SlotConfig = {
  terminal: 'T1',
  timeZone: 'Europe/Brussels',
  slotMinutes: 30,
  graceBeforeMinutes: 30,
  graceAfterMinutes: 30,
  capacityPerSlot: 10,
  openingHours: [{ from: '06:00', to: '22:00' }],
};
