/**
 * The visit side of the store: the current-state read model of each visit and what the yard map colours a box by.
 * Derived from the visit streams in the transaction that appends their events.
 */
import type { JsonObject } from '../../domain/index.js';

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
}

export interface VisitQuery {
  readonly containerNumber?: string;
  readonly status?: string;
  readonly terminal?: string;
  readonly limit?: number;
  /** Keyset pagination on visitRef. */
  readonly after?: string;
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
