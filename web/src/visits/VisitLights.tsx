/** The Green lights card: whether the box may go, light by light, and what the lights alone do not say. */
import { type AppointmentState, appointmentSlotText } from './VisitAppointment.js';
import { humanise, type Lights, type Release, type Visit } from './visit-data.js';

/**
 * What green lights do not say: the gate also checks who holds the release right, the driver they named and the
 * booked slot. Where the page knows the chain it says how far the right has gone, and where it knows the
 * appointment whether a slot is booked; it never mentions a freeze, so a status-only viewer learns nothing from it.
 */
function PickupNote({
  release,
  appointment,
}: {
  release: Release | null | 'hidden';
  appointment: AppointmentState;
}) {
  const known = release !== 'hidden' && release !== null;
  let chain: string | undefined;
  if (known && release.offer)
    chain = `The right is offered to ${release.offer.to} and not yet accepted: nobody downstream may collect the box yet.`;
  else if (known && release.holder)
    chain = `The right is held by ${release.holder}: pickup needs that holder to be the haulier who named the driver and booked the slot.`;
  let slot: string | undefined;
  if (appointment.status === 'ready') {
    const booked = appointment.appointment;
    slot =
      booked && booked.status === 'booked'
        ? `A pickup is booked for ${appointmentSlotText(booked)} (terminal time) with truck ${booked.truckPlate}.`
        : 'No pickup slot is booked yet: nobody can collect the box until the holder books one.';
  }
  return (
    <p className="muted" data-testid="pickup-note">
      {chain ? `${chain} ` : ''}
      {slot ? `${slot} ` : ''}Green lights alone do not let the box out: the gate also checks that a haulier
      holds the right, and the driver, truck and booked slot that haulier named.
    </p>
  );
}

export function VisitLights({
  visit,
  lights,
  release,
  appointment,
}: {
  visit: Visit;
  lights: Lights | undefined;
  release: Release | null | 'hidden';
  appointment: AppointmentState;
}) {
  return (
    <section className="card" aria-labelledby="lights-heading">
      <h2 id="lights-heading">Green lights</h2>
      {lights ? (
        <>
          <p>
            {visit.frozen ? (
              <strong className="verdict verdict-bad">Frozen: no pickup, whatever the lights</strong>
            ) : lights.allGreen ? (
              <strong className="verdict verdict-ok">All lights green</strong>
            ) : (
              <strong className="verdict verdict-bad">Not all green: no pickup</strong>
            )}
          </p>
          {lights.allGreen && !visit.frozen ? (
            <PickupNote release={release} appointment={appointment} />
          ) : null}
          <ul className="lights">
            {lights.lights.map((light) => (
              <li key={light.light} className={light.green ? 'light light-green' : 'light light-red'}>
                <span className="light-dot" aria-hidden="true" />
                <span>
                  <strong>{humanise(light.light)}</strong>: {light.green ? 'green' : 'not green'}
                  {light.green ? null : (
                    <ul className="light-reasons">
                      {light.reasons.map((reason) => (
                        <li key={reason}>{reason}</li>
                      ))}
                    </ul>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">The green lights are not yours to see.</p>
      )}
    </section>
  );
}
