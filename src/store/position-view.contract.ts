import { describe, expect, it } from 'vitest';
import {
  newestViewFirst,
  type PositionViewCursor,
  type PositionViewRecord,
} from '../app/alerts/position-view.ports.js';
import type { LedgerStore } from '../app/ports.js';

const at = (day: number, minute = 0) =>
  `2025-03-${String(day).padStart(2, '0')}T08:${String(minute).padStart(2, '0')}:00.000Z`;

const view = (
  auditIndex: number,
  subject: string,
  overrides: Partial<PositionViewRecord> = {},
): PositionViewRecord => ({
  auditIndex,
  kind: 'visit',
  subject,
  userId: 'u-ann',
  orgId: 'org-t1',
  routes: ['visit'],
  viewedAt: at(10),
  ...overrides,
});

const cursorOf = (row: PositionViewRecord): PositionViewCursor => ({
  viewedAt: row.viewedAt,
  auditIndex: row.auditIndex,
  kind: row.kind,
  subject: row.subject,
});

/** "Who looked at this box" and "which boxes did this person look at" (issue 15), on every store. */
export function describePositionViewContract(storeOf: () => LedgerStore): void {
  describe('position views', () => {
    it("lists a box's viewers newest first within the days asked, and no other box's", async () => {
      const store = storeOf();
      await store.writeTransaction(async (tx) => {
        await tx.positionViews.putPositionViews([
          view(5, 'V-1', { viewedAt: at(1) }),
          view(7, 'V-1', { userId: 'u-bob', viewedAt: at(12), routes: ['visit', 'visit.history'] }),
          view(7, 'V-2', { userId: 'u-bob', viewedAt: at(12) }),
          view(9, 'V-1', { userId: 'u-cy', orgId: 'org-customs', viewedAt: at(20) }),
          view(9, 'T1', { kind: 'terminal', userId: 'u-cy', orgId: 'org-customs', viewedAt: at(20) }),
        ]);
      });
      const viewers = await store.positionViews.viewersOf({
        kind: 'visit',
        subject: 'V-1',
        since: at(10),
        limit: 50,
      });
      expect(viewers).toEqual([
        view(9, 'V-1', { userId: 'u-cy', orgId: 'org-customs', viewedAt: at(20) }),
        view(7, 'V-1', { userId: 'u-bob', viewedAt: at(12), routes: ['visit', 'visit.history'] }),
      ]);
      const maps = await store.positionViews.viewersOf({
        kind: 'terminal',
        subject: 'T1',
        since: at(1),
        limit: 50,
      });
      expect(maps.map((row) => [row.auditIndex, row.userId])).toEqual([[9, 'u-cy']]);
    });

    it('pages a box and a person by keyset, newest first, every row once, in one order on every store', async () => {
      const store = storeOf();
      const rows: PositionViewRecord[] = [];
      // Three people, many events, several visits per event, some at the same instant.
      for (let index = 1; index <= 30; index++) {
        const userId = `u-${index % 3}`;
        const viewedAt = at(10 + (index % 5), index % 7);
        for (const subject of ['V-a', `V-${index % 4}`, 'V-z']) {
          if (!rows.some((row) => row.auditIndex === index && row.subject === subject)) {
            rows.push(view(index, subject, { userId, viewedAt }));
          }
        }
      }
      await store.writeTransaction((tx) => tx.positionViews.putPositionViews(rows));

      const readAll = async (
        read: (after: PositionViewCursor | undefined) => Promise<PositionViewRecord[]>,
      ): Promise<PositionViewRecord[]> => {
        const seen: PositionViewRecord[] = [];
        let after: PositionViewCursor | undefined;
        for (;;) {
          const page = await read(after);
          expect(page.length).toBeLessThanOrEqual(4);
          seen.push(...page);
          if (page.length < 4) return seen;
          after = cursorOf(page.at(-1)!);
        }
      };
      const ofBox = await readAll((after) =>
        store.positionViews.viewersOf({
          kind: 'visit',
          subject: 'V-a',
          since: at(1),
          limit: 4,
          ...(after ? { after } : {}),
        }),
      );
      expect(ofBox).toEqual(rows.filter((row) => row.subject === 'V-a').sort(newestViewFirst));

      const ofPerson = await readAll((after) =>
        store.positionViews.viewedBy({
          userId: 'u-1',
          since: at(1),
          limit: 4,
          ...(after ? { after } : {}),
        }),
      );
      expect(ofPerson).toEqual(rows.filter((row) => row.userId === 'u-1').sort(newestViewFirst));
      expect(await store.positionViews.viewedBy({ userId: 'u-1', since: at(13), limit: 200 })).toEqual(
        rows.filter((row) => row.userId === 'u-1' && row.viewedAt >= at(13)).sort(newestViewFirst),
      );
    });

    it('refuses a view recorded twice, and keeps nothing of a transaction that failed', async () => {
      const store = storeOf();
      await store.writeTransaction((tx) => tx.positionViews.putPositionViews([view(3, 'V-1')]));
      await expect(
        store.writeTransaction((tx) => tx.positionViews.putPositionViews([view(3, 'V-1')])),
      ).rejects.toThrow();
      await expect(
        store.writeTransaction(async (tx) => {
          await tx.positionViews.putPositionViews([view(4, 'V-1')]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      const rows = await store.positionViews.viewersOf({
        kind: 'visit',
        subject: 'V-1',
        since: at(1),
        limit: 10,
      });
      expect(rows.map((row) => row.auditIndex)).toEqual([3]);
    });
  });
}
