/**
 * The visit side of the store: the current-state read model of each visit and what the yard map colours a box by.
 * Derived from the visit streams in the transaction that appends their events.
 */
import type { JsonObject, SearchKey, VisitSearchKeys } from '../../domain/index.js';

/** The current-state read model of one visit, derived from its events. */
export interface VisitRecord {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly status: string;
  /** Terminal the box stands at, when it is in the yard. */
  readonly terminal: string | null;
  readonly streamVersion: number;
  /** Index of the last event applied. */
  readonly lastIndex: number;
  /** The domain's JSON view of the visit. */
  readonly view: JsonObject;
  /**
   * What search finds the box by besides its number, in search form (`visitSearchKeys`); absent when it has none.
   * Derived from the visit's events like the rest of the row, and checked against them by the integrity watch.
   */
  readonly searchKeys?: VisitSearchKeys;
}

/**
 * One page of a search (issue 14): the visits one of whose keys equals the query, in visit reference order, after
 * `after`. The store does not judge need-to-know; the use case does, visit by visit.
 */
export interface VisitSearchQuery {
  /** The query in search form (`searchText`). */
  readonly text: string;
  /** The query as an ISO 6346 number, when it is one. */
  readonly containerNumber: string | null;
  /** Keyset pagination on visitRef. */
  readonly after?: string;
  readonly limit: number;
}

/** A visit a search found, and which of its keys equal the query (the booking's truck among them). */
export interface VisitSearchHit {
  readonly visit: VisitRecord;
  readonly matched: readonly SearchKey[];
}

export interface VisitQuery {
  readonly containerNumber?: string;
  readonly status?: string;
  readonly terminal?: string;
  readonly limit?: number;
  /** Keyset pagination on visitRef: the visits after this one in `direction`. */
  readonly after?: string;
  /** Ascending visit reference order (the default) or descending, read backward along the same indexes. */
  readonly direction?: 'asc' | 'desc';
}

/**
 * What the yard map colours a box by beyond its own visit view (issue 5), from compact read models rather than
 * folding streams: `released` when the release right is in force (not blocked or revoked) and held by a haulier,
 * i.e. the box is ready to be collected; `openAlerts` counts the unresolved alerts that name the visit.
 */
export interface VisitMapFlags {
  readonly released: boolean;
  readonly openAlerts: number;
}
