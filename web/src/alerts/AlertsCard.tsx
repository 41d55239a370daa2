/** The list of alerts: the filter, one row per alert, and the button that loads the next, older page. */
import { Button, Notice } from '../components.js';
import { AlertRow } from './AlertRow.js';
import type { Alert, AlertFilter } from './alert-api.js';
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
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Show</legend>
      {(['unresolved', 'all'] as const).map((value) => (
        <label key={value}>
          <input
            type="radio"
            name="alert-filter"
            value={value}
            checked={filter === value}
            onChange={() => onChange(value)}
          />
          {value === 'unresolved' ? 'Not resolved' : 'All'}
        </label>
      ))}
    </fieldset>
  );
}

function AlertsTable({
  alerts,
  powers,
  actions,
}: {
  alerts: Alert[];
  powers: AlertPowers;
  actions: AlertActions;
}) {
  return (
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
            {hasAlertActions(powers) ? (
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <AlertRow key={alert.alertId} alert={alert} powers={powers} actions={actions} />
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
  return (
    <section className="card card-wide" aria-labelledby="alerts-heading">
      <div className="alerts-toolbar">
        <h2 id="alerts-heading">{filter === 'unresolved' ? 'Alerts to deal with' : 'All alerts'}</h2>
        <FilterChoice filter={filter} onChange={onFilter} />
      </div>
      {alerts.length === 0 ? (
        <p className="muted">{filter === 'unresolved' ? 'No alert needs attention.' : 'No alerts.'}</p>
      ) : (
        <AlertsTable alerts={alerts} powers={powers} actions={actions} />
      )}
      {more.error ? (
        <Notice tone="error" title="More alerts could not be loaded">
          <p>{more.error}</p>
        </Notice>
      ) : null}
      {nextCursor ? (
        <Button busy={more.busy} busyLabel="Loading…" onClick={() => void showMore()}>
          Show more alerts
        </Button>
      ) : null}
    </section>
  );
}
