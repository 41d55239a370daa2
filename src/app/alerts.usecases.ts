/**
 * The alert console (issue 5): refused gate attempts and integrity failures (both on the `alerts` stream) and
 * account lockouts (`AccountLockedOut` on a user's `auth-<userId>` stream), with what people did about them:
 * `AlertAcknowledged`, `AlertAssigned` and `AlertResolved` on the alert's own `alert-<alertId>` stream.
 *
 * An alert's id is the audit index of the event that raised it: stable, unique, and itself evidence.
 *
 * Who sees what (MISSION §2, policy `alert.read`):
 * - terminal staff see the gate refusals at their terminal, and the lockouts of their own organisation's users;
 * - customs and the port police ("read everything") see every alert;
 * - integrity alerts concern the shared log and carry no cargo data: every holder of `alert.read` sees them;
 * - administrators hold no `alert.read` ("no cargo data beyond what their role grants"): they unlock accounts
 *   from the admin screens, not from here, and the gate refusals name visits.
 *
 * Until the detection engine brings a read model, the list is folded from the events at read time: one read of
 * the `alerts` stream, one `auth-<userId>` stream per visible user and one `alert-<id>` stream per alert.
 */
import type { Authenticated } from './auth.usecases.js';
import { AppError } from './errors.js';
import { ALERTS_STREAM } from './gate.usecases.js';
import type { Ledger } from './ledger.js';
import type { JsonObject, LedgerReads, StoredEvent } from './ports.js';

export const alertStream = (alertId: string) => `alert-${alertId}`;

export type AlertRule = 'gate.refused' | 'integrity.failed' | 'auth.lockout';
export type AlertSeverity = 'critical' | 'high' | 'medium';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface AlertEvidence {
  readonly label: string;
  /** A console path (the visit page) or the audit index's inclusion proof. */
  readonly href: string;
  /** The audit index, when the evidence is one log entry. */
  readonly index: number | null;
}

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
}

const severityOf: Record<AlertRule, AlertSeverity> = {
  'integrity.failed': 'critical',
  'gate.refused': 'high',
  'auth.lockout': 'medium',
};

const FULL_SIGHT_ORG_KINDS = new Set(['customs', 'port_police']);

const proofHref = (index: number) => `/v1/audit/proof/inclusion?index=${index}`;

/** What raised the alert, before anyone acted on it. */
interface Raised {
  readonly alertId: string;
  readonly rule: AlertRule;
  readonly at: string;
  readonly subject: AlertView['subject'];
  readonly terminal: string | null;
  /** The organisation of the user locked out. */
  readonly orgId: string | null;
  readonly summary: string;
  readonly evidence: AlertEvidence[];
  readonly frozen: AlertVisitFreeze | null;
}

async function gateRaised(reads: LedgerReads, event: StoredEvent): Promise<Raised> {
  const data = event.data as {
    visitRef?: string;
    attemptId?: string;
    operator?: string;
    failed?: { check?: string; reason?: string }[];
  };
  const visitRef = data.visitRef ?? 'unidentified';
  const visit = visitRef === 'unidentified' ? undefined : await reads.getVisit(visitRef);
  let terminal = visit?.terminal ?? null;
  if (terminal === null && data.operator) {
    // Gated out or never identified: the terminal is the one the refusing gate belongs to.
    const operator = await reads.identity.getUser(data.operator);
    const org = operator ? await reads.identity.getOrganisation(operator.orgId) : undefined;
    terminal = org?.terminals[0] ?? null;
  }
  const checks = (data.failed ?? []).map((f) => f.check).filter(Boolean);
  const container = visit?.containerNumber;
  const freeze = visit?.view.frozen as { reason?: unknown; by?: unknown; at?: unknown } | null | undefined;
  return {
    alertId: String(event.index),
    rule: 'gate.refused',
    at: event.recordedAt,
    subject: { kind: 'visit', id: visitRef },
    terminal,
    orgId: null,
    frozen: freeze
      ? { reason: String(freeze.reason ?? ''), by: String(freeze.by ?? ''), at: String(freeze.at ?? '') }
      : null,
    summary:
      visitRef === 'unidentified'
        ? `Gate refused a credential that did not open (${checks[0] ?? 'credential'})`
        : `Gate refused ${container ?? `visit ${visitRef}`}: ${checks.slice(0, 4).join(', ')}${checks.length > 4 ? ` and ${checks.length - 4} more` : ''}`,
    evidence: [
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
    ],
  };
}

function integrityRaised(event: StoredEvent): Raised {
  const data = event.data as { firstBadIndex?: number | null; reason?: string; code?: string };
  const bad = typeof data.firstBadIndex === 'number' ? data.firstBadIndex : null;
  return {
    alertId: String(event.index),
    rule: 'integrity.failed',
    at: event.recordedAt,
    subject: { kind: 'log', id: bad === null ? 'log' : `index ${bad}` },
    terminal: null,
    orgId: null,
    frozen: null,
    summary: `The audit log failed its check (${data.code ?? 'unknown'}): ${data.reason ?? ''}`.trim(),
    evidence: [
      { label: `Alert event, audit index ${event.index}`, href: proofHref(event.index), index: event.index },
      ...(bad === null ? [] : [{ label: `First bad entry ${bad}`, href: proofHref(bad), index: bad }]),
    ],
  };
}

function lockoutRaised(event: StoredEvent, userId: string, orgId: string): Raised {
  const failures = (event.data as { failures?: number }).failures;
  return {
    alertId: String(event.index),
    rule: 'auth.lockout',
    at: event.recordedAt,
    subject: { kind: 'user', id: userId },
    terminal: null,
    orgId,
    frozen: null,
    summary: `Account ${userId} locked out${failures ? ` after ${failures} failed sign-ins` : ''}`,
    evidence: [
      {
        label: `Lockout event, audit index ${event.index}`,
        href: proofHref(event.index),
        index: event.index,
      },
    ],
  };
}

function fullSight(caller: Authenticated): boolean {
  return FULL_SIGHT_ORG_KINDS.has(caller.org.kind);
}

function mayRead(caller: Authenticated, raised: Raised): boolean {
  if (fullSight(caller)) return true;
  if (raised.rule === 'integrity.failed') return true;
  if (raised.rule === 'auth.lockout') return raised.orgId === caller.org.orgId;
  return raised.terminal !== null && caller.org.terminals.includes(raised.terminal);
}

async function raisedFrom(reads: LedgerReads, event: StoredEvent): Promise<Raised | undefined> {
  if (event.streamId === ALERTS_STREAM && event.type === 'GateAlertRaised') return gateRaised(reads, event);
  if (event.streamId === ALERTS_STREAM && event.type === 'IntegrityAlertRaised')
    return integrityRaised(event);
  if (event.streamId.startsWith('auth-') && event.type === 'AccountLockedOut') {
    const userId = event.streamId.slice('auth-'.length);
    const user = await reads.identity.getUser(userId);
    return lockoutRaised(event, userId, user?.orgId ?? '');
  }
  return undefined;
}

/** Applies the actions of one alert's stream to what raised it. */
function withActions(raised: Raised, actions: readonly StoredEvent[]): AlertView {
  let status: AlertStatus = 'open';
  let assignedTo: string | null = null;
  let acknowledgedBy: string | null = null;
  let resolvedBy: string | null = null;
  let resolution: string | null = null;
  let updatedAt = raised.at;
  for (const event of actions) {
    const data = event.data as { by?: string; userId?: string; note?: string };
    updatedAt = event.recordedAt;
    if (event.type === 'AlertAcknowledged') {
      acknowledgedBy = data.by ?? null;
      if (status === 'open') status = 'acknowledged';
    } else if (event.type === 'AlertAssigned') {
      assignedTo = data.userId ?? null;
    } else if (event.type === 'AlertResolved') {
      status = 'resolved';
      resolvedBy = data.by ?? null;
      resolution = data.note ?? null;
    }
  }
  const { orgId: _org, at, ...rest } = raised;
  return {
    ...rest,
    severity: severityOf[raised.rule],
    raisedAt: at,
    status,
    assignedTo,
    acknowledgedBy,
    resolvedBy,
    resolution,
    updatedAt,
  };
}

/** The alerts the caller may see, newest first. */
export async function listAlerts(
  reads: LedgerReads,
  caller: Authenticated,
  options: { status?: AlertStatus | 'unresolved' } = {},
): Promise<AlertView[]> {
  const raised: Raised[] = [];
  for (const event of await reads.readStream(ALERTS_STREAM)) {
    const one = await raisedFrom(reads, event);
    if (one) raised.push(one);
  }
  const users = await reads.identity.listUsers(fullSight(caller) ? {} : { orgId: caller.org.orgId });
  for (const user of users) {
    for (const event of await reads.readStream(`auth-${user.userId}`)) {
      if (event.type === 'AccountLockedOut') raised.push(lockoutRaised(event, user.userId, user.orgId));
    }
  }
  const views: AlertView[] = [];
  for (const one of raised.filter((r) => mayRead(caller, r))) {
    views.push(withActions(one, await reads.readStream(alertStream(one.alertId))));
  }
  const wanted = options.status;
  return views
    .filter((v) => !wanted || (wanted === 'unresolved' ? v.status !== 'resolved' : v.status === wanted))
    .sort((a, b) => Number(b.alertId) - Number(a.alertId));
}

async function readable(reads: LedgerReads, caller: Authenticated, alertId: string): Promise<Raised> {
  const index = /^\d{1,15}$/.test(alertId) ? Number(alertId) : Number.NaN;
  const [event] = Number.isSafeInteger(index) ? await reads.readEvents(index, 1) : [];
  const raised = event && event.index === index ? await raisedFrom(reads, event) : undefined;
  // Existence does not leak: an alert the caller may not see is as absent as one that never was.
  if (!raised || !mayRead(caller, raised)) throw new AppError('alert.not_found', `no alert ${alertId}`);
  return raised;
}

/** One alert, as the list shows it. */
export async function getAlert(
  reads: LedgerReads,
  caller: Authenticated,
  alertId: string,
): Promise<AlertView> {
  const raised = await readable(reads, caller, alertId);
  return withActions(raised, await reads.readStream(alertStream(alertId)));
}

export type AlertAction =
  | { readonly type: 'acknowledge' }
  | { readonly type: 'assign'; readonly userId: string }
  | { readonly type: 'resolve'; readonly note: string };

/**
 * Acknowledges, assigns or resolves an alert: one event on its `alert-<id>` stream, in one write transaction that
 * re-reads the alert first. A resolved alert takes no further action; it changes no cargo record.
 */
export async function actOnAlert(
  ledger: Ledger,
  caller: Authenticated,
  alertId: string,
  action: AlertAction,
): Promise<AlertView> {
  return ledger.write(async (context) => {
    const { tx } = context;
    const raised = await readable(tx, caller, alertId);
    const current = withActions(raised, await tx.readStream(alertStream(alertId)));
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
    await context.appendAtEnd(alertStream(alertId), [event]);
    const { subject } = raised;
    if (event.type === 'AlertResolved' && subject.kind === 'visit' && subject.id !== 'unidentified') {
      await tx.adjustOpenAlerts(subject.id, -1);
    }
    return withActions(raised, await tx.readStream(alertStream(alertId)));
  });
}
