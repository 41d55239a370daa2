/**
 * The yard map of one terminal (issue 5): its layout and every box standing in it, packed as parallel arrays so
 * that a 50,000-box terminal travels as a few flat lists rather than 50,000 objects with repeated keys.
 */
import { mayDo, type Principal, type YardLayout, type YardSlot } from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { LedgerReads, VisitMapFlags } from '../ports.js';
import type { TerminalLayouts } from '../visits/index.js';

/**
 * States a box on the map can be in, from the least to the most urgent; a box's `state` is an index into this
 * list, so a stack takes the highest index among its tiers. A box has the most urgent state that applies:
 * - `alert`: an alert that names the visit is not yet resolved;
 * - `frozen`: a freeze is in force (only two people lift it);
 * - `held`: a hold is in force (customs, line, terminal or police);
 * - `released`: the release right is in force (not blocked or revoked) and held by a haulier: ready to collect;
 * - `in_yard`: none of these.
 */
export const yardBoxStates = ['in_yard', 'released', 'held', 'frozen', 'alert'] as const;
export type YardBoxState = (typeof yardBoxStates)[number];

const stateIndex = (state: YardBoxState) => yardBoxStates.indexOf(state);

/** The state of one box, from its visit view and its map flags. */
export function yardBoxState(
  view: { onHold?: unknown; frozen?: unknown },
  flags: VisitMapFlags | undefined,
): YardBoxState {
  if ((flags?.openAlerts ?? 0) > 0) return 'alert';
  if (view.frozen !== null && view.frozen !== undefined) return 'frozen';
  if (view.onHold === true) return 'held';
  if (flags?.released) return 'released';
  return 'in_yard';
}

/** One terminal's yard as the map draws it. Box `i` is `block[i]`, `bay[i]`, … of the arrays in `boxes`. */
export interface YardMap {
  readonly terminal: string;
  readonly at: string;
  readonly blocks: YardLayout['blocks'];
  readonly states: readonly YardBoxState[];
  readonly boxes: {
    readonly count: number;
    /** Index into `blocks`. */
    readonly block: number[];
    /** The slot's bay: odd for a 20-ft box, even for a 40/45-ft box (which covers the odd bays either side). */
    readonly bay: number[];
    readonly row: number[];
    readonly tier: number[];
    /** Index into `states`. */
    readonly state: number[];
    readonly containerNumber: string[];
  };
}

const PAGE = 1000;

/**
 * The yard of `terminal` as `principal` may see it: terminal staff see their own organisation's terminals only,
 * customs and police every terminal (the policy table has already required `yard.map.read`).
 *
 * @throws AppError `yard.terminal_not_found` for a terminal the port does not run or the caller may not see (one
 * answer for both, so the map does not confirm which terminals exist to outsiders).
 */
export async function yardMap(args: {
  reads: LedgerReads;
  terminals: TerminalLayouts;
  principal: Principal;
  terminal: string;
  now: Date;
}): Promise<YardMap> {
  const { reads, terminals, principal, terminal } = args;
  const layout = terminals.get(terminal);
  const ownTerminal =
    principal.orgKind !== 'terminal_operator' || (principal.terminals ?? []).includes(terminal);
  if (!layout || !mayDo(principal, 'yard.map.read') || !ownTerminal) {
    throw new AppError('yard.terminal_not_found', `no terminal ${terminal} for you to see`, { terminal });
  }
  const blockIndex = new Map(layout.blocks.map((block, i) => [block.id, i]));
  const boxes = {
    count: 0,
    block: [] as number[],
    bay: [] as number[],
    row: [] as number[],
    tier: [] as number[],
    state: [] as number[],
    containerNumber: [] as string[],
  };
  let after: string | undefined;
  for (;;) {
    const page = await reads.listVisits({
      terminal,
      status: 'in_yard',
      limit: PAGE,
      ...(after !== undefined ? { after } : {}),
    });
    // One indexed look-up per page of visits, never a fold of their streams (50,000 boxes = 50 pages).
    const flags = await reads.visitMapFlags(page.map((visit) => visit.visitRef));
    for (const visit of page) {
      const slot = visit.view.slot as YardSlot | null;
      const block = slot ? blockIndex.get(slot.block) : undefined;
      if (!slot || block === undefined) continue;
      boxes.block.push(block);
      boxes.bay.push(slot.bay);
      boxes.row.push(slot.row);
      boxes.tier.push(slot.tier);
      boxes.state.push(stateIndex(yardBoxState(visit.view, flags.get(visit.visitRef))));
      boxes.containerNumber.push(visit.containerNumber);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]?.visitRef;
  }
  boxes.count = boxes.block.length;
  return {
    terminal,
    at: args.now.toISOString(),
    blocks: layout.blocks,
    states: yardBoxStates,
    boxes,
  };
}
