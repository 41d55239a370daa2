import {
  newestViewFirst,
  type PositionViewCursor,
  type PositionViewReads,
  type PositionViewRecord,
} from '../app/alerts/position-view.ports.js';
import { StoreIntegrityError } from '../app/ports.js';

/** The memory store's `position_view` rows, by primary key (audit index, kind, subject). */
export type PositionViewTable = Map<string, PositionViewRecord>;

export const positionViewKey = (row: Pick<PositionViewRecord, 'auditIndex' | 'kind' | 'subject'>) =>
  `${row.auditIndex}\u0000${row.kind}\u0000${row.subject}`;

const pageOf = (
  rows: Iterable<PositionViewRecord>,
  match: (row: PositionViewRecord) => boolean,
  since: string,
  after: PositionViewCursor | undefined,
  limit: number,
): PositionViewRecord[] =>
  [...rows]
    .filter((row) => match(row) && row.viewedAt >= since && (!after || newestViewFirst(after, row) < 0))
    .sort(newestViewFirst)
    .slice(0, Math.max(1, Math.trunc(limit)))
    .map((row) => ({ ...row, routes: [...row.routes] }));

/** The reads, over whichever table is current (committed, or a transaction's staged copy). */
export function memoryPositionViewReads(table: () => PositionViewTable): PositionViewReads {
  return {
    async viewersOf({ kind, subject, since, after, limit }) {
      return pageOf(
        table().values(),
        (row) => row.kind === kind && row.subject === subject,
        since,
        after,
        limit,
      );
    },
    async viewedBy({ userId, since, after, limit }) {
      return pageOf(table().values(), (row) => row.userId === userId, since, after, limit);
    },
  };
}

/** Puts rows into `staged`, refusing a row already held (a view is recorded once, never replaced). */
export function putMemoryPositionViews(
  committed: PositionViewTable,
  staged: PositionViewTable,
  rows: readonly PositionViewRecord[],
): void {
  const keys = rows.map(positionViewKey);
  if (new Set(keys).size !== keys.length || keys.some((key) => committed.has(key) || staged.has(key))) {
    throw new StoreIntegrityError('store.duplicate', 'position view is already stored');
  }
  for (const [i, row] of rows.entries()) staged.set(keys[i]!, { ...row, routes: [...row.routes] });
}
