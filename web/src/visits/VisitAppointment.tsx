/** The pickup appointment of a visit: it loads beside the container page, and fails or retries on its own. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiGet } from '../api.js';
import { localDateTime, terminalClock } from '../clock.js';
import { Button, Loading, Notice } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';

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
  const clock = terminalClock(appointment.timeZone);
  return `${clock.dateTime(appointment.slotStart)}–${clock.time(appointment.slotEnd)}`;
}

const credentialStates: Record<string, string> = {
  active: 'Active: valid once, for this driver and truck, in the gate window',
  used: 'Used at the gate',
  void: 'Void: a change or a cancellation replaced it',
};

function CredentialFact({ credential }: { credential: Appointment['credential'] }) {
  if (!credential) return <>None issued</>;
  return (
    <>
      {credentialStates[credential.state] ?? credential.state}
      {credential.closedAt ? ` (${localDateTime(credential.closedAt)})` : ''}
    </>
  );
}

/** The pickup appointment: slot and gate window in terminal time, truck, driver and the credential's state. */
export function AppointmentCard({ state, reload }: { state: AppointmentState; reload: () => void }) {
  if (state.status === 'hidden') return null;
  return (
    <section className="card" aria-labelledby="appointment-heading" data-testid="appointment-card">
      <h2 id="appointment-heading">Appointment</h2>
      {state.status === 'loading' ? <Loading label="Loading the appointment…" /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title="The appointment could not be loaded">
          <p>{state.message}</p>
          <Button onClick={reload}>Try again</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' ? <AppointmentFacts appointment={state.appointment} /> : null}
    </section>
  );
}

function AppointmentFacts({ appointment }: { appointment: Appointment | null }) {
  if (appointment === null || appointment.status === 'cancelled') {
    return (
      <>
        <p>
          <strong data-testid="appointment-none">No pickup booked</strong>
        </p>
        <p className="muted">
          {appointment
            ? `The booking for ${appointmentSlotText(appointment)} (${terminalClock(appointment.timeZone).zone}) was cancelled ${localDateTime(appointment.updatedAt)}.`
            : 'The haulier holding the release right books a slot, names one driver and one truck.'}
        </p>
      </>
    );
  }
  const clock = terminalClock(appointment.timeZone);
  return (
    <dl className="facts">
      <div>
        <dt>Slot</dt>
        <dd data-testid="appointment-slot">
          {appointmentSlotText(appointment)} <span className="muted">(terminal time, {clock.zone})</span>
        </dd>
      </div>
      <div>
        <dt>Gate open</dt>
        <dd>
          {clock.time(appointment.windowStart)}–{clock.time(appointment.windowEnd)}{' '}
          <span className="muted">
            (grace {appointment.graceBeforeMinutes} min before, {appointment.graceAfterMinutes} min after)
          </span>
        </dd>
      </div>
      <div>
        <dt>Terminal</dt>
        <dd>{appointment.terminal}</dd>
      </div>
      <div>
        <dt>Truck</dt>
        <dd className="mono">{appointment.truckPlate}</dd>
      </div>
      <div>
        <dt>Driver</dt>
        <dd data-testid="appointment-driver">
          {appointment.driver.name ?? (appointment.driver.nominated ? 'Nominated' : 'None nominated')}
        </dd>
      </div>
      <div>
        <dt>Pickup credential</dt>
        <dd data-testid="appointment-credential">
          <CredentialFact credential={appointment.credential} />
        </dd>
      </div>
      <div>
        <dt>Booked</dt>
        <dd>{localDateTime(appointment.bookedAt)}</dd>
      </div>
      <div>
        <dt>Last changed</dt>
        <dd>{localDateTime(appointment.updatedAt)}</dd>
      </div>
    </dl>
  );
}
