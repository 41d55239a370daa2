import { describe, expect, it } from 'vitest';
import type { EdiInterchangeRecord } from '../app/edi/edi.ports.js';
import type { LedgerStore } from '../app/ports.js';

const receipt = (n: number, over: Partial<EdiInterchangeRecord> = {}): EdiInterchangeRecord => ({
  interchangeId: `EDI-${String(n).padStart(24, '0')}`,
  sender: 'OOCL',
  recipient: 'PORTLEDGER',
  controlRef: `REF${n}`,
  orgId: 'org-oocl',
  receivedBy: 'edi:OOCL',
  sha256: 'ab'.repeat(32),
  receivedAt: `2026-03-02T08:00:0${n % 10}.000Z`,
  auditIndex: 100 + n,
  messages: [
    { ref: '1907', type: 'BAPLIE', eventIndexes: [100 + n, 101 + n], summary: 'announced 2 boxes é' },
  ],
  ...over,
});

/** The received UN/EDIFACT interchanges (`edi.ports.ts`, issue 17), on every store. */
export function describeEdiInterchangeContract(storeOf: () => LedgerStore): void {
  describe('EDI interchange receipts', () => {
    it('finds a receipt by id and by (organisation, sender, control reference), and refuses a second of either', async () => {
      const store = storeOf();
      expect(await store.edi.findEdiInterchange('org-oocl', 'OOCL', 'REF1')).toBeUndefined();
      await store.writeTransaction((tx) => tx.edi.putEdiInterchange(receipt(1)));
      expect(await store.edi.getEdiInterchange(receipt(1).interchangeId)).toEqual(receipt(1));
      expect(await store.edi.findEdiInterchange('org-oocl', 'OOCL', 'REF1')).toEqual(receipt(1));
      // The same control reference from another sender is another interchange.
      expect(await store.edi.findEdiInterchange('org-oocl', 'MSC', 'REF1')).toBeUndefined();
      await expect(
        store.writeTransaction((tx) => tx.edi.putEdiInterchange(receipt(2, { controlRef: 'REF1' }))),
      ).rejects.toMatchObject({ code: 'store.duplicate' });
      // Another organisation writing the same UNB sender and reference is neither blocked nor told of the first.
      expect(await store.edi.findEdiInterchange('org-gang', 'OOCL', 'REF1')).toBeUndefined();
      const squatter = receipt(8, { controlRef: 'REF1', orgId: 'org-gang' });
      await store.writeTransaction((tx) => tx.edi.putEdiInterchange(squatter));
      expect(await store.edi.findEdiInterchange('org-gang', 'OOCL', 'REF1')).toEqual(squatter);
      expect(await store.edi.findEdiInterchange('org-oocl', 'OOCL', 'REF1')).toEqual(receipt(1));
      await expect(
        store.writeTransaction((tx) => tx.edi.putEdiInterchange(receipt(1, { controlRef: 'OTHER' }))),
      ).rejects.toMatchObject({ code: 'store.duplicate' });
    });

    it('reads its own receipt inside the transaction; a rolled-back one was never received', async () => {
      const store = storeOf();
      await expect(
        store.writeTransaction(async (tx) => {
          await tx.edi.putEdiInterchange(receipt(3));
          expect(await tx.edi.findEdiInterchange('org-oocl', 'OOCL', 'REF3')).toEqual(receipt(3));
          throw new Error('crash before commit');
        }),
      ).rejects.toThrow('crash before commit');
      expect(await store.edi.findEdiInterchange('org-oocl', 'OOCL', 'REF3')).toBeUndefined();
    });

    it('lists newest first, per organisation or all, in keyset pages', async () => {
      const store = storeOf();
      await store.writeTransaction(async (tx) => {
        for (const n of [4, 5, 6]) await tx.edi.putEdiInterchange(receipt(n));
        await tx.edi.putEdiInterchange(receipt(7, { orgId: 'org-msc', sender: 'MSC' }));
      });
      const ids = (records: EdiInterchangeRecord[]) => records.map((r) => r.controlRef);
      expect(ids(await store.edi.listEdiInterchanges({ orgId: 'org-oocl', limit: 2 }))).toEqual([
        'REF6',
        'REF5',
      ]);
      const after = receipt(5);
      expect(
        ids(
          await store.edi.listEdiInterchanges({
            orgId: 'org-oocl',
            limit: 10,
            before: { receivedAt: after.receivedAt, interchangeId: after.interchangeId },
          }),
        ),
      ).toEqual(['REF4']);
      expect(ids(await store.edi.listEdiInterchanges({ limit: 1 }))).toEqual(['REF7']);
      expect(ids(await store.edi.listEdiInterchanges({ orgId: 'org-msc', limit: 5 }))).toEqual(['REF7']);
    });
  });
}
