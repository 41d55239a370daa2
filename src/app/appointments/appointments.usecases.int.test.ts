import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type TestLedger,
  testSlots,
  testTerminals,
} from '../../../test/support/ledger.js';
import { addDriver, principal, releaseToHaulier } from '../../../test/support/pickup.js';
import { computeCheckDigit } from '../../domain/index.js';
import { addOrganisation } from '../access/index.js';
import { announceVisit, runVisitCommand } from '../visits/index.js';
import { changeAppointment, pickupDepsFor } from './appointments.usecases.js';

const pgUp = await postgresReachable();

/**
 * Capacity under concurrency (issue 4, acceptance): 50 bookings of one slot of capacity 10, sent at once from 50
 * connections' worth of promises, give exactly 10 bookings. The ledger serialises writers on the log head, and the
 * booking counts the slot's bookings inside its transaction, so the eleventh sees a full slot.
 */
describe.skipIf(!pgUp)('appointment capacity under 50 parallel bookings (PostgreSQL)', () => {
  const nowMs = Date.parse('2030-03-04T06:00:00Z');
  let fixture: TestLedger;
  const visits: string[] = [];
  const line = principal({
    userId: 'l',
    orgId: 'org-line',
    orgKind: 'shipping_line',
    orgCode: 'MSCU',
    roles: ['release_desk'],
  });
  const haulier = principal({
    userId: 'h',
    orgId: 'org-hau',
    orgKind: 'haulier',
    orgCode: 'HAU',
    roles: ['haulier_planner'],
  });

  beforeAll(async () => {
    fixture = await openTestLedger('postgres', { clock: { now: () => new Date(nowMs) } });
    const auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'org-line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'org-hau', kind: 'haulier', name: 'Delta', code: 'HAU' });
    await addDriver({ ledger: fixture.ledger, sealer: auth.security.sealer }, 'org-hau', 'ANR-000123');
    for (let i = 0; i < 50; i++) {
      const first10 = `TSTU${String(200_000 + i).padStart(6, '0')}`;
      const visitRef = (
        await announceVisit(fixture.ledger, testTerminals, {
          containerNumber: `${first10}${computeCheckDigit(first10)}`,
          line: 'MSCU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'truck' },
        })
      ).visit.visitRef;
      await runVisitCommand(fixture.ledger, testTerminals, visitRef, {
        type: 'GateInContainer',
        slot: { terminal: 'T1', block: 'C', bay: 1 + 2 * (i % 40), row: 1 + Math.floor(i / 40), tier: 1 },
      });
      await releaseToHaulier(fixture.ledger, visitRef, { line, haulier });
      visits.push(visitRef);
    }
  }, 120_000);

  afterAll(async () => {
    await fixture?.cleanup();
  });

  it('books exactly the capacity, and refuses the rest with appointment.slot_full', async () => {
    const auth = testAuthDeps(fixture.ledger);
    const deps = {
      ledger: fixture.ledger,
      sealer: auth.security.sealer,
      pickup: pickupDepsFor({ signer: fixture.ledger.log.signer, slots: testSlots }),
    };
    const slotId = 'T1@20300304T0900Z';
    const outcomes = await Promise.allSettled(
      visits.map((visitRef) =>
        changeAppointment(deps, { orgId: 'org-hau', userId: 'h' }, visitRef, {
          type: 'book',
          slotId,
          badge: 'ANR-000123',
          truckPlate: '1-ABC-123',
        }),
      ),
    );
    const booked = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as { code?: string }] : []));
    expect(booked).toHaveLength(10);
    expect(refused).toHaveLength(40);
    expect(new Set(refused.map((e) => e.code))).toEqual(new Set(['appointment.slot_full']));
    expect((await fixture.store.gate.slotBookingCounts([slotId])).get(slotId)).toBe(10);
  }, 120_000);
});
