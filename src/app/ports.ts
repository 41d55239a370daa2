/**
 * The ports the use cases need. Adapters in `src/store` implement `LedgerStore`; a single contract suite
 * (`src/store/ledger-store.contract.ts`) runs against every adapter.
 */

import type { JsonObject, OccupiedCell, YardCell } from '../domain/index.js';
import type { IdentityReads, IdentityWrites } from './access/identity.ports.js';
import type { AlertQuery, AlertRecord } from './alerts/alert.ports.js';
import type { PositionViewReads, PositionViewWrites } from './alerts/position-view.ports.js';
import type { ReadModelTableReads, ReadModelTableWrites } from './audit/read-model.ports.js';
import type { CosignatureStore } from './audit/witness.ports.js';
import type { DetectionCursorReads, DetectionCursorWrites } from './detection/detection.ports.js';
import type { EdiInterchangeReads, EdiInterchangeWrites } from './edi/edi.ports.js';
import type { GateReads, GateWrites } from './gate/gate.ports.js';
import type { PartnerEventReads, PartnerEventWrites } from './partners/partners.ports.js';
import type { OutboxStore, SubscriptionWrites } from './partners/subscriptions.ports.js';
import type { QueueCountReads } from './queues/queue.ports.js';
import type { ReleaseReads, ReleaseWrites } from './releases/release.ports.js';
import type {
  VisitMapFlags,
  VisitQuery,
  VisitRecord,
  VisitSearchHit,
  VisitSearchQuery,
} from './visits/visit.ports.js';

// One definition each: JSON values and yard cells are the domain's.
export type { JsonObject, JsonValue, OccupiedCell, YardCell } from '../domain/index.js';
// The visit and alert records are their capabilities' own; they are named here too, as the store returns them.
export {
  type AlertEvidence,
  type AlertQuery,
  type AlertRecord,
  type AlertRule,
  type AlertSeverity,
  type AlertStatus,
  MAX_ALERT_PAGE,
} from './alerts/alert.ports.js';
export type {
  VisitMapFlags,
  VisitQuery,
  VisitRecord,
  VisitSearchHit,
  VisitSearchQuery,
} from './visits/visit.ports.js';

/** One event as stored: its place in the global log and in its stream, and the exact bytes of its audit leaf. */
export interface StoredEvent {
  /** Global sequence number, 0-based. It is also the event's leaf index in the audit log. */
  readonly index: number;
  readonly eventId: string;
  readonly streamId: string;
  /** 1-based position in its stream. */
  readonly streamVersion: number;
  readonly type: string;
  /** ISO 8601 instant, UTC, with milliseconds. */
  readonly recordedAt: string;
  readonly data: JsonObject;
  /** RFC 8785 canonical bytes of the log entry; the audit leaf is SHA-256(0x00 ‖ leaf). */
  readonly leaf: Uint8Array;
  /** The writer's MAC of the leaf (`entry-mac.ts`, issue 13); absent for entries written without one. */
  readonly writerMac?: Uint8Array;
}

/** A complete subtree hash of the audit tree: level 0 holds leaf hashes; node (level, index) covers leaves [index·2^level, (index+1)·2^level). */
export interface SubtreeNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

export interface NodeKey {
  readonly level: number;
  readonly index: number;
}

export interface StoredCheckpoint {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  /** The whole C2SP signed note, as text. */
  readonly note: string;
  readonly signedAt: string;
}

/**
 * Sliding-window counts shared by every process on one database (issue 13): the gate's rate limits hold across
 * instances behind a load balancer.
 */
export interface WindowCounts {
  /**
   * Counts `atMs` under every key, unless one of them already counts `limit` entries in the window of `windowMs`
   * ending at `atMs`: then nothing is counted, and that key is named with the time its oldest counted entry leaves
   * the window. One atomic step across every process.
   */
  admit(
    keys: readonly { readonly key: string; readonly limit: number }[],
    atMs: number,
    windowMs: number,
  ): Promise<
    | { readonly admitted: true }
    | { readonly admitted: false; readonly key: string; readonly freeAtMs: number }
  >;
}

/** Work that runs exactly once however many processes share the database (issue 13). */
export type LeaderRole =
  | 'checkpoint-signer'
  | 'integrity-sweep'
  | 'detection-engine'
  // The outbox dispatcher of event subscriptions (issue 16).
  | 'outbox-dispatcher';

/**
 * Which of the processes sharing one database holds each leader's role now: the one that signs checkpoints (and asks
 * the witnesses), the one that sweeps the whole log, the one that runs the detection engine (issue 15). On PostgreSQL it is elected with advisory locks; a process
 * alone on its database holds every role.
 */
export interface Leadership {
  holds(role: LeaderRole): boolean;
}

/** An event row as the database holds it: its data is the stored text, unparsed. */
export interface StoredLogRow extends Omit<StoredEvent, 'data'> {
  readonly dataText: string;
}

/** Which events of a stream `readStreamRange` reads. */
export interface StreamRange {
  /** The first stream version to read (1-based); 1 when absent. */
  readonly fromVersion?: number;
  /** At most this many events; every event from `fromVersion` on when absent. */
  readonly limit?: number;
}

/** Reads that work inside and outside a write transaction. */
export interface LedgerReads {
  /** Number of events (= audit leaves) in the log. Inside a write transaction it is exact, because the head is locked. */
  logSize(): Promise<number>;
  /** Every event of one stream, in stream order; empty when the stream does not exist. */
  readStream(streamId: string): Promise<StoredEvent[]>;
  /**
   * Part of one stream, in stream order: its events from `fromVersion` on, at most `limit` of them (issue 13). For a
   * fact at the head of a stream (how a session, a user or an organisation began) or after a version already known
   * (what happened since an enrolment began), without reading every event the stream ever had.
   */
  readStreamRange(streamId: string, range: StreamRange): Promise<StoredEvent[]>;
  /**
   * Many whole streams at once (bulk ingest, issue 13): each asked-for stream by id, in stream order, empty when it
   * does not exist. One query where `readStream` would take one per stream.
   */
  readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  /** The stream's current version (its number of events, 0 when it does not exist), without reading them. */
  streamVersion(streamId: string): Promise<number>;
  /** Events with index in [fromIndex, fromIndex + limit), in index order. */
  readEvents(fromIndex: number, limit: number): Promise<StoredEvent[]>;
  /**
   * The same rows as stored, their data left as text: the integrity check holds each to its leaf without parsing
   * it (issue 13), and a row whose data is not JSON is still read.
   */
  readLogRows(fromIndex: number, limit: number): Promise<StoredLogRow[]>;
  /** Subtree hashes, in the order of `keys`. A missing node is an error (`store.node_missing`). */
  readNodes(keys: readonly NodeKey[]): Promise<Uint8Array[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** The checkpoint of exactly this tree size, if one was signed. */
  checkpointAt(treeSize: number): Promise<StoredCheckpoint | undefined>;
  /** Signed checkpoints with a tree size ≥ `fromTreeSize`, smallest first, at most `limit`. */
  readCheckpoints(fromTreeSize: number, limit: number): Promise<StoredCheckpoint[]>;
  getVisit(visitRef: string): Promise<VisitRecord | undefined>;
  /** The visit of this container that has not ended (not gated out, loaded or cancelled), if any. */
  findActiveVisit(containerNumber: string): Promise<VisitRecord | undefined>;
  /** `findActiveVisit` of many container numbers at once (bulk ingest): the active visits found, by container number. */
  findActiveVisits(containerNumbers: readonly string[]): Promise<Map<string, VisitRecord>>;
  listVisits(query: VisitQuery): Promise<VisitRecord[]>;
  /**
   * The visits whose container number, bill of lading, carrier booking, vessel call (arrival or departure) or truck
   * plate (gate-in, gate-out, or the booking's truck) equals the query, in visit reference order (issue 14).
   */
  searchVisits(query: VisitSearchQuery): Promise<VisitSearchHit[]>;
  /** Occupied cells of one row of a block, for the given bays, every tier. */
  occupiedCells(where: {
    terminal: string;
    block: string;
    row: number;
    bays: readonly number[];
  }): Promise<OccupiedCell[]>;
  /** `occupiedCells` of many stacks at once (bulk ingest), in no particular order. */
  occupiedCellsIn(
    stacks: readonly { terminal: string; block: string; row: number; bays: readonly number[] }[],
  ): Promise<OccupiedCell[]>;
  /** Every occupied cell of a terminal (or of one block of it). */
  terminalOccupancy(where: { terminal: string; block?: string }): Promise<OccupiedCell[]>;
  /** The map flags of these visits (at most `MAX_VISIT_PAGE` at once); a visit with none set may be absent. */
  visitMapFlags(visitRefs: readonly string[]): Promise<Map<string, VisitMapFlags>>;
  /** The visits of these references that exist (at most `MAX_VISIT_PAGE` at once), by reference. */
  getVisits(visitRefs: readonly string[]): Promise<Map<string, VisitRecord>>;
  /** One alert's read model, if an alert of this id was raised. */
  getAlertRecord(alertId: number): Promise<AlertRecord | undefined>;
  /** Alerts matching `query`, newest (highest id) first. */
  listAlertRecords(query: AlertQuery): Promise<AlertRecord[]>;
  /** Organisations, users, credentials, sessions and approvals (see `identity.ports.ts`). */
  readonly identity: IdentityReads;
  /** Release rights and their parties (see `release.ports.ts`). */
  readonly releases: ReleaseReads;
  /** Drivers, slot bookings, pickup credentials and gate alerts (see `gate.ports.ts`). */
  readonly gate: GateReads;
  /** The read-model tables by subject, for the integrity watch (`read-model.ports.ts`); SQL stores only. */
  readonly readModels?: ReadModelTableReads;
  /** The detection engine's place in the log (`detection.ports.ts`, issue 15). */
  readonly detection: DetectionCursorReads;
  /** The UN/EDIFACT interchanges received and applied (`edi.ports.ts`, issue 17). */
  readonly edi: EdiInterchangeReads;
}

/**
 * One serialised write transaction. The adapter locks the log head when the transaction begins, so that
 * everything inside it — reads included — sees a log no other writer can extend until it commits. That is what
 * makes global sequence numbers gap-free and the leaf order equal to the commit order.
 */
export interface LedgerWriteTx extends LedgerReads {
  /**
   * Appends events to one stream. `expectedVersion` is the stream's current version (0 for a new stream); a
   * mismatch throws `ConcurrencyError`. Each event's `index` must continue the log exactly (logSize(), +1, …) and
   * its `streamVersion` the stream; the adapter refuses anything else.
   */
  appendToStream(streamId: string, expectedVersion: number, events: readonly StoredEvent[]): Promise<void>;
  insertNodes(nodes: readonly SubtreeNode[]): Promise<void>;
  insertCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  upsertVisit(visit: VisitRecord): Promise<void>;
  /** `upsertVisit` of many visits in few statements (bulk ingest); of two records of one visit, the last stands. */
  upsertVisits(visits: readonly VisitRecord[]): Promise<void>;
  occupyCells(cells: readonly YardCell[], visitRef: string): Promise<void>;
  /** `occupyCells` of the cells of many visits in few statements (bulk ingest), each cell naming its visit. */
  occupyCellsOf(cells: readonly OccupiedCell[]): Promise<void>;
  vacateCells(cells: readonly YardCell[]): Promise<void>;
  /** Counts an alert raised about a visit (+1) or resolved (-1), for the yard map. */
  adjustOpenAlerts(visitRef: string, delta: 1 | -1): Promise<void>;
  /** Stores an alert's read model, replacing the row of the same id. */
  putAlertRecord(record: AlertRecord): Promise<void>;
  /** Identity writes, in this transaction beside the events that record them. */
  readonly identity: IdentityWrites;
  /** Release read models, in this transaction beside the release events they derive from. */
  readonly releases: ReleaseWrites;
  /** Gate read models, in this transaction beside the appointment and gate events they derive from. */
  readonly gate: GateWrites;
  /** Who looked at what (issue 15): the `position_view` rows, beside the `PositionsViewed` event they derive from. */
  readonly positionViews: PositionViewWrites;
  /** The `partner_event` rows (issue 16, `partners.ports.ts`), beside the visit events they map. */
  readonly partnerEvents: PartnerEventWrites;
  /** The read-model tables by subject, for a rebuild from the log (`read-model.ports.ts`); SQL stores only. */
  readonly readModels?: ReadModelTableWrites;
  /** The detection engine's place, stored beside the alerts it raised (`detection.ports.ts`, issue 15). */
  readonly detection: DetectionCursorWrites;
  /** An interchange's receipt, beside its `EdiInterchangeReceived` event (`edi.ports.ts`, issue 17). */
  readonly edi: EdiInterchangeWrites;
  /** Event subscriptions, beside the events that record their changes, and the outbox (issue 16). */
  readonly subscriptions: SubscriptionWrites;
}

export interface LedgerStore extends LedgerReads {
  /** Runs `work` in one serialised transaction; commits when it resolves, rolls back when it throws. */
  writeTransaction<T>(work: (tx: LedgerWriteTx) => Promise<T>): Promise<T>;
  /** The witnesses' cosignatures of the checkpoints (`witness.ports.ts`), written outside the log's transactions. */
  readonly cosignatures: CosignatureStore;
  /** Counts shared with the other processes on this database; absent where only one process can use it. */
  readonly windowCounts?: WindowCounts;
  /** The work queues' bounded counts (issue 14, `queue.ports.ts`), read outside the log's transactions. */
  readonly queueCounts: QueueCountReads;
  /** Who looked at this box, which boxes this person looked at (issue 15, `position-view.ports.ts`). */
  readonly positionViews: PositionViewReads;
  /** The port's events as DCSA equipment events (issue 16, `partners.ports.ts`): `/v2/events`, `/v3/events`, the outbox. */
  readonly partnerEvents: PartnerEventReads;
  /** Event subscriptions and the callbacks owed to them, for the dispatcher and the routes (issue 16). */
  readonly outbox: OutboxStore;
  close(): Promise<void>;
}

/** Thrown by `appendToStream` when the stream has moved on since it was read. */
export class ConcurrencyError extends Error {
  readonly code = 'store.concurrency' as const;
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, expected ${expectedVersion}`);
    this.name = 'ConcurrencyError';
  }
}

/** Thrown by a store when what it holds or is asked to write breaks the log's invariants. */
export class StoreIntegrityError extends Error {
  constructor(
    readonly code: 'store.node_missing' | 'store.index_gap' | 'store.duplicate' | 'store.append_only',
    message: string,
  ) {
    super(message);
    this.name = 'StoreIntegrityError';
  }
}

export interface Clock {
  now(): Date;
}

/** Where ids and unguessable random bytes come from, so that tests can fix them. */
export interface IdSource {
  eventId(): string;
  randomBytes(length: number): Uint8Array;
}
