/**
 * Yard occupancy rules (MISSION §3): one box per slot, no box above an empty slot, and a box with another on
 * top of it cannot leave. Pure functions over the occupied cells of the stacks a change touches; the caller
 * loads those (see {@link stacksTouched}) inside the write transaction and stores the result.
 */
import { DomainError } from '../errors.js';
import type { OccupiedCell, YardCell } from './yard-slot.js';

/**
 * A box leaving `from` (absent when it enters the yard) for `to` (absent when it leaves: gate-out or load).
 * Cells come from `cellsOf(slot, lengthFt)`.
 */
export interface YardChange {
  readonly visitRef: string;
  readonly from?: readonly YardCell[] | undefined;
  readonly to?: readonly YardCell[] | undefined;
}

/** One row of one block of a terminal, restricted to some bays: what a caller loads, every tier. */
export interface StackSelection {
  readonly terminal: string;
  readonly block: string;
  readonly row: number;
  readonly bays: readonly number[];
}

const keyOf = (cell: YardCell): string =>
  [cell.terminal, cell.block, cell.bay, cell.row, cell.tier].join('\u0000');
const shifted = (cell: YardCell, tiers: number): YardCell => ({ ...plain(cell), tier: cell.tier + tiers });
const plain = ({ terminal, block, bay, row, tier }: YardCell): YardCell => ({
  terminal,
  block,
  bay,
  row,
  tier,
});

/**
 * Checks a change against the occupancy of the stacks it touches; throws `DomainError`:
 *
 * - `yard.same_slot`: the box would end where it stands;
 * - `yard.box_blocked`: another box stands directly on one of the `from` cells (it cannot be moved, gated out
 *   or loaded until that box is moved);
 * - `yard.slot_occupied`: another box fills one of the `to` cells;
 * - `yard.no_support`: a `to` cell above tier 1 has nothing under it once the box has left its old cells.
 *
 * @example
 * ```ts
 * checkYardChange({ occupied, visitRef, from: cellsOf(oldSlot, 40), to: cellsOf(newSlot, 40) });
 * ```
 */
export function checkYardChange({
  occupied,
  visitRef,
  from = [],
  to = [],
}: {
  occupied: readonly OccupiedCell[];
  visitRef: string;
  from?: readonly YardCell[] | undefined;
  to?: readonly YardCell[] | undefined;
}): void {
  if (from.length > 0 && from.length === to.length) {
    const fromKeys = new Set(from.map(keyOf));
    if (to.every((cell) => fromKeys.has(keyOf(cell)))) {
      throw new DomainError('yard.same_slot', 'the box already stands there', {
        visitRef,
        cells: to.map(plain),
      });
    }
  }
  const byCell = new Map(occupied.map((cell) => [keyOf(cell), cell.visitRef]));
  for (const cell of from) {
    const above = byCell.get(keyOf(shifted(cell, 1)));
    if (above !== undefined && above !== visitRef) {
      throw new DomainError('yard.box_blocked', `box ${above} stands on this box; move it first`, {
        visitRef,
        cell: plain(cell),
        blockedBy: above,
      });
    }
  }
  // The box leaves its old cells before it lands, so it may support neither itself nor block its own target.
  for (const [key, holder] of byCell) if (holder === visitRef) byCell.delete(key);
  for (const cell of to) {
    const holder = byCell.get(keyOf(cell));
    if (holder !== undefined) {
      throw new DomainError('yard.slot_occupied', `box ${holder} already fills this slot; one box per slot`, {
        visitRef,
        cell: plain(cell),
        occupiedBy: holder,
      });
    }
  }
  for (const cell of to) {
    if (cell.tier > 1 && !byCell.has(keyOf(shifted(cell, -1)))) {
      throw new DomainError('yard.no_support', `nothing stands under tier ${cell.tier}; a box cannot float`, {
        visitRef,
        cell: plain(cell),
        below: shifted(cell, -1),
      });
    }
  }
}

/**
 * Checks the change (see {@link checkYardChange}) and returns the occupancy after it: the box's old cells
 * freed, its new cells filled. The input is not modified.
 *
 * @example
 * ```ts
 * const next = applyYardChange(occupied, { visitRef, to: cellsOf(slot, 20) });
 * ```
 */
export function applyYardChange(occupied: readonly OccupiedCell[], change: YardChange): OccupiedCell[] {
  checkYardChange({ occupied, ...change });
  const { visitRef, to = [] } = change;
  return [
    ...occupied.filter((cell) => cell.visitRef !== visitRef),
    ...to.map((cell) => ({ ...plain(cell), visitRef })),
  ];
}

/**
 * The stacks a caller must load (every tier of these bays) to check a change over `cells`: the cells
 * themselves, what stands on the cells a box leaves and what is under the cells it lands on.
 *
 * @example
 * ```ts
 * stacksTouched([...cellsOf(from, 40), ...cellsOf(to, 20)]);
 * // [{ terminal: 'DPW1', block: 'A', row: 2, bays: [3, 5] }, { terminal: 'DPW1', block: 'B', row: 1, bays: [7] }]
 * ```
 */
export function stacksTouched(cells: readonly YardCell[]): StackSelection[] {
  const stacks = new Map<string, { terminal: string; block: string; row: number; bays: Set<number> }>();
  for (const { terminal, block, row, bay } of cells) {
    const key = [terminal, block, row].join('\u0000');
    const stack = stacks.get(key) ?? { terminal, block, row, bays: new Set<number>() };
    stack.bays.add(bay);
    stacks.set(key, stack);
  }
  return [...stacks.values()].map(({ bays, ...where }) => ({
    ...where,
    bays: [...bays].sort((a, b) => a - b),
  }));
}
