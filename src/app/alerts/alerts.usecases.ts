/**
 * The alert console (issue 5): refused gate attempts and integrity failures (both on the `alerts` stream) and
 * account lockouts (`AccountLockedOut` on a user's `auth-<userId>` stream), with what people did about them:
 * `AlertAcknowledged`, `AlertAssigned` and `AlertResolved` on the alert's own `alert-<alertId>` stream.
 *
 * An alert's id is the audit index of the event that raised it: stable, unique, and itself evidence.
 *
 * Who sees what (MISSION §2, policy `alert.read`):
 * - terminal staff see the gate refusals at their terminal, and the lockouts of their own organisation's users;
 * - a bulk look-up of yard positions (`lookup.bulk`, on the alerts stream) is seen, like a lockout, by the alert
 *   readers of the person's own organisation;
 * - customs and the port police ("read everything") see every alert;
 * - integrity alerts concern the shared log and carry no cargo data: every holder of `alert.read` sees them;
 * - administrators hold no `alert.read` ("no cargo data beyond what their role grants"): they unlock accounts
 *   from the admin screens, not from here, and the gate refusals name visits.
 *
 * The console reads the `alert` read model (`AlertRecord`, see `alert-records.ts`), written in the transactions that
 * raise and act on alerts, one page at a time, newest first; only whether a named visit is frozen now is read
 * from the visits, once per page.
 */

import type { Authenticated } from '../access/identity.ports.js';
import { AppError } from '../errors.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import type {
  AlertEvidence,
  AlertQuery,
  AlertRecord,
  AlertRule,
  AlertSeverity,
  AlertStatus,
  JsonObject,
  LedgerReads,
  StoredEvent,
} from '../ports.js';
import type { AlertDirection, GateAlertGroupRecord } from './alert.ports.js';
import {
  ALERTS_STREAM,
  alertedGateChecks,
  alertStream,
  applyAlertAction,
  applyGateAlertRepeat,
  enrolmentAlertRecord,
  type GateAlertFacts,
  gateAlertGroupKey,
  gateAlertGroupRecord,
  gateAlertRecord,
  gateRefusalSeverity,
  lockoutAlertRecord,
  readModelAlertRecord,
} from './alert-records.js';

export type { AlertEvidence, AlertRule, AlertSeverity, AlertStatus } from '../ports.js';
export { alertStream } from './alert-records.js';

/** Alerts per page when the caller names no limit, and the most one page holds. */
export const DEFAULT_ALERT_PAGE = 100;
export const MAX_ALERT_LIMIT = 200;

/** The freeze in force on the visit an alert names, so the console shows a stopped box as stopped. */
export interface AlertVisitFreeze {
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

export interface AlertView {
  readonly alertId: string;
  readonly rule: AlertRule;
  readonly severity: AlertSeverity;
  readonly raisedAt: string;
  readonly subject: { readonly kind: 'visit' | 'user' | 'log'; readonly id: string };
  readonly terminal: string | null;
  readonly summary: string;
  readonly evidence: readonly AlertEvidence[];
  /** For an alert about a visit: the freeze in force on it now, else `null`. */
  readonly frozen: AlertVisitFreeze | null;
  readonly status: AlertStatus;
  readonly assignedTo: string | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
  readonly updatedAt: string;
  /**
   * How many refused gate attempts this alert groups (issue 10, row G), and when the first and the last came; 1,
   * `raisedAt` and `raisedAt` for every other alert.
   */
  readonly occurrences: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

export interface AlertPage {
  /** Newest first. */
  readonly alerts: AlertView[];
  /** Pass as `cursor` for the next, older page; `null` when this page is the last. */
  readonly nextCursor: string | null;
}

const FULL_SIGHT_ORG_KINDS = new Set(['customs', 'port_police']);
/** Rules whose alerts carry no cargo data: every holder of `alert.read` sees them. */
const SEEN_BY_ALL: readonly AlertRule[] = ['integrity.failed', 'integrity.read_model_mismatch'];
/** Rules whose alerts are about a person: their own organisation's alert readers see them. */
const SEEN_BY_OWN_ORG: readonly AlertRule[] = [
  'auth.lockout',
  'lookup.bulk',
  'driver.device.enrolled_again',
  'auth.enrolment_repeated',
];

/**
 * Who reads alerts, as visibility needs them: by their organisation. A signed-in person is one; so is an API token
 * granted `alert.read` (a security operations feed), which sees what a person of its organisation would.
 */
export interface AlertReader {
  readonly org: { readonly orgId: string; readonly kind: string; readonly terminals: readonly string[] };
  /** The reader's user id, for the alerts assigned to them; absent for a reader that is no person. */
  readonly userId?: string;
}

function fullSight(caller: AlertReader): boolean {
  return FULL_SIGHT_ORG_KINDS.has(caller.org.kind);
}

/**
 * Whether the alert is about the caller: no one is shown an alert about themselves, nor may act on it (outside
 * tester, issue 15: a bribed planner read the `lookup.bulk` alert about his own look-ups and learned what was seen).
 */
function aboutCaller(caller: AlertReader | Authenticated, alert: AlertRecord): boolean {
  const person = personOf(caller);
  return person !== undefined && alert.subjectKind === 'user' && alert.subjectId === person;
}

/** The person reading: a signed-in session's user, or the reader's user id; none for an API token. */
const personOf = (caller: AlertReader | Authenticated): string | undefined =>
  'user' in caller ? caller.user.userId : caller.userId;

/** The visibility rule, on one row; `alertsVisibleTo` says the same to the store for a whole page (and the work queues' count, issue 14). */
function mayRead(caller: AlertReader, alert: AlertRecord): boolean {
  if (aboutCaller(caller, alert)) return false;
  if (fullSight(caller)) return true;
  if (SEEN_BY_ALL.includes(alert.rule)) return true;
  if (SEEN_BY_OWN_ORG.includes(alert.rule)) return alert.orgId === caller.org.orgId;
  // A detection alert about a person (issue 15) is their organisation's, as the store's page reads it.
  if (alert.orgId !== null && alert.orgId === caller.org.orgId) return true;
  return alert.terminal !== null && caller.org.terminals.includes(alert.terminal);
}

export function alertsVisibleTo(caller: AlertReader): AlertQuery['visibleTo'] {
  if (fullSight(caller)) return undefined;
  return { rules: SEEN_BY_ALL, orgId: caller.org.orgId, terminals: caller.org.terminals };
}

/** Whether an alert names a visit, so the yard map counts it among the visit's open alerts (`visit_flag`). */
export const namesVisit = (alert: AlertRecord) =>
  alert.subjectKind === 'visit' && alert.subjectId !== 'unidentified';

/** The freezes in force on the visits these alerts name. */
async function freezesOf(
  reads: LedgerReads,
  alerts: readonly AlertRecord[],
): Promise<Map<string, AlertVisitFreeze>> {
  const visitRefs = [...new Set(alerts.filter(namesVisit).map((a) => a.subjectId))];
  const visits = visitRefs.length > 0 ? await reads.getVisits(visitRefs) : new Map();
  const freezes = new Map<string, AlertVisitFreeze>();
  for (const [visitRef, visit] of visits) {
    const freeze = visit.view.frozen as { reason?: unknown; by?: unknown; at?: unknown } | null | undefined;
    if (freeze) {
      freezes.set(visitRef, {
        reason: String(freeze.reason ?? ''),
        by: String(freeze.by ?? ''),
        at: String(freeze.at ?? ''),
      });
    }
  }
  return freezes;
}

/** The groups of refused gate attempts these alerts hold, by alert id. */
async function groupsOf(
  reads: LedgerReads,
  alerts: readonly AlertRecord[],
): Promise<Map<number, GateAlertGroupRecord>> {
  const gateAlerts = alerts.filter((a) => a.rule === 'gate.refused').map((a) => a.alertId);
  return gateAlerts.length > 0 ? reads.gate.alertGroups(gateAlerts) : new Map();
}

/** The views of a page of alerts, with the freezes on their visits and their groups of gate attempts. */
async function viewsOf(reads: LedgerReads, alerts: readonly AlertRecord[]): Promise<AlertView[]> {
  const [freezes, groups] = await Promise.all([freezesOf(reads, alerts), groupsOf(reads, alerts)]);
  return alerts.map((alert) => toView(alert, freezes, groups.get(alert.alertId)));
}

function toView(
  alert: AlertRecord,
  freezes: ReadonlyMap<string, AlertVisitFreeze>,
  group: GateAlertGroupRecord | undefined,
): AlertView {
  return {
    alertId: String(alert.alertId),
    rule: alert.rule,
    severity: alert.severity,
    raisedAt: alert.raisedAt,
    subject: { kind: alert.subjectKind, id: alert.subjectId },
    terminal: alert.terminal,
    summary: alert.summary,
    evidence: alert.evidence,
    frozen: namesVisit(alert) ? (freezes.get(alert.subjectId) ?? null) : null,
    status: alert.status,
    assignedTo: alert.assignedTo,
    acknowledgedBy: alert.acknowledgedBy,
    resolvedBy: alert.resolvedBy,
    resolution: alert.resolution,
    updatedAt: alert.updatedAt,
    occurrences: group?.occurrences ?? 1,
    firstSeenAt: group?.firstSeenAt ?? alert.raisedAt,
    lastSeenAt: group?.lastSeenAt ?? alert.raisedAt,
  };
}

/** An alert id or page cursor as a number, or `undefined` when it cannot name an alert. */
function alertIndex(text: string): number | undefined {
  const index = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(index) ? index : undefined;
}

/** What an alert page is filtered and ordered by (issue 14); a page cursor is good only for the same. */
export interface AlertListOptions {
  readonly status?: AlertStatus | 'unresolved';
  readonly rule?: AlertRule;
  readonly severity?: AlertSeverity;
  /** Only the alerts assigned to the caller (`AlertReader.userId`). */
  readonly assignedToMe?: boolean;
  /** `desc` (default): newest first; `asc`: oldest first. */
  readonly direction?: AlertDirection;
  readonly limit?: number;
  readonly cursor?: string;
}

/** The filter and order a cursor belongs to, in a fixed order, so two equal filters give equal keys. */
function alertListKey(options: AlertListOptions): string[] {
  return [
    options.direction ?? 'desc',
    options.status ?? '',
    options.rule ?? '',
    options.severity ?? '',
    options.assignedToMe ? 'me' : '',
  ];
}

/** The cursor after `alertId` for the list `options` describe: opaque to clients. */
function encodeAlertCursor(options: AlertListOptions, alertId: number): string {
  return Buffer.from(JSON.stringify([...alertListKey(options), String(alertId)]), 'utf8').toString(
    'base64url',
  );
}

/** The alert id a cursor continues after; 400 `input.invalid` if it was not made for this filter and order. */
function decodeAlertCursor(options: AlertListOptions, cursor: string): number {
  const invalid = () =>
    new AppError('input.invalid', 'not a page cursor of this alert list, its filter and its order', {
      cursor,
    });
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const key = alertListKey(options);
  if (
    !Array.isArray(parts) ||
    parts.length !== key.length + 1 ||
    !key.every((part, i) => parts[i] === part) ||
    typeof parts[key.length] !== 'string'
  ) {
    throw invalid();
  }
  const alertId = alertIndex(parts[key.length] as string);
  if (alertId === undefined) throw invalid();
  return alertId;
}

/** One page of the alerts the caller may see, newest first or oldest first, filtered (issue 14). */
export async function listAlerts(
  reads: LedgerReads,
  caller: AlertReader,
  options: AlertListOptions = {},
): Promise<AlertPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_ALERT_PAGE), 1), MAX_ALERT_LIMIT);
  const direction = options.direction ?? 'desc';
  const from = options.cursor === undefined ? undefined : decodeAlertCursor(options, options.cursor);
  if (options.assignedToMe && caller.userId === undefined) {
    throw new AppError('input.invalid', 'assignedTo=me needs a signed-in person', {});
  }
  const { status } = options;
  const statuses: AlertStatus[] | undefined =
    status === undefined ? undefined : status === 'unresolved' ? ['open', 'acknowledged'] : [status];
  const visible = alertsVisibleTo(caller);
  const person = personOf(caller);
  const rows = await reads.listAlertRecords({
    ...(visible ? { visibleTo: visible } : {}),
    ...(person !== undefined ? { notAboutUser: person } : {}),
    ...(statuses ? { statuses } : {}),
    ...(options.rule ? { rule: options.rule } : {}),
    ...(options.severity ? { severity: options.severity } : {}),
    ...(options.assignedToMe && caller.userId !== undefined ? { assignedTo: caller.userId } : {}),
    direction,
    ...(from === undefined ? {} : direction === 'asc' ? { after: from } : { before: from }),
    // One more than the page: whether a further page exists, without counting.
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    alerts: await viewsOf(reads, page),
    nextCursor: rows.length > limit ? encodeAlertCursor(options, page.at(-1)!.alertId) : null,
  };
}

async function readable(reads: LedgerReads, caller: AlertReader, alertId: string): Promise<AlertRecord> {
  const index = alertIndex(alertId);
  const alert = index === undefined ? undefined : await reads.getAlertRecord(index);
  // Existence does not leak: an alert the caller may not see is as absent as one that never was.
  if (!alert || !mayRead(caller, alert)) throw new AppError('alert.not_found', `no alert ${alertId}`);
  return alert;
}

/** One alert, as the list shows it. */
export async function getAlert(reads: LedgerReads, caller: AlertReader, alertId: string): Promise<AlertView> {
  const alert = await readable(reads, caller, alertId);
  return (await viewsOf(reads, [alert]))[0]!;
}

/**
 * Records a gate refusal's alert: the `GateAlertRaised` event on the alerts stream, its row and the yard map's
 * count of the visit's open alerts, in the caller's transaction. `named` is the refused visit as the gate read it, when the credential named one we hold (ignored for a pass that does not verify); otherwise
 * the alert belongs to the terminal of the refusing operator's organisation.
 */
export async function raiseGateAlert(
  context: WriteContext,
  event: { readonly type: 'GateAlertRaised'; readonly data: JsonObject },
  named: { readonly containerNumber: string; readonly terminal: string | null } | undefined,
  operator: string,
): Promise<StoredEvent> {
  const { tx } = context;
  // Gate issue 1: only the checks that stopped the attempt (the pass checks, when the pass did not authenticate its
  // presenter) go into the alert; the attempt's own event keeps the full verdict.
  const failed = alertedGateChecks(
    Array.isArray(event.data.failed) ? (event.data.failed as { check?: unknown; reason?: unknown }[]) : [],
  );
  const severity = gateRefusalSeverity(failed);
  // The kiosk is part of the record: refusals of credentials that name no box are grouped by it.
  // Gate issue 2: a pass whose signature does not verify under the driver's active phone names whatever box its
  // maker chose; its alert is against the presenting kiosk (grouped per kiosk), never against that box.
  const unauthenticated = failed.some(
    (f) =>
      f.check === 'pass.device_signature' ||
      f.check === 'credential.signature' ||
      f.check === 'credential.not_a_pass',
  );
  const visit = unauthenticated ? undefined : named;
  const data: JsonObject = {
    ...event.data,
    ...(unauthenticated ? { visitRef: 'unidentified' } : {}),
    failed: failed as JsonObject[],
    operator: event.data.operator ?? operator,
    severity,
  };
  // The gate appends the attempt's verdict just before its alert, in this transaction.
  const attemptIndex = (await tx.logSize()) - 1;

  // Issue 10, row G: a refusal of a box or a kiosk whose last alert is still unresolved counts one more attempt
  // on that alert (`GateAlertRepeated` on its stream), so a flood is one alert whose count grows.
  const latest = await tx.gate.latestAlertGroup(gateAlertGroupKey(data));
  const grouping = latest && (await tx.getAlertRecord(latest.alertId));
  if (latest && grouping && grouping.status !== 'resolved') {
    const [repeated] = await context.appendAtEnd(alertStream(latest.alertId), [
      {
        type: 'GateAlertRepeated',
        data: {
          alertId: String(latest.alertId),
          attemptId: data.attemptId ?? null,
          attemptIndex,
          failed: data.failed,
          severity,
          operator,
        },
      },
    ]);
    await tx.putAlertRecord(applyAlertAction(grouping, repeated!));
    await tx.gate.putAlertGroup(applyGateAlertRepeat(latest, repeated!));
    return repeated!;
  }

  const [raised] = await context.appendAtEnd(ALERTS_STREAM, [{ type: event.type, data }]);
  const terminal = visit?.terminal ?? (await terminalOfOperator(tx, operator));
  const facts: GateAlertFacts = { containerNumber: visit?.containerNumber ?? null, terminal };
  const record = gateAlertRecord(raised!, facts);
  await tx.putAlertRecord(record);
  await tx.gate.putAlertGroup(gateAlertGroupRecord(raised!));
  // The yard map marks the box until the alert is resolved.
  if (namesVisit(record)) await tx.adjustOpenAlerts(record.subjectId, 1);
  return raised!;
}

/**
 * The terminal of the refusing gate, for an alert whose box is gone or was never identified: the first terminal of
 * the organisation of the clerk, or of the kiosk's API token (`token:<tokenId>`).
 */
export async function terminalOfOperator(
  tx: Pick<LedgerReads, 'identity'>,
  operator: string,
): Promise<string | null> {
  let orgId: string | undefined;
  if (operator.startsWith('token:')) {
    const tokenId = operator.slice('token:'.length);
    // By id: reading every token ever issued to find one grew with the history (issue 13).
    orgId = (await tx.identity.listApiTokens({ tokenId }))[0]?.orgId;
  } else {
    orgId = (await tx.identity.getUser(operator))?.orgId;
  }
  const org = orgId === undefined ? undefined : await tx.identity.getOrganisation(orgId);
  return org?.terminals[0] ?? null;
}

/** Records a lockout's alert row beside its `AccountLockedOut` event, in the transaction that appended it. */
export async function recordLockoutAlert(
  context: WriteContext,
  lockedOut: StoredEvent,
  user: { readonly userId: string; readonly orgId: string },
): Promise<void> {
  await context.tx.putAlertRecord(lockoutAlertRecord(lockedOut, user.userId, user.orgId));
}

/**
 * Records a second enrolment attempt's alert (issue 10, row D): the `EnrolmentAlertRaised` event on the alerts
 * stream and its row, in the caller's transaction.
 */
export async function raiseEnrolmentAlert(context: WriteContext, data: JsonObject): Promise<AlertRecord> {
  const [raised] = await context.appendAtEnd(ALERTS_STREAM, [{ type: 'EnrolmentAlertRaised', data }]);
  const record = enrolmentAlertRecord(raised!);
  await context.tx.putAlertRecord(record);
  return record;
}

/**
 * Records that a read-model row differs from what the log says (`integrity.read_model_mismatch`, critical): the
 * `ReadModelAlertRaised` event on the alerts stream and its row, in the caller's transaction. The row is put, not
 * inserted, so it lands even when the alert table is what was tampered with.
 */
export async function raiseReadModelAlert(
  context: WriteContext,
  data: {
    readonly table: string;
    readonly key: string;
    readonly field: string | null;
    readonly reason: string;
    readonly code: string;
    readonly lastIndex?: number | null;
    readonly checkedAt?: string;
  },
): Promise<AlertRecord> {
  const [raised] = await context.appendAtEnd(ALERTS_STREAM, [
    {
      type: 'ReadModelAlertRaised',
      data: {
        table: data.table,
        key: data.key,
        field: data.field,
        reason: data.reason,
        code: data.code,
        lastIndex: data.lastIndex ?? null,
        checkedAt: data.checkedAt ?? context.now.toISOString(),
      },
    },
  ]);
  const record = readModelAlertRecord(raised!);
  await context.tx.putAlertRecord(record);
  return record;
}

export type AlertAction =
  | { readonly type: 'acknowledge' }
  | { readonly type: 'assign'; readonly userId: string }
  | { readonly type: 'resolve'; readonly note: string };

/**
 * Acknowledges, assigns or resolves an alert: one event on its `alert-<id>` stream and the updated row, in one
 * write transaction that re-reads the alert first. A resolved alert takes no further action; it changes no cargo
 * record.
 */
export async function actOnAlert(
  ledger: Ledger,
  caller: Authenticated,
  requestedId: string,
  action: AlertAction,
): Promise<AlertView> {
  return ledger.write(async (context) => {
    const { tx } = context;
    const current = await readable(tx, caller, requestedId);
    const alertId = String(current.alertId);
    if (current.status === 'resolved') {
      throw new AppError('alert.resolved', `alert ${alertId} is already resolved`, { alertId });
    }
    const by = caller.user.userId;
    let event: { type: string; data: JsonObject };
    if (action.type === 'acknowledge') {
      event = { type: 'AlertAcknowledged', data: { alertId, by } };
    } else if (action.type === 'assign') {
      const assignee = await tx.identity.getUser(action.userId);
      // Alerts go to colleagues: someone of the caller's organisation who can see alerts.
      if (!assignee || assignee.orgId !== caller.org.orgId) {
        throw new AppError('input.invalid', `no user ${action.userId} in your organisation`, {
          userId: action.userId,
        });
      }
      event = { type: 'AlertAssigned', data: { alertId, userId: assignee.userId, by } };
    } else {
      event = { type: 'AlertResolved', data: { alertId, note: action.note, by } };
    }
    const [acted] = await context.appendAtEnd(alertStream(alertId), [event]);
    const updated = applyAlertAction(current, acted!);
    await tx.putAlertRecord(updated);
    if (updated.status === 'resolved' && namesVisit(updated)) {
      await tx.adjustOpenAlerts(updated.subjectId, -1);
    }
    return (await viewsOf(tx, [updated]))[0]!;
  });
}
