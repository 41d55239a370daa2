import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, type DomainErrorCode } from '../errors.js';
import type { LengthFt } from './size-type.js';
import { applyYardChange, checkYardChange, stacksTouched, type YardChange } from './yard.js';
import { cellsOf, type OccupiedCell, type YardCell } from './yard-slot.js';

const at = (bay: number, row: number, tier: number) => ({ terminal: 'DPW1', block: 'A', bay, row, tier });
const twenty = (bay: number, row: number, tier: number) => cellsOf(at(bay, row, tier), 20);
const forty = (bay: number, row: number, tier: number) => cellsOf(at(bay, row, tier), 40);
const held = (visitRef: string, cells: YardCell[]): OccupiedCell[] => cells.map((c) => ({ ...c, visitRef }));

/** A yard history: given these boxes standing, when this change happens, then this occupancy or this refusal. */
function given(occupied: OccupiedCell[]) {
  return {
    when: (change: YardChange) => ({
      // biome-ignore lint/suspicious/noThenProperty: given/when/then reads as a history; never awaited.
      then: (expected: OccupiedCell[]) => expect(applyYardChange(occupied, change)).toEqual(expected),
      thenFails: (code: DomainErrorCode, details?: Record<string, unknown>) => {
        let caught: unknown;
        try {
          checkYardChange({ occupied, ...change });
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(DomainError);
        expect((caught as DomainError).code).toBe(code);
        if (details) expect((caught as DomainError).details).toMatchObject(details);
      },
    }),
  };
}

describe('yard occupancy', () => {
  it('a box lands on the ground of an empty stack', () => {
    given([])
      .when({ visitRef: 'A', to: twenty(3, 1, 1) })
      .then(held('A', twenty(3, 1, 1)));
  });

  it('a 40-ft box lands on two 20-ft boxes', () => {
    const ground = [...held('A', twenty(3, 1, 1)), ...held('B', twenty(5, 1, 1))];
    given(ground)
      .when({ visitRef: 'C', to: forty(4, 1, 2) })
      .then([...ground, ...held('C', forty(4, 1, 2))]);
  });

  it('one box per slot', () => {
    given(held('A', forty(4, 1, 1)))
      .when({ visitRef: 'B', to: twenty(5, 1, 1) })
      .thenFails('yard.slot_occupied', { occupiedBy: 'A', cell: at(5, 1, 1) });
  });

  it('no box above an empty slot', () => {
    given([])
      .when({ visitRef: 'A', to: twenty(3, 1, 2) })
      .thenFails('yard.no_support', { below: at(3, 1, 1) });
  });

  it('a 40-ft box needs support under both ends', () => {
    given(held('A', twenty(3, 1, 1)))
      .when({ visitRef: 'B', to: forty(4, 1, 2) })
      .thenFails('yard.no_support', { below: at(5, 1, 1) });
  });

  it('a box cannot stand on the place it has just left', () => {
    given(held('A', twenty(3, 1, 1)))
      .when({ visitRef: 'A', from: twenty(3, 1, 1), to: twenty(3, 1, 2) })
      .thenFails('yard.no_support');
  });

  it('a box under another cannot be moved', () => {
    given([...held('A', twenty(3, 1, 1)), ...held('B', twenty(3, 1, 2))])
      .when({ visitRef: 'A', from: twenty(3, 1, 1), to: twenty(5, 1, 1) })
      .thenFails('yard.box_blocked', { blockedBy: 'B' });
  });

  it('a box under another cannot leave the yard either', () => {
    given([...held('A', twenty(3, 1, 1)), ...held('B', forty(2, 1, 2)), ...held('C', twenty(1, 1, 1))])
      .when({ visitRef: 'A', from: twenty(3, 1, 1) })
      .thenFails('yard.box_blocked', { blockedBy: 'B' });
  });

  it('the top box leaves and the stack below stays', () => {
    const bottom = held('A', twenty(3, 1, 1));
    given([...bottom, ...held('B', twenty(3, 1, 2))])
      .when({ visitRef: 'B', from: twenty(3, 1, 2) })
      .then(bottom);
  });

  it('a move to the same slot is refused', () => {
    given(held('A', forty(4, 1, 1)))
      .when({ visitRef: 'A', from: forty(4, 1, 1), to: forty(4, 1, 1) })
      .thenFails('yard.same_slot');
  });

  it('a box moves across a row', () => {
    given(held('A', twenty(3, 1, 1)))
      .when({ visitRef: 'A', from: twenty(3, 1, 1), to: twenty(3, 2, 1) })
      .then(held('A', twenty(3, 2, 1)));
  });

  it('tells the caller which stacks to load', () => {
    expect(stacksTouched([...forty(4, 2, 1), ...twenty(7, 1, 3), ...twenty(3, 2, 2)])).toEqual([
      { terminal: 'DPW1', block: 'A', row: 2, bays: [3, 5] },
      { terminal: 'DPW1', block: 'A', row: 1, bays: [7] },
    ]);
  });
});

describe('yard occupancy, property', () => {
  type Op = {
    kind: 'enter' | 'move' | 'leave';
    box: number;
    lengthFt: LengthFt;
    bay: number;
    row: number;
    tier: number;
  };
  const op: fc.Arbitrary<Op> = fc.record({
    kind: fc.constantFrom('enter', 'enter', 'move', 'move', 'leave'),
    box: fc.nat(7),
    lengthFt: fc.constantFrom<LengthFt>(20, 40),
    bay: fc.integer({ min: 1, max: 2 }),
    row: fc.integer({ min: 1, max: 2 }),
    tier: fc.constantFrom(1, 1, 2, 2, 3),
  });

  it('accepted changes never put two boxes in a cell nor leave a box floating', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 80 }), (ops) => {
        let occupied: OccupiedCell[] = [];
        const where = new Map<string, YardCell[]>();
        const lengths = new Map<string, LengthFt>();
        for (const { kind, box, lengthFt, bay, row, tier } of ops) {
          const visitRef = `box${box}`;
          const length = lengths.get(visitRef) ?? lengthFt;
          // Bays 1..3 (odd) for a 20-ft box, 2 or 4 for a 40-ft box: a small yard, so that stacks collide.
          const slotBay = length === 20 ? 2 * bay - 1 : 2 * bay;
          const to = kind === 'leave' ? undefined : cellsOf(at(slotBay, row, tier), length);
          const from = where.get(visitRef);
          if ((kind === 'enter') !== (from === undefined)) continue;
          try {
            occupied = applyYardChange(occupied, { visitRef, from, to });
          } catch (error) {
            if (error instanceof DomainError) continue;
            throw error;
          }
          accepted += 1;
          lengths.set(visitRef, length);
          if (to === undefined) where.delete(visitRef);
          else where.set(visitRef, to);

          const keys = occupied.map((c) => `${c.bay}/${c.row}/${c.tier}`);
          expect(new Set(keys).size, 'two boxes in one cell').toBe(keys.length);
          for (const c of occupied) {
            if (c.tier > 1)
              expect(keys, `box ${c.visitRef} floats`).toContain(`${c.bay}/${c.row}/${c.tier - 1}`);
          }
          for (const [ref, cells] of where) {
            expect(occupied.filter((c) => c.visitRef === ref)).toEqual(
              cells.map((c) => ({ ...c, visitRef: ref })),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
    // The property is only worth something if many changes go through.
    expect(accepted).toBeGreaterThan(800);
  });
});
