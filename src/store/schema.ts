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
  /** The writer's MAC of the leaf (migration 0021, issue 13); null for entries written without one. */
  writer_mac: Frozen<Uint8Array | null>;
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

/** One witness's cosignature of one checkpoint (migration 0017): append-only evidence. */
export interface CosignatureTable {
  tree_size: FrozenInt8;
  /** The witness's key name (C2SP tlog-cosignature: a schema-less URL). */
  witness: Frozen<string>;
  key_id: FrozenInt8;
  root_hash: Frozen<Uint8Array>;
  /** cosignature/v1 timestamp, POSIX seconds. */
  timestamp: FrozenInt8;
  /** The whole note signature line, `— <name> <base64>\n`, newline included. */
  line: Frozen<string>;
  received_at: Frozen<string>;
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
  /** What search finds the box by, each in search form, null when it has none (`0031_visit_search_keys`). */
  search_transport_document: string | null;
  search_carrier_booking: string | null;
  search_arrival_vessel_call: string | null;
  search_departure_vessel_call: string | null;
  search_arrival_truck_plate: string | null;
  search_departure_truck_plate: string | null;
}

export interface YardCellTable {
  terminal: string;
  block: string;
  bay: number;
  row: number;
  tier: number;
  visit_ref: string;
}

/*
 * The identity tables: read models of the identity events, and the secrets that never enter a leaf. They are
 * updated in place (a session's last use, a passkey's counter); the audit trail of who changed what is the log.
 * JSON columns hold JSON text; times are ISO 8601 text, compared as text.
 */

export interface OrganisationTable {
  org_id: string;
  kind: string;
  name: string;
  code: string;
  /** JSON array of terminal codes. */
  terminals: string;
  created_at: string;
}

export interface AppUserTable {
  user_id: string;
  org_id: string;
  username: string;
  display_name: string;
  /** JSON array of role names. */
  roles: string;
  locked_at: string | null;
  created_at: string;
  security_epoch: number;
}

export interface PasskeyTable {
  credential_id: string;
  user_id: string;
  public_key: Uint8Array;
  /** WebAuthn signature counter: an unsigned 32-bit number, hence 64-bit storage. */
  counter: Int8;
  /** JSON array of transport hints. */
  transports: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
}

export interface PasswordCredentialTable {
  user_id: string;
  password_hash: string;
  totp_secret_sealed: Uint8Array | null;
  totp_last_step: Int8;
}

export interface SessionTable {
  id_hash: Uint8Array;
  user_id: string;
  csrf_token: string;
  method: 'passkey' | 'password_totp';
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  step_up_at: string | null;
  security_epoch: number;
  revoked_at: string | null;
  ip: string;
  user_agent: string;
}

export interface EnrolmentLinkTable {
  token_hash: Uint8Array;
  user_id: string;
  expires_at: string;
  used_at: string | null;
  issued_by: string;
}

/** Migration 0026: each read-model table's row count, kept by triggers as rows come and go. */
export interface ReadModelCountTable {
  table_name: string;
  row_count: number | string;
}

/** Migration 0030: a change of a read-model table's row count not yet folded into it (PostgreSQL's triggers). */
export interface ReadModelCountChangeTable {
  table_name: string;
  delta: number | string;
}

/** A passkey registered through an enrolment link, and its confirmation (`0015_enrolment_confirmation`). */
export interface EnrolmentTable {
  enrolment_id: string;
  user_id: string;
  org_id: string;
  credential_id: string;
  link_id: string;
  status: 'pending' | 'confirmed' | 'rejected';
  created_at: string;
  ip: string;
  user_agent: string;
  aaguid: string;
  decided_by: string | null;
  decided_at: string | null;
  /** Migration 0025: where the enrolment began in the person's auth stream; null on older rows. */
  began_at_auth_version: number | null;
}

export interface ApiTokenTable {
  token_id: string;
  token_hash: Uint8Array;
  org_id: string;
  /** JSON array of permission names. */
  permissions: string;
  label: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** Added by `0003_api_token_last_used`. */
  last_used_at: string | null;
}

export interface WebauthnChallengeTable {
  challenge_id: string;
  challenge: string;
  purpose: 'register' | 'login' | 'step_up';
  user_id: string | null;
  expires_at: string;
}

export interface ApprovalTable {
  request_id: string;
  kind: string;
  subject: string;
  status: string;
  requested_by: string;
  org_id: string;
  expires_at: string;
  /** The domain's JSON view of the request, as text. */
  view: string;
}

export interface LoginFailureTable {
  /** An account or an IP address. */
  key: string;
  at: string;
}

/** The read model of one visit's release right (issue 4), derived from its `release-<visitRef>` stream. */
export interface ReleaseTable {
  visit_ref: string;
  release_id: string;
  line: string;
  line_org_id: string;
  holder_org_id: string | null;
  offered_to_org_id: string | null;
  right_version: number;
  /** 0 or 1: SQLite has no boolean. */
  blocked: number;
  revoked: number;
  valid_from: string;
  valid_until: string;
  stream_version: number;
  /** The domain's folded release, as JSON text. */
  view: string;
  /** When the release last changed (`0008_release_inboxes`): the order of the inboxes. */
  updated_at: string;
}

/** Compact per-visit flags of the yard map (`0006_visit_flags`): unresolved alerts naming the visit. */
export interface VisitFlagTable {
  visit_ref: string;
  open_alerts: number;
}

/** Every organisation that holds or held a visit's release right: the need-to-know of forwarders and hauliers. */
export interface ReleasePartyTable {
  visit_ref: string;
  org_id: string;
}

/** A haulier's driver (`0005_gate`): the keyed badge reference and the sealed personal data, never in clear. */
export interface DriverTable {
  org_id: string;
  badge_ref: string;
  sealed: Uint8Array;
  registered_at: string;
  /** The driver person's console account (`0007_driver_accounts`); null when none is linked. */
  user_id: string | null;
}

/** A driver's job (`0007_driver_accounts`): the appointment of one visit, under the nominated badge reference. */
export interface DriverJobTable {
  visit_ref: string;
  org_id: string;
  driver_badge_ref: string;
  terminal: string;
  slot_id: string;
  slot_start: string;
  slot_end: string;
  truck_plate: string;
  status: string;
  booking_version: number;
  updated_at: string;
}

/** Refused gate attempts grouped into one alert (`0012_gate_alert_group`). */
export interface GateAlertGroupTable {
  alert_id: Int8;
  group_key: string;
  occurrences: number;
  first_seen_at: string;
  last_seen_at: string;
}

/** A driver's enrolled phone (`0014_driver_devices`): the raw Ed25519 public key of his rotating passes. */
export interface DriverDeviceTable {
  device_id: string;
  org_id: string;
  user_id: string;
  public_key: Uint8Array;
  fingerprint: string;
  label: string;
  status: string;
  enrolled_at: string;
  ip: string;
  user_agent: string;
  decided_by: string | null;
  decided_at: string | null;
}

/** One booking in force per visit, for the capacity of its slot. */
export interface SlotBookingTable {
  visit_ref: string;
  slot_id: string;
  terminal: string;
}

/** A pickup credential issued, by id, with the versions it binds; the token itself is not stored. */
export interface PickupCredentialTable {
  credential_id: string;
  visit_ref: string;
  booking_version: number;
  right_version: number;
  status: string;
  issued_at: string;
  closed_at: string | null;
}

/** One alert's read model (`AlertRecord`): what raised it and what was done about it. */
export interface AlertTable {
  /** The audit index of the raising event. */
  alert_id: Int8;
  rule: string;
  severity: string;
  raised_at: string;
  subject_kind: string;
  subject_id: string;
  terminal: string | null;
  org_id: string | null;
  summary: string;
  /** JSON array of evidence. */
  evidence: string;
  status: string;
  assigned_to: string | null;
  acknowledged_by: string | null;
  resolved_by: string | null;
  resolution: string | null;
  updated_at: string;
}

/**
 * The version of the read-model projection the read-model tables were built by (migration 0018): one row, `id` 1.
 * Derived bookkeeping, like the tables it describes; each change of it is a `ReadModelsRebuilt` event in the log.
 */
export interface ReadModelVersionTable {
  id: number;
  version: number;
}

/** One admitted attempt under one key, while it can still count (migration 0020). */
export interface WindowCountTable {
  key: string;
  at_ms: ColumnType<number | string, number, never>;
}

/** One visit shown to one person, at the time last shown (migration 0020). */
export interface WindowItemTable {
  key: string;
  item: string;
  at_ms: ColumnType<number | string, number, number>;
}

/** One visit event as a DCSA Track & Trace equipment event (migration 0040, issue 16); only ever inserted. */
export interface PartnerEventTable {
  audit_index: FrozenInt8;
  event_id: Frozen<string>;
  visit_ref: Frozen<string>;
  line: Frozen<string | null>;
  terminal: Frozen<string | null>;
  event_kind: Frozen<string>;
  equipment_event_type_code: Frozen<string>;
  event_created_date_time: Frozen<string>;
  event_date_time: Frozen<string>;
  equipment_reference: Frozen<string>;
  carrier_booking_reference: Frozen<string | null>;
  transport_document_reference: Frozen<string | null>;
  retracted_event_id: Frozen<string | null>;
  /** The mapped event (`PartnerEquipmentEvent`) as JSON text. */
  payload: Frozen<string>;
}

/** One visit (or one terminal's yard map) a `PositionsViewed` event recorded one person was shown (migration 0038). */
export interface PositionViewTable {
  audit_index: FrozenInt8;
  kind: Frozen<string>;
  subject: Frozen<string>;
  user_id: Frozen<string>;
  org_id: Frozen<string>;
  /** The event's routes, separated by single spaces. */
  routes: Frozen<string>;
  viewed_at: Frozen<string>;
}

/** The detection engine's place in the log (migration 0037, issue 15): one row per engine, replaced as it goes. */
export interface DetectionCursorTable {
  engine_id: Frozen<string>;
  /** The audit index of the next event the engine reads. */
  position: Int8;
  /** The core's snapshot at `position`, as JSON text. */
  state: string;
  updated_at: string;
}

/** One UN/EDIFACT interchange received and applied (migration 0042, issue 17); rows are only inserted. */
export interface EdiInterchangeTable {
  interchange_id: Frozen<string>;
  sender: Frozen<string>;
  recipient: Frozen<string>;
  control_ref: Frozen<string>;
  org_id: Frozen<string>;
  received_by: Frozen<string>;
  sha256: Frozen<string>;
  received_at: Frozen<string>;
  audit_index: FrozenInt8;
  /** The per-message outcomes, as JSON text. */
  messages: Frozen<string>;
}

/** Event subscriptions (migration 0041, issue 16): changed in place, never deleted (`active` 0 when deleted). */
export interface EventSubscriptionTable {
  subscription_id: Frozen<string>;
  org_id: Frozen<string>;
  kind: Frozen<string>;
  callback_url: string;
  /** `SubscriptionFilters` as JSON text. */
  filters: string;
  secret_sealed: Uint8Array;
  active: number;
  created_at: Frozen<string>;
  updated_at: string;
  created_by: Frozen<string>;
}

/** The callbacks owed (migration 0041, issue 16). */
export interface OutboxDeliveryTable {
  delivery_id: Frozen<string>;
  subscription_id: Frozen<string>;
  position: FrozenInt8;
  event_id: Frozen<string>;
  payload: Frozen<string>;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: Frozen<string>;
  delivered_at: string | null;
}

/** The outbox dispatchers' places in their feeds (migration 0041, issue 16). */
export interface OutboxCursorTable {
  dispatcher_id: Frozen<string>;
  position: Int8;
  updated_at: string;
}

export interface Database {
  log_head: LogHeadTable;
  event: EventTable;
  audit_node: AuditNodeTable;
  checkpoint: CheckpointTable;
  cosignature: CosignatureTable;
  window_count: WindowCountTable;
  window_item: WindowItemTable;
  visit: VisitTable;
  yard_cell: YardCellTable;
  organisation: OrganisationTable;
  app_user: AppUserTable;
  passkey: PasskeyTable;
  password_credential: PasswordCredentialTable;
  session: SessionTable;
  enrolment_link: EnrolmentLinkTable;
  enrolment: EnrolmentTable;
  read_model_count: ReadModelCountTable;
  read_model_count_change: ReadModelCountChangeTable;
  api_token: ApiTokenTable;
  webauthn_challenge: WebauthnChallengeTable;
  approval: ApprovalTable;
  login_failure: LoginFailureTable;
  driver: DriverTable;
  driver_job: DriverJobTable;
  slot_booking: SlotBookingTable;
  pickup_credential: PickupCredentialTable;
  driver_device: DriverDeviceTable;
  gate_alert_group: GateAlertGroupTable;
  release: ReleaseTable;
  visit_flag: VisitFlagTable;
  release_party: ReleasePartyTable;
  alert: AlertTable;
  read_model_version: ReadModelVersionTable;
  position_view: PositionViewTable;
  partner_event: PartnerEventTable;
  detection_cursor: DetectionCursorTable;
  event_subscription: EventSubscriptionTable;
  outbox_delivery: OutboxDeliveryTable;
  outbox_cursor: OutboxCursorTable;
  edi_interchange: EdiInterchangeTable;
}

/** The identity tables, which the application updates and deletes in place (see `0002_identity`). */
export const IDENTITY_TABLES = [
  'organisation',
  'app_user',
  'passkey',
  'password_credential',
  'session',
  'enrolment_link',
  'api_token',
  'webauthn_challenge',
  'approval',
  'login_failure',
] as const;

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
