/** The list of alerts: the filters, one row per alert in the chosen order, and the button that loads the next page. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Notice } from '../components.js';
import { SortHeader } from '../list-controls.js';
import { alertRuleName, term } from '../terms.js';
import { AlertRow } from './AlertRow.js';
import { ALERT_RULES, ALERT_SEVERITIES, type Alert, type AlertFilter, alertsApi } from './alert-api.js';
import { type AlertPowers, hasAlertActions } from './alert-forms.js';
import type { AlertActions } from './use-alert-actions.js';
import type { MoreAlerts } from './use-alerts.js';

/** The list's filters (issue 14): state, rule, severity and my own alerts; each change reads the first page again. */
function AlertFilters({
  filter,
  onChange,
}: {
  filter: AlertFilter;
  onChange: (filter: AlertFilter) => void;
}) {
  const { t } = useTranslation('alerts');
  return (
    <div
      className="alerts-filters"
      style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '0.5rem 1rem' }}
    >
      <fieldset className="segmented">
        <legend className="visually-hidden">{t('card.show')}</legend>
        {(['unresolved', 'all'] as const).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="alert-filter"
              value={value}
              checked={filter.status === value}
              onChange={() => onChange({ ...filter, status: value })}
            />
            {value === 'unresolved' ? t('card.notResolved') : t('card.all')}
          </label>
        ))}
      </fieldset>
      <label>
        {t('card.ruleFilter')}{' '}
        <select
          value={filter.rule}
          onChange={(event) => onChange({ ...filter, rule: event.target.value as AlertFilter['rule'] })}
        >
          <option value="">{t('card.anyRule')}</option>
          {ALERT_RULES.map((rule) => (
            <option key={rule} value={rule}>
              {alertRuleName(rule)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('card.severityFilter')}{' '}
        <select
          value={filter.severity}
          onChange={(event) =>
            onChange({ ...filter, severity: event.target.value as AlertFilter['severity'] })
          }
        >
          <option value="">{t('card.anySeverity')}</option>
          {ALERT_SEVERITIES.map((severity) => (
            <option key={severity} value={severity}>
              {term('alertSeverities', severity)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={filter.mine}
          onChange={(event) => onChange({ ...filter, mine: event.target.checked })}
        />{' '}
        {t('card.mine')}
      </label>
    </div>
  );
}

function AlertsTable({
  alerts,
  filter,
  onFilter,
  powers,
  actions,
  chosen,
  setChosen,
}: {
  alerts: Alert[];
  filter: AlertFilter;
  onFilter: (filter: AlertFilter) => void;
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
        <caption className="visually-hidden">
          {filter.direction === 'asc' ? t('card.captionOldest') : t('card.caption')}
        </caption>
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
            {/* The list is ordered by when each alert was raised, on the server: this header turns it round. */}
            <SortHeader
              column="raised"
              label={t('card.raised')}
              query={{ filters: {}, sort: 'raised', direction: filter.direction }}
              onSort={(query) => onFilter({ ...filter, direction: query.direction })}
            />
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
        <h2 id="alerts-heading">{filter.status === 'unresolved' ? t('card.toDeal') : t('card.allAlerts')}</h2>
        <AlertFilters filter={filter} onChange={onFilter} />
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
        <p className="muted">
          {filter.rule || filter.severity || filter.mine
            ? t('card.noneMatch')
            : filter.status === 'unresolved'
              ? t('card.noneOpen')
              : t('card.none')}
        </p>
      ) : (
        <AlertsTable
          alerts={alerts}
          filter={filter}
          onFilter={onFilter}
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
