/** One alert in the list: what happened, to what, its evidence and status, and what the person may do about it. */

import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import { Link } from '../router.js';
import { alertRuleName } from '../terms.js';
import { type Alert, aboutVisit, statusNames } from './alert-api.js';
import { type AlertPowers, hasAlertActions } from './alert-forms.js';
import type { AlertActions } from './use-alert-actions.js';

function AlertSubject({ alert }: { alert: Alert }) {
  return (
    <>
      {aboutVisit(alert) ? (
        <Link to={`/visits/${encodeURIComponent(alert.subject.id)}`} className="mono">
          {alert.subject.id}
        </Link>
      ) : (
        <span className="mono">{alert.subject.id}</span>
      )}
      {alert.terminal ? <span className="muted"> · {alert.terminal}</span> : null}
      {alert.frozen ? (
        <span className="alert-summary" data-testid={`alert-frozen-${alert.alertId}`}>
          <span className="chip" style={{ background: '#e6dcf7', color: '#2e1065', fontWeight: 600 }}>
            <span aria-hidden="true">❄ </span>Frozen
          </span>{' '}
          by {alert.frozen.by} because “{alert.frozen.reason}”
        </span>
      ) : null}
    </>
  );
}

function AlertEvidence({ alert }: { alert: Alert }) {
  return (
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
  );
}

function AlertButtons({
  alert,
  powers,
  actions,
}: {
  alert: Alert;
  powers: AlertPowers;
  actions: AlertActions;
}) {
  return (
    <td className="actions">
      <span className="button-row button-row-end">
        {aboutVisit(alert) && powers.freeze && !alert.frozen && alert.status !== 'resolved' ? (
          <Button
            variant="primary"
            aria-label={`Freeze the box of alert ${alert.alertId}`}
            onClick={() => actions.open('freeze', alert)}
          >
            Freeze this box
          </Button>
        ) : null}
        {aboutVisit(alert) && powers.askUnfreeze && alert.frozen ? (
          <Button
            aria-label={`Request unfreeze of the box of alert ${alert.alertId}`}
            onClick={() => actions.open('unfreeze', alert)}
          >
            Request unfreeze
          </Button>
        ) : null}
      </span>
      {!powers.manage || alert.status === 'resolved' ? null : (
        <span className="button-row button-row-end">
          {alert.status === 'open' ? (
            <Button
              busy={actions.busyKey === `ack:${alert.alertId}`}
              busyLabel="Acknowledging…"
              aria-label={`Acknowledge alert ${alert.alertId}`}
              onClick={() => actions.acknowledge(alert)}
            >
              Acknowledge
            </Button>
          ) : null}
          <Button
            variant="quiet"
            aria-label={`Assign alert ${alert.alertId}`}
            onClick={() => actions.open('assign', alert)}
          >
            Assign
          </Button>
          <Button
            variant="primary"
            aria-label={`Resolve alert ${alert.alertId}`}
            onClick={() => actions.open('resolve', alert)}
          >
            Resolve
          </Button>
        </span>
      )}
    </td>
  );
}

export function AlertRow({
  alert,
  powers,
  actions,
}: {
  alert: Alert;
  powers: AlertPowers;
  actions: AlertActions;
}) {
  return (
    <tr>
      <td>
        <span className={`chip severity severity-${alert.severity}`}>{alert.severity}</span>
      </td>
      <th scope="row">
        {alertRuleName(alert.rule)}
        <span className="alert-summary">{alert.summary}</span>
        {(alert.occurrences ?? 1) > 1 ? (
          <span className="alert-summary" data-testid={`alert-occurrences-${alert.alertId}`}>
            {alert.occurrences} attempts, the last at {localDateTime(alert.lastSeenAt ?? alert.raisedAt)}
          </span>
        ) : null}
      </th>
      <td>{localDateTime(alert.raisedAt)}</td>
      <td>
        <AlertSubject alert={alert} />
      </td>
      <td>
        <AlertEvidence alert={alert} />
      </td>
      <td>
        {statusNames[alert.status]}
        {alert.assignedTo ? <span className="muted"> · assigned to {alert.assignedTo}</span> : null}
        {alert.resolution ? <span className="alert-summary">“{alert.resolution}”</span> : null}
      </td>
      {hasAlertActions(powers) ? <AlertButtons alert={alert} powers={powers} actions={actions} /> : null}
    </tr>
  );
}
