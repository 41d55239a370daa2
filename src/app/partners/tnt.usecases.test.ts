import { describe, expect, it } from 'vitest';
import type { PartnerEquipmentEvent, Principal } from '../../domain/index.js';
import { createMemoryLedgerStore } from '../../store/memory-store.js';
import type { PartnerEventRow } from './partners.ports.js';
import { listTntEvents, TNT_PAGE_MAX } from './tnt.usecases.js';

const customs: Principal = {
  userId: 'customs-officer',
  orgId: 'customs',
  orgKind: 'customs',
  orgCode: 'BECUS',
  roles: ['customs_officer'],
};

function dischargeRow(auditIndex: number): PartnerEventRow {
  const equipmentReference = `MSCU${String(auditIndex).padStart(7, '0')}`;
  const eventId = `00000000-0000-8000-8000-${String(auditIndex).padStart(12, '0')}`;
  const payload: PartnerEquipmentEvent = {
    eventId,
    equipmentEventTypeCode: 'DISC',
    eventCreatedDateTime: '2026-05-01T10:00:00.000Z',
    eventDateTime: '2026-05-01T09:59:00.000Z',
    equipmentReference,
    isoEquipmentCode: '22G1',
    emptyIndicatorCode: 'LADEN',
    terminal: 'T1',
    line: 'MSCU',
    location: { unLocode: 'BEANR', facilityCode: 'PLT1' },
    vesselCall: 'VRIB3/042',
    carrierBookingReference: null,
    transportDocumentReference: null,
    retractedEventId: null,
  };
  return {
    auditIndex,
    eventId,
    visitRef: `V-${auditIndex}`,
    line: 'MSCU',
    terminal: 'T1',
    eventKind: 'EQUIPMENT',
    equipmentEventTypeCode: 'DISC',
    eventCreatedDateTime: payload.eventCreatedDateTime,
    eventDateTime: payload.eventDateTime,
    equipmentReference,
    carrierBookingReference: null,
    transportDocumentReference: null,
    retractedEventId: null,
    payload: payload as unknown as PartnerEventRow['payload'],
  };
}

describe('T&T pages at the largest limit (issue 16)', () => {
  it('says a next page exists when a page asked at the maximum is full and more follow', async () => {
    // An outside test found that `limit=1000` gave 1000 events and no Next-Page header: the look-ahead row was cut.
    const store = createMemoryLedgerStore();
    const total = TNT_PAGE_MAX + 5;
    await store.writeTransaction(async (tx) => {
      await tx.partnerEvents.add(Array.from({ length: total }, (_, i) => dischargeRow(i)));
    });
    for (const version of ['2.2', '3.0'] as const) {
      const first = await listTntEvents(store, customs, version, {}, { limit: TNT_PAGE_MAX });
      expect(first.events).toHaveLength(TNT_PAGE_MAX);
      expect(first.nextAfter).toBe(TNT_PAGE_MAX - 1);
      const second = await listTntEvents(
        store,
        customs,
        version,
        {},
        { limit: TNT_PAGE_MAX, after: first.nextAfter! },
      );
      expect(second.events).toHaveLength(5);
      expect(second.nextAfter).toBeNull();
    }
    await store.close();
  });
});
