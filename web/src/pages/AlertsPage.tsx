import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { apiGet, apiPost, type Session } from '../api.js';
import { Button, Field, Loading, Notice, PageHeading } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { alertRuleName, formatDateTime } from '../labels.js';
import { Link } from '../router.js';
import { holds, useSession } from '../session.js';
import { useAction } from '../use-action.js';
import { type Freeze, FreezeForm } from '../visits/VisitFreeze.js';

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

type PageState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; alerts: Alert[]; nextCursor: string | null };

/** One page of `GET /v1/alerts`, newest first. */
interface AlertPage {
  alerts: Alert[];
  nextCursor: string | null;
}

type Panel = { kind: 'assign' | 'resolve' | 'freeze' | 'unfreeze'; alert: Alert };

const aboutVisit = (alert: Alert) => alert.subject.kind === 'visit' && alert.subject.id !== 'unidentified';

const statusNames: Record<Alert['status'], string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

type Filter = 'unresolved' | 'all';

/**
 * Refused gate attempts, integrity failures, lockouts and bulk look-ups: look at the evidence, acknowledge,
 * assign, resolve.
 */
export function AlertsPage({ session }: { session: Session }) {
  const { signedOut } = useSession();
  const mayManage = holds(session, 'alert.manage');
  const mayFreeze = holds(session, 'visit.freeze');
  const mayAskUnfreeze = holds(session, 'visit.unfreeze.request');
  const hasActions = mayManage || mayFreeze || mayAskUnfreeze;
  const [filter, setFilter] = useState<Filter>('unresolved');
  const [state, setState] = useState<PageState>({ status: 'loading' });
  const [panel, setPanel] = useState<Panel>();
  const [input, setInput] = useState('');
  const [inputError, setInputError] = useState<string>();
  const [more, setMore] = useState<{ busy: boolean; error?: string }>({ busy: false });

  const page = useCallback(
    (cursor?: string) => {
      const query = new URLSearchParams(filter === 'unresolved' ? { status: 'unresolved' } : {});
      if (cursor) query.set('cursor', cursor);
      const text = query.toString();
      return apiGet<AlertPage>(`/v1/alerts${text ? `?${text}` : ''}`);
    },
    [filter],
  );

  const load = useCallback(async () => {
    try {
      const { alerts, nextCursor } = await page();
      setMore({ busy: false });
      setState({ status: 'ready', alerts, nextCursor });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut, page]);

  /** The next, older page, appended below what is shown. */
  async function showMore() {
    if (state.status !== 'ready' || !state.nextCursor) return;
    setMore({ busy: true });
    try {
      const next = await page(state.nextCursor);
      setState((current) =>
        current.status === 'ready'
          ? { status: 'ready', alerts: [...current.alerts, ...next.alerts], nextCursor: next.nextCursor }
          : current,
      );
      setMore({ busy: false });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setMore({ busy: false, error: messageOf(error) });
    }
  }

  useEffect(() => {
    void load();
  }, [load]);

  const { run, busyKey: busy, done, setDone, clear, feedback } = useAction({ reload: load });
  const act = (key: string, label: string, path: string, body: unknown, success: string) =>
    run(key, label, () => apiPost(path, body), {
      done: success,
      after: () => {
        setPanel(undefined);
        setInput('');
      },
    });

  const base = (alert: Alert) => `/v1/alerts/${encodeURIComponent(alert.alertId)}`;

  function submitPanel(event: FormEvent) {
    event.preventDefault();
    if (!panel || panel.kind === 'freeze' || panel.kind === 'unfreeze') return;
    const value = input.trim();
    if (!value)
      return setInputError(
        panel.kind === 'assign' ? 'Enter the user id of a colleague.' : 'Say what you found and did.',
      );
    setInputError(undefined);
    const { alert } = panel;
    if (panel.kind === 'assign')
      void act(
        `assign:${alert.alertId}`,
        'assign the alert',
        `${base(alert)}/assign`,
        { userId: value },
        `Alert assigned to ${value}.`,
      );
    else
      void act(
        `resolve:${alert.alertId}`,
        'resolve the alert',
        `${base(alert)}/resolve`,
        { note: value },
        'Alert resolved.',
      );
  }

  function open(kind: Panel['kind'], alert: Alert) {
    clear();
    setInput('');
    setInputError(undefined);
    setPanel({ kind, alert });
  }

  const heading = <PageHeading title="Alerts" />;
  if (state.status === 'loading')
    return (
      <div className="page">
        {heading}
        <Loading label="Loading the alerts…" />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        {heading}
        <Notice tone="error" title="The alerts could not be loaded">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      </div>
    );

  return (
    <div className="page">
      {heading}
      <p className="muted">
        Refused gate attempts, account lockouts, bulk look-ups of yard positions and audit log failures. Each
        links to its evidence: the visits and the audit log entry.
        {mayManage ? '' : ' Your role reads alerts; a terminal supervisor acknowledges and resolves them.'}
      </p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}

      <section className="card card-wide" aria-labelledby="alerts-heading">
        <div className="alerts-toolbar">
          <h2 id="alerts-heading">{filter === 'unresolved' ? 'Alerts to deal with' : 'All alerts'}</h2>
          <fieldset className="segmented">
            <legend className="visually-hidden">Show</legend>
            {(['unresolved', 'all'] as const).map((value) => (
              <label key={value}>
                <input
                  type="radio"
                  name="alert-filter"
                  value={value}
                  checked={filter === value}
                  onChange={() => setFilter(value)}
                />
                {value === 'unresolved' ? 'Not resolved' : 'All'}
              </label>
            ))}
          </fieldset>
        </div>
        {state.alerts.length === 0 ? (
          <p className="muted">{filter === 'unresolved' ? 'No alert needs attention.' : 'No alerts.'}</p>
        ) : (
          <div className="table-wrap">
            <table className="table alerts-table">
              <caption className="visually-hidden">Alerts, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Raised</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Evidence</th>
                  <th scope="col">Status</th>
                  {hasActions ? (
                    <th scope="col" className="actions">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {state.alerts.map((alert) => (
                  <tr key={alert.alertId}>
                    <td>
                      <span className={`chip severity severity-${alert.severity}`}>{alert.severity}</span>
                    </td>
                    <th scope="row">
                      {alertRuleName(alert.rule)}
                      <span className="alert-summary">{alert.summary}</span>
                      {(alert.occurrences ?? 1) > 1 ? (
                        <span className="alert-summary" data-testid={`alert-occurrences-${alert.alertId}`}>
                          {alert.occurrences} attempts, the last at{' '}
                          {formatDateTime(alert.lastSeenAt ?? alert.raisedAt)}
                        </span>
                      ) : null}
                    </th>
                    <td>{formatDateTime(alert.raisedAt)}</td>
                    <td>
                      {alert.subject.kind === 'visit' && alert.subject.id !== 'unidentified' ? (
                        <Link to={`/visits/${encodeURIComponent(alert.subject.id)}`} className="mono">
                          {alert.subject.id}
                        </Link>
                      ) : (
                        <span className="mono">{alert.subject.id}</span>
                      )}
                      {alert.terminal ? <span className="muted"> · {alert.terminal}</span> : null}
                      {alert.frozen ? (
                        <span className="alert-summary" data-testid={`alert-frozen-${alert.alertId}`}>
                          <span
                            className="chip"
                            style={{ background: '#e6dcf7', color: '#2e1065', fontWeight: 600 }}
                          >
                            <span aria-hidden="true">❄ </span>Frozen
                          </span>{' '}
                          by {alert.frozen.by} because “{alert.frozen.reason}”
                        </span>
                      ) : null}
                    </td>
                    <td>
                      <ul className="evidence-list">
                        {alert.evidence.map((item) => (
                          <li key={item.href}>
                            {item.href.startsWith('/v1/') ? (
                              <a href={item.href} target="_blank" rel="noreferrer">
                                {item.label}
                              </a>
                            ) : (
                              <Link to={item.href}>{item.label}</Link>
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {statusNames[alert.status]}
                      {alert.assignedTo ? (
                        <span className="muted"> · assigned to {alert.assignedTo}</span>
                      ) : null}
                      {alert.resolution ? <span className="alert-summary">“{alert.resolution}”</span> : null}
                    </td>
                    {hasActions ? (
                      <td className="actions">
                        <span className="button-row button-row-end">
                          {aboutVisit(alert) && mayFreeze && !alert.frozen && alert.status !== 'resolved' ? (
                            <Button
                              variant="primary"
                              aria-label={`Freeze the box of alert ${alert.alertId}`}
                              onClick={() => open('freeze', alert)}
                            >
                              Freeze this box
                            </Button>
                          ) : null}
                          {aboutVisit(alert) && mayAskUnfreeze && alert.frozen ? (
                            <Button
                              aria-label={`Request unfreeze of the box of alert ${alert.alertId}`}
                              onClick={() => open('unfreeze', alert)}
                            >
                              Request unfreeze
                            </Button>
                          ) : null}
                        </span>
                        {!mayManage || alert.status === 'resolved' ? null : (
                          <span className="button-row button-row-end">
                            {alert.status === 'open' ? (
                              <Button
                                busy={busy === `ack:${alert.alertId}`}
                                busyLabel="Acknowledging…"
                                aria-label={`Acknowledge alert ${alert.alertId}`}
                                onClick={() =>
                                  void act(
                                    `ack:${alert.alertId}`,
                                    'acknowledge the alert',
                                    `${base(alert)}/acknowledge`,
                                    {},
                                    'Alert acknowledged.',
                                  )
                                }
                              >
                                Acknowledge
                              </Button>
                            ) : null}
                            <Button
                              variant="quiet"
                              aria-label={`Assign alert ${alert.alertId}`}
                              onClick={() => open('assign', alert)}
                            >
                              Assign
                            </Button>
                            <Button
                              variant="primary"
                              aria-label={`Resolve alert ${alert.alertId}`}
                              onClick={() => open('resolve', alert)}
                            >
                              Resolve
                            </Button>
                          </span>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {more.error ? (
          <Notice tone="error" title="More alerts could not be loaded">
            <p>{more.error}</p>
          </Notice>
        ) : null}
        {state.nextCursor ? (
          <Button busy={more.busy} busyLabel="Loading…" onClick={() => void showMore()}>
            Show more alerts
          </Button>
        ) : null}
      </section>

      {panel && (panel.kind === 'freeze' || panel.kind === 'unfreeze') ? (
        <section className="card">
          <FreezeForm
            mode={panel.kind}
            visitRef={panel.alert.subject.id}
            label={`the box of alert ${panel.alert.alertId}`}
            {...(panel.kind === 'freeze' ? { alertId: panel.alert.alertId } : {})}
            signedOut={signedOut}
            onCancel={() => setPanel(undefined)}
            onDone={(message) => {
              setPanel(undefined);
              setDone(message);
              void load();
            }}
          />
        </section>
      ) : panel ? (
        <section className="card" aria-labelledby="alert-panel-heading">
          <form className="stack" onSubmit={submitPanel} noValidate>
            <h2 id="alert-panel-heading">
              {panel.kind === 'assign' ? 'Assign' : 'Resolve'} alert {panel.alert.alertId}:{' '}
              {alertRuleName(panel.alert.rule).toLowerCase()}
            </h2>
            <Field
              label={panel.kind === 'assign' ? 'Colleague (user id)' : 'Resolution note'}
              hint={
                panel.kind === 'assign'
                  ? 'Someone of your organisation.'
                  : 'What you found and did. It is recorded in the audit log.'
              }
              value={input}
              onChange={(event) => setInput(event.target.value)}
              error={inputError}
              maxLength={panel.kind === 'assign' ? 100 : 1000}
              autoComplete="off"
              required
              autoFocus
            />
            <div className="button-row">
              <Button
                type="submit"
                variant="primary"
                busy={busy !== undefined}
                busyLabel={panel.kind === 'assign' ? 'Assigning…' : 'Resolving…'}
              >
                {panel.kind === 'assign' ? 'Assign alert' : 'Resolve alert'}
              </Button>
              <Button variant="quiet" onClick={() => setPanel(undefined)}>
                Cancel
              </Button>
            </div>
          </form>
        </section>
      ) : null}
    </div>
  );
}
