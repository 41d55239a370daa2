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

/** One page of `GET /v1/alerts`, newest first. */
export interface AlertPage {
  alerts: Alert[];
  nextCursor: string | null;
}

export type AlertFilter = 'unresolved' | 'all';

/** An alert about an identified visit, which has a container page and can be frozen. */
export const aboutVisit = (alert: Alert) =>
  alert.subject.kind === 'visit' && alert.subject.id !== 'unidentified';

const alertPath = (alert: Alert, action: string) =>
  `/v1/alerts/${encodeURIComponent(alert.alertId)}/${action}`;

export const alertsApi = {
  page: (filter: AlertFilter, cursor?: string) => {
    const query = new URLSearchParams(filter === 'unresolved' ? { status: 'unresolved' } : {});
    if (cursor) query.set('cursor', cursor);
    const text = query.toString();
    return apiGet<AlertPage>(`/v1/alerts${text ? `?${text}` : ''}`);
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
  csvHref: (filter: AlertFilter) =>
    `/v1/alerts?${new URLSearchParams({ ...(filter === 'unresolved' ? { status: 'unresolved' } : {}), format: 'csv' })}`,
};

/** A colleague an alert can be assigned to. */
export interface Assignee {
  userId: string;
  username: string;
  displayName: string;
}
