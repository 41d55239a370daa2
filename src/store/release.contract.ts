import { describe, expect, it } from 'vitest';
import type { LedgerStore } from '../app/ports.js';
import type { ReleaseRecord } from '../app/releases/release.ports.js';

const release = (overrides: Partial<ReleaseRecord> = {}): ReleaseRecord => ({
  visitRef: 'V-REL-1',
  releaseId: 'REL-1',
  line: 'MSCU',
  lineOrgId: 'org-mscu',
  holder: null,
  offeredTo: 'org-fwd',
  rightVersion: 1,
  blocked: false,
  revoked: false,
  validFrom: '2025-03-01T08:00:00.000Z',
  validUntil: '2025-03-08T08:00:00.000Z',
  streamVersion: 3,
  view: { releaseId: 'REL-1', chain: [], offer: { from: 'org-mscu', to: 'org-fwd' } },
  updatedAt: '2025-03-01T08:00:00.000Z',
  ...overrides,
});

/**
 * The release read models every `LedgerStore` adapter shares (`release`, `release_party`), run inside the
 * ledger store contract with that suite's fresh store.
 */
export function describeReleaseContract(storeOf: () => LedgerStore): void {
  describe('releases', () => {
    it('stores a release, replaces it on the next change, and reads it back field for field', async () => {
      const store = storeOf();
      expect(await store.releases.getRelease('V-REL-1')).toBeUndefined();
      await store.writeTransaction((tx) => tx.releases.putRelease(release()));
      expect(await store.releases.getRelease('V-REL-1')).toEqual(release());

      const accepted = release({
        holder: 'org-fwd',
        offeredTo: null,
        rightVersion: 2,
        blocked: true,
        revoked: true,
        streamVersion: 5,
        view: { releaseId: 'REL-1', chain: [{ orgId: 'org-fwd' }], offer: null },
      });
      await store.writeTransaction((tx) => tx.releases.putRelease(accepted));
      expect(await store.releases.getRelease('V-REL-1')).toEqual(accepted);
    });

    it('keeps each party of a visit once, in orgId order, apart from other visits', async () => {
      const store = storeOf();
      expect(await store.releases.releaseParties('V-REL-1')).toEqual([]);
      await store.writeTransaction(async (tx) => {
        await tx.releases.addReleaseParties('V-REL-1', ['org-h1', 'org-f1']);
        // Seen inside the transaction that wrote it.
        expect(await tx.releases.releaseParties('V-REL-1')).toEqual(['org-f1', 'org-h1']);
      });
      await store.writeTransaction((tx) => tx.releases.addReleaseParties('V-REL-1', ['org-f1', 'org-f2']));
      await store.writeTransaction((tx) => tx.releases.addReleaseParties('V-REL-2', ['org-x']));
      await store.writeTransaction((tx) => tx.releases.addReleaseParties('V-REL-2', []));
      expect(await store.releases.releaseParties('V-REL-1')).toEqual(['org-f1', 'org-f2', 'org-h1']);
      expect(await store.releases.releaseParties('V-REL-2')).toEqual(['org-x']);
    });

    it('rolls release writes back with their transaction', async () => {
      const store = storeOf();
      await expect(
        store.writeTransaction(async (tx) => {
          await tx.releases.putRelease(release());
          await tx.releases.addReleaseParties('V-REL-1', ['org-f1']);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.releases.getRelease('V-REL-1')).toBeUndefined();
      expect(await store.releases.releaseParties('V-REL-1')).toEqual([]);
    });

    it("lists an organisation's inbox by the change, latest first, a page at a time", async () => {
      const store = storeOf();
      const at = (minute: number) => `2025-03-01T08:${String(minute).padStart(2, '0')}:00.000Z`;
      await store.writeTransaction(async (tx) => {
        await tx.releases.putRelease(release({ visitRef: 'V-A', releaseId: 'R-A', updatedAt: at(1) }));
        await tx.releases.putRelease(release({ visitRef: 'V-B', releaseId: 'R-B', updatedAt: at(3) }));
        await tx.releases.putRelease(release({ visitRef: 'V-C', releaseId: 'R-C', updatedAt: at(3) }));
        await tx.releases.putRelease(
          release({
            visitRef: 'V-D',
            releaseId: 'R-D',
            offeredTo: null,
            holder: 'org-fwd',
            updatedAt: at(2),
          }),
        );
        await tx.releases.putRelease(
          release({ visitRef: 'V-E', releaseId: 'R-E', offeredTo: 'org-other', updatedAt: at(4) }),
        );
      });
      const page = async (
        view: 'offers' | 'held' | 'issued',
        orgId: string,
        limit: number,
        after?: { updatedAt: string; visitRef: string },
      ) =>
        (await store.releases.listReleaseInbox({ orgId, view, limit, ...(after ? { after } : {}) })).map(
          (r) => r.visitRef,
        );
      expect(await page('offers', 'org-fwd', 10)).toEqual(['V-C', 'V-B', 'V-A']);
      expect(await page('offers', 'org-fwd', 2)).toEqual(['V-C', 'V-B']);
      expect(await page('offers', 'org-fwd', 2, { updatedAt: at(3), visitRef: 'V-B' })).toEqual(['V-A']);
      expect(await page('held', 'org-fwd', 10)).toEqual(['V-D']);
      expect(await page('issued', 'org-mscu', 10)).toEqual(['V-E', 'V-C', 'V-B', 'V-D', 'V-A']);
      expect(await page('offers', 'org-mscu', 10)).toEqual([]);
      expect(
        (await store.releases.listReleaseInbox({ orgId: 'org-fwd', view: 'held', limit: 1 }))[0],
      ).toEqual(
        release({ visitRef: 'V-D', releaseId: 'R-D', offeredTo: null, holder: 'org-fwd', updatedAt: at(2) }),
      );
    });

    it("filters the line's releases by state, a page at a time in the inbox order (issue 14)", async () => {
      const store = storeOf();
      const at = (minute: number) => `2025-03-01T08:${String(minute).padStart(2, '0')}:00.000Z`;
      const states: [string, boolean, boolean][] = [
        ['V-1', false, false],
        ['V-2', true, false],
        ['V-3', false, true],
        ['V-4', true, true],
        ['V-5', false, false],
        ['V-6', false, true],
      ];
      await store.writeTransaction(async (tx) => {
        for (const [i, [visitRef, blocked, revoked]] of states.entries()) {
          await tx.releases.putRelease(
            release({ visitRef, releaseId: `R-${i}`, blocked, revoked, updatedAt: at(i) }),
          );
        }
      });
      const page = async (
        state: 'in_force' | 'blocked' | 'revoked',
        limit = 10,
        after?: { updatedAt: string; visitRef: string },
      ) =>
        (
          await store.releases.listReleaseInbox({
            orgId: 'org-mscu',
            view: 'issued',
            limit,
            state,
            ...(after ? { after } : {}),
          })
        ).map((r) => r.visitRef);
      expect(await page('in_force')).toEqual(['V-5', 'V-1']);
      expect(await page('blocked')).toEqual(['V-2']);
      // Revoked, blocked or not: the two ranges merged in the inbox order.
      expect(await page('revoked')).toEqual(['V-6', 'V-4', 'V-3']);
      expect(await page('revoked', 2)).toEqual(['V-6', 'V-4']);
      expect(await page('revoked', 2, { updatedAt: at(3), visitRef: 'V-4' })).toEqual(['V-3']);
    });

    it('lists an inbox oldest change first, a page at a time in that order, ties by visit (issue 14)', async () => {
      const store = storeOf();
      const at = (minute: number) => `2025-03-01T08:${String(minute).padStart(2, '0')}:00.000Z`;
      const changes: [string, number, boolean][] = [
        ['V-A', 1, false],
        ['V-B', 3, true],
        ['V-C', 3, false],
        ['V-D', 2, true],
        ['V-E', 4, false],
      ];
      await store.writeTransaction(async (tx) => {
        for (const [visitRef, minute, revoked] of changes) {
          await tx.releases.putRelease(
            release({
              visitRef,
              releaseId: `R${visitRef}`,
              revoked,
              blocked: minute === 3,
              updatedAt: at(minute),
            }),
          );
        }
      });
      const page = async (
        limit: number,
        after?: { updatedAt: string; visitRef: string },
        state?: 'in_force' | 'blocked' | 'revoked',
      ) =>
        (
          await store.releases.listReleaseInbox({
            orgId: 'org-mscu',
            view: 'issued',
            limit,
            direction: 'asc',
            ...(after ? { after } : {}),
            ...(state ? { state } : {}),
          })
        ).map((r) => r.visitRef);
      expect(await page(10)).toEqual(['V-A', 'V-D', 'V-B', 'V-C', 'V-E']);
      expect(await page(2)).toEqual(['V-A', 'V-D']);
      expect(await page(2, { updatedAt: at(2), visitRef: 'V-D' })).toEqual(['V-B', 'V-C']);
      expect(await page(2, { updatedAt: at(3), visitRef: 'V-C' })).toEqual(['V-E']);
      expect(await page(10, { updatedAt: at(4), visitRef: 'V-E' })).toEqual([]);
      // Revoked spans two ranges of the state index (blocked or not): merged oldest first too.
      expect(await page(10, undefined, 'revoked')).toEqual(['V-D', 'V-B']);
      expect(await page(1, { updatedAt: at(2), visitRef: 'V-D' }, 'revoked')).toEqual(['V-B']);
      expect(await page(10, undefined, 'blocked')).toEqual(['V-C']);
      expect(
        (
          await store.releases.listReleaseInbox({
            orgId: 'org-mscu',
            view: 'issued',
            limit: 10,
            direction: 'desc',
          })
        ).map((r) => r.visitRef),
      ).toEqual(['V-E', 'V-C', 'V-B', 'V-D', 'V-A']);
    });

    it('returns copies: changing what was read changes nothing stored', async () => {
      const store = storeOf();
      await store.writeTransaction((tx) => tx.releases.putRelease(release()));
      const read = await store.releases.getRelease('V-REL-1');
      (read!.view as { releaseId: string }).releaseId = 'changed';
      expect((await store.releases.getRelease('V-REL-1'))!.view.releaseId).toBe('REL-1');
    });
  });
}
