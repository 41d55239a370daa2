import { describe, expect, it } from 'vitest';
import type { EnrolmentRecord } from '../app/access/identity.ports.js';
import type { LedgerStore } from '../app/ports.js';

const enrolment = (overrides: Partial<EnrolmentRecord> = {}): EnrolmentRecord => ({
  enrolmentId: 'enr-1',
  userId: 'u-clerk',
  orgId: 'nqt',
  credentialId: 'cred-1',
  linkId: 'link-1',
  status: 'pending',
  createdAt: '2025-03-01T08:00:00.000Z',
  ip: '192.0.2.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  aaguid: '00000000-0000-0000-0000-000000000000',
  decidedBy: null,
  decidedAt: null,
  ...overrides,
});

/**
 * The link enrolments every `LedgerStore` adapter shares (the `enrolment` table, issue 10 row D), run inside the
 * ledger store contract with that suite's fresh store.
 */
export function describeEnrolmentContract(storeOf: () => LedgerStore): void {
  describe('link enrolments', () => {
    it('stores an enrolment, replaces it when decided, and reads it back field for field', async () => {
      const store = storeOf();
      expect(await store.identity.getEnrolment('enr-1')).toBeUndefined();
      await store.writeTransaction((tx) => tx.identity.putEnrolment(enrolment()));
      expect(await store.identity.getEnrolment('enr-1')).toEqual(enrolment());
      expect(await store.identity.findEnrolmentByCredential('cred-1')).toEqual(enrolment());

      const confirmed = enrolment({
        status: 'confirmed',
        decidedBy: 'u-sup',
        decidedAt: '2025-03-01T08:05:00.000Z',
      });
      await store.writeTransaction(async (tx) => {
        await tx.identity.putEnrolment(confirmed);
        // Inside the transaction, the transaction's own write is what it reads.
        expect(await tx.identity.getEnrolment('enr-1')).toEqual(confirmed);
      });
      expect(await store.identity.getEnrolment('enr-1')).toEqual(confirmed);
      expect(await store.identity.findEnrolmentByCredential('cred-9')).toBeUndefined();
    });

    it('lists by status and person, oldest first', async () => {
      const store = storeOf();
      const rows = [
        enrolment({
          enrolmentId: 'e-b',
          userId: 'u-1',
          credentialId: 'c-b',
          createdAt: '2025-03-01T09:00:00.000Z',
        }),
        enrolment({
          enrolmentId: 'e-a',
          userId: 'u-2',
          credentialId: 'c-a',
          createdAt: '2025-03-01T08:00:00.000Z',
        }),
        enrolment({
          enrolmentId: 'e-c',
          userId: 'u-1',
          credentialId: 'c-c',
          status: 'rejected',
          createdAt: '2025-03-01T10:00:00.000Z',
        }),
      ];
      await store.writeTransaction(async (tx) => {
        for (const row of rows) await tx.identity.putEnrolment(row);
      });
      const ids = (list: EnrolmentRecord[]) => list.map((e) => e.enrolmentId);
      expect(ids(await store.identity.listEnrolments({}))).toEqual(['e-a', 'e-b', 'e-c']);
      expect(ids(await store.identity.listEnrolments({ status: 'pending' }))).toEqual(['e-a', 'e-b']);
      expect(ids(await store.identity.listEnrolments({ userId: 'u-1' }))).toEqual(['e-b', 'e-c']);
      expect(ids(await store.identity.listEnrolments({ status: 'rejected', userId: 'u-2' }))).toEqual([]);
    });

    it('keeps nothing of a transaction that failed', async () => {
      const store = storeOf();
      await expect(
        store.writeTransaction(async (tx) => {
          await tx.identity.putEnrolment(enrolment({ enrolmentId: 'e-lost' }));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await store.identity.getEnrolment('e-lost')).toBeUndefined();
    });
  });
}
