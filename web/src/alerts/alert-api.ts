/** Alerts as `/v1/alerts` answers them, one page at a time, and the calls that acknowledge, assign or resolve one. */
import { apiGet, apiPost } from '../api.js';
import { allPages } from '../pages-of.js';
import type { Freeze } from '../visits/VisitFreeze.js';

/** An alert as `GET /v1/alerts` answers it. */
export interface Alert {
  alertId: string;
  /** The detection rule (`gate.refused`, `lookup.bulk`, …); its name comes from the label catalogue. */
  rule: string;
  severity: 'critical' | 'high' | 'medium';
  raisedAt: string;
  subject: { kind: 'visit' | 'user' | 'log'; id: string };
  terminal: string | null;
  summary: string;
  evidence: { label: string; href: string; index: number | null }[];
  /** For an alert about a visit: the freeze in force on it now. */
  frozen: Freeze | null;
  status: 'open' | 'acknowledged' | 'resolved';
  assignedTo: string | null;
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  resolution: string | null;
  updatedAt: string;
  /** Refused gate attempts this alert groups (one box or one kiosk), and when the first and the last came. */
  occurrences?: number;
  firstSeenAt?: string;
  lastSeenAt?: string;
}

/** One page of `GET /v1/alerts`, in the filter's order. */
export interface AlertPage {
  alerts: Alert[];
  nextCursor: string | null;
}

/** The detection rules an alert list can be filtered by, as `GET /v1/alerts` names them. */
export const ALERT_RULES = [
  'gate.refused',
  'gate.printed_pass',
  'integrity.failed',
  'integrity.read_model_mismatch',
  'auth.lockout',
  'auth.enrolment_repeated',
  'driver.device.enrolled_again',
  'lookup.bulk',
  'witness.lagging',
  'pickup.changed_late',
  'yard.correction_unexplained',
  'release.passed_and_used',
  'visit.void_with_live_release',
  'lookup.outside_chain',
  'visit.vanished',
  'auth.new_device_or_network',
  'auth.impossible_travel',
  'activity.off_hours',
  'auth.failures_then_success',
  'auth.dormant_account',
  'lookup.above_baseline',
  'activity.first_in_role',
  'approval.collusion',
  'survey.missing',
  'survey.unknown',
  'survey.misplaced',
] as const;
export const ALERT_SEVERITIES = ['critical', 'high', 'medium'] as const;

/** What the alert list shows (issue 14): every filter, and the order by when each alert was raised. */
export interface AlertFilter {
  status: 'unresolved' | 'all';
  /** One rule, or '' for any. */
  rule: '' | (typeof ALERT_RULES)[number];
  /** One severity, or '' for any. */
  severity: '' | Alert['severity'];
  /** Only the alerts assigned to me. */
  mine: boolean;
  /** `desc`: newest first; `asc`: oldest first. */
  direction: 'asc' | 'desc';
}

export const DEFAULT_ALERT_FILTER: AlertFilter = {
  status: 'unresolved',
  rule: '',
  severity: '',
  mine: false,
  direction: 'desc',
};

/** The query of `GET /v1/alerts` for a filter: the JSON pages and the CSV link ask the same. */
export function alertSearch(filter: AlertFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.status === 'unresolved') query.set('status', 'unresolved');
  if (filter.rule) query.set('rule', filter.rule);
  if (filter.severity) query.set('severity', filter.severity);
  if (filter.mine) query.set('assignedTo', 'me');
  query.set('direction', filter.direction);
  return query;
}

/** An alert about an identified visit, which has a container page and can be frozen. */
export const aboutVisit = (alert: Alert) =>
  alert.subject.kind === 'visit' && alert.subject.id !== 'unidentified';

const alertPath = (alert: Alert, action: string) =>
  `/v1/alerts/${encodeURIComponent(alert.alertId)}/${action}`;

export const alertsApi = {
  page: (filter: AlertFilter, cursor?: string) => {
    const query = alertSearch(filter);
    if (cursor) query.set('cursor', cursor);
    return apiGet<AlertPage>(`/v1/alerts?${query}`);
  },
  acknowledge: (alert: Alert) => apiPost(alertPath(alert, 'acknowledge'), {}),
  assign: (alert: Alert, userId: string) => apiPost(alertPath(alert, 'assign'), { userId }),
  resolve: (alert: Alert, note: string) => apiPost(alertPath(alert, 'resolve'), { note }),
  /** Several alerts at once (issue 14): each acknowledged as one is; the answer says which could not be. */
  acknowledgeMany: (alertIds: readonly string[]) =>
    apiPost<{ results: { alertId: string; outcome: 'acknowledged' | 'refused'; code?: string }[] }>(
      '/v1/alerts/acknowledgements',
      { alertIds },
    ),
  /** The colleagues an alert can be assigned to, every page. */
  assignees: () => allPages<Assignee>('/v1/alerts/assignees', 'people'),
  /** The CSV of the list as the filter shows it, every page. */
  csvHref: (filter: AlertFilter) => {
    const query = alertSearch(filter);
    query.set('format', 'csv');
    return `/v1/alerts?${query}`;
  },
};

/** A colleague an alert can be assigned to. */
export interface Assignee {
  userId: string;
  username: string;
  displayName: string;
}
