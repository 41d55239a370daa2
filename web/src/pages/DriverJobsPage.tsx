import { useCallback, useEffect, useState } from 'react';
import { apiGet } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { formatDateTime, formatTime } from '../labels.js';
import { useSession } from '../session.js';

/** One pickup the driver is nominated for, as `GET /v1/me/jobs` answers (src/http/driver.routes.ts). */
export interface DriverJob {
  visitRef: string;
  containerNumber: string;
  terminal: string;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  graceBeforeMinutes: number;
  graceAfterMinutes: number;
  windowStart: string;
  windowEnd: string;
  truckPlate: string;
  state: 'booked' | 'cancelled' | 'collected' | 'closed';
  credential: { active: boolean; credentialId: string | null };
  updatedAt: string;
}

type PageState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; jobs: DriverJob[] };

const STATE_LABELS: Record<DriverJob['state'], string> = {
  booked: 'Booked',
  cancelled: 'Cancelled',
  collected: 'Collected',
  closed: 'Closed',
};

const sameDay = (iso: string, now: Date) => new Date(iso).toDateString() === now.toDateString();

/** One job as a big card: what to collect, where, when, with which truck, and whether the pickup pass is ready. */
function JobCard({ job, now }: { job: DriverJob; now: Date }) {
  const headingId = `job-${job.visitRef}`;
  const today = sameDay(job.slotStart, now);
  return (
    <article className="card" aria-labelledby={headingId}>
      <h2 id={headingId} className="mono">
        {job.containerNumber}
      </h2>
      <ul className="chips" aria-label="Status">
        <li className="chip">{STATE_LABELS[job.state]}</li>
        {today && job.state === 'booked' ? <li className="chip">Today</li> : null}
      </ul>
      <dl className="facts">
        <div>
          <dt>When</dt>
          <dd>
            {formatDateTime(job.slotStart)} – {formatTime(job.slotEnd)}
          </dd>
        </div>
        <div>
          <dt>Gate open</dt>
          <dd>
            {formatTime(job.windowStart)} – {formatTime(job.windowEnd)} (grace {job.graceBeforeMinutes} min
            before, {job.graceAfterMinutes} min after)
          </dd>
        </div>
        <div>
          <dt>Terminal</dt>
          <dd>{job.terminal}</dd>
        </div>
        <div>
          <dt>Truck</dt>
          <dd className="mono">{job.truckPlate}</dd>
        </div>
        <div>
          <dt>Pickup pass</dt>
          <dd>
            {job.credential.active
              ? `Ready (id ${job.credential.credentialId}); your planner gives you the QR code`
              : 'None in force'}
          </dd>
        </div>
        <div>
          <dt>Visit</dt>
          <dd className="mono">{job.visitRef}</dd>
        </div>
      </dl>
    </article>
  );
}

/** A driver's own pickups (MISSION §2: the driver sees only his own jobs), today's first. */
export function DriverJobsPage() {
  const { signedOut } = useSession();
  const [state, setState] = useState<PageState>({ status: 'loading' });

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const { jobs } = await apiGet<{ jobs: DriverJob[] }>('/v1/me/jobs');
      setState({ status: 'ready', jobs });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="page">
      <PageHeading title="My jobs" />
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
            Bring your port ID badge and the truck named here; the gate lets you through only inside the gate
            window.
          </p>
          <section className="cards" aria-label="Your jobs">
            {state.jobs.map((job) => (
              <JobCard key={job.visitRef} job={job} now={new Date()} />
            ))}
          </section>
          <Button onClick={() => void load()}>Refresh</Button>
        </>
      ) : null}
    </div>
  );
}
