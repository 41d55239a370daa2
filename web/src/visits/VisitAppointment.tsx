/** The pickup appointment of a visit: it loads beside the container page, and fails or retries on its own. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../api.js';
import { terminalClock, yourTime } from '../clock.js';
import { Button, Loading, Notice } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { term } from '../terms.js';

/** A visit's pickup appointment, as `GET /v1/visits/:visitRef/appointment` answers (src/http/appointment.routes.ts). */
export interface Appointment {
  visitRef: string;
  status: 'booked' | 'cancelled';
  terminal: string;
  timeZone: string | null;
  slotId: string;
  slotStart: string;
  slotEnd: string;
  graceBeforeMinutes: number;
  graceAfterMinutes: number;
  windowStart: string;
  windowEnd: string;
  truckPlate: string;
  driver: { nominated: boolean; name: string | null };
  credential: {
    state: 'active' | 'used' | 'void';
    issuedAt: string;
    closedAt: string | null;
  } | null;
  bookedAt: string;
  updatedAt: string;
}

/** The appointment card's own state: it loads beside the page, and fails or retries on its own. */
export type AppointmentState =
  | { status: 'hidden' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; appointment: Appointment | null };

/**
 * Loads the appointment of a visit once its reference is known, only for those the policy table lets read it (so a
 * role without `appointment.read` never gets a 403 in its browser console).
 */
export function useAppointment(
  visitRef: string | undefined,
  enabled: boolean,
  signedOut: () => void,
): { state: AppointmentState; reload: () => void } {
  const [state, setState] = useState<AppointmentState>({ status: enabled ? 'loading' : 'hidden' });
  // Only the latest request may set the state: a slow answer for an earlier visit is dropped.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const request = ++latest.current;
    if (!enabled) {
      setState({ status: 'hidden' });
      return;
    }
    if (visitRef === undefined) return;
    setState({ status: 'loading' });
    try {
      const { appointment } = await apiGet<{ appointment: Appointment | null }>(
        `/v1/visits/${encodeURIComponent(visitRef)}/appointment`,
      );
      if (request === latest.current) setState({ status: 'ready', appointment });
    } catch (error) {
      if (request !== latest.current) return;
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [visitRef, enabled, signedOut]);
  useEffect(() => {
    void load();
  }, [load]);
  return { state, reload: () => void load() };
}

/** The slot of an appointment in terminal time, e.g. "Wed, 4 Mar 2030, 10:00–10:30". */
export function appointmentSlotText(appointment: Appointment): string {
  return terminalClock(appointment.timeZone).range(appointment.slotStart, appointment.slotEnd);
}

/** "terminal time, Europe/Brussels": the zone the appointment's times are in, named. */
export function appointmentZone(appointment: Appointment): string {
  return terminalClock(appointment.timeZone).label;
}

function CredentialFact({ credential }: { credential: Appointment['credential'] }) {
  const { t } = useTranslation('visits');
  if (!credential) return <>{t('appointment.noCredential')}</>;
  const state =
    credential.state === 'active'
      ? t('appointment.credentialActive')
      : credential.state === 'used'
        ? t('appointment.credentialUsed')
        : credential.state === 'void'
          ? t('appointment.credentialVoid')
          : term('credentialStates', credential.state);
  return (
    <>
      {state}
      {credential.closedAt ? ` (${yourTime(credential.closedAt)})` : ''}
    </>
  );
}

/** The pickup appointment: slot and gate window in terminal time, truck, driver and the credential's state. */
export function AppointmentCard({ state, reload }: { state: AppointmentState; reload: () => void }) {
  const { t } = useTranslation('visits');
  if (state.status === 'hidden') return null;
  return (
    <section className="card" aria-labelledby="appointment-heading" data-testid="appointment-card">
      <h2 id="appointment-heading">{t('appointment.heading')}</h2>
      {state.status === 'loading' ? <Loading label={t('appointment.loading')} /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title={t('appointment.failed')}>
          <p>{state.message}</p>
          <Button onClick={reload}>{t('page.tryAgain')}</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' ? <AppointmentFacts appointment={state.appointment} /> : null}
    </section>
  );
}

function AppointmentFacts({ appointment }: { appointment: Appointment | null }) {
  const { t } = useTranslation('visits');
  if (appointment === null || appointment.status === 'cancelled') {
    return (
      <>
        <p>
          <strong data-testid="appointment-none">{t('appointment.none')}</strong>
        </p>
        <p className="muted">
          {appointment
            ? t('appointment.cancelled', {
                slot: appointmentSlotText(appointment),
                zone: appointmentZone(appointment),
                when: yourTime(appointment.updatedAt),
              })
            : t('appointment.howToBook')}
        </p>
      </>
    );
  }
  const clock = terminalClock(appointment.timeZone);
  return (
    <dl className="facts">
      <div>
        <dt>{t('appointment.slot')}</dt>
        <dd data-testid="appointment-slot">
          {appointmentSlotText(appointment)} <span className="muted">({clock.label})</span>
        </dd>
      </div>
      <div>
        <dt>{t('appointment.gateOpen')}</dt>
        <dd data-testid="appointment-window">
          {clock.timeRange(appointment.windowStart, appointment.windowEnd)}{' '}
          <span className="muted">
            (
            {t('appointment.grace', {
              before: appointment.graceBeforeMinutes,
              after: appointment.graceAfterMinutes,
            })}
            )
          </span>
        </dd>
      </div>
      <div>
        <dt>{t('appointment.terminal')}</dt>
        <dd>{appointment.terminal}</dd>
      </div>
      <div>
        <dt>{t('appointment.truck')}</dt>
        <dd className="mono">{appointment.truckPlate}</dd>
      </div>
      <div>
        <dt>{t('appointment.driver')}</dt>
        <dd data-testid="appointment-driver">
          {appointment.driver.name ??
            (appointment.driver.nominated ? t('appointment.nominated') : t('appointment.noneNominated'))}
        </dd>
      </div>
      <div>
        <dt>{t('appointment.credential')}</dt>
        <dd data-testid="appointment-credential">
          <CredentialFact credential={appointment.credential} />
        </dd>
      </div>
      <div>
        <dt>{t('appointment.booked')}</dt>
        <dd>{yourTime(appointment.bookedAt)}</dd>
      </div>
      <div>
        <dt>{t('appointment.changed')}</dt>
        <dd>{yourTime(appointment.updatedAt)}</dd>
      </div>
    </dl>
  );
}
