/**
 * How an alert's read-model row (`AlertRecord`, the `alert` table) follows from its events: the event that raised
 * it, then the actions on its `alert-<alertId>` stream. The use cases write the row with these functions in the
 * transaction that appends the events; migration `0009_alert_read_model` backfills with the same functions, and
 * `foldAlertRecords` re-derives every row from the log, so a test can hold the table against the events.
 *
 * Pure: the facts that are not in the raising event (the visit's container and terminal, the locked-out user's
 * organisation) are passed in by the caller, as they stood when the alert was raised.
 */
import type { AlertEvidence, AlertRecord, AlertRule, AlertSeverity, JsonObject } from './ports.js';

export const ALERTS_STREAM = 'alerts';
export const alertStream = (alertId: string | number) => `alert-${alertId}`;
/** The stream of a user's sign-in events, where `AccountLockedOut` is recorded. */
export const AUTH_STREAM_PREFIX = 'auth-';

export const severityOf: Record<AlertRule, AlertSeverity> = {
  'integrity.failed': 'critical',
  'gate.refused': 'high',
  'auth.lockout': 'medium',
  'lookup.bulk': 'high',
};

/** The parts of a stored event an alert row derives from. */
export interface AlertSourceEvent {
  readonly index: number;
  readonly recordedAt: string;
  readonly data: JsonObject;
}

const proofHref = (index: number) => `/v1/audit/proof/inclusion?index=${index}`;

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

/** What is known of the refused visit and the refusing gate when the alert is raised. */
export interface GateAlertFacts {
  /** The visit's container number, when the credential named a visit we hold. */
  readonly containerNumber: string | null;
  /** The visit's terminal, else the terminal of the refusing operator's organisation. */
  readonly terminal: string | null;
}

/** The row of a `GateAlertRaised` event. */
export function gateAlertRecord(event: AlertSourceEvent, facts: GateAlertFacts): AlertRecord {
  const data = event.data as { visitRef?: string; attemptId?: string; failed?: { check?: string }[] };
  const visitRef = data.visitRef ?? 'unidentified';
  const checks = (data.failed ?? []).map((f) => f.check).filter(Boolean);
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
  return raisedRow(event, {
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
}

/** The row of an `IntegrityAlertRaised` event. */
export function integrityAlertRecord(event: AlertSourceEvent): AlertRecord {
  const data = event.data as { firstBadIndex?: number | null; reason?: string; code?: string };
  const bad = typeof data.firstBadIndex === 'number' ? data.firstBadIndex : null;
  return raisedRow(event, {
    rule: 'integrity.failed',
    subjectKind: 'log',
    subjectId: bad === null ? 'log' : `index ${bad}`,
    terminal: null,
    orgId: null,
    summary: `The audit log failed its check (${data.code ?? 'unknown'}): ${data.reason ?? ''}`.trim(),
    evidence: [
      { label: `Alert event, audit index ${event.index}`, href: proofHref(event.index), index: event.index },
      ...(bad === null ? [] : [{ label: `First bad entry ${bad}`, href: proofHref(bad), index: bad }]),
    ],
  });
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
  return raisedRow(event, {
    rule: 'lookup.bulk',
    subjectKind: 'user',
    subjectId: userId,
    terminal: null,
    orgId: data.orgId ?? null,
    summary: `${data.displayName || userId} looked up ${data.count ?? 0} containers' positions in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    evidence: [
      { label: `Alert event, audit index ${event.index}`, href: proofHref(event.index), index: event.index },
      ...(data.visitRefs ?? []).map((visitRef) => ({
        label: `Visit ${visitRef}`,
        href: `/visits/${encodeURIComponent(visitRef)}`,
        index: null,
      })),
    ],
  });
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
  if (event.type === 'AlertResolved') {
    return { ...updated, status: 'resolved', resolvedBy: data.by ?? null, resolution: data.note ?? null };
  }
  return updated;
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
      event.type === 'LookupAlertRaised'
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
  for (const event of events) {
    if (event.streamId === ALERTS_STREAM && event.type === 'GateAlertRaised') {
      rows.set(event.index, gateAlertRecord(event, await facts.gateFacts(event.data)));
    } else if (event.streamId === ALERTS_STREAM && event.type === 'IntegrityAlertRaised') {
      rows.set(event.index, integrityAlertRecord(event));
    } else if (event.streamId === ALERTS_STREAM && event.type === 'LookupAlertRaised') {
      rows.set(event.index, lookupAlertRecord(event));
    } else if (event.streamId.startsWith(AUTH_STREAM_PREFIX) && event.type === 'AccountLockedOut') {
      const userId = event.streamId.slice(AUTH_STREAM_PREFIX.length);
      rows.set(event.index, lockoutAlertRecord(event, userId, await facts.orgOfUser(userId)));
    } else if (event.streamId.startsWith('alert-')) {
      const alertId = Number(event.streamId.slice('alert-'.length));
      const row = rows.get(alertId);
      if (row) rows.set(alertId, applyAlertAction(row, event));
    }
  }
  return rows;
}
