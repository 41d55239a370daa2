import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('pages');
  const { signedOut } = useSession();
  const powers = alertPowers(session);
  const { filter, setFilter, state, load, more, showMore } = useAlerts();
  const actions = useAlertActions(load);

  const heading = <PageHeading title={t('alerts.title')} />;
  if (state.status === 'loading')
    return (
      <div className="page">
        {heading}
        <Loading label={t('alerts.loading')} />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        {heading}
        <Notice tone="error" title={t('alerts.failed')}>
          <p>{state.message}</p>
          <Button onClick={() => void load()}>{t('alerts.tryAgain')}</Button>
        </Notice>
      </div>
    );

  return (
    <div className="page">
      {heading}
      <p className="muted">
        {t('alerts.intro')}
        {powers.manage ? '' : ` ${t('alerts.readOnly')}`}
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
