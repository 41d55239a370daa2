/**
 * The `position_view` read model (issue 15, "who looked at what"): one row per visit a `PositionsViewed` event names
 * and one per terminal whose yard map it loaded, put in the transaction that appends the event (migration 0038). Rows
 * are only inserted, never changed: a recorded view is evidence.
 *
 * Not yet among the tables the read-model integrity watch checks and `rebuild-read-models` rebuilds
 * (`READ_MODEL_TABLES`): that needs its row count kept by triggers (migrations 0026, 0030), a per-subject fold (the
 * subject would be the audit index, its rows `positionViewRows` of that event) and a removal the append-only grant
 * refuses. Until then an edited or deleted row is not detected, though the events it derives from are in the signed
 * log, and `positionViewRows` derives the same rows from them.
 */

/** One visit (or one terminal's yard map) one person was shown, as one `PositionsViewed` event recorded it. */
export interface PositionViewRecord {
  /** The audit index of the `PositionsViewed` event: its inclusion proof is the evidence of the view. */
  readonly auditIndex: number;
  /** `visit`: `subject` is a visitRef; `terminal`: a yard map load, `subject` is the terminal's code. */
  readonly kind: 'visit' | 'terminal';
  readonly subject: string;
  readonly userId: string;
  readonly orgId: string;
  /** The routes the event's views came through (`visit`, `visit.history`, `yard.map`, …). */
  readonly routes: readonly string[];
  /** The last view the event covers (its `lastAt`): the time the views are listed by. */
  readonly viewedAt: string;
}

/** The most rows one page of views holds. */
export const POSITION_VIEW_PAGE_MAX = 200;

/** Where a page of views, newest first, goes on after: the last row of the page before. */
export type PositionViewCursor = Pick<PositionViewRecord, 'viewedAt' | 'auditIndex' | 'kind' | 'subject'>;

/** The views of one box or one terminal's map, newest first: "who looked at this box". */
export interface ViewersQuery {
  readonly kind: PositionViewRecord['kind'];
  readonly subject: string;
  /** Only views at or after this instant (ISO 8601). */
  readonly since: string;
  readonly after?: PositionViewCursor;
  /** At most this many rows (1 to `POSITION_VIEW_PAGE_MAX`). */
  readonly limit: number;
}

/** What one person was shown, newest first: "which boxes did this person look at". */
export interface ViewedByQuery {
  readonly userId: string;
  readonly since: string;
  readonly after?: PositionViewCursor;
  readonly limit: number;
}

/**
 * The two questions, each one range of its own index in the SQL stores. Order: `viewedAt` descending, then audit
 * index, kind and subject descending (text in code-unit order, as every paged text here).
 */
export interface PositionViewReads {
  viewersOf(query: ViewersQuery): Promise<PositionViewRecord[]>;
  viewedBy(query: ViewedByQuery): Promise<PositionViewRecord[]>;
}

/** The rows of a `PositionsViewed` event, in the transaction that appends it. */
export interface PositionViewWrites {
  putPositionViews(rows: readonly PositionViewRecord[]): Promise<void>;
}

/** Code-unit order, as the SQL stores compare ordered text. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of a page, newest first, as every store reads it: negative when `a` comes before `b`. The memory store
 * sorts with it, and the contract test holds the SQL stores to it.
 */
export function newestViewFirst(a: PositionViewCursor, b: PositionViewCursor): number {
  return (
    compareText(b.viewedAt, a.viewedAt) ||
    b.auditIndex - a.auditIndex ||
    compareText(b.kind, a.kind) ||
    compareText(b.subject, a.subject)
  );
}
