/**
 * How an alert's read-model row (`AlertRecord`, the `alert` table) follows from its events: the event that raised
 * it, then the actions on its `alert-<alertId>` stream. The use cases write the row with these functions in the
 * transaction that appends the events; migration `0009_alert_read_model` backfills with the same functions, and
 * `foldAlertRecords` re-derives every row from the log, so a test can hold the table against the events.
 *
 * Pure: the facts that are not in the raising event (the visit's container and terminal, the locked-out user's
 * organisation) are passed in by the caller, as they stood when the alert was raised.
 */

import { detectionRuleIds } from '../../domain/index.js';
import type { AlertEvidence, AlertRecord, AlertRule, AlertSeverity, JsonObject } from '../ports.js';
import type { GateAlertGroupRecord } from './alert.ports.js';

export const ALERTS_STREAM = 'alerts';
export const alertStream = (alertId: string | number) => `alert-${alertId}`;
/** The stream of a user's sign-in events, where `AccountLockedOut` is recorded. */
export const AUTH_STREAM_PREFIX = 'auth-';

export const severityOf: Record<AlertRule, AlertSeverity> = {
  'integrity.failed': 'critical',
  'integrity.read_model_mismatch': 'critical',
  'gate.refused': 'high',
  'auth.lockout': 'medium',
  'lookup.bulk': 'high',
  // A one-time link used twice, or a second enrolment while one waits: one of them may be a thief (issue 10, row D).
  'auth.enrolment_repeated': 'high',
  // Someone enrolled another phone for a driver: his password and TOTP seed may be out (issue 10, row C).
  'driver.device.enrolled_again': 'high',
  // The terminal allows the printed fallback pass; each use is worth a look, not an emergency.
  'gate.printed_pass': 'medium',
  // The witnesses have not cosigned the log for a while: a rollback or a fork would go unseen meanwhile (issue 11).
  'witness.lagging': 'high',
  // The detection engine's rules (issue 15): their defaults. A `DetectionAlertRaised` event carries the severity the
  // rule's settings gave it, and its row takes that one (`detectionAlertRecord`).
  'pickup.changed_late': 'high',
  'yard.correction_unexplained': 'high',
  'release.passed_and_used': 'high',
  'visit.void_with_live_release': 'high',
  'lookup.outside_chain': 'medium',
  'visit.vanished': 'critical',
  'auth.new_device_or_network': 'medium',
  'auth.impossible_travel': 'high',
  'activity.off_hours': 'medium',
  'auth.failures_then_success': 'medium',
  'auth.dormant_account': 'medium',
  'lookup.above_baseline': 'medium',
  'activity.first_in_role': 'medium',
  'approval.collusion': 'high',
  'survey.missing': 'critical',
  'survey.unknown': 'medium',
  'survey.misplaced': 'high',
};

/** The rules whose alerts a `DetectionAlertRaised` event raises (issue 15). */
export const DETECTION_RULES: ReadonlySet<AlertRule> = new Set<AlertRule>(detectionRuleIds);

/** The parts of a stored event an alert row derives from. */
export interface AlertSourceEvent {
  readonly index: number;
  readonly recordedAt: string;
  readonly data: JsonObject;
}

const proofHref = (index: number) => `/v1/audit/proof/inclusion?index=${index}`;

/** The evidence of every raised alert: the event that raised it, with its inclusion proof. */
const alertEventEvidence = (event: AlertSourceEvent): AlertEvidence => ({
  label: `Alert event, audit index ${event.index}`,
  href: proofHref(event.index),
  index: event.index,
});

function raisedRow(
  event: AlertSourceEvent,
  fields: Pick<
    AlertRecord,
    'rule' | 'subjectKind' | 'subjectId' | 'terminal' | 'orgId' | 'summary' | 'evidence'
  >,
): AlertRecord {
  return {
    alertId: event.index,
    ...fields,
    severity: severityOf[fields.rule],
    raisedAt: event.recordedAt,
    status: 'open',
    assignedTo: null,
    acknowledgedBy: null,
    resolvedBy: null,
    resolution: null,
    updatedAt: event.recordedAt,
  };
}

/** The row of an alert about the log itself (no terminal, no organisation): its alert event, then `more`. */
function logAlertRow(
  event: AlertSourceEvent,
  rule: AlertRule,
  subjectId: string,
  summary: string,
  more: readonly AlertEvidence[] = [],
): AlertRecord {
  return raisedRow(event, {
    rule,
    subjectKind: 'log',
    subjectId,
    terminal: null,
    orgId: null,
    summary,
    evidence: [alertEventEvidence(event), ...more],
  });
}

/**
 * The row of an alert about a person (`userId`, of the organisation `orgId`, whose alert readers see it): its alert
 * event, then `more`.
 */
function personAlertRow(
  event: AlertSourceEvent,
  rule: AlertRule,
  person: { userId: string; orgId: string | null },
  summary: string,
  more: readonly AlertEvidence[] = [],
): AlertRecord {
  return raisedRow(event, {
    rule,
    subjectKind: 'user',
    subjectId: person.userId,
    terminal: null,
    orgId: person.orgId,
    summary,
    evidence: [alertEventEvidence(event), ...more],
  });
}

/** What is known of the refused visit and the refusing gate when the alert is raised. */
export interface GateAlertFacts {
  /** The visit's container number, when the credential named a visit we hold. */
  readonly containerNumber: string | null;
  /** The visit's terminal, else the terminal of the refusing operator's organisation. */
  readonly terminal: string | null;
}

/** The checks about what was scanned itself (as `gate-answer.ts` reports them), rather than about the box. */
const GATE_PASS_CHECKS: ReadonlySet<string> = new Set([
  'credential.not_a_pass',
  'pass.device_signature',
  'pass.fresh',
  'pass.printed_disabled',
  'credential.signature',
]);

/** The words an alert uses for red lights: alert readers may include people who may not see a police hold. */
export const GATE_NOT_RELEASED = 'not released';

/**
 * The failed checks a gate alert records (outside attacker, gate issue 1): when the pass did not authenticate its
 * presenter (a pass check failed: not the driver's active phone, a stale step, a printed pass where printing is
 * off), only the pass checks stopped the attempt, so only they are named; the other checks the gate ran stay in
 * the attempt's own event (`GateAttemptRefused`) for investigators. An authenticated attempt keeps its checks, but
 * red lights are named "not released" and carry no reason (no hold kind), since the terminal's readers of the
 * alert may not see police holds. Pure; the use case, the migrations and the read-model check share it.
 *
 * @example
 * ```ts
 * alertedGateChecks([{ check: 'pass.printed_disabled', reason: '…' }, { check: 'lights.green', reason: 'customs: police hold' }]);
 * // [{ check: 'pass.printed_disabled', reason: '…' }]
 * ```
 */
export function alertedGateChecks<T extends { check?: unknown; reason?: unknown }>(
  failed: readonly T[],
): T[] {
  // Issue 14: text that is no pass at all stopped the attempt by itself; that nothing opened follows from it.
  const nonPass = failed.filter((f) => f.check === 'credential.not_a_pass');
  if (nonPass.length > 0) return nonPass;
  const passFailed = failed.some((f) => GATE_PASS_CHECKS.has(String(f.check)));
  if (passFailed) return failed.filter((f) => GATE_PASS_CHECKS.has(String(f.check)));
  return failed.map((f) => (f.check === 'lights.green' ? { ...f, reason: GATE_NOT_RELEASED } : f));
}

const summaryCheck = (check: string) => (check === 'lights.green' ? GATE_NOT_RELEASED : check);

/** The row of a `GateAlertRaised` event. */
export function gateAlertRecord(event: AlertSourceEvent, facts: GateAlertFacts): AlertRecord {
  const data = event.data as {
    visitRef?: string;
    attemptId?: string;
    failed?: { check?: string; timing?: unknown }[];
  };
  const visitRef = data.visitRef ?? 'unidentified';
  const alerted = alertedGateChecks(data.failed ?? []);
  const checks = alerted
    .map((f) => f.check)
    .filter((c): c is string => Boolean(c))
    .map(summaryCheck);
  const container = facts.containerNumber;
  const evidence: AlertEvidence[] = [
    ...(visitRef !== 'unidentified'
      ? [
          {
            label: `Visit ${container ?? visitRef}`,
            href: `/visits/${encodeURIComponent(visitRef)}`,
            index: null,
          },
        ]
      : []),
    { label: `Alert event, audit index ${event.index}`, href: proofHref(event.index), index: event.index },
    ...(data.attemptId
      ? [
          {
            label: `Gate attempt ${data.attemptId}`,
            href: proofHref(event.index - 1),
            index: event.index - 1,
          },
        ]
      : []),
  ];
  const row = raisedRow(event, {
    rule: 'gate.refused',
    subjectKind: 'visit',
    subjectId: visitRef,
    terminal: facts.terminal,
    orgId: null,
    summary:
      visitRef === 'unidentified'
        ? `Gate refused a credential that did not open (${checks[0] ?? 'credential'})`
        : `Gate refused ${container ?? `visit ${visitRef}`}: ${checks.slice(0, 4).join(', ')}${checks.length > 4 ? ` and ${checks.length - 4} more` : ''}`,
    evidence,
  });
  // Alerts raised before issue 10 carry no severity: they were all high. The severity is that of the checks the
  // alert records (gate issue 1): the recorded one, unless it was set from checks that did not stop the attempt.
  const recorded = (event.data as { severity?: unknown }).severity;
  const severity = recorded === undefined ? undefined : gateRefusalSeverity(alerted);
  return severity === 'medium' || severity === 'high' ? { ...row, severity } : row;
}

/**
 * Checks whose failure means someone presents what is not theirs (issue 10, row G): a wrong badge, a wrong truck, a
 * credential that is forged, copied for another box, used or superseded, a pass not from the driver's phone, or a
 * frozen box. Any of them makes a refusal a high alert; a refusal for anything else (a hold, a truck early or a little
 * late, a right that moved, text that is no pass at all) is medium: the clerk deals with it, nobody is under attack.
 * A truck later than the terminal's lead after its window closed (issue 14) is high too: a pass used long after its
 * slot is what a copied pass looks like. (Within the lead, early or late, a refusal for timing alone raises none.)
 */
const SUSPICIOUS_CHECKS: ReadonlySet<string> = new Set([
  'pass.device_signature',
  'pass.fresh',
  'pass.printed_disabled',
  'credential.signature',
  'credential.visit',
  'credential.unused',
  'credential.current',
  'driver.badge',
  'truck.plate',
  'visit.not_frozen',
]);

/**
 * The severity of a gate refusal, by the checks that failed: their codes, or the failed checks as recorded (whose
 * `slot.window` says how late the truck came).
 *
 * @example
 * ```ts
 * gateRefusalSeverity(['driver.badge']); // 'high'
 * gateRefusalSeverity(['lights.green']); // 'medium'
 * gateRefusalSeverity([{ check: 'slot.window', timing: { side: 'late', minutes: 300, withinLead: false } }]); // 'high'
 * ```
 */
export function gateRefusalSeverity(
  failedChecks: readonly (
    | string
    | { readonly check?: unknown; readonly timing?: unknown; readonly [key: string]: unknown }
  )[],
): 'high' | 'medium' {
  return failedChecks.some((failed) =>
    typeof failed === 'string' ? SUSPICIOUS_CHECKS.has(failed) : suspicious(failed),
  )
    ? 'high'
    : 'medium';
}

function suspicious(failed: { readonly check?: unknown; readonly timing?: unknown }): boolean {
  if (SUSPICIOUS_CHECKS.has(String(failed.check))) return true;
  const timing = failed.timing as { side?: unknown; withinLead?: unknown } | undefined;
  return failed.check === 'slot.window' && timing?.side === 'late' && timing.withinLead === false;
}

/**
 * What refused gate attempts are grouped by (issue 10, row G): the box the credential named, else the kiosk that
 * presented it, so a flood of forged credentials at one kiosk, or of tries at one box, is one alert whose count
 * grows rather than an inbox buried under copies.
 *
 * @example
 * ```ts
 * gateAlertGroupKey({ visitRef: 'unidentified', operator: 'token:t-1' }); // 'kiosk:token:t-1'
 * ```
 */
export function gateAlertGroupKey(data: JsonObject): string {
  const visitRef = typeof data.visitRef === 'string' ? data.visitRef : 'unidentified';
  if (visitRef !== 'unidentified') return `visit:${visitRef}`;
  return `kiosk:${typeof data.operator === 'string' ? data.operator : 'unknown'}`;
}

/** How many refused attempts an alert lists one by one as evidence; the count goes on past it. */
export const MAX_GROUPED_ATTEMPTS = 50;

/** The group row of a `GateAlertRaised` event: its first refused attempt. */
export function gateAlertGroupRecord(event: AlertSourceEvent): GateAlertGroupRecord {
  return {
    alertId: event.index,
    groupKey: gateAlertGroupKey(event.data),
    occurrences: 1,
    firstSeenAt: event.recordedAt,
    lastSeenAt: event.recordedAt,
  };
}

/** The group row after one more `GateAlertRepeated` event on the alert's stream. */
export function applyGateAlertRepeat(
  group: GateAlertGroupRecord,
  event: { readonly recordedAt: string },
): GateAlertGroupRecord {
  return { ...group, occurrences: group.occurrences + 1, lastSeenAt: event.recordedAt };
}

/**
 * Every gate alert group, re-derived from the log's events in index order: a `GateAlertRaised` starts one, each
 * `GateAlertRepeated` on its `alert-<alertId>` stream counts one more attempt.
 */
export function foldGateAlertGroups(
  events: Iterable<Pick<AlertLogEvent, 'streamId' | 'type' | 'index' | 'recordedAt' | 'data'>>,
): Map<number, GateAlertGroupRecord> {
  const groups = new Map<number, GateAlertGroupRecord>();
  for (const event of events) {
    if (event.streamId === ALERTS_STREAM && event.type === 'GateAlertRaised') {
      groups.set(event.index, gateAlertGroupRecord(event));
    } else if (event.type === 'GateAlertRepeated' && event.streamId.startsWith('alert-')) {
      const alertId = Number(event.streamId.slice('alert-'.length));
      const group = groups.get(alertId);
      if (group) groups.set(alertId, applyGateAlertRepeat(group, event));
    }
  }
  return groups;
}

/** The row of an `IntegrityAlertRaised` event. */
export function integrityAlertRecord(event: AlertSourceEvent): AlertRecord {
  const data = event.data as { firstBadIndex?: number | null; reason?: string; code?: string };
  const bad = typeof data.firstBadIndex === 'number' ? data.firstBadIndex : null;
  return logAlertRow(
    event,
    'integrity.failed',
    bad === null ? 'log' : `index ${bad}`,
    `The audit log failed its check (${data.code ?? 'unknown'}): ${data.reason ?? ''}`.trim(),
    bad === null ? [] : [{ label: `First bad entry ${bad}`, href: proofHref(bad), index: bad }],
  );
}

/**
 * The row of a `ReadModelAlertRaised` event: the integrity watch found a read-model row that is not what the log
 * folds to (`read-model-check.ts`). The event names the table, the key and the field, so the row needs no other fact.
 */
export function readModelAlertRecord(event: AlertSourceEvent): AlertRecord {
  const data = event.data as { table?: string; key?: string; field?: string | null; reason?: string };
  const where = `${data.table ?? 'unknown'} ${data.key ?? ''}`.trim();
  return logAlertRow(
    event,
    'integrity.read_model_mismatch',
    where,
    `A read model differs from the audit log (${where}${data.field ? `, ${data.field}` : ''}): ${data.reason ?? ''}`.trim(),
  );
}

/** The row of a `WitnessLagAlertRaised` event: no quorum of witnesses cosigned the log for longer than allowed. */
export function witnessLagAlertRecord(event: AlertSourceEvent): AlertRecord {
  const data = event.data as {
    treeSize?: number;
    cosignedSize?: number | null;
    quorum?: number;
    lagSeconds?: number;
  };
  return logAlertRow(
    event,
    'witness.lagging',
    `checkpoint ${data.treeSize ?? 'unknown'}`,
    `No quorum of ${data.quorum ?? '?'} witnesses has cosigned the log for ${data.lagSeconds ?? '?'} s: checkpoint ${data.treeSize ?? '?'} waits, ` +
      `the last cosigned by a quorum is ${data.cosignedSize ?? 'none'}`,
  );
}

/** The row of an `AccountLockedOut` event on `auth-<userId>`; `orgId` is the user's organisation. */
export function lockoutAlertRecord(event: AlertSourceEvent, userId: string, orgId: string): AlertRecord {
  const failures = (event.data as { failures?: number }).failures;
  return raisedRow(event, {
    rule: 'auth.lockout',
    subjectKind: 'user',
    subjectId: userId,
    terminal: null,
    orgId,
    summary: `Account ${userId} locked out${failures ? ` after ${failures} failed sign-ins` : ''}`,
    evidence: [
      {
        label: `Lockout event, audit index ${event.index}`,
        href: proofHref(event.index),
        index: event.index,
      },
    ],
  });
}

/**
 * The row of a `LookupAlertRaised` event: a person was shown the positions of more distinct visits within the
 * window than the limit allows (`lookup-watch.ts`). The event names the person, their organisation and a sample of
 * the visits, so the row needs no other fact.
 */
export function lookupAlertRecord(event: AlertSourceEvent): AlertRecord {
  const data = event.data as {
    userId?: string;
    displayName?: string;
    orgId?: string;
    count?: number;
    windowMinutes?: number;
    visitRefs?: string[];
  };
  const userId = data.userId ?? 'unknown';
  const minutes = data.windowMinutes ?? 0;
  return personAlertRow(
    event,
    'lookup.bulk',
    { userId, orgId: data.orgId ?? null },
    `${data.displayName || userId} looked up ${data.count ?? 0} containers' positions in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    (data.visitRefs ?? []).map((visitRef) => ({
      label: `Visit ${visitRef}`,
      href: `/visits/${encodeURIComponent(visitRef)}`,
      index: null,
    })),
  );
}

/** The type of the event that records a detection rule's alert (issue 15), on the alerts stream. */
export const DETECTION_ALERT_RAISED = 'DetectionAlertRaised';

/**
 * The data of a `DetectionAlertRaised` event: everything its row shows, so the row needs no other fact. `evidence`
 * holds the audit indexes of the events that fired the rule, oldest first.
 */
export interface DetectionAlertData extends JsonObject {
  readonly rule: string;
  readonly severity: AlertSeverity;
  readonly subjectKind: 'visit' | 'user' | 'log';
  readonly subjectId: string;
  readonly terminal: string | null;
  readonly orgId: string | null;
  readonly summary: string;
  readonly evidence: number[];
}

const isSeverity = (value: unknown): value is AlertSeverity =>
  value === 'critical' || value === 'high' || value === 'medium';

/**
 * The row of a `DetectionAlertRaised` event (issue 15): the alert event itself, then each event that fired the
 * rule, each with its inclusion proof. The severity is the one the rule's settings gave when it fired, else the
 * rule's default.
 */
export function detectionAlertRecord(event: AlertSourceEvent): AlertRecord {
  const data = event.data as Partial<DetectionAlertData>;
  const rule = data.rule as AlertRule;
  const subjectKind =
    data.subjectKind === 'visit' || data.subjectKind === 'user' || data.subjectKind === 'log'
      ? data.subjectKind
      : 'log';
  const evidence = (Array.isArray(data.evidence) ? data.evidence : [])
    .filter((index): index is number => Number.isSafeInteger(index))
    .map((index) => ({ label: `Event, audit index ${index}`, href: proofHref(index), index }));
  const row = raisedRow(event, {
    rule,
    subjectKind,
    subjectId: typeof data.subjectId === 'string' ? data.subjectId : 'unknown',
    terminal: typeof data.terminal === 'string' ? data.terminal : null,
    orgId: typeof data.orgId === 'string' ? data.orgId : null,
    summary: typeof data.summary === 'string' ? data.summary : '',
    evidence: [alertEventEvidence(event), ...evidence],
  });
  return isSeverity(data.severity) ? { ...row, severity: data.severity } : row;
}

/**
 * The row of a `DeviceAlertRaised` event: a driver's account enrolled a device while another was active or
 * pending. It is about a person of a haulier, so that haulier's alert readers see it (with customs and police).
 */
export function deviceAlertRecord(event: AlertSourceEvent): AlertRecord {
  const data = event.data as { userId?: string; orgId?: string; fingerprint?: string; otherDevices?: number };
  const userId = data.userId ?? 'unknown';
  const others = data.otherDevices ?? 1;
  return personAlertRow(
    event,
    'driver.device.enrolled_again',
    { userId, orgId: data.orgId ?? null },
    `Driver ${userId} enrolled another device (${data.fingerprint ?? 'unknown key'}) while ${others} other${others === 1 ? ' was' : 's were'} active or pending`,
    [
      {
        label: `Device enrolment, audit index ${event.index - 1}`,
        href: proofHref(event.index - 1),
        index: event.index - 1,
      },
    ],
  );
}

/**
 * The row of a `PrintedPassAlertRaised` event: the gate let a box out on the printed `plc1.` pass, which the
 * terminal allows only as a fallback (`PORTLEDGER_PRINTED_PASS=on`).
 */
export function printedPassAlertRecord(event: AlertSourceEvent, facts: GateAlertFacts): AlertRecord {
  const data = event.data as { visitRef?: string; attemptId?: string };
  const visitRef = data.visitRef ?? 'unidentified';
  const container = facts.containerNumber ?? visitRef;
  return raisedRow(event, {
    rule: 'gate.printed_pass',
    subjectKind: 'visit',
    subjectId: visitRef,
    terminal: facts.terminal,
    orgId: null,
    summary: `Gate let ${container} out on a printed pass, not the driver's phone`,
    evidence: [
      { label: `Visit ${container}`, href: `/visits/${encodeURIComponent(visitRef)}`, index: null },
      alertEventEvidence(event),
      ...(data.attemptId
        ? [
            {
              label: `Gate attempt ${data.attemptId}`,
              href: proofHref(event.index - 1),
              index: event.index - 1,
            },
          ]
        : []),
    ],
  });
}

/**
 * The row of an `EnrolmentAlertRaised` event: a second enrolment attempt for one person (a used link presented
 * again, or another passkey enrolled through a link while one is pending or active). It is about a person, so their
 * organisation's alert readers see it (with customs and police); the event names everything the row shows.
 */
export function enrolmentAlertRecord(event: AlertSourceEvent): AlertRecord {
  const data = event.data as {
    userId?: string;
    username?: string;
    displayName?: string;
    orgId?: string;
    reason?: string;
    ip?: string;
    registrantUsername?: string;
  };
  const userId = data.userId ?? 'unknown';
  const who = data.displayName || data.username || userId;
  const what =
    data.reason === 'link_reused'
      ? 'someone presented their used enrolment link again'
      : data.reason === 'credential_taken'
        ? `someone registered their passkey's credential id again${data.registrantUsername ? ` for ${data.registrantUsername}` : ''}; refused`
        : 'a second passkey was enrolled through a link while another was pending or active';
  return personAlertRow(
    event,
    'auth.enrolment_repeated',
    { userId, orgId: data.orgId ?? null },
    `Second enrolment attempt for ${who}: ${what}${data.ip ? ` (from ${data.ip})` : ''}`,
  );
}

/** The row after one more event of the alert's own stream; other event types leave it as it was. */
export function applyAlertAction(
  record: AlertRecord,
  event: { readonly type: string; readonly recordedAt: string; readonly data: JsonObject },
): AlertRecord {
  const data = event.data as { by?: string; userId?: string; note?: string };
  const updated = { ...record, updatedAt: event.recordedAt };
  if (event.type === 'AlertAcknowledged') {
    return {
      ...updated,
      acknowledgedBy: data.by ?? null,
      status: record.status === 'open' ? 'acknowledged' : record.status,
    };
  }
  if (event.type === 'AlertAssigned') return { ...updated, assignedTo: data.userId ?? null };
  if (event.type === 'GateAlertRepeated') return repeatedGateRow(updated, event);
  if (event.type === 'DeviceAlertRepeated') return repeatedDeviceRow(updated, event);
  if (event.type === 'AlertResolved') {
    return { ...updated, status: 'resolved', resolvedBy: data.by ?? null, resolution: data.note ?? null };
  }
  return updated;
}

/**
 * A gate alert after one more refused attempt of its group: the attempt's verdict joins the evidence (the first
 * {@link MAX_GROUPED_ATTEMPTS}), and a high refusal raises a medium alert to high.
 */
function repeatedGateRow(record: AlertRecord, event: { readonly data: JsonObject }): AlertRecord {
  const data = event.data as { attemptId?: string; attemptIndex?: number; severity?: string };
  const attempts = record.evidence.filter((e) => e.label.startsWith('Gate attempt ')).length;
  const index = typeof data.attemptIndex === 'number' ? data.attemptIndex : null;
  const evidence =
    attempts < MAX_GROUPED_ATTEMPTS && index !== null
      ? [
          ...record.evidence,
          { label: `Gate attempt ${data.attemptId ?? ''}`.trim(), href: proofHref(index), index },
        ]
      : record.evidence;
  const severity = data.severity === 'high' && record.severity === 'medium' ? 'high' : record.severity;
  return { ...record, evidence, severity };
}

/**
 * A driver's enrolled-again alert after one more try to set up a phone while another is active or pending (gate
 * issue 3): one open alert per driver, whose count grows. The event carries the count (the tries on this alert,
 * the first included) and the index of the device stream's event it counts, which joins the evidence (the first
 * {@link MAX_GROUPED_ATTEMPTS}).
 */
function repeatedDeviceRow(record: AlertRecord, event: { readonly data: JsonObject }): AlertRecord {
  const data = event.data as {
    userId?: string;
    occurrences?: number;
    enrolmentIndex?: number;
    refused?: boolean;
  };
  const tries = record.evidence.filter((e) => e.label.startsWith('Device enrolment')).length;
  const index = typeof data.enrolmentIndex === 'number' ? data.enrolmentIndex : null;
  const evidence =
    tries < MAX_GROUPED_ATTEMPTS && index !== null
      ? [
          ...record.evidence,
          {
            label: `Device enrolment${data.refused ? ' refused' : ''}, audit index ${index}`,
            href: proofHref(index),
            index,
          },
        ]
      : record.evidence;
  const userId = data.userId ?? record.subjectId;
  const summary = `Driver ${userId} tried to set up another phone ${data.occurrences ?? tries + 1} times while another was active or pending`;
  return { ...record, evidence, summary };
}

/** An event of the log, as `foldAlertRecords` reads it. */
export interface AlertLogEvent extends AlertSourceEvent {
  readonly streamId: string;
  readonly type: string;
}

/** The facts a fold of the log needs beyond the events: each is looked up once per visit, user or operator. */
export interface AlertFoldFacts {
  gateFacts(data: JsonObject): Promise<GateAlertFacts>;
  /** The organisation of a user; `''` when the user is unknown (no non-full-sight caller sees such a lockout). */
  orgOfUser(userId: string): Promise<string>;
}

/** Whether an event raises an alert or acts on one: the events `foldAlertRecords` needs, and no others. */
export function isAlertEvent(event: { readonly streamId: string; readonly type: string }): boolean {
  if (event.streamId === ALERTS_STREAM)
    return (
      event.type === 'GateAlertRaised' ||
      event.type === 'IntegrityAlertRaised' ||
      event.type === 'ReadModelAlertRaised' ||
      event.type === 'LookupAlertRaised' ||
      event.type === 'EnrolmentAlertRaised' ||
      event.type === 'DeviceAlertRaised' ||
      event.type === 'PrintedPassAlertRaised' ||
      event.type === 'WitnessLagAlertRaised' ||
      event.type === DETECTION_ALERT_RAISED
    );
  if (event.streamId.startsWith(AUTH_STREAM_PREFIX)) return event.type === 'AccountLockedOut';
  return event.streamId.startsWith('alert-');
}

/** Every alert row, re-derived from the alert events of the log, given in index order. */
export async function foldAlertRecords(
  events: Iterable<AlertLogEvent>,
  facts: AlertFoldFacts,
): Promise<Map<number, AlertRecord>> {
  const rows = new Map<number, AlertRecord>();
  for (const event of events) await applyAlertEvent(rows, event, facts);
  return rows;
}

/**
 * Applies one event of the log to the alert rows, in index order: the step `foldAlertRecords`, the migrations and
 * the read-model check (`read-model-projection.ts`) share. Returns the id of the row it set, if any.
 */
export async function applyAlertEvent(
  rows: Map<number, AlertRecord>,
  event: AlertLogEvent,
  facts: AlertFoldFacts,
): Promise<number | undefined> {
  if (event.streamId === ALERTS_STREAM && event.type === 'GateAlertRaised') {
    rows.set(event.index, gateAlertRecord(event, await facts.gateFacts(event.data)));
  } else if (event.streamId === ALERTS_STREAM && event.type === 'IntegrityAlertRaised') {
    rows.set(event.index, integrityAlertRecord(event));
  } else if (event.streamId === ALERTS_STREAM && event.type === 'ReadModelAlertRaised') {
    rows.set(event.index, readModelAlertRecord(event));
  } else if (event.streamId === ALERTS_STREAM && event.type === 'LookupAlertRaised') {
    rows.set(event.index, lookupAlertRecord(event));
  } else if (event.streamId === ALERTS_STREAM && event.type === 'EnrolmentAlertRaised') {
    rows.set(event.index, enrolmentAlertRecord(event));
  } else if (event.streamId === ALERTS_STREAM && event.type === 'DeviceAlertRaised') {
    rows.set(event.index, deviceAlertRecord(event));
  } else if (event.streamId === ALERTS_STREAM && event.type === 'WitnessLagAlertRaised') {
    rows.set(event.index, witnessLagAlertRecord(event));
  } else if (event.streamId === ALERTS_STREAM && event.type === DETECTION_ALERT_RAISED) {
    rows.set(event.index, detectionAlertRecord(event));
  } else if (event.streamId === ALERTS_STREAM && event.type === 'PrintedPassAlertRaised') {
    rows.set(event.index, printedPassAlertRecord(event, await facts.gateFacts(event.data)));
  } else if (event.streamId.startsWith(AUTH_STREAM_PREFIX) && event.type === 'AccountLockedOut') {
    const userId = event.streamId.slice(AUTH_STREAM_PREFIX.length);
    rows.set(event.index, lockoutAlertRecord(event, userId, await facts.orgOfUser(userId)));
  } else if (event.streamId.startsWith('alert-')) {
    const alertId = Number(event.streamId.slice('alert-'.length));
    const row = rows.get(alertId);
    if (!row) return undefined;
    rows.set(alertId, applyAlertAction(row, event));
    return alertId;
  } else {
    return undefined;
  }
  return event.index;
}
