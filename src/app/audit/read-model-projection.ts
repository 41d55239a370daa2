/**
 * What every checked read-model table must hold, folded from the log alone (issue 10, row E). Each table's rows come
 * from the same functions its writer puts them with — `visitRecordOf` and `visitCells` (visits, yard cells),
 * `releaseRecordOf` and `partiesThatHoldOrHeld` (releases and their parties), `bookingRowsOf` (slot bookings, driver
 * jobs), `applyAlertEvent` (alerts), `gateAlertGroupRecord` and `applyGateAlertRepeat` (gate alert groups) and
 * `namesVisit` (the yard map's open-alert counts) and `pickupCredentialRows` (pickup credentials, as issued, voided and
 * used) — so the check and the writers cannot disagree about the rules, only about the rows.
 *
 * The fold is incremental: `apply` takes the events in index order and says which subjects each one touched, so the
 * integrity watch keeps one projection and folds only what was appended since its last cycle.
 */
import {
  type BookingState,
  bookingDecider,
  partiesThatHoldOrHeld,
  releaseDecider,
  type VisitState,
  visitCells,
  visitDecider,
} from '../../domain/index.js';
import {
  ALERTS_STREAM,
  type AlertFoldFacts,
  applyAlertEvent,
  applyGateAlertRepeat,
  gateAlertGroupRecord,
  isAlertEvent,
  namesVisit,
} from '../alerts/index.js';
import { bookingRowsOf, evolveBooking } from '../appointments/index.js';
import type { GateAlertGroupRecord, PickupCredentialRecord } from '../gate/gate.ports.js';
import type { AlertRecord, StoredEvent } from '../ports.js';
import { evolveRelease, releaseRecordOf } from '../releases/index.js';
import { evolveVisit, visitRecordOf } from '../visits/index.js';
import { READ_MODEL_TABLES, type ReadModelRecords, type ReadModelTable } from './read-model.ports.js';

/** The facts about people a fold needs beyond the log, looked up as the writers look them up. */
export interface ProjectionFacts {
  /** A user's organisation (`''` when unknown). */
  orgOfUser(userId: string): Promise<string>;
  /** The terminal of a refusing gate: its clerk's or its kiosk token's organisation's first terminal. */
  terminalOfOperator(operator: string): Promise<string | null>;
}

/** The subjects one event touched: a visit (every visit-keyed table) or an alert (its row and its visit's flag). */
export interface TouchedSubjects {
  readonly visitRefs: ReadonlySet<string>;
  readonly alertIds: ReadonlySet<string>;
}

/**
 * The version of the read-model projection: how every checked table's rows are derived from the log.
 *
 * BUMP THIS (add one) in the same commit as any change to how a row of a checked table is built — a builder used
 * above (`visitRecordOf`, `visitCells`, `releaseRecordOf`, `bookingRowsOf`, `applyAlertEvent`, `gateAlertGroupRecord`,
 * `applyGateAlertRepeat`, `namesVisit`, …) changing a field, a summary, a grouping or adding a column. The database
 * records the version its rows were built by (`read_model_version`, migration 0018); a server that starts on a
 * database recorded at another version rebuilds the read models from the log first (`rebuildIfProjectionChanged`),
 * so the integrity watch does not take rows written by the old code for tampering. Forgetting to bump it makes every
 * existing deployment's first integrity check after the upgrade a false `integrity.read_model_mismatch`.
 *
 * 0: rows written before the version was recorded (migration 0018 records it for a database whose log held events).
 * 1: gate alerts name a pass's own checks only, group repeated refusals and drivers' phone alerts (December 2026).
 *
 * Checking `pickup_credential` too (issue 13) changed no builder: its rows have been put by the same three writers
 * (`issueCredential`, `voidCredentials`, the gate's accepted verdict) since the table exists, and fold equal. So it
 * did not bump the version: a bump makes every deployment's next start check the whole log and rebuild every table
 * before it listens, which at a port's size is the long start issue 13 removes.
 */
export const READ_MODEL_VERSION = 1;

const STREAM_PREFIX = {
  visit: 'visit-',
  release: 'release-',
  appointment: 'appointment-',
  pickup: 'pickup-',
} as const;

/** Where the gate records an attempt (`gateAttemptStreamId`); an accepted one uses its credential. */
const GATE_ATTEMPT_PREFIX = 'gate-';

/** The visit a stream's events change the visit-keyed rows of, if any. */
function visitSubjectOf(streamId: string): string | undefined {
  for (const prefix of Object.values(STREAM_PREFIX)) {
    if (streamId.startsWith(prefix)) return streamId.slice(prefix.length);
  }
  return undefined;
}

interface VisitFold {
  state: VisitState;
  version: number;
  lastIndex: number;
}
interface ReleaseFold {
  state: ReturnType<typeof evolveRelease>;
  version: number;
  updatedAt: string;
  lastIndex: number;
  parties: Set<string>;
}
interface BookingFold {
  state: BookingState;
  updatedAt: string;
  lastIndex: number;
}
interface CredentialFold {
  /** By credential id. */
  rows: Map<string, PickupCredentialRecord>;
  lastIndex: number;
}

/**
 * The rows `pickup_credential` holds after one event, as its writers put them: `issueCredential` (active, issued at
 * the event's `at`), `voidCredentials` (void, closed at `at`, each id the event names) and the gate's accepted verdict
 * (used, closed at the verdict's `at`). Undefined for an event that changes no credential.
 */
export function pickupCredentialRows(
  rows: ReadonlyMap<string, PickupCredentialRecord>,
  visitRef: string,
  event: Pick<StoredEvent, 'streamId' | 'type' | 'data'>,
): Map<string, PickupCredentialRecord> | undefined {
  const { data } = event;
  const at = typeof data.at === 'string' ? data.at : null;
  const next = new Map(rows);
  const close = (credentialId: unknown, status: 'void' | 'used') => {
    const row = typeof credentialId === 'string' ? rows.get(credentialId) : undefined;
    if (row) next.set(row.credentialId, { ...row, status, closedAt: at });
  };
  if (event.type === 'PickupCredentialIssued' && typeof data.credentialId === 'string' && at !== null) {
    next.set(data.credentialId, {
      credentialId: data.credentialId,
      visitRef,
      bookingVersion: Number(data.bookingVersion),
      rightVersion: Number(data.rightVersion),
      status: 'active',
      issuedAt: at,
      closedAt: null,
    });
  } else if (event.type === 'PickupCredentialsVoided' && Array.isArray(data.credentialIds)) {
    for (const credentialId of data.credentialIds) close(credentialId, 'void');
  } else if (event.type === 'GateAttemptAccepted') {
    close(data.credentialId, 'used');
  } else {
    return undefined;
  }
  return next;
}

/** Whether a table's rows are keyed by an alert (`alert`) rather than by a visit. */
export const keyedByAlert = (table: ReadModelTable): boolean =>
  table === 'alert' || table === 'gate_alert_group';

/** The tables whose rows belong to one visit and change only with its own streams (a flag follows its alerts). */
const VISIT_TABLES = READ_MODEL_TABLES.filter((table) => !keyedByAlert(table) && table !== 'visit_flag');

/** The read models the log folds to, kept up to date one event at a time. */
export class ReadModelProjection {
  /** The number of events folded: the next index `apply` expects. */
  size = 0;
  private readonly visits = new Map<string, VisitFold>();
  private readonly releases = new Map<string, ReleaseFold>();
  private readonly bookings = new Map<string, BookingFold>();
  private readonly credentials = new Map<string, CredentialFold>();
  /** The visit each credential was issued for: an accepted gate attempt names the credential it used. */
  private readonly credentialVisits = new Map<string, string>();
  private readonly alerts = new Map<number, AlertRecord>();
  /**
   * Unresolved alerts naming each visit, only visits with at least one, kept event by event (issue 13): counting
   * them over every alert ever raised, on each cycle, grew with the history.
   */
  private readonly openAlerts = new Map<string, number>();
  private readonly alertGroups = new Map<number, GateAlertGroupRecord>();
  /** Every visit reference any stream named, in order of first appearance: the rolling check walks it. */
  private readonly visitRefList: string[] = [];
  private readonly alertIdList: number[] = [];
  /**
   * How many rows each visit-keyed table must hold, kept up to date event by event once `countRows` has counted
   * them (issue 13): counting every visit ever on each cycle grew with the history, inside the check's transaction.
   */
  private visitTableCounts: Map<ReadModelTable, number> | undefined;

  constructor(private readonly facts: ProjectionFacts) {}

  /** Visit references, then alert ids, in order of first appearance; stable, so a cursor can walk them. */
  subjects(kind: 'visit' | 'alert'): readonly (string | number)[] {
    return kind === 'visit' ? this.visitRefList : this.alertIdList;
  }

  /** Folds the next events (index order, starting at `size`) and returns the subjects they touched. */
  async apply(events: readonly StoredEvent[]): Promise<TouchedSubjects> {
    const visitRefs = new Set<string>();
    const alertIds = new Set<string>();
    for (const event of events) {
      if (event.index !== this.size) {
        throw new Error(`read-model projection: expected event ${this.size}, got ${event.index}`);
      }
      const counted = this.visitTableCounts && visitSubjectOf(event.streamId);
      const before = counted ? this.visitRowCounts(counted) : undefined;
      const touched = await this.applyOne(event);
      if (counted && before) {
        const after = this.visitRowCounts(counted);
        for (const [i, table] of VISIT_TABLES.entries()) {
          this.visitTableCounts!.set(table, this.visitTableCounts!.get(table)! + after[i]! - before[i]!);
        }
      }
      if (touched?.visitRef !== undefined) visitRefs.add(touched.visitRef);
      if (touched?.alertId !== undefined) {
        alertIds.add(String(touched.alertId));
        const alert = this.alerts.get(touched.alertId);
        // The visit's open-alert count follows its alerts.
        if (alert && namesVisit(alert)) visitRefs.add(alert.subjectId);
      }
      this.size = event.index + 1;
    }
    return { visitRefs, alertIds };
  }

  private noteVisit(visitRef: string): void {
    if (this.knowsVisit(visitRef)) return;
    this.visitRefList.push(visitRef);
  }

  private knowsVisit(visitRef: string): boolean {
    return (
      this.visits.has(visitRef) ||
      this.releases.has(visitRef) ||
      this.bookings.has(visitRef) ||
      this.credentials.has(visitRef)
    );
  }

  /** Adds (`+1`) or takes away (`-1`) what one alert row counts among its visit's open alerts. */
  private countOpenAlert(alert: AlertRecord | undefined, sign: 1 | -1): void {
    if (!alert || alert.status === 'resolved' || !namesVisit(alert)) return;
    const open = (this.openAlerts.get(alert.subjectId) ?? 0) + sign;
    if (open > 0) this.openAlerts.set(alert.subjectId, open);
    else this.openAlerts.delete(alert.subjectId);
  }

  /** The credential rows of a visit after one event of its pickup stream or of the gate. */
  private applyCredentialEvent(visitRef: string, event: StoredEvent): boolean {
    const before = this.credentials.get(visitRef);
    const rows = pickupCredentialRows(before?.rows ?? new Map(), visitRef, event);
    if (!rows) return false;
    this.noteVisit(visitRef);
    for (const credentialId of rows.keys()) this.credentialVisits.set(credentialId, visitRef);
    this.credentials.set(visitRef, { rows, lastIndex: event.index });
    return true;
  }

  private async applyOne(event: StoredEvent): Promise<{ visitRef?: string; alertId?: number } | undefined> {
    const { streamId } = event;
    if (streamId.startsWith(STREAM_PREFIX.visit)) {
      const visitRef = streamId.slice(STREAM_PREFIX.visit.length);
      this.noteVisit(visitRef);
      const before = this.visits.get(visitRef);
      this.visits.set(visitRef, {
        state: evolveVisit(before?.state ?? visitDecider.initialState(), event),
        version: event.streamVersion,
        lastIndex: event.index,
      });
      return { visitRef };
    }
    if (streamId.startsWith(STREAM_PREFIX.release)) {
      const visitRef = streamId.slice(STREAM_PREFIX.release.length);
      this.noteVisit(visitRef);
      const before = this.releases.get(visitRef);
      const state = evolveRelease(before?.state ?? releaseDecider.initialState(), event);
      const parties = before?.parties ?? new Set<string>();
      for (const orgId of partiesThatHoldOrHeld(state)) parties.add(orgId);
      this.releases.set(visitRef, {
        state,
        version: event.streamVersion,
        updatedAt: event.recordedAt,
        lastIndex: event.index,
        parties,
      });
      return { visitRef };
    }
    if (streamId.startsWith(STREAM_PREFIX.appointment)) {
      const visitRef = streamId.slice(STREAM_PREFIX.appointment.length);
      this.noteVisit(visitRef);
      const before = this.bookings.get(visitRef);
      this.bookings.set(visitRef, {
        state: evolveBooking(before?.state ?? bookingDecider.initialState(), event),
        updatedAt: event.recordedAt,
        lastIndex: event.index,
      });
      return { visitRef };
    }
    if (streamId.startsWith(STREAM_PREFIX.pickup)) {
      const visitRef = streamId.slice(STREAM_PREFIX.pickup.length);
      return this.applyCredentialEvent(visitRef, event) ? { visitRef } : undefined;
    }
    if (streamId.startsWith(GATE_ATTEMPT_PREFIX) && event.type === 'GateAttemptAccepted') {
      const credentialId = event.data.credentialId;
      const visitRef = typeof credentialId === 'string' ? this.credentialVisits.get(credentialId) : undefined;
      return visitRef !== undefined && this.applyCredentialEvent(visitRef, event) ? { visitRef } : undefined;
    }
    if (isAlertEvent(event)) {
      // A gate alert's group (refused attempts counted on one alert), with the gate's own row functions.
      if (event.streamId === ALERTS_STREAM && event.type === 'GateAlertRaised') {
        this.alertGroups.set(event.index, gateAlertGroupRecord(event));
      } else if (event.type === 'GateAlertRepeated') {
        const alertId = Number(event.streamId.slice('alert-'.length));
        const group = this.alertGroups.get(alertId);
        if (group) this.alertGroups.set(alertId, applyGateAlertRepeat(group, event));
      }
      // The row this event sets: an action on its own `alert-<id>` stream, a raise at its own index.
      const target = streamId.startsWith('alert-') ? Number(streamId.slice('alert-'.length)) : event.index;
      const previous = this.alerts.get(target);
      const known = this.alerts.size;
      const alertId = await applyAlertEvent(this.alerts, event, this.alertFacts);
      if (alertId === undefined) return undefined;
      if (this.alerts.size > known) this.alertIdList.push(alertId);
      this.countOpenAlert(alertId === target ? previous : undefined, -1);
      this.countOpenAlert(this.alerts.get(alertId), 1);
      return { alertId };
    }
    return undefined;
  }

  /** As `raiseGateAlert` and `recordLockoutAlert` find them: the visit as it stood, the user's organisation. */
  private readonly alertFacts: AlertFoldFacts = {
    gateFacts: async (data) => {
      const { visitRef, operator } = data as { visitRef?: unknown; operator?: unknown };
      const fold = typeof visitRef === 'string' ? this.visits.get(visitRef) : undefined;
      const visit = fold && visitRecordOf(visitRef as string, fold.state, fold.version, fold.lastIndex);
      let terminal = visit?.terminal ?? null;
      // Gated out or never identified: the terminal is the one the refusing gate belongs to.
      if (terminal === null && typeof operator === 'string') {
        terminal = await this.facts.terminalOfOperator(operator);
      }
      return { containerNumber: visit?.containerNumber ?? null, terminal };
    },
    orgOfUser: (userId) => this.facts.orgOfUser(userId),
  };

  /** The rows `table` must hold for one subject (a visit reference, or an alert id as decimal text). */
  expectedRows<T extends ReadModelTable>(table: T, subject: string): ReadModelRecords[T][] {
    return this.rowsFor(table, subject) as ReadModelRecords[T][];
  }

  /**
   * The index of the latest event a subject's rows derive from in `table`, for the evidence; `size - 1` when no
   * event explains them (a row that should not be there).
   */
  lastIndexOf(table: ReadModelTable, subject: string): number {
    const none = this.size - 1;
    if (keyedByAlert(table)) return this.alerts.has(Number(subject)) ? Number(subject) : none;
    if (table === 'release' || table === 'release_party')
      return this.releases.get(subject)?.lastIndex ?? none;
    if (table === 'slot_booking' || table === 'driver_job')
      return this.bookings.get(subject)?.lastIndex ?? none;
    if (table === 'pickup_credential') return this.credentials.get(subject)?.lastIndex ?? none;
    return this.visits.get(subject)?.lastIndex ?? none;
  }

  private rowsFor(table: ReadModelTable, subject: string): unknown[] {
    switch (table) {
      case 'alert': {
        const alert = this.alerts.get(Number(subject));
        return alert ? [alert] : [];
      }
      case 'gate_alert_group': {
        const group = this.alertGroups.get(Number(subject));
        return group ? [group] : [];
      }
      case 'visit': {
        const fold = this.visits.get(subject);
        const record = fold && visitRecordOf(subject, fold.state, fold.version, fold.lastIndex);
        return record ? [record] : [];
      }
      case 'yard_cell': {
        const fold = this.visits.get(subject);
        return fold ? visitCells(fold.state).map((cell) => ({ ...cell, visitRef: subject })) : [];
      }
      case 'release': {
        const fold = this.releases.get(subject);
        return fold?.state.release ? [releaseRecord(fold)] : [];
      }
      case 'release_party': {
        const fold = this.releases.get(subject);
        return fold ? [...fold.parties].sort().map((orgId) => ({ visitRef: subject, orgId })) : [];
      }
      case 'slot_booking': {
        const fold = this.bookings.get(subject);
        const rows = fold && bookingRowsOf(subject, fold.state, fold.updatedAt);
        return rows?.slotBooking ? [rows.slotBooking] : [];
      }
      case 'driver_job': {
        const fold = this.bookings.get(subject);
        const rows = fold && bookingRowsOf(subject, fold.state, fold.updatedAt);
        return rows ? [rows.driverJob] : [];
      }
      case 'pickup_credential': {
        const fold = this.credentials.get(subject);
        return fold ? [...fold.rows.values()] : [];
      }
      case 'visit_flag': {
        const open = this.openAlerts.get(subject) ?? 0;
        return open > 0 ? [{ visitRef: subject, openAlerts: open }] : [];
      }
    }
  }

  private visitRowCounts(subject: string): number[] {
    return VISIT_TABLES.map((table) => this.rowsFor(table, subject).length);
  }

  /**
   * Counts the rows of the visit-keyed tables once, over every visit, pausing every so many visits; from then on
   * `apply` keeps the counts. Nothing else folds meanwhile: only the check's own cycle calls `apply`.
   */
  async countRows(pause: () => Promise<void>, visitsPerPause = 5000): Promise<void> {
    if (this.visitTableCounts) return;
    const counts = new Map<ReadModelTable, number>(VISIT_TABLES.map((table) => [table, 0]));
    for (const [i, visitRef] of this.visitRefList.entries()) {
      if (i > 0 && i % visitsPerPause === 0) await pause();
      for (const [t, n] of this.visitRowCounts(visitRef).entries()) {
        const table = VISIT_TABLES[t]!;
        counts.set(table, counts.get(table)! + n);
      }
    }
    this.visitTableCounts = counts;
  }

  /** How many rows `table` must hold in all. */
  expectedCount(table: ReadModelTable): number {
    if (table === 'alert') return this.alerts.size;
    if (table === 'gate_alert_group') return this.alertGroups.size;
    if (table === 'visit_flag') return this.openAlerts.size;
    const counted = this.visitTableCounts?.get(table);
    if (counted !== undefined) return counted;
    let count = 0;
    for (const visitRef of this.visitRefList) count += this.rowsFor(table, visitRef).length;
    return count;
  }

  /** Whether a subject is one the log names for this table's kind of key. */
  knows(table: ReadModelTable, subject: string): boolean {
    if (table === 'gate_alert_group') return this.alertGroups.has(Number(subject));
    if (keyedByAlert(table)) return this.alerts.has(Number(subject));
    return this.knowsVisit(subject);
  }
}

function releaseRecord(fold: ReleaseFold) {
  // The record `executeReleaseCommand` puts: the stream's length and the time of its last event.
  return releaseRecordOf(fold.state.release!, fold.version, fold.updatedAt);
}
