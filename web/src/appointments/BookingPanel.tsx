/**
 * A haulier planner books the pickup of a box whose right its haulier holds: one driver (by badge), one truck, one
 * slot from a picker showing what is left of each slot's capacity. The answer is a single-use pickup credential,
 * shown as a QR code; changes close to pickup need a second planner (202).
 */
import { type FormEvent, useState } from 'react';
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
        text: `This ${what} is close to the pickup, so it needs a second planner of your haulier to approve it (request ${result.approval.requestId}). Until then the current booking and credential stay as they are. The chain of the release has been told.`,
      });
      return;
    }
    setBooked(result.appointment.status === 'booked');
    if (result.credential) setCredential(result.credential);
    setNotice({ tone: 'success', text: `${what.charAt(0).toUpperCase()}${what.slice(1)} done.` });
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
    if (!input.name || !input.badge || !input.licence || !input.phone)
      return fail('Fill in the name, badge, licence and phone of the driver.');
    void run('driver', 'register the driver', async () => {
      const driver = await pickupApi.registerDriver(userId ? { ...input, userId } : input);
      await choices.loadDrivers();
      setBadge(driver.badge);
      setAdding(false);
      newDriver.reset();
      setNotice({ tone: 'success', text: `${driver.name} is registered.` });
    });
  }

  function missing(needSlot: boolean, needDriver: boolean): string | undefined {
    if (needDriver && !badge) return 'Choose the driver.';
    if (needDriver && !plate.trim()) return 'Enter the truck plate.';
    if (needSlot && !slotId) return 'Choose a slot.';
    return undefined;
  }

  function book(event: FormEvent) {
    event.preventDefault();
    const problem = missing(true, true);
    if (problem) return fail(problem);
    void run('book', 'book the pickup', async () =>
      outcome(await pickupApi.book(visitRef, { slotId, badge, truckPlate: plate.trim() }), 'booking'),
    );
  }

  const rebook = () => {
    const problem = missing(true, false);
    if (problem) return fail(problem);
    void run('rebook', 'move the booking', async () =>
      outcome(await pickupApi.rebook(visitRef, slotId), 'move to another slot'),
    );
  };
  const changeDriver = () => {
    const problem = missing(false, true);
    if (problem) return fail(problem);
    void run('driver', 'change the driver', async () =>
      outcome(
        await pickupApi.changeDriver(visitRef, { badge, truckPlate: plate.trim() }),
        'change of driver or truck',
      ),
    );
  };

  return (
    <section className="card booking" aria-labelledby="booking-heading">
      <h2 id="booking-heading">
        Pickup of <span className="mono">{containerNumber}</span>
      </h2>
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      {feedback}
      {credential ? <CredentialCard credential={credential} containerNumber={containerNumber} /> : null}

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
              <Button variant="primary" busy={busy === 'rebook'} busyLabel="Moving…" onClick={rebook}>
                Move to this slot
              </Button>
              <Button busy={busy === 'driver'} busyLabel="Changing…" onClick={changeDriver}>
                Change driver or truck
              </Button>
            </>
          ) : (
            <Button type="submit" variant="primary" busy={busy === 'book'} busyLabel="Booking…">
              Book pickup
            </Button>
          )}
          <Button variant="quiet" onClick={onClose}>
            Close
          </Button>
        </div>
      </form>

      {adding ? <NewDriverForm draft={newDriver} busy={busy === 'driver'} onSubmit={register} /> : null}
    </section>
  );
}
