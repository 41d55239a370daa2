import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { testIds, testSigner, testTerminals } from '../../../test/support/ledger.js';
import { computeCheckDigit, newVisitReference } from '../../domain/index.js';
import { openLedgerStore } from '../../store/open-store.js';
import { createLedger } from '../ledger/index.js';
import {
  announceVisit,
  executeVisitBatch,
  runVisitCommand,
  type VisitBatchStep,
  type VisitCommandInput,
} from '../visits/index.js';
import { refillPartnerEvents } from './partner-event-refill.js';

describe('partner_event refilled from the log (issue 16, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-refill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes exactly the rows the visit use cases wrote, once, for a log whose rows are missing', async () => {
    const path = join(dir, 'ledger.db');
    const store = await openLedgerStore(`sqlite:${path}`);
    const ledger = createLedger({
      store,
      clock: { now: () => new Date() },
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    const terminals = new Map(
      [...testTerminals].map(([code, layout]) => [
        code,
        { ...layout, unLocode: 'BEANR', facilityCode: 'PLT1' },
      ]),
    );
    try {
      for (let i = 0; i < 4; i++) {
        const first10 = `MSCU${String(300_000 + i).padStart(6, '0')}`;
        const { visit } = await announceVisit(ledger, terminals, {
          containerNumber: `${first10}${computeCheckDigit(first10)}`,
          line: 'MSCU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'vessel', vesselCall: 'MSC-1' },
          carrierBookingReference: `BKG${i}`,
        });
        const slot = { terminal: 'T1', block: 'C', bay: 1 + 2 * i, row: 1, tier: 1 };
        await runVisitCommand(ledger, terminals, visit.visitRef, {
          type: 'DischargeContainer',
          vesselCall: 'MSC-1',
          slot,
        });
        await runVisitCommand(ledger, terminals, visit.visitRef, {
          type: 'PlaceHold',
          holdId: `H${i}`,
          kind: i % 2 === 0 ? 'customs' : 'police',
          reason: 'check',
          reference: 'R',
          by: 'officer',
        });
        if (i === 3) {
          await runVisitCommand(ledger, terminals, visit.visitRef, {
            type: 'VoidEvent',
            voidedVersion: 2,
            reason: 'wrong box',
            requestedBy: 'a',
            approvedBy: 'b',
          });
        }
      }
      const written = await store.partnerEvents.after(-1, 1000);
      // 4 discharges, 2 customs holds (police holds are never published), 1 retraction.
      expect(written).toHaveLength(7);
      expect(await refillPartnerEvents({ ledger, terminals })).toMatchObject({ inserted: 0 });

      // A database whose log predates the table: its rows are missing.
      const raw = new Sqlite(path);
      raw
        .prepare('delete from partner_event where audit_index % 2 = 0 or retracted_event_id is not null')
        .run();
      raw.close();
      const left = await store.partnerEvents.after(-1, 1000);
      expect(left.length).toBeLessThan(written.length);

      const refill = await refillPartnerEvents({ ledger, terminals }, { batch: 3 });
      expect(refill.inserted).toBe(written.length - left.length);
      expect(refill.scanned).toBe(await store.logSize());
      expect(await store.partnerEvents.after(-1, 1000)).toEqual(written);
    } finally {
      await ledger.close();
      await store.close();
    }
  });

  it('has a bulk batch write the rows of its events with its visit rows, as the log says they are', async () => {
    const path = join(dir, 'batch.db');
    const store = await openLedgerStore(`sqlite:${path}`);
    const ledger = createLedger({
      store,
      clock: { now: () => new Date() },
      ids: testIds,
      log: { origin: testSigner.name, signer: testSigner },
      checkpointIntervalMs: 0,
    });
    const terminals = new Map(
      [...testTerminals].map(([code, layout]) => [
        code,
        { ...layout, unLocode: 'BEANR', facilityCode: 'PLT1' },
      ]),
    );
    try {
      const steps: VisitBatchStep[] = [];
      for (let i = 0; i < 6; i++) {
        const visitRef = newVisitReference(new Uint8Array(13).fill(40 + i));
        const first10 = `MSCU${String(310_000 + i).padStart(6, '0')}`;
        steps.push({
          visitRef,
          command: {
            type: 'AnnounceVisit',
            visitRef,
            containerNumber: `${first10}${computeCheckDigit(first10)}`,
            line: 'MSCU',
            sizeType: '22G1',
            fullEmpty: 'empty',
            arrival: { mode: 'truck' },
          } as VisitCommandInput,
        });
        steps.push({
          visitRef,
          command: {
            type: 'GateInContainer',
            slot: { terminal: 'T1', block: 'D', bay: 1 + 2 * i, row: 1, tier: 1 },
          },
        });
        if (i % 2 === 0) steps.push({ visitRef, command: { type: 'LoadContainer', vesselCall: 'VC1' } });
      }
      const outcomes = await ledger.write((context) => executeVisitBatch(context, terminals, steps));
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      const written = await store.partnerEvents.after(-1, 1000);
      expect(written.map((row) => row.equipmentEventTypeCode).sort()).toEqual(
        [...Array(6).fill('GTIN'), ...Array(3).fill('LOAD')].sort(),
      );
      expect(await refillPartnerEvents({ ledger, terminals })).toMatchObject({ inserted: 0 });
      const raw = new Sqlite(path);
      raw.prepare('delete from partner_event').run();
      raw.close();
      await refillPartnerEvents({ ledger, terminals });
      expect(await store.partnerEvents.after(-1, 1000)).toEqual(written);
    } finally {
      await ledger.close();
      await store.close();
    }
  });
});
