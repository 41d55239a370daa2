/** One alert in the list: what happened, to what, its evidence and status, and what the person may do about it. */
import { useTranslation } from 'react-i18next';
import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { alertRuleName, plainText, term } from '../terms.js';
import { type Alert, aboutVisit } from './alert-api.js';
import { type AlertPowers, hasAlertActions } from './alert-forms.js';
import { EvidenceEntry } from './EvidenceProof.js';
import type { AlertActions } from './use-alert-actions.js';

function AlertSubject({ alert }: { alert: Alert }) {
  const { t } = useTranslation('alerts');
  const { state } = useSession();
  const readsViews =
    state.status === 'signed-in' && (state.session.permissions?.includes('audit.views.read') ?? false);
  return (
    <>
      {aboutVisit(alert) ? (
        <Link to={`/visits/${encodeURIComponent(alert.subject.id)}`} className="mono">
          {alert.subject.id}
        </Link>
      ) : alert.subject.kind === 'user' && readsViews ? (
        // Which boxes this person looked at (issue 15), for customs and investigators.
        <Link
          to={`/audit?viewsOf=${encodeURIComponent(alert.subject.id)}#views-heading`}
          className="mono"
          aria-label={t('row.viewsOf', { userId: alert.subject.id })}
        >
          {alert.subject.id}
        </Link>
      ) : (
        <span className="mono">{alert.subject.id}</span>
      )}
      {alert.terminal ? <span className="muted"> · {alert.terminal}</span> : null}
      {alert.frozen ? (
        <span className="alert-summary" data-testid={`alert-frozen-${alert.alertId}`}>
          <span className="chip" style={{ background: '#e6dcf7', color: '#2e1065', fontWeight: 600 }}>
            <span aria-hidden="true">❄ </span>
            {t('row.frozen')}
          </span>{' '}
          {t('row.frozenBy', { by: alert.frozen.by, reason: alert.frozen.reason })}
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
          {item.index !== null ? (
            // Opened here, with its inclusion proof checked in this browser (issue 15).
            <EvidenceEntry index={item.index} label={item.label} />
          ) : item.href.startsWith('/v1/') ? (
            <a href={item.href} target="_blank" rel="noreferrer">
              {plainText(item.label)}
            </a>
          ) : (
            <Link to={item.href}>{plainText(item.label)}</Link>
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
  const { t } = useTranslation('alerts');
  return (
    <td className="actions">
      <span className="button-row button-row-end">
        {aboutVisit(alert) && powers.freeze && !alert.frozen && alert.status !== 'resolved' ? (
          <Button
            variant="primary"
            aria-label={t('row.freezeLabel', { id: alert.alertId })}
            onClick={() => actions.open('freeze', alert)}
          >
            {t('row.freeze')}
          </Button>
        ) : null}
        {aboutVisit(alert) && powers.askUnfreeze && alert.frozen ? (
          <Button
            aria-label={t('row.unfreezeLabel', { id: alert.alertId })}
            onClick={() => actions.open('unfreeze', alert)}
          >
            {t('row.unfreeze')}
          </Button>
        ) : null}
      </span>
      {!powers.manage || alert.status === 'resolved' ? null : (
        <span className="button-row button-row-end">
          {alert.status === 'open' ? (
            <Button
              busy={actions.busyKey === `ack:${alert.alertId}`}
              busyLabel={t('row.acknowledging')}
              aria-label={t('row.ackLabel', { id: alert.alertId })}
              onClick={() => actions.acknowledge(alert)}
            >
              {t('row.ack')}
            </Button>
          ) : null}
          <Button
            variant="quiet"
            aria-label={t('row.assignLabel', { id: alert.alertId })}
            onClick={() => actions.open('assign', alert)}
          >
            {t('row.assign')}
          </Button>
          <Button
            variant="primary"
            aria-label={t('row.resolveLabel', { id: alert.alertId })}
            onClick={() => actions.open('resolve', alert)}
          >
            {t('row.resolve')}
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
  selection,
}: {
  alert: Alert;
  powers: AlertPowers;
  actions: AlertActions;
  /** Whether the row is chosen for a bulk action, when the list offers one (issue 14). */
  selection?: { readonly chosen: boolean; readonly toggle: () => void };
}) {
  const { t } = useTranslation('alerts');
  return (
    <tr>
      {selection ? (
        <td className="select-cell">
          {alert.status === 'open' ? (
            <input
              type="checkbox"
              checked={selection.chosen}
              onChange={selection.toggle}
              aria-label={t('bulk.chooseLabel', { id: alert.alertId })}
            />
          ) : null}
        </td>
      ) : null}
      <td>
        <span className={`chip severity severity-${alert.severity}`}>
          {term('alertSeverities', alert.severity)}
        </span>
      </td>
      <th scope="row">
        {alertRuleName(alert.rule)}
        <span className="alert-summary">{plainText(alert.summary)}</span>
        {(alert.occurrences ?? 1) > 1 ? (
          <span className="alert-summary" data-testid={`alert-occurrences-${alert.alertId}`}>
            {t('row.attempts', {
              count: alert.occurrences ?? 1,
              when: localDateTime(alert.lastSeenAt ?? alert.raisedAt),
            })}
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
        {term('alertStatuses', alert.status)}
        {alert.assignedTo ? (
          <span className="muted"> · {t('row.assignedTo', { who: alert.assignedTo })}</span>
        ) : null}
        {alert.resolution ? <span className="alert-summary">“{alert.resolution}”</span> : null}
      </td>
      {hasAlertActions(powers) ? <AlertButtons alert={alert} powers={powers} actions={actions} /> : null}
    </tr>
  );
}
