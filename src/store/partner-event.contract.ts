import { describe, expect, it } from 'vitest';
import type { PartnerEventQuery, PartnerEventRow } from '../app/partners/partners.ports.js';
import type { LedgerStore } from '../app/ports.js';

const row = (auditIndex: number, overrides: Partial<PartnerEventRow> = {}): PartnerEventRow => ({
  auditIndex,
  eventId: `00000000-0000-8000-8000-${String(auditIndex).padStart(12, '0')}`,
  visitRef: `V-${auditIndex}`,
  line: 'MSCU',
  terminal: 'T1',
  eventKind: 'EQUIPMENT',
  equipmentEventTypeCode: 'DISC',
  eventCreatedDateTime: `2026-05-01T10:00:${String(auditIndex % 60).padStart(2, '0')}.000Z`,
  eventDateTime: '2026-05-01T09:59:00.000Z',
  equipmentReference: `MSCU${String(auditIndex).padStart(7, '0')}`,
  carrierBookingReference: null,
  transportDocumentReference: null,
  retractedEventId: null,
  payload: { eventId: `e${auditIndex}`, nested: { slot: null } },
  ...overrides,
});

const indexes = (rows: readonly PartnerEventRow[]) => rows.map((r) => r.auditIndex);

/** The DCSA event read model and outbox (issue 16), on every store. */
export function describePartnerEventContract(storeOf: () => LedgerStore): void {
  describe('partner events', () => {
    const seed = async (store: LedgerStore) => {
      await store.writeTransaction(async (tx) => {
        await tx.partnerEvents.add([
          row(3),
          row(5, { line: 'MAEU', visitRef: 'V-MAEU', equipmentEventTypeCode: 'GTIN' }),
          row(7, { terminal: 'T2', carrierBookingReference: 'BKG1', transportDocumentReference: 'BOL1' }),
          row(9, { equipmentEventTypeCode: 'CUSI', terminal: null }),
          row(11, { retractedEventId: row(3).eventId, equipmentEventTypeCode: 'DISC' }),
          row(13, { line: 'MAEU', visitRef: 'V-HELD', equipmentEventTypeCode: 'LOAD' }),
        ]);
        await tx.releases.addReleaseParties('V-HELD', ['org-fwd']);
      });
    };
    const list = (store: LedgerStore, query: Partial<PartnerEventQuery>) =>
      store.partnerEvents.list({ scope: { kind: 'all' }, limit: 100, ...query });

    it('reads rows back as written, in index order, and pages the outbox with after()', async () => {
      const store = storeOf();
      await seed(store);
      expect(await store.partnerEvents.after(-1, 100)).toEqual([
        row(3),
        row(5, { line: 'MAEU', visitRef: 'V-MAEU', equipmentEventTypeCode: 'GTIN' }),
        row(7, { terminal: 'T2', carrierBookingReference: 'BKG1', transportDocumentReference: 'BOL1' }),
        row(9, { equipmentEventTypeCode: 'CUSI', terminal: null }),
        row(11, { retractedEventId: row(3).eventId, equipmentEventTypeCode: 'DISC' }),
        row(13, { line: 'MAEU', visitRef: 'V-HELD', equipmentEventTypeCode: 'LOAD' }),
      ]);
      expect(indexes(await store.partnerEvents.after(5, 2))).toEqual([7, 9]);
      expect(indexes(await store.partnerEvents.after(13, 10))).toEqual([]);
    });

    it('keeps each need-to-know scope in the query', async () => {
      const store = storeOf();
      await seed(store);
      expect(indexes(await list(store, {}))).toEqual([3, 5, 7, 9, 11, 13]);
      expect(indexes(await list(store, { scope: { kind: 'none' } }))).toEqual([]);
      expect(indexes(await list(store, { scope: { kind: 'terminals', terminals: ['T2'] } }))).toEqual([7]);
      expect(indexes(await list(store, { scope: { kind: 'terminals', terminals: [] } }))).toEqual([]);
      const line = { kind: 'parties', line: 'MSCU', releasePartyOrgId: 'org-mscu' } as const;
      expect(indexes(await list(store, { scope: line }))).toEqual([3, 7, 9, 11]);
      const forwarder = { kind: 'parties', releasePartyOrgId: 'org-fwd' } as const;
      expect(indexes(await list(store, { scope: forwarder }))).toEqual([13]);
      // A line sees the box of another line whose release right it holds, as /v1 lets it.
      const heldByLine = { kind: 'parties', line: 'MSCU', releasePartyOrgId: 'org-fwd' } as const;
      expect(indexes(await list(store, { scope: heldByLine }))).toEqual([3, 7, 9, 11, 13]);
    });

    it('filters by box, codes, documents, creation time and cursor, and leaves retracted events out when asked', async () => {
      const store = storeOf();
      await seed(store);
      expect(indexes(await list(store, { equipmentReference: row(7).equipmentReference }))).toEqual([7]);
      expect(indexes(await list(store, { equipmentEventTypeCodes: ['GTIN', 'LOAD'] }))).toEqual([5, 13]);
      expect(indexes(await list(store, { equipmentEventTypeCodes: [] }))).toEqual([]);
      expect(indexes(await list(store, { carrierBookingReference: 'BKG1' }))).toEqual([7]);
      expect(indexes(await list(store, { transportDocumentReference: 'BOL1' }))).toEqual([7]);
      const created = (n: number) => row(n).eventCreatedDateTime;
      expect(
        indexes(await list(store, { eventCreatedDateTime: [{ op: 'gte', value: created(7) }] })),
      ).toEqual([7, 9, 11, 13]);
      expect(
        indexes(
          await list(store, {
            eventCreatedDateTime: [
              { op: 'gt', value: created(5) },
              { op: 'lt', value: created(11) },
            ],
          }),
        ),
      ).toEqual([7, 9]);
      expect(
        indexes(await list(store, { eventCreatedDateTime: [{ op: 'lte', value: created(5) }] })),
      ).toEqual([3, 5]);
      expect(indexes(await list(store, { eventCreatedDateTime: [{ op: 'eq', value: created(9) }] }))).toEqual(
        [9],
      );
      expect(indexes(await list(store, { afterIndex: 5, limit: 2 }))).toEqual([7, 9]);
      expect(indexes(await list(store, { current: true }))).toEqual([5, 7, 9, 13]);
    });

    it('refuses a second row of one audit index, and a rolled-back row is not kept', async () => {
      const store = storeOf();
      await store.writeTransaction((tx) => tx.partnerEvents.add([row(1)]));
      await expect(store.writeTransaction((tx) => tx.partnerEvents.add([row(1)]))).rejects.toThrow();
      await expect(
        store.writeTransaction(async (tx) => {
          await tx.partnerEvents.add([row(2)]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(indexes(await store.partnerEvents.after(-1, 10))).toEqual([1]);
    });
  });
}
