import { Trans, useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { useOrgNames } from '../org-names.js';
import { holds, useSession } from '../session.js';
import { VisitActions } from '../visits/VisitActions.js';
import { AppointmentCard, useAppointment } from '../visits/VisitAppointment.js';
import { useFreezeControls } from '../visits/VisitFreeze.js';
import { VisitHistory } from '../visits/VisitHistory.js';
import { VisitLights } from '../visits/VisitLights.js';
import { VisitReleaseChain } from '../visits/VisitReleaseChain.js';
import { VisitSummary } from '../visits/VisitSummary.js';
import { VisitViewers } from '../visits/VisitViewers.js';
import { useVisit } from '../visits/visit-data.js';

/**
 * The container page: status, green lights, the appointment, release chain and the history, each event proven in
 * the browser.
 */
export function VisitPage({
  session,
  visitRef,
  containerNumber,
}: {
  session: Session;
  visitRef?: string;
  containerNumber?: string;
}) {
  const { t } = useTranslation('visits');
  const { signedOut } = useSession();
  const { state, load } = useVisit({
    visitRef,
    containerNumber,
    orgKind: session.user.orgKind,
    readsHistory: holds(session, 'visit.history.read'),
    signedOut,
  });
  const freeze = useFreezeControls();
  const names = useOrgNames(session);
  const appointment = useAppointment(
    state.status === 'ready' ? state.data.visit.visitRef : undefined,
    holds(session, 'appointment.read'),
    signedOut,
  );

  if (state.status === 'loading')
    return (
      <div className="page">
        <PageHeading title={t('page.title', { number: containerNumber ?? '' }).trim()} />
        <Loading label={t('page.loading')} />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        <PageHeading title={state.notFound ? t('page.notFound') : t('page.notShown')} />
        <Notice tone="error" title={t('page.notShown')}>
          <p>{state.message}</p>
          <Button onClick={() => void load()}>{t('page.tryAgain')}</Button>
        </Notice>
      </div>
    );

  const { visit, lights, release, history, checkpoint } = state.data;
  return (
    <div className="page">
      <PageHeading title={t('page.title', { number: visit.containerNumber })}>
        <Trans
          t={t}
          i18nKey="page.heading"
          values={{ number: visit.containerNumber }}
          components={{ number: <span className="mono" /> }}
        />
      </PageHeading>
      <div className="cards">
        <VisitSummary
          session={session}
          visit={visit}
          freeze={freeze}
          signedOut={signedOut}
          onFrozenChanged={() => void load()}
        />
        <VisitLights
          visit={visit}
          lights={lights}
          release={release}
          appointment={appointment.state}
          names={names}
        />
        <AppointmentCard state={appointment.state} reload={appointment.reload} />
        <VisitActions
          session={session}
          visit={visit}
          events={history === 'hidden' ? undefined : history}
          onChanged={() => void load(true)}
          signedOut={signedOut}
        />
        <VisitReleaseChain release={release} names={names} />
        <VisitHistory session={session} history={history} checkpoint={checkpoint} names={names} />
        {holds(session, 'visit.viewers.read') && 'slot' in visit ? (
          <VisitViewers visitRef={visit.visitRef} />
        ) : null}
      </div>
    </div>
  );
}
