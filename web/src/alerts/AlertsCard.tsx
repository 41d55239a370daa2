/** The list of alerts: the filter, one row per alert, and the button that loads the next, older page. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Notice } from '../components.js';
import { AlertRow } from './AlertRow.js';
import { type Alert, type AlertFilter, alertsApi } from './alert-api.js';
import { type AlertPowers, hasAlertActions } from './alert-forms.js';
import type { AlertActions } from './use-alert-actions.js';
import type { MoreAlerts } from './use-alerts.js';

function FilterChoice({
  filter,
  onChange,
}: {
  filter: AlertFilter;
  onChange: (filter: AlertFilter) => void;
}) {
  const { t } = useTranslation('alerts');
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{t('card.show')}</legend>
      {(['unresolved', 'all'] as const).map((value) => (
        <label key={value}>
          <input
            type="radio"
            name="alert-filter"
            value={value}
            checked={filter === value}
            onChange={() => onChange(value)}
          />
          {value === 'unresolved' ? t('card.notResolved') : t('card.all')}
        </label>
      ))}
    </fieldset>
  );
}

function AlertsTable({
  alerts,
  powers,
  actions,
  chosen,
  setChosen,
}: {
  alerts: Alert[];
  powers: AlertPowers;
  actions: AlertActions;
  chosen: ReadonlySet<string>;
  setChosen: (chosen: ReadonlySet<string>) => void;
}) {
  const { t } = useTranslation('alerts');
  const open = alerts.filter((alert) => alert.status === 'open');
  const allChosen = open.length > 0 && open.every((alert) => chosen.has(alert.alertId));
  const toggle = (alertId: string) => {
    const next = new Set(chosen);
    if (!next.delete(alertId)) next.add(alertId);
    setChosen(next);
  };
  return (
    <div className="table-wrap">
      <table className="table alerts-table">
        <caption className="visually-hidden">{t('card.caption')}</caption>
        <thead>
          <tr>
            {powers.manage ? (
              <th scope="col" className="select-cell">
                {open.length > 0 ? (
                  <input
                    type="checkbox"
                    checked={allChosen}
                    onChange={() =>
                      setChosen(allChosen ? new Set() : new Set(open.map((alert) => alert.alertId)))
                    }
                    aria-label={t('bulk.chooseAll')}
                  />
                ) : null}
              </th>
            ) : null}
            <th scope="col">{t('card.severity')}</th>
            <th scope="col">{t('card.rule')}</th>
            <th scope="col">{t('card.raised')}</th>
            <th scope="col">{t('card.subject')}</th>
            <th scope="col">{t('card.evidence')}</th>
            <th scope="col">{t('card.status')}</th>
            {hasAlertActions(powers) ? (
              <th scope="col" className="actions">
                <span className="visually-hidden">{t('card.actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <AlertRow
              key={alert.alertId}
              alert={alert}
              powers={powers}
              actions={actions}
              {...(powers.manage
                ? { selection: { chosen: chosen.has(alert.alertId), toggle: () => toggle(alert.alertId) } }
                : {})}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AlertsCard({
  alerts,
  nextCursor,
  filter,
  onFilter,
  more,
  showMore,
  powers,
  actions,
}: {
  alerts: Alert[];
  nextCursor: string | null;
  filter: AlertFilter;
  onFilter: (filter: AlertFilter) => void;
  more: MoreAlerts;
  showMore: () => Promise<void>;
  powers: AlertPowers;
  actions: AlertActions;
}) {
  const { t } = useTranslation('alerts');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  // Only what is on the list now and still open can be acknowledged.
  const chosenAlerts = alerts.filter((alert) => chosen.has(alert.alertId) && alert.status === 'open');
  return (
    <section className="card card-wide" aria-labelledby="alerts-heading">
      <div className="alerts-toolbar">
        <h2 id="alerts-heading">{filter === 'unresolved' ? t('card.toDeal') : t('card.allAlerts')}</h2>
        <FilterChoice filter={filter} onChange={onFilter} />
        <a href={alertsApi.csvHref(filter)} download="alerts.csv">
          {t('card.csv')}
        </a>
      </div>
      {powers.manage && alerts.length > 0 ? (
        <div className="button-row">
          <Button
            disabled={chosenAlerts.length === 0}
            busy={actions.busyKey === 'ack:many'}
            busyLabel={t('row.acknowledging')}
            onClick={() => actions.acknowledgeMany(chosenAlerts, () => setChosen(new Set()))}
          >
            {t('bulk.ack', { count: chosenAlerts.length })}
          </Button>
        </div>
      ) : null}
      {alerts.length === 0 ? (
        <p className="muted">{filter === 'unresolved' ? t('card.noneOpen') : t('card.none')}</p>
      ) : (
        <AlertsTable
          alerts={alerts}
          powers={powers}
          actions={actions}
          chosen={chosen}
          setChosen={setChosen}
        />
      )}
      {more.error ? (
        <Notice tone="error" title={t('card.moreFailed')}>
          <p>{more.error}</p>
        </Notice>
      ) : null}
      {nextCursor ? (
        <Button busy={more.busy} busyLabel={t('card.loading')} onClick={() => void showMore()}>
          {t('card.more')}
        </Button>
      ) : null}
    </section>
  );
}
