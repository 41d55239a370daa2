import type { Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { holds, useSession } from '../session.js';
import { VisitActions } from '../visits/VisitActions.js';
import { AppointmentCard, useAppointment } from '../visits/VisitAppointment.js';
import { useFreezeControls } from '../visits/VisitFreeze.js';
import { VisitHistory } from '../visits/VisitHistory.js';
import { VisitLights } from '../visits/VisitLights.js';
import { VisitReleaseChain } from '../visits/VisitReleaseChain.js';
import { VisitSummary } from '../visits/VisitSummary.js';
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
  const { signedOut } = useSession();
  const { state, load } = useVisit({
    visitRef,
    containerNumber,
    orgKind: session.user.orgKind,
    readsHistory: holds(session, 'visit.history.read'),
    signedOut,
  });
  const freeze = useFreezeControls();
  const appointment = useAppointment(
    state.status === 'ready' ? state.data.visit.visitRef : undefined,
    holds(session, 'appointment.read'),
    signedOut,
  );

  if (state.status === 'loading')
    return (
      <div className="page">
        <PageHeading title={`Container ${containerNumber ?? ''}`.trim()} />
        <Loading label="Loading the container…" />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        <PageHeading title="Container not found" />
        <Notice tone="error" title="The container could not be shown">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      </div>
    );

  const { visit, lights, release, history, checkpoint } = state.data;
  return (
    <div className="page">
      <PageHeading title={`Container ${visit.containerNumber}`}>
        Container <span className="mono">{visit.containerNumber}</span>
      </PageHeading>
      <div className="cards">
        <VisitSummary
          session={session}
          visit={visit}
          freeze={freeze}
          signedOut={signedOut}
          onFrozenChanged={() => void load()}
        />
        <VisitLights visit={visit} lights={lights} release={release} appointment={appointment.state} />
        <AppointmentCard state={appointment.state} reload={appointment.reload} />
        <VisitActions
          session={session}
          visit={visit}
          events={history === 'hidden' ? undefined : history}
          onChanged={() => void load(true)}
          signedOut={signedOut}
        />
        <VisitReleaseChain release={release} />
        <VisitHistory session={session} history={history} checkpoint={checkpoint} />
      </div>
    </div>
  );
}
