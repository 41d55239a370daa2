/**
 * The `partner_event` read model (issue 16): the port's visit events as DCSA Track & Trace equipment events, one
 * row per mapped event, put in the transaction that appends the visit event (migration 0040). Rows are only
 * inserted, never changed; a void is a new row that retracts the earlier one (T&T 3.0 `retractedEventID`).
 *
 * The table is read two ways: `/v2/events` and `/v3/events` page through it with the caller's need-to-know scope in
 * the query (`list`), and the subscription dispatcher reads it as a transactional outbox in log order (`after`).
 */
import type { JsonObject } from '../../domain/index.js';

/** What kind of DCSA event a row is. Only equipment events are produced today. */
export type PartnerEventKind = 'EQUIPMENT';

/** One visit event as DCSA sees it. */
export interface PartnerEventRow {
  /** The audit index of the visit event it maps (primary key; ascending = log order). */
  readonly auditIndex: number;
  /** DCSA `eventID`: a UUID derived from our event id, stable across rebuilds. */
  readonly eventId: string;
  readonly visitRef: string;
  /** The visit's shipping line (organisation code), when it names one. */
  readonly line: string | null;
  /** The terminal the event happened at, when it names one. */
  readonly terminal: string | null;
  readonly eventKind: PartnerEventKind;
  /** DCSA `equipmentEventTypeCode` (`DISC`, `GTIN`, `GTOT`, `LOAD`, `CUSS`, `CUSI`, `CUSR`, …). */
  readonly equipmentEventTypeCode: string;
  /** DCSA `eventCreatedDateTime`: when the event was recorded (ISO 8601, UTC). */
  readonly eventCreatedDateTime: string;
  /** DCSA `eventDateTime`: when the thing happened (ISO 8601, UTC). */
  readonly eventDateTime: string;
  /** The container number (DCSA `equipmentReference`). */
  readonly equipmentReference: string;
  readonly carrierBookingReference: string | null;
  readonly transportDocumentReference: string | null;
  /** The `eventId` of the row this one retracts (a void), else null. */
  readonly retractedEventId: string | null;
  /** The mapped event (`PartnerEquipmentEvent` of `src/domain/partners`), serialised by version on the way out. */
  readonly payload: JsonObject;
}

/**
 * Who may see which rows: need-to-know exactly as `/v1` judges it (`visitVisibility`), said as a condition the store
 * puts in its query. `all`: customs and police. `terminals`: a terminal's staff. `parties`: a line (its own boxes,
 * `line`) and any organisation that holds or held a box's release right (`releasePartyOrgId`, the `release_party`
 * read model). `none`: nothing.
 */
export type PartnerEventScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'terminals'; readonly terminals: readonly string[] }
  | { readonly kind: 'parties'; readonly line?: string; readonly releasePartyOrgId: string }
  | { readonly kind: 'none' };

/** A bound on `eventCreatedDateTime` (ISO 8601 instant, compared as UTC text). */
export interface PartnerEventTimeBound {
  readonly op: 'gte' | 'gt' | 'lte' | 'lt' | 'eq';
  readonly value: string;
}

/** One page of rows in audit-index order, every filter ANDed. */
export interface PartnerEventQuery {
  readonly scope: PartnerEventScope;
  readonly equipmentReference?: string;
  /** Any of these codes (DCSA's comma list). */
  readonly equipmentEventTypeCodes?: readonly string[];
  readonly eventCreatedDateTime?: readonly PartnerEventTimeBound[];
  readonly carrierBookingReference?: string;
  readonly transportDocumentReference?: string;
  /**
   * Only the events in force: no retraction rows and no event a later row retracts (T&T 2.2, which has no way to say
   * a retraction). T&T 3.0 reads both, the retraction carrying `isRetracted`.
   */
  readonly current?: boolean;
  /** Keyset pagination: rows with an audit index greater than this. */
  readonly afterIndex?: number;
  /** At most this many rows (1 to `PARTNER_EVENT_PAGE_MAX`). */
  readonly limit: number;
}

/**
 * The most rows one read returns: a T&T page of at most 1000 events and the one row more that tells whether a next
 * page exists (without it, a page asked at the maximum never said there was more).
 */
export const PARTNER_EVENT_PAGE_MAX = 1001;

export interface PartnerEventReads {
  /** The rows matching `query`, in ascending audit index. */
  list(query: PartnerEventQuery): Promise<PartnerEventRow[]>;
  /** The outbox read: rows with an audit index greater than `index`, in index order, at most `limit`. */
  after(index: number, limit: number): Promise<PartnerEventRow[]>;
}

export interface PartnerEventWrites {
  /** Inserts rows in the transaction that appends their visit events; a row's audit index is unique. */
  add(rows: readonly PartnerEventRow[]): Promise<void>;
}
