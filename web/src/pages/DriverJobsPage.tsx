import { useState } from 'react';
import type { Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { phoneStanding } from '../drivers/driver-jobs.js';
import { JobCard } from '../drivers/JobCard.js';
import { PassView } from '../drivers/PassView.js';
import { PhoneCard } from '../drivers/PhoneCard.js';
import { useDriverJobs } from '../drivers/use-driver-jobs.js';

/** A driver's own pickups (MISSION §2: the driver sees only his own jobs), today's first, and their passes. */
export function DriverJobsPage({ session }: { session: Session }) {
  const { jobs: state, loadJobs: load, phone, loadPhone } = useDriverJobs(session.user.userId);
  const [showing, setShowing] = useState<string>();

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
      <PageHeading title="My jobs" />
      <PhoneCard session={session} phone={phone} reload={loadPhone} />
      {state.status === 'loading' ? <Loading label="Loading your jobs…" /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title="Your jobs could not be loaded">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.jobs.length === 0 ? (
        <Notice tone="info" title="No jobs for you">
          <p>
            Your haulier has not nominated you for a pickup. If you expected one, ask your planner to link
            your account to your driver badge.
          </p>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.jobs.length > 0 ? (
        <>
          <p className="muted">
            Bring your port ID badge, this phone and the truck named here; the gate lets you through only
            inside the gate window.
          </p>
          <section className="cards" aria-label="Your jobs">
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
          <Button onClick={() => void load()}>Refresh</Button>
        </>
      ) : null}
    </div>
  );
}
