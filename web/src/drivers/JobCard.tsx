/** One job as a big card: what to collect, where, when (in the terminal's time), with which truck, and the pass. */
import { useTranslation } from 'react-i18next';
import { useTerminalClock } from '../clock.js';
import { Button } from '../components.js';
import { term } from '../terms.js';
import type { DriverJob } from './driver-jobs.js';

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
  const { t } = useTranslation('drivers');
  // The gate's clock, not the phone's: a driver whose phone is set to another zone reads the gate's times.
  const clock = useTerminalClock(job.terminal, job.pass?.terminalTimeZone);
  const headingId = `job-${job.visitRef}`;
  const today = clock.dayKey(job.slotStart) === clock.dayKey(now.getTime());
  return (
    <article className="card" aria-labelledby={headingId}>
      <h2 id={headingId} className="mono">
        {job.containerNumber}
      </h2>
      <ul className="chips" aria-label={t('job.status')}>
        <li className="chip">{term('jobStates', job.state)}</li>
        {today && job.state === 'booked' ? <li className="chip">{t('job.today')}</li> : null}
      </ul>
      <dl className="facts">
        <div>
          <dt>{t('job.when')}</dt>
          <dd data-testid="job-slot">
            {clock.pending ? '…' : clock.range(job.slotStart, job.slotEnd)}{' '}
            <span className="muted">({clock.label})</span>
          </dd>
        </div>
        <div>
          <dt>{t('job.gateOpen')}</dt>
          <dd data-testid="job-window">
            {clock.pending ? '…' : clock.timeRange(job.windowStart, job.windowEnd)} (
            {t('job.grace', { before: job.graceBeforeMinutes, after: job.graceAfterMinutes })})
          </dd>
        </div>
        <div>
          <dt>{t('job.terminal')}</dt>
          <dd>{clock.name ? `${clock.name} (${job.terminal})` : job.terminal}</dd>
        </div>
        <div>
          <dt>{t('job.truck')}</dt>
          <dd className="mono">{job.truckPlate}</dd>
        </div>
        <div>
          <dt>{t('job.pass')}</dt>
          <dd>
            {job.pass
              ? phoneActive
                ? t('job.readyHere', { id: job.pass.credentialId })
                : t('job.readyElsewhere', { id: job.pass.credentialId })
              : job.credential.active
                ? t('job.issued', { id: job.credential.credentialId })
                : t('job.noneInForce')}
          </dd>
        </div>
        <div>
          <dt>{t('job.visit')}</dt>
          <dd className="mono">{job.visitRef}</dd>
        </div>
      </dl>
      {job.pass && phoneActive ? (
        <Button
          variant="primary"
          size="large"
          aria-label={t('job.showPassFor', { number: job.containerNumber })}
          onClick={onShowPass}
        >
          {t('job.showPass')}
        </Button>
      ) : null}
    </article>
  );
}
