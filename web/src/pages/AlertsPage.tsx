import { AlertPanel } from '../alerts/AlertPanel.js';
import { AlertsCard } from '../alerts/AlertsCard.js';
import { alertPowers } from '../alerts/alert-forms.js';
import { useAlertActions } from '../alerts/use-alert-actions.js';
import { useAlerts } from '../alerts/use-alerts.js';
import type { Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { useSession } from '../session.js';

/**
 * Refused gate attempts, integrity failures, lockouts and bulk look-ups: look at the evidence, acknowledge,
 * assign, resolve.
 */
export function AlertsPage({ session }: { session: Session }) {
  const { signedOut } = useSession();
  const powers = alertPowers(session);
  const { filter, setFilter, state, load, more, showMore } = useAlerts();
  const actions = useAlertActions(load);

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
        {powers.manage
          ? ''
          : ' Your role reads alerts; a terminal supervisor acknowledges and resolves them.'}
      </p>
      {actions.done ? <Notice tone="success">{actions.done}</Notice> : null}
      {actions.feedback}

      <AlertsCard
        alerts={state.alerts}
        nextCursor={state.nextCursor}
        filter={filter}
        onFilter={setFilter}
        more={more}
        showMore={showMore}
        powers={powers}
        actions={actions}
      />

      {actions.panel ? (
        <AlertPanel panel={actions.panel} actions={actions} signedOut={signedOut} reload={load} />
      ) : null}
    </div>
  );
}
