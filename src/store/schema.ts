/**
 * The database as Kysely sees it. The append-only tables (`event`, `audit_node`, `checkpoint`) have no update type,
 * so `updateTable('event').set(…)` does not compile; the database refuses it as well (see the first migration).
 * Read models (`visit`, `yard_cell`) are derived from the events in the same transaction that appends them.
 */
import type { ColumnType } from 'kysely';
import type { VisitStatus } from '../domain/index.js';

/**
 * A 64-bit integer column. PostgreSQL's `bigint` comes back from `pg` as a string, SQLite's `integer` as a
 * number; the repository converts with `Number()` (indices stay far below 2^53).
 */
export type Int8 = ColumnType<number | string | bigint, number, number>;
/** An append-only 64-bit integer column: written once, never updated. */
export type FrozenInt8 = ColumnType<number | string | bigint, number, never>;
/** A column written once and never updated. */
export type Frozen<T> = ColumnType<T, T, never>;

export interface LogHeadTable {
  /** Always 1: the table has one row, whose row lock serialises writers. */
  id: Frozen<number>;
  /** Number of events (= audit leaves) committed. */
  size: Int8;
}

export interface EventTable {
  /** Global sequence number = leaf index in the audit log. */
  idx: FrozenInt8;
  event_id: Frozen<string>;
  stream_id: Frozen<string>;
  stream_version: Frozen<number>;
  type: Frozen<string>;
  /** ISO 8601 instant, UTC, with milliseconds. */
  recorded_at: Frozen<string>;
  /** The event's data as JSON text. */
  data: Frozen<string>;
  /** The exact RFC 8785 canonical bytes of the log entry. */
  leaf: Frozen<Uint8Array>;
}

/**
 * One complete subtree hash: node (level, index) covers leaves [index·2^level, (index+1)·2^level) and is stored
 * under the last of them, `last_leaf = (index+1)·2^level − 1`.
 */
export interface AuditNodeTable {
  last_leaf: FrozenInt8;
  level: Frozen<number>;
  hash: Frozen<Uint8Array>;
}

export interface CheckpointTable {
  tree_size: FrozenInt8;
  root_hash: Frozen<Uint8Array>;
  /** The whole C2SP signed note. */
  note: Frozen<string>;
  signed_at: Frozen<string>;
}

export interface VisitTable {
  visit_ref: string;
  container_number: string;
  status: string;
  terminal: string | null;
  stream_version: number;
  last_idx: Int8;
  /** The domain's JSON view of the visit, as text. */
  view: string;
}

export interface YardCellTable {
  terminal: string;
  block: string;
  bay: number;
  row: number;
  tier: number;
  visit_ref: string;
}

export interface Database {
  log_head: LogHeadTable;
  event: EventTable;
  audit_node: AuditNodeTable;
  checkpoint: CheckpointTable;
  visit: VisitTable;
  yard_cell: YardCellTable;
}

/** The tables the database refuses to UPDATE, DELETE or TRUNCATE. */
export const APPEND_ONLY_TABLES = ['event', 'audit_node', 'checkpoint'] as const;

/**
 * Visit statuses after which the visit has ended, so that `findActiveVisit` skips it (gated out, loaded or
 * cancelled, as `LedgerReads.findActiveVisit` says). The domain owns the names; the type keeps them in step.
 */
export const ENDED_VISIT_STATUSES: readonly string[] = [
  'gated_out',
  'loaded',
  'cancelled',
] as const satisfies readonly VisitStatus[];
