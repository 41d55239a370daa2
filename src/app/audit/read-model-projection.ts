/**
 * What every checked read-model table must hold, folded from the log alone (issue 10, row E). Each table's rows come
 * from the same functions its writer puts them with — `visitRecordOf` and `visitCells` (visits, yard cells),
 * `releaseRecordOf` and `partiesThatHoldOrHeld` (releases and their parties), `bookingRowsOf` (slot bookings, driver
 * jobs), `applyAlertEvent` (alerts), `gateAlertGroupRecord` and `applyGateAlertRepeat` (gate alert groups) and
 * `namesVisit` (the yard map's open-alert counts) and `pickupCredentialRows` (pickup credentials, as issued, voided and
 * used) — so the check and the writers cannot disagree about the rules, only about the rows.
 *
 * Folded one subject at a time, from the subject's own streams, as of a log size (issue 13): a visit's rows from its
 * `visit-`, `release-`, `appointment-` and `pickup-` streams and the gate verdicts its gate-outs name; an alert's
 * from the event that raised it and its `alert-<id>` stream. Nothing is kept for the subjects folded, so the memory
 * the check and the rebuild need does not grow with the port's history (before, every visit, release, booking,
 * credential and alert ever recorded was held in memory). What is kept between cycles (`ReadModelExpectations`) is
 * live data: how many unresolved alerts name each visit, and how many rows each table must hold.
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
  alertStream,
  applyAlertEvent,
  applyGateAlertRepeat,
  gateAlertGroupRecord,
  isAlertEvent,
  namesVisit,
} from '../alerts/index.js';
import { bookingRowsOf, evolveBooking } from '../appointments/index.js';
import type { GateAlertGroupRecord, PickupCredentialRecord } from '../gate/gate.ports.js';
import type { AlertRecord, LedgerReads, StoredEvent } from '../ports.js';
import { evolveRelease, releaseRecordOf } from '../releases/index.js';
import { evolveVisit, visitRecordOf } from '../visits/index.js';
import {
  READ_MODEL_TABLES,
  type ReadModelRecords,
  type ReadModelTable,
  type ReadModelTableReads,
} from './read-model.ports.js';

/** The facts about people a fold needs beyond the log, looked up as the writers look them up. */
export interface ProjectionFacts {
  /** A user's organisation (`''` when unknown). */
  orgOfUser(userId: string): Promise<string>;
  /** The terminal of a refusing gate: its clerk's or its kiosk token's organisation's first terminal. */
  terminalOfOperator(operator: string): Promise<string | null>;
}

/** The subjects some events touched: visits (every visit-keyed table) and alerts (their rows and their visit's flag). */
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
 * before it listens, which at a port's size is the long start issue 13 removes. Folding per subject (issue 13)
 * changed no builder either: the rows are the same, only read differently.
 */
export const READ_MODEL_VERSION = 1;

/** The stream of `ReadModelsRebuilt` events: when and why the read models were rewritten from the log. */
export const READ_MODELS_STREAM = 'read-models';

const STREAM_PREFIX = {
  visit: 'visit-',
  release: 'release-',
  appointment: 'appointment-',
  pickup: 'pickup-',
} as const;

/** Where the gate records an attempt (`gateAttemptStreamId`); an accepted one uses its credential. */
const GATE_ATTEMPT_PREFIX = 'gate-';

/** The visit whose streams these are: the visit-keyed rows of that visit derive from them. */
function visitSubjectOf(streamId: string): string | undefined {
  for (const prefix of Object.values(STREAM_PREFIX)) {
    if (streamId.startsWith(prefix)) return streamId.slice(prefix.length);
  }
  return undefined;
}

/** The streams one visit's rows derive from, besides the gate verdicts its gate-outs name. */
const visitStreams = (visitRef: string) =>
  Object.values(STREAM_PREFIX).map((prefix) => `${prefix}${visitRef}`);

/** An event that raises an alert (its id is the event's index), as opposed to one that acts on an alert. */
const raisesAlert = (event: { readonly streamId: string; readonly type: string }) =>
  isAlertEvent(event) && !event.streamId.startsWith('alert-');

/**
 * The subject an event brings into being, if any: a visit at the first event of one of its streams, an alert at the
 * event that raises it. Every subject the log knows is born exactly so, which is how the rolling check and the
 * rebuild find every one by walking the log, without keeping a list of them.
 */
export function subjectBornAt(event: {
  readonly index: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
}): { kind: 'visit'; visitRef: string } | { kind: 'alert'; alertId: string } | undefined {
  if (event.streamVersion === 1) {
    const visitRef = visitSubjectOf(event.streamId);
    if (visitRef !== undefined) return { kind: 'visit', visitRef };
  }
  if (raisesAlert(event)) return { kind: 'alert', alertId: String(event.index) };
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
export const VISIT_TABLES: readonly ReadModelTable[] = READ_MODEL_TABLES.filter(
  (table) => !keyedByAlert(table) && table !== 'visit_flag',
);

/** The rows one visit's own streams fold to, as of a log size. */
export class VisitSubject {
  private constructor(
    readonly visitRef: string,
    private readonly visit: VisitFold | undefined,
    private readonly release: ReleaseFold | undefined,
    private readonly booking: BookingFold | undefined,
    private readonly credentials: CredentialFold | undefined,
  ) {}

  /**
   * Folds a visit's events — those of its four streams and the gate's accepted verdicts its gate-outs name, in any
   * order — up to (not including) log index `size`. Pure.
   */
  static fold(visitRef: string, events: readonly StoredEvent[], size: number): VisitSubject {
    let visit: VisitFold | undefined;
    let release: ReleaseFold | undefined;
    let booking: BookingFold | undefined;
    let credentials: CredentialFold | undefined;
    const inOrder = events.filter((event) => event.index < size).sort((a, b) => a.index - b.index);
    for (const event of inOrder) {
      const { streamId } = event;
      if (streamId === `${STREAM_PREFIX.visit}${visitRef}`) {
        visit = {
          state: evolveVisit(visit?.state ?? visitDecider.initialState(), event),
          version: event.streamVersion,
          lastIndex: event.index,
        };
      } else if (streamId === `${STREAM_PREFIX.release}${visitRef}`) {
        const state = evolveRelease(release?.state ?? releaseDecider.initialState(), event);
        const parties = new Set(release?.parties);
        for (const orgId of partiesThatHoldOrHeld(state)) parties.add(orgId);
        release = {
          state,
          version: event.streamVersion,
          updatedAt: event.recordedAt,
          lastIndex: event.index,
          parties,
        };
      } else if (streamId === `${STREAM_PREFIX.appointment}${visitRef}`) {
        booking = {
          state: evolveBooking(booking?.state ?? bookingDecider.initialState(), event),
          updatedAt: event.recordedAt,
          lastIndex: event.index,
        };
      } else if (
        streamId === `${STREAM_PREFIX.pickup}${visitRef}` ||
        // A verdict counts for the credentials this visit issued, and no other.
        (streamId.startsWith(GATE_ATTEMPT_PREFIX) &&
          event.type === 'GateAttemptAccepted' &&
          credentials?.rows.has(String(event.data.credentialId)))
      ) {
        const rows = pickupCredentialRows(credentials?.rows ?? new Map(), visitRef, event);
        if (rows) credentials = { rows, lastIndex: event.index };
      }
    }
    return new VisitSubject(visitRef, visit, release, booking, credentials);
  }

  /** Whether any of the visit's streams had an event by then. */
  get known(): boolean {
    return (
      this.visit !== undefined ||
      this.release !== undefined ||
      this.booking !== undefined ||
      this.credentials !== undefined
    );
  }

  /** The visit's read model as it stood, for the facts of an alert raised then. */
  visitRecord() {
    const fold = this.visit;
    return fold && visitRecordOf(this.visitRef, fold.state, fold.version, fold.lastIndex);
  }

  /** The rows a visit-keyed table (not `visit_flag`, which follows alerts) must hold for this visit. */
  rows<T extends ReadModelTable>(table: T): ReadModelRecords[T][] {
    return this.rowsOf(table) as ReadModelRecords[T][];
  }

  private rowsOf(table: ReadModelTable): unknown[] {
    const visitRef = this.visitRef;
    switch (table) {
      case 'visit': {
        const record = this.visitRecord();
        return record ? [record] : [];
      }
      case 'yard_cell':
        return this.visit ? visitCells(this.visit.state).map((cell) => ({ ...cell, visitRef })) : [];
      case 'release': {
        const fold = this.release;
        // The record `executeReleaseCommand` puts: the stream's length and the time of its last event.
        return fold?.state.release ? [releaseRecordOf(fold.state.release, fold.version, fold.updatedAt)] : [];
      }
      case 'release_party':
        return this.release ? [...this.release.parties].sort().map((orgId) => ({ visitRef, orgId })) : [];
      case 'slot_booking': {
        const rows = this.booking && bookingRowsOf(visitRef, this.booking.state, this.booking.updatedAt);
        return rows?.slotBooking ? [rows.slotBooking] : [];
      }
      case 'driver_job': {
        const rows = this.booking && bookingRowsOf(visitRef, this.booking.state, this.booking.updatedAt);
        return rows ? [rows.driverJob] : [];
      }
      case 'pickup_credential':
        return this.credentials ? [...this.credentials.rows.values()] : [];
      default:
        throw new Error(`read-model projection: ${table} is not folded from a visit's own streams`);
    }
  }

  /** How many rows each of `VISIT_TABLES` must hold for this visit, in that order. */
  rowCounts(): number[] {
    return VISIT_TABLES.map((table) => this.rowsOf(table).length);
  }

  /** The index of the latest event a table's rows of this visit derive from; undefined when none does. */
  lastIndexOf(table: ReadModelTable): number | undefined {
    if (table === 'release' || table === 'release_party') return this.release?.lastIndex;
    if (table === 'slot_booking' || table === 'driver_job') return this.booking?.lastIndex;
    if (table === 'pickup_credential') return this.credentials?.lastIndex;
    return this.visit?.lastIndex;
  }
}

/** The rows one alert folds to, as of a log size: its `alert` row and, for a gate refusal, its group. */
export class AlertSubject {
  private constructor(
    readonly alertId: number,
    readonly record: AlertRecord | undefined,
    readonly group: GateAlertGroupRecord | undefined,
  ) {}

  /**
   * Folds an alert from the event at its index (`raise`, if that event raises an alert) and the events of its
   * `alert-<id>` stream, up to (not including) log index `size`.
   */
  static async fold(
    alertId: number,
    raise: StoredEvent | undefined,
    actions: readonly StoredEvent[],
    size: number,
    facts: AlertFoldFacts,
  ): Promise<AlertSubject> {
    if (!raise || raise.index !== alertId || alertId >= size || !raisesAlert(raise)) {
      return new AlertSubject(alertId, undefined, undefined);
    }
    const rows = new Map<number, AlertRecord>();
    await applyAlertEvent(rows, raise, facts);
    let group =
      raise.streamId === ALERTS_STREAM && raise.type === 'GateAlertRaised'
        ? gateAlertGroupRecord(raise)
        : undefined;
    const inOrder = actions.filter((event) => event.index < size).sort((a, b) => a.index - b.index);
    for (const action of inOrder) {
      await applyAlertEvent(rows, action, facts);
      if (group && action.type === 'GateAlertRepeated') group = applyGateAlertRepeat(group, action);
    }
    return new AlertSubject(alertId, rows.get(alertId), group);
  }

  /** The visit whose yard-map flag this alert counts in, while unresolved. */
  get openOnVisit(): string | undefined {
    const record = this.record;
    return record && record.status !== 'resolved' && namesVisit(record) ? record.subjectId : undefined;
  }

  rows<T extends ReadModelTable>(table: T): ReadModelRecords[T][] {
    const row = table === 'alert' ? this.record : table === 'gate_alert_group' ? this.group : undefined;
    return (row ? [row] : []) as ReadModelRecords[T][];
  }

  /** The raising event's index (the alert's id), when the log raised it. */
  get lastIndex(): number | undefined {
    return this.record ? this.alertId : undefined;
  }
}

/** Facts that fill no field a standing depends on: an alert's status and subject come from the log alone. */
const NO_FACTS: AlertFoldFacts = {
  gateFacts: async () => ({ containerNumber: null, terminal: null }),
  orgOfUser: async () => '',
};

/**
 * Reads subjects from the log and folds them (`VisitSubject`, `AlertSubject`): a handful of indexed reads per
 * subject — its streams, and the events their entries point to — however long the log is.
 */
export class SubjectReader {
  constructor(
    private readonly reads: Pick<LedgerReads, 'readStream' | 'readEvents'>,
    private readonly facts: ProjectionFacts,
  ) {}

  /**
   * The events a visit's rows derive from: its four streams, and the accepted verdicts of the gate attempts its
   * gate-outs name (`ContainerGatedOut.gateAttemptId`; the gate records the verdict and the gate-out in one
   * transaction, and the visit decider lets a box out only on that verdict, so every credential a gate used is
   * found this way).
   */
  async visitEvents(visitRef: string): Promise<StoredEvent[]> {
    const events = (await Promise.all(visitStreams(visitRef).map((id) => this.reads.readStream(id)))).flat();
    for (const event of events) {
      const attemptId = event.data.gateAttemptId;
      if (event.type !== 'ContainerGatedOut' || typeof attemptId !== 'string') continue;
      for (const verdict of await this.reads.readStream(`${GATE_ATTEMPT_PREFIX}${attemptId}`)) {
        if (verdict.type === 'GateAttemptAccepted') events.push(verdict);
      }
    }
    return events;
  }

  async visit(visitRef: string, size: number): Promise<VisitSubject> {
    return VisitSubject.fold(visitRef, await this.visitEvents(visitRef), size);
  }

  /** The event at an alert's index and its `alert-<id>` stream. */
  async alertEvents(alertId: number): Promise<{ raise: StoredEvent | undefined; actions: StoredEvent[] }> {
    if (!Number.isSafeInteger(alertId) || alertId < 0) return { raise: undefined, actions: [] };
    const [raise] = await this.reads.readEvents(alertId, 1);
    return {
      raise,
      actions: raise && raisesAlert(raise) ? await this.reads.readStream(alertStream(alertId)) : [],
    };
  }

  /** The rows of one alert as of `size`, with the facts its writer looked up (the visit as it stood then). */
  async alert(alertId: number, size: number): Promise<AlertSubject> {
    const { raise, actions } = await this.alertEvents(alertId);
    return AlertSubject.fold(alertId, raise, actions, size, this.alertFacts(alertId));
  }

  /**
   * What one alert stands for as of `size` where no field from the facts matters (whether it exists, has a gate
   * group, and which visit it keeps flagged): folded without looking anything up.
   */
  async alertStanding(
    alertId: number,
    sizes: readonly number[],
    /** The event at the alert's index, when the caller has it already. */
    known?: StoredEvent,
  ): Promise<{ exists: boolean; grouped: boolean; openOnVisit: string | undefined }[]> {
    const { raise, actions } =
      known?.index === alertId
        ? {
            raise: known,
            actions: raisesAlert(known) ? await this.reads.readStream(alertStream(alertId)) : [],
          }
        : await this.alertEvents(alertId);
    const standings = [];
    for (const size of sizes) {
      const folded = await AlertSubject.fold(alertId, raise, actions, size, NO_FACTS);
      standings.push({
        exists: folded.record !== undefined,
        grouped: folded.group !== undefined,
        openOnVisit: folded.openOnVisit,
      });
    }
    return standings;
  }

  /** As `raiseGateAlert` and `recordLockoutAlert` find them: the visit as it stood, the user's organisation. */
  private alertFacts(alertId: number): AlertFoldFacts {
    return {
      gateFacts: async (data) => {
        const { visitRef, operator } = data as { visitRef?: unknown; operator?: unknown };
        const visit =
          typeof visitRef === 'string'
            ? VisitSubject.fold(
                visitRef,
                await this.reads.readStream(`${STREAM_PREFIX.visit}${visitRef}`),
                alertId,
              ).visitRecord()
            : undefined;
        let terminal = visit?.terminal ?? null;
        // Gated out or never identified: the terminal is the one the refusing gate belongs to.
        if (terminal === null && typeof operator === 'string') {
          terminal = await this.facts.terminalOfOperator(operator);
        }
        return { containerNumber: visit?.containerNumber ?? null, terminal };
      },
      orgOfUser: (userId) => this.facts.orgOfUser(userId),
    };
  }
}

/**
 * What the read models must hold in all, kept event by event as the log grows, for the integrity watch: the yard
 * map's open-alert count of each visit (only visits with at least one unresolved alert: live data, like the yard),
 * and, once set, how many rows each table must hold.
 *
 * The counts (issue 13). Before, every table was counted with `count(*)` inside the write lock on every cycle, which
 * at a year of a large port stalls every writer for seconds. Now the store keeps each table's row count as its rows
 * change (triggers, migration 0026: a database administrator's insert or delete moves it too), and the watch keeps
 * what the count must be: `visit_flag`'s is the number of visits with an open alert, from the log; every other
 * table's is taken from the store's count at the watch's first cycle, inside the write lock, and from then on moved
 * only by what the log's new events explain (each subject they touch, folded before and after). A row a DBA inserts
 * or deletes while the watch runs is found at its next cycle; one changed while no watch ran, or by a DBA who also
 * dropped the triggers or edited the counts, is found by the rolling comparison of every subject, within a sweep of
 * them at worst (`read-model-check.ts`). A rebuild from the log (`ReadModelsRebuilt`) sets the counts again from the
 * store's, since it rewrote the rows to what the log says.
 */
export class ReadModelExpectations {
  /** The number of events folded: the next index `apply` expects. */
  size = 0;
  private readonly openAlerts = new Map<string, number>();
  private counts: Map<ReadModelTable, number> | undefined;

  constructor(private readonly subjects: SubjectReader) {}

  /**
   * Starts at log size `size` without folding the events before it: the open alerts naming visits are read from the
   * raises of the `alerts` stream (each alert's own stream says whether it was resolved), a page at a time.
   */
  async start(
    reads: Pick<LedgerReads, 'readStreamRange'>,
    size: number,
    pause?: () => Promise<void>,
    pageSize = 1000,
  ): Promise<void> {
    this.openAlerts.clear();
    this.counts = undefined;
    for (let fromVersion = 1; ; fromVersion += pageSize) {
      if (fromVersion > 1) await pause?.();
      const page = await reads.readStreamRange(ALERTS_STREAM, { fromVersion, limit: pageSize });
      for (const raise of page) {
        if (raise.index >= size || !raisesAlert(raise)) continue;
        const [standing] = await this.subjects.alertStanding(raise.index, [size], raise);
        if (standing?.openOnVisit !== undefined) this.countOpenAlert(standing.openOnVisit, 1);
      }
      if (page.length < pageSize || (page.at(-1)?.index ?? 0) >= size) break;
    }
    this.size = size;
  }

  /** Whether the counts are set (from the store's, at the first cycle and after a rebuild). */
  get counted(): boolean {
    return this.counts !== undefined;
  }

  /** Sets every table's count but `visit_flag`'s (the log's own) from the store's, at `size`. */
  setCounts(stored: ReadonlyMap<ReadModelTable, number>): void {
    this.counts = new Map(
      READ_MODEL_TABLES.filter((table) => table !== 'visit_flag').map((table) => [
        table,
        stored.get(table) ?? 0,
      ]),
    );
  }

  /** How many rows `table` must hold; undefined until the counts are set. */
  expectedCount(table: ReadModelTable): number | undefined {
    if (table === 'visit_flag') return this.openAlerts.size;
    return this.counts?.get(table);
  }

  /** The `visit_flag` rows of a visit: its number of unresolved alerts, when it has any. */
  flagRows(visitRef: string): ReadModelRecords['visit_flag'][] {
    const openAlerts = this.openAlerts.get(visitRef) ?? 0;
    return openAlerts > 0 ? [{ visitRef, openAlerts }] : [];
  }

  /** The visits with at least one unresolved alert. */
  flaggedVisits(): string[] {
    return [...this.openAlerts.keys()];
  }

  private countOpenAlert(visitRef: string, sign: 1 | -1): void {
    const open = (this.openAlerts.get(visitRef) ?? 0) + sign;
    if (open > 0) this.openAlerts.set(visitRef, open);
    else this.openAlerts.delete(visitRef);
  }

  private adjust(table: ReadModelTable, delta: number): void {
    if (delta !== 0 && this.counts) this.counts.set(table, (this.counts.get(table) ?? 0) + delta);
  }

  /**
   * Folds the next events (index order, starting at `size`) and returns the subjects they touched. Each touched
   * subject is read from the log once and folded before and after the events, so its open alerts and its rows'
   * counts move by the difference.
   */
  async apply(
    events: readonly StoredEvent[],
    /**
     * Where the touched subjects are read: the transaction's own reads when the fold runs inside one. With group
     * commit, a check's transaction can share its database transaction with writes not yet committed; the log it
     * folds then holds their events, which the store's reads outside it cannot see yet (issue 15: an alert the
     * detection engine raised in the same group went uncounted, and its visit's flag looked unexplained).
     */
    subjects: SubjectReader = this.subjects,
  ): Promise<TouchedSubjects> {
    const visitRefs = new Set<string>();
    const alertIds = new Set<number>();
    const from = this.size;
    for (const [i, event] of events.entries()) {
      if (event.index !== from + i) {
        throw new Error(`read-model projection: expected event ${from + i}, got ${event.index}`);
      }
      const { streamId } = event;
      const visitRef = visitSubjectOf(streamId);
      if (visitRef !== undefined) visitRefs.add(visitRef);
      if (streamId.startsWith(GATE_ATTEMPT_PREFIX) && event.type === 'GateAttemptAccepted') {
        if (typeof event.data.visitRef === 'string') visitRefs.add(event.data.visitRef);
      }
      if (isAlertEvent(event)) {
        alertIds.add(raisesAlert(event) ? event.index : Number(streamId.slice('alert-'.length)));
      }
      // The rows were rewritten to what the log says: the store's counts are right again.
      if (streamId === READ_MODELS_STREAM && event.type === 'ReadModelsRebuilt') this.counts = undefined;
    }
    const to = from + events.length;
    for (const alertId of alertIds) {
      const [before, after] = await subjects.alertStanding(alertId, [from, to]);
      if (!before || !after) continue;
      if (before.openOnVisit !== undefined) this.countOpenAlert(before.openOnVisit, -1);
      if (after.openOnVisit !== undefined) this.countOpenAlert(after.openOnVisit, 1);
      // The visit's flag follows its alerts.
      for (const flagged of [before.openOnVisit, after.openOnVisit]) if (flagged) visitRefs.add(flagged);
      this.adjust('alert', Number(after.exists) - Number(before.exists));
      this.adjust('gate_alert_group', Number(after.grouped) - Number(before.grouped));
    }
    if (this.counts) {
      for (const visitRef of visitRefs) {
        const events = await subjects.visitEvents(visitRef);
        const before = VisitSubject.fold(visitRef, events, from).rowCounts();
        const after = VisitSubject.fold(visitRef, events, to).rowCounts();
        for (const [t, table] of VISIT_TABLES.entries()) this.adjust(table, after[t]! - before[t]!);
      }
    }
    this.size = to;
    return { visitRefs, alertIds: new Set([...alertIds].map(String)) };
  }
}

/** Each table's row count as the store keeps it, read at once (inside the check's transaction). */
export async function storedCounts(tables: ReadModelTableReads): Promise<Map<ReadModelTable, number>> {
  const counts = new Map<ReadModelTable, number>();
  for (const table of READ_MODEL_TABLES) counts.set(table, await tables.countRows(table));
  return counts;
}
