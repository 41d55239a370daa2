/**
 * Where a box stands: terminal / block / bay / row / tier.
 *
 * Bay convention (as in ISO 9711 / SMDG BAPLIE bay plans): odd bays 1, 3, 5 … are the 20-ft ground
 * positions of a row. A 20-ft box stands in an odd bay. A 40-ft or 45-ft box stands in the even bay `b`
 * between two odd bays and covers the 20-ft positions `b − 1` and `b + 1` (a 45-ft box overhangs them, and
 * is stacked like a 40-ft one). A 20-ft box in an even bay, or a 40/45-ft box in an odd bay, is
 * `yard.bay_parity`. Rows count across the block from 1; tier 1 is the ground.
 *
 * The occupancy rules (`yard.ts`) work on {@link YardCell}s: one 20-ft ground position at one tier, so a cell
 * always has an odd bay and a 40-ft box fills two cells.
 */
import { DomainError } from '../errors.js';
import type { LengthFt } from './size-type.js';

/** One 20-ft position at one tier; `bay` is always odd. Same shape as the application's `YardCell`. */
export interface YardCell {
  readonly terminal: string;
  readonly block: string;
  readonly bay: number;
  readonly row: number;
  readonly tier: number;
}

/** A cell and the visit whose box fills it. Same shape as the application's `OccupiedCell`. */
export interface OccupiedCell extends YardCell {
  readonly visitRef: string;
}

/**
 * The slot of one box: its bay is odd for a 20-ft box and even for a 40/45-ft box. A plain JSON object, so it
 * can travel inside events.
 */
export type YardSlot = {
  readonly terminal: string;
  readonly block: string;
  readonly bay: number;
  readonly row: number;
  readonly tier: number;
};

/** A terminal's yard: for each block, how many 20-ft ground bays (numbered 1, 3, …, 2·bays − 1), rows and tiers. */
export interface YardLayout {
  readonly terminal: string;
  readonly blocks: readonly YardBlock[];
  /**
   * Where the terminal is, as partners' standards name a place (issue 16): its UN/LOCODE (UNECE Recommendation 16,
   * e.g. `BEANR`) and its facility code in the SMDG terminal code list (at most 6 characters). DCSA Track & Trace
   * events carry these as `eventLocation`, never the yard slot; absent, the events carry no location.
   */
  readonly unLocode?: string;
  readonly facilityCode?: string;
}

/** One block of a {@link YardLayout}. */
export interface YardBlock {
  readonly id: string;
  /** Number of 20-ft ground bays; they are numbered 1, 3, …, 2·bays − 1. */
  readonly bays: number;
  readonly rows: number;
  readonly tiers: number;
}

const IDENTIFIER = /^[A-Z0-9]{1,12}$/;
const LIMITS = { bay: 999, row: 999, tier: 99 } as const;

/**
 * Checks a slot that arrives as a structured object (from a command or a message): terminal and block are
 * 1–12 letters or digits (upper-cased), bay, row and tier are positive integers. Otherwise `yard.slot_malformed`.
 *
 * @example
 * ```ts
 * checkYardSlot({ terminal: 'dpw1', block: 'A', bay: 3, row: 2, tier: 1 }); // { terminal: 'DPW1', … }
 * ```
 */
export function checkYardSlot(value: unknown): YardSlot {
  const malformed = (why: string): DomainError =>
    new DomainError('yard.slot_malformed', `not a yard slot: ${why}`, { reason: why });
  if (typeof value !== 'object' || value === null)
    throw malformed('expected { terminal, block, bay, row, tier }');
  const { terminal, block, bay, row, tier } = value as Record<string, unknown>;
  const id = (name: string, v: unknown): string => {
    const text = typeof v === 'string' ? v.trim().toUpperCase() : '';
    if (!IDENTIFIER.test(text)) throw malformed(`${name} must be 1 to 12 letters or digits`);
    return text;
  };
  const int = (name: keyof typeof LIMITS, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > LIMITS[name]) {
      throw malformed(`${name} must be an integer from 1 to ${LIMITS[name]}`);
    }
    return v;
  };
  return {
    terminal: id('terminal', terminal),
    block: id('block', block),
    bay: int('bay', bay),
    row: int('row', row),
    tier: int('tier', tier),
  };
}

/**
 * Parses the text form `TERMINAL/BLOCK/BAY/ROW/TIER`, e.g. `DPW1/A/03/02/1`; `yard.slot_malformed` otherwise.
 *
 * @example
 * ```ts
 * parseYardSlot('DPW1/A/03/02/1'); // { terminal: 'DPW1', block: 'A', bay: 3, row: 2, tier: 1 }
 * ```
 */
export function parseYardSlot(text: unknown): YardSlot {
  const parts = typeof text === 'string' && text.length <= 64 ? text.trim().split('/') : [];
  const numeric = (part: string | undefined): number | undefined =>
    part !== undefined && /^\d{1,3}$/.test(part) ? Number(part) : undefined;
  if (parts.length !== 5) {
    throw new DomainError(
      'yard.slot_malformed',
      'a yard slot is written TERMINAL/BLOCK/BAY/ROW/TIER, e.g. DPW1/A/03/02/1',
      {
        input: typeof text === 'string' ? text.slice(0, 64) : typeof text,
      },
    );
  }
  return checkYardSlot({
    terminal: parts[0],
    block: parts[1],
    bay: numeric(parts[2]),
    row: numeric(parts[3]),
    tier: numeric(parts[4]),
  });
}

/**
 * Writes a slot as `TERMINAL/BLOCK/BAY/ROW/TIER`, bay and row on two digits.
 *
 * @example
 * ```ts
 * formatYardSlot({ terminal: 'DPW1', block: 'A', bay: 3, row: 2, tier: 1 }); // 'DPW1/A/03/02/1'
 * ```
 */
export function formatYardSlot(slot: YardSlot): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${slot.terminal}/${slot.block}/${two(slot.bay)}/${two(slot.row)}/${slot.tier}`;
}

/**
 * Refuses a bay of the wrong parity for the box length (`yard.bay_parity`): 20-ft boxes stand in odd bays,
 * 40-ft and 45-ft boxes in even bays.
 *
 * @example
 * ```ts
 * checkBayParity({ terminal: 'DPW1', block: 'A', bay: 4, row: 1, tier: 1 }, 40); // ok
 * ```
 */
export function checkBayParity(slot: YardSlot, lengthFt: LengthFt): void {
  const wantsEven = lengthFt !== 20;
  if ((slot.bay % 2 === 0) !== wantsEven) {
    throw new DomainError(
      'yard.bay_parity',
      `a ${lengthFt}-ft box stands in an ${wantsEven ? 'even' : 'odd'} bay, not bay ${slot.bay}`,
      { slot, lengthFt, bay: slot.bay, expectedParity: wantsEven ? 'even' : 'odd' },
    );
  }
}

/**
 * The cells a box of `lengthFt` fills when it stands in `slot`: one for a 20-ft box, the two odd bays either
 * side of the even bay for a 40/45-ft box. Checks bay parity first.
 *
 * @example
 * ```ts
 * cellsOf({ terminal: 'DPW1', block: 'A', bay: 4, row: 2, tier: 1 }, 40).map((c) => c.bay); // [3, 5]
 * ```
 */
export function cellsOf(slot: YardSlot, lengthFt: LengthFt): YardCell[] {
  checkBayParity(slot, lengthFt);
  const { terminal, block, row, tier } = slot;
  const bays = lengthFt === 20 ? [slot.bay] : [slot.bay - 1, slot.bay + 1];
  return bays.map((bay) => ({ terminal, block, bay, row, tier }));
}

/**
 * Checks that a box of `lengthFt` in `slot` fits the terminal's layout: right terminal, a known block, every
 * cell's bay, row and tier in range; `yard.slot_unknown` otherwise (after `yard.bay_parity`). Returns the cells.
 *
 * @example
 * ```ts
 * const layout = { terminal: 'DPW1', blocks: [{ id: 'A', bays: 10, rows: 6, tiers: 4 }] };
 * checkSlotInLayout(layout, parseYardSlot('DPW1/A/20/02/1'), 40); // throws yard.slot_unknown: bay 21 > 19
 * ```
 */
export function checkSlotInLayout(layout: YardLayout, slot: YardSlot, lengthFt: LengthFt): YardCell[] {
  const cells = cellsOf(slot, lengthFt);
  const unknown = (why: string): DomainError =>
    new DomainError('yard.slot_unknown', `slot ${formatYardSlot(slot)} is not in the yard: ${why}`, {
      slot,
      reason: why,
    });
  if (slot.terminal !== layout.terminal) throw unknown(`this is terminal ${layout.terminal}`);
  const block = layout.blocks.find((b) => b.id === slot.block);
  if (block === undefined) throw unknown(`terminal ${layout.terminal} has no block ${slot.block}`);
  const lastBay = 2 * block.bays - 1;
  for (const cell of cells) {
    if (cell.bay > lastBay) throw unknown(`block ${block.id} has bays 1 to ${lastBay}`);
  }
  if (slot.row > block.rows) throw unknown(`block ${block.id} has rows 1 to ${block.rows}`);
  if (slot.tier > block.tiers) throw unknown(`block ${block.id} stacks ${block.tiers} high`);
  return cells;
}

/**
 * Whether two slots (or cells) are the same place.
 *
 * @example
 * ```ts
 * sameSlot(parseYardSlot('DPW1/A/03/02/1'), { terminal: 'DPW1', block: 'A', bay: 3, row: 2, tier: 1 }); // true
 * ```
 */
export function sameSlot(a: YardSlot, b: YardSlot): boolean {
  return (
    a.terminal === b.terminal &&
    a.block === b.block &&
    a.bay === b.bay &&
    a.row === b.row &&
    a.tier === b.tier
  );
}
