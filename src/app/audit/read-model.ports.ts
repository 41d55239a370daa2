/**
 * The read-model tables as the integrity watch and `portledger rebuild-read-models` see them (issue 10, row E): each
 * row as the record its writer puts, grouped by the subject whose streams it derives from — a visit (`visit_ref`) or
 * an alert (`alert_id`). The SQL adapters implement it; the read-model check compares what they hold with what the
 * log folds to (`read-model-projection.ts`).
 */

import type { OccupiedCell } from '../../domain/index.js';
import type { AlertRecord } from '../alerts/alert.ports.js';
import type {
  DriverJobRecord,
  GateAlertGroupRecord,
  PickupCredentialRecord,
  SlotBookingRecord,
} from '../gate/gate.ports.js';
import type { ReleaseRecord } from '../releases/release.ports.js';
import type { VisitRecord } from '../visits/visit.ports.js';

/** The yard map's count of a visit's unresolved alerts (`visit_flag`). */
export interface VisitFlagRecord {
  readonly visitRef: string;
  readonly openAlerts: number;
}

/** One organisation that holds or held a visit's release right (`release_party`). */
export interface ReleasePartyRecord {
  readonly visitRef: string;
  readonly orgId: string;
}

/** The record each checked read-model table holds, by table name. */
export interface ReadModelRecords {
  alert: AlertRecord;
  gate_alert_group: GateAlertGroupRecord;
  visit: VisitRecord;
  yard_cell: OccupiedCell;
  visit_flag: VisitFlagRecord;
  release: ReleaseRecord;
  release_party: ReleasePartyRecord;
  slot_booking: SlotBookingRecord;
  driver_job: DriverJobRecord;
  pickup_credential: PickupCredentialRecord;
}

export type ReadModelTable = keyof ReadModelRecords;

/** Every checked table, in the order a check or a rebuild walks them. */
export const READ_MODEL_TABLES: readonly ReadModelTable[] = [
  'visit',
  'yard_cell',
  'release',
  'release_party',
  'slot_booking',
  'driver_job',
  'pickup_credential',
  'alert',
  'gate_alert_group',
  'visit_flag',
];

/**
 * Reads of the read-model tables by subject: `alert_id` (as decimal text) for `alert` and `gate_alert_group`,
 * `visit_ref` for the others.
 * A `visit_flag` row counting no open alert is the same as no row, and is neither listed nor counted.
 */
export interface ReadModelTableReads {
  /**
   * The number of rows the table holds, as the database keeps it while rows come and go (triggers, migration 0026),
   * without counting them (issue 13); -1 when it keeps none (its count row was deleted).
   */
  countRows(table: ReadModelTable): Promise<number>;
  /** The rows of these subjects (at most a few hundred at once). */
  rowsOf<T extends ReadModelTable>(table: T, subjects: readonly string[]): Promise<ReadModelRecords[T][]>;
  /** Up to `limit` distinct subjects holding rows, after `after` in the database's own key order. */
  subjectsAfter(table: ReadModelTable, after: string | undefined, limit: number): Promise<string[]>;
  /**
   * The version of the projection (`READ_MODEL_VERSION`) the rows were built by, as the database records it
   * (`read_model_version`); undefined when it records none.
   */
  projectionVersion(): Promise<number | undefined>;
}

/** The writes a rebuild needs beyond the writers' own: rows of a derived table the log does not explain go. */
export interface ReadModelTableWrites extends ReadModelTableReads {
  /** Removes every row of these subjects (a `visit_flag` is set to zero). */
  removeRows(table: ReadModelTable, subjects: readonly string[]): Promise<void>;
  /** Sets the open-alert count of a visit (`visit_flag`). */
  setOpenAlerts(visitRef: string, openAlerts: number): Promise<void>;
  /** Records the projection version the rows are now built by (the rebuild's last transaction). */
  recordProjectionVersion(version: number): Promise<void>;
  /**
   * Folds the count changes the database recorded since into each table's count (migration 0030: PostgreSQL's
   * triggers append a change per row rather than update one count row), so that `countRows` reads no more than
   * what changed since. The integrity watch does it once a cycle, inside its write transaction.
   */
  settleCounts(): Promise<void>;
}
