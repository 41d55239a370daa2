/** One job as a big card: what to collect, where, when, with which truck, and the pickup pass. */

import { localDateTime, localTime } from '../clock.js';
import { Button } from '../components.js';
import type { DriverJob } from './driver-jobs.js';

const STATE_LABELS: Record<DriverJob['state'], string> = {
  booked: 'Booked',
  cancelled: 'Cancelled',
  collected: 'Collected',
  closed: 'Closed',
};

const sameDay = (iso: string, now: Date) => new Date(iso).toDateString() === now.toDateString();

export function JobCard({
  job,
  now,
  phoneActive,
  onShowPass,
}: {
  job: DriverJob;
  now: Date;
  phoneActive: boolean;
  onShowPass: () => void;
}) {
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
            {localDateTime(job.slotStart)} – {localTime(job.slotEnd)}
          </dd>
        </div>
        <div>
          <dt>Gate open</dt>
          <dd>
            {localTime(job.windowStart)} – {localTime(job.windowEnd)} (grace {job.graceBeforeMinutes} min
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
            {job.pass
              ? phoneActive
                ? `Ready (id ${job.pass.credentialId}) on this phone: show it at the gate`
                : `Ready (id ${job.pass.credentialId}), shown only on your confirmed phone (see above)`
              : job.credential.active
                ? `Issued (id ${job.credential.credentialId})`
                : 'None in force'}
          </dd>
        </div>
        <div>
          <dt>Visit</dt>
          <dd className="mono">{job.visitRef}</dd>
        </div>
      </dl>
      {job.pass && phoneActive ? (
        <Button
          variant="primary"
          size="large"
          aria-label={`Show the pickup pass for ${job.containerNumber}`}
          onClick={onShowPass}
        >
          Show pass
        </Button>
      ) : null}
    </article>
  );
}
