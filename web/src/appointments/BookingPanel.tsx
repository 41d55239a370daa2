/**
 * A haulier planner books the pickup of a box whose right its haulier holds: one driver (by badge), one truck, one
 * slot from a picker showing what is left of each slot's capacity. The answer is a single-use pickup credential,
 * shown as a QR code; changes close to pickup need a second planner (202).
 */
import { type FormEvent, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Button, Notice } from '../components.js';
import { useFormDraft } from '../forms/form-schema.js';
import { useAction } from '../use-action.js';
import { type AppointmentOutcome, type Credential, pickupApi } from './appointment-api.js';
import { DriverAndTruck, SlotChoice } from './BookingFieldsets.js';
import { CredentialCard } from './CredentialCard.js';
import { NewDriverForm, NO_NEW_DRIVER } from './NewDriverForm.js';
import { useBookingChoices } from './use-booking-choices.js';

export function BookingPanel({
  visitRef,
  containerNumber,
  onClose,
}: {
  visitRef: string;
  containerNumber: string;
  onClose: () => void;
}) {
  const { t } = useTranslation('appointments');
  const choices = useBookingChoices();
  const [badge, setBadge] = useState('');
  const [plate, setPlate] = useState('');
  const [slotId, setSlotId] = useState('');
  const [adding, setAdding] = useState(false);
  const newDriver = useFormDraft(NO_NEW_DRIVER);
  const [booked, setBooked] = useState(false);
  const [credential, setCredential] = useState<Credential>();
  const {
    run,
    busyKey: busy,
    done: notice,
    setDone: setNotice,
    fail,
    feedback,
  } = useAction<{ tone: 'success' | 'warning'; text: string }>();

  function outcome(result: AppointmentOutcome, what: string) {
    if (result.outcome === 'approval_required') {
      setNotice({
        tone: 'warning',
        text: t('panel.needsApproval', { what, request: result.approval.requestId }),
      });
      return;
    }
    setBooked(result.appointment.status === 'booked');
    if (result.credential) setCredential(result.credential);
    const done = t('panel.done', { what });
    setNotice({ tone: 'success', text: `${done.charAt(0).toUpperCase()}${done.slice(1)}` });
    void choices.loadSlots();
  }

  function register() {
    const { userId: account, ...typed } = newDriver.values;
    const input = {
      name: typed.name.trim(),
      badge: typed.badge.trim(),
      licence: typed.licence.trim(),
      phone: typed.phone.trim(),
    };
    const userId = account.trim();
    if (!input.name || !input.badge || !input.licence || !input.phone) return fail(t('panel.fillDriver'));
    void run('driver', t('panel.stepUpRegister'), async () => {
      const driver = await pickupApi.registerDriver(userId ? { ...input, userId } : input);
      await choices.loadDrivers();
      setBadge(driver.badge);
      setAdding(false);
      newDriver.reset();
      setNotice({ tone: 'success', text: t('panel.registered', { name: driver.name }) });
    });
  }

  function missing(needSlot: boolean, needDriver: boolean): string | undefined {
    if (needDriver && !badge) return t('panel.chooseDriver');
    if (needDriver && !plate.trim()) return t('panel.enterPlate');
    if (needSlot && !slotId) return t('panel.chooseSlot');
    return undefined;
  }

  function book(event: FormEvent) {
    event.preventDefault();
    const problem = missing(true, true);
    if (problem) return fail(problem);
    void run('book', t('panel.stepUpBook'), async () =>
      outcome(
        await pickupApi.book(visitRef, { slotId, badge, truckPlate: plate.trim() }),
        t('panel.whatBooking'),
      ),
    );
  }

  const rebook = () => {
    const problem = missing(true, false);
    if (problem) return fail(problem);
    void run('rebook', t('panel.stepUpRebook'), async () =>
      outcome(await pickupApi.rebook(visitRef, slotId), t('panel.whatMove')),
    );
  };
  const changeDriver = () => {
    const problem = missing(false, true);
    if (problem) return fail(problem);
    void run('driver', t('panel.stepUpDriver'), async () =>
      outcome(
        await pickupApi.changeDriver(visitRef, { badge, truckPlate: plate.trim() }),
        t('panel.whatChange'),
      ),
    );
  };

  return (
    <section className="card booking" aria-labelledby="booking-heading">
      <h2 id="booking-heading">
        <Trans
          t={t}
          i18nKey="panel.heading"
          values={{ number: containerNumber }}
          components={{ number: <span className="mono" /> }}
        />
      </h2>
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      {feedback}
      {credential ? (
        <CredentialCard
          credential={credential}
          containerNumber={containerNumber}
          terminal={choices.terminal.trim().toUpperCase()}
        />
      ) : null}

      <form className="stack" onSubmit={book} noValidate>
        <DriverAndTruck
          choices={choices}
          badge={badge}
          setBadge={setBadge}
          plate={plate}
          setPlate={setPlate}
          adding={adding}
          toggleAdding={() => setAdding((value) => !value)}
        />
        <SlotChoice choices={choices} slotId={slotId} setSlotId={setSlotId} />

        <div className="button-row">
          {booked ? (
            <>
              <Button
                variant="primary"
                busy={busy === 'rebook'}
                busyLabel={t('panel.moving')}
                onClick={rebook}
              >
                {t('panel.moveHere')}
              </Button>
              <Button busy={busy === 'driver'} busyLabel={t('panel.changing')} onClick={changeDriver}>
                {t('panel.changeDriver')}
              </Button>
            </>
          ) : (
            <Button type="submit" variant="primary" busy={busy === 'book'} busyLabel={t('panel.booking')}>
              {t('panel.book')}
            </Button>
          )}
          <Button variant="quiet" onClick={onClose}>
            {t('panel.close')}
          </Button>
        </div>
      </form>

      {adding ? <NewDriverForm draft={newDriver} busy={busy === 'driver'} onSubmit={register} /> : null}
    </section>
  );
}
