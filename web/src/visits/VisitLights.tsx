/** The Green lights card: whether the box may go, light by light, and what the lights alone do not say. */
import { useTranslation } from 'react-i18next';
import type { OrgNames } from '../org-names.js';
import { lightName } from '../terms.js';
import { type AppointmentState, appointmentSlotText, appointmentZone } from './VisitAppointment.js';
import type { Lights, Release, Visit } from './visit-data.js';

/**
 * What green lights do not say: the gate also checks who holds the release right, the driver they named and the
 * booked slot. Where the page knows the chain it says how far the right has gone, and where it knows the
 * appointment whether a slot is booked; it never mentions a freeze, so a status-only viewer learns nothing from it.
 */
function PickupNote({
  release,
  appointment,
  names,
}: {
  release: Release | null | 'hidden';
  appointment: AppointmentState;
  names: OrgNames;
}) {
  const { t } = useTranslation('visits');
  const known = release !== 'hidden' && release !== null;
  let chain: string | undefined;
  if (known && release.offer) chain = t('lights.offered', { party: names.party(release.offer.to) });
  else if (known && release.holder) chain = t('lights.heldBy', { party: names.party(release.holder) });
  let slot: string | undefined;
  if (appointment.status === 'ready') {
    const booked = appointment.appointment;
    slot =
      booked && booked.status === 'booked'
        ? t('lights.booked', {
            slot: appointmentSlotText(booked),
            zone: appointmentZone(booked),
            plate: booked.truckPlate,
          })
        : t('lights.notBooked');
  }
  return (
    <p className="muted" data-testid="pickup-note">
      {chain ? `${chain} ` : ''}
      {slot ? `${slot} ` : ''}
      {t('lights.alone')}
    </p>
  );
}

export function VisitLights({
  visit,
  lights,
  release,
  appointment,
  names,
}: {
  visit: Visit;
  lights: Lights | undefined;
  release: Release | null | 'hidden';
  appointment: AppointmentState;
  names: OrgNames;
}) {
  const { t } = useTranslation('visits');
  return (
    <section className="card" aria-labelledby="lights-heading">
      <h2 id="lights-heading">{t('lights.heading')}</h2>
      {lights ? (
        <>
          <p>
            {visit.frozen ? (
              <strong className="verdict verdict-bad">{t('lights.frozen')}</strong>
            ) : lights.allGreen ? (
              <strong className="verdict verdict-ok">{t('lights.allGreen')}</strong>
            ) : (
              <strong className="verdict verdict-bad">{t('lights.notAllGreen')}</strong>
            )}
          </p>
          {lights.allGreen && !visit.frozen ? (
            <PickupNote release={release} appointment={appointment} names={names} />
          ) : null}
          <ul className="lights">
            {lights.lights.map((light) => (
              <li key={light.light} className={light.green ? 'light light-green' : 'light light-red'}>
                <span className="light-dot" aria-hidden="true" />
                <span>
                  <strong>{lightName(light.light)}</strong>:{' '}
                  {light.green ? t('lights.green') : t('lights.notGreen')}
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
        <p className="muted">{t('lights.hidden')}</p>
      )}
    </section>
  );
}
