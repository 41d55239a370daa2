import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { phoneStanding } from '../drivers/driver-jobs.js';
import { registerAppServiceWorker } from '../drivers/install-app.js';
import { JobCard } from '../drivers/JobCard.js';
import { PassView } from '../drivers/PassView.js';
import { PhoneCard } from '../drivers/PhoneCard.js';
import { useDriverJobs } from '../drivers/use-driver-jobs.js';

/** A driver's own pickups (MISSION §2: the driver sees only his own jobs), today's first, and their passes. */
export function DriverJobsPage({ session }: { session: Session }) {
  const { t } = useTranslation('drivers');
  const { jobs: state, loadJobs: load, phone, loadPhone } = useDriverJobs(session.user.userId);
  const [showing, setShowing] = useState<string>();

  useEffect(() => {
    void registerAppServiceWorker();
  }, []);

  const standing = phone.status === 'ready' ? phoneStanding(phone) : undefined;
  const key = phone.status === 'ready' ? phone.key : undefined;
  const shown = state.status === 'ready' ? state.jobs.find((job) => job.visitRef === showing) : undefined;

  if (shown?.pass && key && standing?.active)
    return (
      <PassView
        containerNumber={shown.containerNumber}
        terminal={shown.terminal}
        slotStart={shown.slotStart}
        slotEnd={shown.slotEnd}
        truckPlate={shown.truckPlate}
        pass={shown.pass}
        privateKey={key.keyPair.privateKey}
        onClose={() => {
          setShowing(undefined);
          void load();
        }}
      />
    );

  return (
    <div className="page">
      <PageHeading title={t('page.title')} />
      <PhoneCard session={session} phone={phone} reload={loadPhone} />
      {state.status === 'loading' ? <Loading label={t('page.loading')} /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{state.message}</p>
          <Button onClick={() => void load()}>{t('page.tryAgain')}</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.jobs.length === 0 ? (
        <Notice tone="info" title={t('page.none')}>
          <p>{t('page.noneBody')}</p>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.jobs.length > 0 ? (
        <>
          <p className="muted">{t('page.bring')}</p>
          <section className="cards" aria-label={t('page.yourJobs')}>
            {state.jobs.map((job) => (
              <JobCard
                key={job.visitRef}
                job={job}
                now={new Date()}
                phoneActive={standing?.active ?? false}
                onShowPass={() => setShowing(job.visitRef)}
              />
            ))}
          </section>
          <Button onClick={() => void load()}>{t('page.refresh')}</Button>
        </>
      ) : null}
    </div>
  );
}
