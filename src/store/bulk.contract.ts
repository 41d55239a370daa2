import { describe, expect, it } from 'vitest';
import type { LedgerStore } from '../app/ports.js';
import { makeEvents, makeVisit } from './testing/fixtures.js';

const cell = (bay: number, row: number, tier: number, block = 'A', terminal = 'T1') => ({
  terminal,
  block,
  bay,
  row,
  tier,
});

/**
 * The store's batch methods of bulk ingest (issue 13): many streams, active visits and stacks read at once, many
 * visits and cells written at once, each the same as its one-at-a-time method, inside and outside a transaction.
 */
export function describeBulkContract(store: () => LedgerStore): void {
  describe('bulk ingest (issue 13)', () => {
    it('reads many whole streams at once, the missing ones empty, the transaction’s own appends included', async () => {
      const a = makeEvents({ streamId: 'visit-a', fromIndex: 0, fromVersion: 0, count: 2 });
      const b = makeEvents({ streamId: 'visit-b', fromIndex: 2, fromVersion: 0, count: 1 });
      await store().writeTransaction(async (tx) => {
        await tx.appendToStream('visit-a', 0, a);
        await tx.appendToStream('visit-b', 0, b);
      });
      const found = await store().readStreams(['visit-b', 'visit-a', 'visit-none', 'visit-a']);
      expect(found).toEqual(
        new Map([
          ['visit-b', b],
          ['visit-a', a],
          ['visit-none', []],
        ]),
      );
      await store().writeTransaction(async (tx) => {
        const more = makeEvents({ streamId: 'visit-a', fromIndex: 3, fromVersion: 2, count: 1 });
        await tx.appendToStream('visit-a', 2, more);
        const inside = await tx.readStreams(['visit-a', 'visit-b']);
        expect(inside.get('visit-a')).toEqual([...a, ...more]);
        expect(inside.get('visit-b')).toEqual(b);
        // What it read is the stream as it stands: a further append continues it.
        const last = makeEvents({ streamId: 'visit-b', fromIndex: 4, fromVersion: 1, count: 1 });
        await tx.appendToStream('visit-b', 1, last);
        expect((await tx.readStreams(['visit-b'])).get('visit-b')).toEqual([...b, ...last]);
      });
      expect((await store().readStreams([])).size).toBe(0);
    });

    it('finds the active visits of many containers at once, skipping ended ones', async () => {
      await store().writeTransaction(async (tx) => {
        await tx.upsertVisit(makeVisit({ visitRef: 'V1', status: 'gated_out', lastIndex: 1 }));
        await tx.upsertVisit(makeVisit({ visitRef: 'V2', status: 'in_yard', lastIndex: 5 }));
        await tx.upsertVisit(makeVisit({ visitRef: 'V3', containerNumber: 'CSQU3054383', status: 'loaded' }));
        await tx.upsertVisit(
          makeVisit({ visitRef: 'V4', containerNumber: 'TGHU0000000', status: 'announced' }),
        );
        const inside = await tx.findActiveVisits(['MSCU1234565', 'CSQU3054383']);
        expect([...inside.keys()]).toEqual(['MSCU1234565']);
      });
      const found = await store().findActiveVisits(['MSCU1234565', 'CSQU3054383', 'TGHU0000000', 'NONE']);
      expect(new Map([...found].map(([number, visit]) => [number, visit.visitRef]))).toEqual(
        new Map([
          ['MSCU1234565', 'V2'],
          ['TGHU0000000', 'V4'],
        ]),
      );
      expect(found.get('MSCU1234565')).toEqual(await store().getVisit('V2'));
    });

    it('writes many visits in one call, the last record of a visit standing, as upsertVisit does', async () => {
      const one = makeVisit({ visitRef: 'V1', searchKeys: { ...noKeys, arrivalVesselCall: 'VC1' } });
      const two = makeVisit({ visitRef: 'V2', containerNumber: 'CSQU3054383' });
      await store().writeTransaction((tx) =>
        tx.upsertVisit(makeVisit({ visitRef: 'V2', status: 'announced' })),
      );
      const later = { ...one, status: 'loaded', terminal: null, streamVersion: 3, lastIndex: 9 };
      await store().writeTransaction(async (tx) => {
        await tx.upsertVisits([one, two, later]);
        await tx.upsertVisits([]);
        expect(await tx.getVisit('V1')).toEqual(later);
      });
      expect(await store().getVisits(['V1', 'V2'])).toEqual(
        new Map([
          ['V1', later],
          ['V2', two],
        ]),
      );
      expect(
        (await store().searchVisits({ text: 'VC1', containerNumber: null, limit: 10 })).map(
          (hit) => hit.visit,
        ),
      ).toEqual([later]);
    });

    it('reads the cells of many stacks at once and occupies the cells of many visits at once', async () => {
      await store().writeTransaction(async (tx) => {
        await tx.occupyCellsOf([
          { ...cell(1, 1, 1), visitRef: 'V40' },
          { ...cell(2, 1, 1), visitRef: 'V40' },
          { ...cell(1, 1, 2), visitRef: 'V20' },
          { ...cell(5, 2, 1), visitRef: 'V21' },
          { ...cell(1, 1, 1, 'B'), visitRef: 'V22' },
        ]);
        await tx.occupyCellsOf([]);
        expect(await tx.occupiedCellsIn([{ terminal: 'T1', block: 'A', row: 1, bays: [1] }])).toHaveLength(2);
      });
      const byPlace = (cells: { block: string; row: number; bay: number; tier: number }[]) =>
        [...cells].sort(
          (a, b) => a.block.localeCompare(b.block) || a.row - b.row || a.bay - b.bay || a.tier - b.tier,
        );
      expect(
        byPlace(
          await store().occupiedCellsIn([
            { terminal: 'T1', block: 'A', row: 1, bays: [1, 3] },
            { terminal: 'T1', block: 'B', row: 1, bays: [1] },
            { terminal: 'T1', block: 'A', row: 2, bays: [4] },
            { terminal: 'T2', block: 'A', row: 1, bays: [1] },
          ]),
        ),
      ).toEqual([
        { ...cell(1, 1, 1), visitRef: 'V40' },
        { ...cell(1, 1, 2), visitRef: 'V20' },
        { ...cell(1, 1, 1, 'B'), visitRef: 'V22' },
      ]);
      expect(await store().occupiedCellsIn([])).toEqual([]);
      // A batch asks for thousands of stacks at once: one statement holds them (SQLite's expression depth is 1000).
      const many = Array.from({ length: 3000 }, (_, i) => ({
        terminal: 'T1',
        block: 'A',
        row: 1 + (i % 2),
        bays: [1 + Math.floor(i / 2)],
      }));
      expect((await store().occupiedCellsIn(many)).map((c) => c.visitRef).sort()).toEqual([
        'V20',
        'V21',
        'V40',
        'V40',
      ]);
      const twice = store().writeTransaction((tx) =>
        tx.occupyCellsOf([{ ...cell(5, 2, 1), visitRef: 'V9' }]),
      );
      await expect(twice).rejects.toMatchObject({ code: 'store.duplicate' });
    });
  });
}

const noKeys = {
  transportDocumentReference: null,
  carrierBookingReference: null,
  arrivalVesselCall: null,
  departureVesselCall: null,
  arrivalTruckPlate: null,
  departureTruckPlate: null,
};
