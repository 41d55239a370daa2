import { describe, expect, it } from 'vitest';
import { testIds, testSigner, testTerminals } from '../../test/support/ledger.js';
import { createLedger } from '../app/ledger/index.js';
import type { VisitRecord } from '../app/ports.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { storeDialect } from './dialect.js';
import { migrate } from './migrations/index.js';
import { createReadModelRepository } from './read-model.repository.js';
import { migrationTestDatabases } from './testing/migration-databases.js';

const databases = await migrationTestDatabases('search_keys');
const slot = (bay: number) => ({ terminal: 'T1', block: 'C', bay, row: 1, tier: 1 });

describe.each(databases)(
  '0031_visit_search_keys gives the visits recorded before it their keys ($name)',
  ({ make }) => {
    it('as the writer derives them: vessel calls from the view, the gate-in truck from its event, a voided one not', async () => {
      const where = make();
      try {
        const store = await where.openStore();
        let now = new Date('2030-01-01T00:00:00.000Z').getTime();
        const ledger = createLedger({
          store,
          clock: {
            now: () => {
              now += 1000;
              return new Date(now);
            },
          },
          ids: testIds,
          log: { origin: testSigner.name, signer: testSigner },
          checkpointIntervalMs: 0,
        });
        const announce = (
          containerNumber: string,
          arrival: { mode: 'vessel'; vesselCall: string } | { mode: 'truck' },
        ) =>
          announceVisit(ledger, testTerminals, {
            containerNumber,
            line: 'MSCU',
            sizeType: '22G1',
            fullEmpty: 'full',
            arrival,
          });
        const offVessel = (await announce('CSQU3054383', { mode: 'vessel', vesselCall: 'MSC Anna 042W' }))
          .visit;
        await runVisitCommand(ledger, testTerminals, offVessel.visitRef, {
          type: 'DischargeContainer',
          vesselCall: 'MSC Anna 042W',
          slot: slot(1),
        });
        const byTruck = (await announce('MSCU1234566', { mode: 'truck' })).visit;
        await runVisitCommand(ledger, testTerminals, byTruck.visitRef, {
          type: 'GateInContainer',
          slot: slot(3),
          truckPlate: '2-xyz-987',
        });
        await runVisitCommand(ledger, testTerminals, byTruck.visitRef, {
          type: 'LoadContainer',
          vesselCall: 'MSC-E12',
        });
        // Gated in on the wrong truck, voided, and gated in again on the right one.
        const corrected = (await announce('TGHU0000008', { mode: 'truck' })).visit;
        await runVisitCommand(ledger, testTerminals, corrected.visitRef, {
          type: 'GateInContainer',
          slot: slot(5),
          truckPlate: 'WRONG1',
        });
        await runVisitCommand(ledger, testTerminals, corrected.visitRef, {
          type: 'VoidEvent',
          voidedVersion: 2,
          reason: 'keyed on the wrong truck',
          requestedBy: 'u-1',
          approvedBy: 'u-2',
        });
        await runVisitCommand(ledger, testTerminals, corrected.visitRef, {
          type: 'GateInContainer',
          slot: slot(5),
          truckPlate: '3-RIG-456',
        });
        const waiting = (await announce('TGHU0000013', { mode: 'truck' })).visit;
        const refs = [offVessel, byTruck, corrected, waiting].map((visit) => visit.visitRef);
        const written = await store.getVisits(refs);
        expect(written.get(byTruck.visitRef)?.searchKeys).toMatchObject({
          arrivalTruckPlate: '2XYZ987',
          departureVesselCall: 'MSCE12',
        });
        expect(written.get(corrected.visitRef)?.searchKeys?.arrivalTruckPlate).toBe('3RIG456');
        await ledger.close();
        await store.close();

        const { db, migrator } = await where.openDb();
        try {
          const undone: string[] = [];
          while (undone.at(-1) !== '0031_visit_search_keys') {
            const { error, results } = await migrator.migrateDown();
            expect(error).toBeUndefined();
            undone.push(results?.[0]?.migrationName ?? 'none');
          }
          expect((await migrate(db)).applied).toEqual([...undone].reverse());
          const backfilled = await createReadModelRepository({
            db,
            dialect: storeDialect(where.kind),
          }).getVisits(refs);
          const rows = (map: Map<string, VisitRecord>) => refs.map((ref) => map.get(ref));
          expect(rows(backfilled)).toEqual(rows(written));
          expect(backfilled.get(offVessel.visitRef)?.searchKeys?.arrivalVesselCall).toBe('MSCANNA042W');
          expect(backfilled.get(waiting.visitRef)).not.toHaveProperty('searchKeys');
        } finally {
          await db.destroy();
        }
      } finally {
        await where.cleanup();
      }
    }, 60_000);
  },
);
