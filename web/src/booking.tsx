/**
 * A haulier planner books the pickup of a box whose right its haulier holds: one driver (by badge), one truck, one
 * slot from a picker showing what is left of each slot's capacity. The answer is a single-use pickup credential,
 * shown as a QR code; changes close to pickup need a second planner (202).
 */
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { Button, Field, Loading, Notice } from './components.js';
import { isUnauthenticated, messageOf } from './errors.js';
import { formatDateTime, formatTime } from './labels.js';
import { type AppointmentOutcome, type Credential, type Driver, pickupApi, type Slot } from './pickup.js';
import { CopyButton, QrCode } from './qr.js';
import { useSession } from './session.js';
import { useAction } from './use-action.js';

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function CredentialCard({
  credential,
  containerNumber,
}: {
  credential: Credential;
  containerNumber: string;
}) {
  const tokenId = useId();
  return (
    <section className="credential" aria-labelledby={`${tokenId}-heading`}>
      <h3 id={`${tokenId}-heading`}>Pickup credential for {containerNumber}</h3>
      <p>
        Valid once, for this driver and truck, from {formatDateTime(credential.windowStart)} to{' '}
        {formatTime(credential.windowEnd)} (grace included). The driver shows his pickup pass from his own
        phone, under My jobs, once you have confirmed that phone (Approvals, Drivers' phones): there is
        nothing to send him.
      </p>
      <p className="muted">
        The printed pass below is only a fallback: the gate refuses it unless the terminal has switched
        printed passes on, and every use of one raises an alert. It is not stored and is shown this once.
      </p>
      <div className="credential-body">
        <QrCode text={credential.token} label={`QR code of the pickup credential for ${containerNumber}`} />
        <div className="credential-text">
          <label htmlFor={tokenId}>Credential text</label>
          <textarea id={tokenId} className="token" readOnly rows={6} value={credential.token} />
          <CopyButton text={credential.token} label="Copy credential" />
        </div>
      </div>
    </section>
  );
}

function SlotPicker({
  slots,
  value,
  onChange,
}: {
  slots: Slot[];
  value: string;
  onChange: (slotId: string) => void;
}) {
  const now = Date.now();
  if (slots.length === 0) return <p className="muted">The terminal takes no pickups on this day.</p>;
  return (
    <fieldset className="slot-picker">
      <legend>Slot (times in your time zone; free places of each slot)</legend>
      <div className="slot-grid">
        {slots.map((slot) => {
          const past = Date.parse(slot.end) <= now;
          const full = slot.remaining <= 0;
          const level = full ? 'full' : slot.remaining / slot.capacity <= 0.3 ? 'low' : 'ok';
          return (
            <label
              key={slot.slotId}
              className={`slot slot-${past ? 'past' : level}${value === slot.slotId ? ' slot-selected' : ''}`}
            >
              <input
                type="radio"
                name="slot"
                value={slot.slotId}
                checked={value === slot.slotId}
                disabled={past || full}
                onChange={() => onChange(slot.slotId)}
              />
              <span className="slot-time">
                {formatTime(slot.start)}–{formatTime(slot.end)}
              </span>
              <span className="slot-free">
                {past ? 'Over' : full ? 'Full' : `${slot.remaining} of ${slot.capacity} free`}
              </span>
              <span className="slot-bar" aria-hidden="true">
                <span style={{ width: `${Math.round((slot.booked / Math.max(1, slot.capacity)) * 100)}%` }} />
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

export function BookingPanel({
  visitRef,
  containerNumber,
  onClose,
}: {
  visitRef: string;
  containerNumber: string;
  onClose: () => void;
}) {
  const { signedOut } = useSession();
  const [drivers, setDrivers] = useState<Driver[]>();
  const [driversError, setDriversError] = useState<string>();
  const [badge, setBadge] = useState('');
  const [plate, setPlate] = useState('');
  const [terminal, setTerminal] = useState('T1');
  const [day, setDay] = useState(today);
  const [slots, setSlots] = useState<Slot[] | 'loading' | { error: string }>('loading');
  const [slotId, setSlotId] = useState('');
  const [adding, setAdding] = useState(false);
  const [newDriver, setNewDriver] = useState({ name: '', badge: '', licence: '', phone: '', userId: '' });
  const [booked, setBooked] = useState(false);
  const [credential, setCredential] = useState<Credential>();
  const selectId = useId();
  const {
    run,
    busyKey: busy,
    done: notice,
    setDone: setNotice,
    fail,
    feedback,
  } = useAction<{ tone: 'success' | 'warning'; text: string }>();

  const loadDrivers = useCallback(async () => {
    try {
      const list = await pickupApi.drivers();
      setDrivers(list);
      setDriversError(undefined);
      return list;
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setDriversError(messageOf(error));
      return undefined;
    }
  }, [signedOut]);

  const loadSlots = useCallback(async () => {
    const code = terminal.trim().toUpperCase();
    if (!code || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
    setSlots('loading');
    try {
      setSlots(await pickupApi.slots(code, day));
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setSlots({ error: messageOf(error) });
    }
  }, [terminal, day, signedOut]);

  useEffect(() => {
    void loadDrivers();
  }, [loadDrivers]);
  useEffect(() => {
    void loadSlots();
  }, [loadSlots]);

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
    void loadSlots();
  }

  function register(event: FormEvent) {
    event.preventDefault();
    const input = {
      name: newDriver.name.trim(),
      badge: newDriver.badge.trim(),
      licence: newDriver.licence.trim(),
      phone: newDriver.phone.trim(),
    };
    const userId = newDriver.userId.trim();
    if (!input.name || !input.badge || !input.licence || !input.phone)
      return fail('Fill in the name, badge, licence and phone of the driver.');
    void run('driver', 'register the driver', async () => {
      const driver = await pickupApi.registerDriver(userId ? { ...input, userId } : input);
      await loadDrivers();
      setBadge(driver.badge);
      setAdding(false);
      setNewDriver({ name: '', badge: '', licence: '', phone: '', userId: '' });
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
        <fieldset className="booking-who">
          <legend>Driver and truck</legend>
          {drivers === undefined && !driversError ? <Loading label="Loading your drivers…" /> : null}
          {driversError ? (
            <Notice tone="error" title="Your drivers could not be loaded">
              <p>{driversError}</p>
              <Button onClick={() => void loadDrivers()}>Try again</Button>
            </Notice>
          ) : null}
          {drivers ? (
            <div className="field">
              <label htmlFor={selectId}>Driver</label>
              <select id={selectId} value={badge} onChange={(event) => setBadge(event.target.value)}>
                <option value="">
                  {drivers.length === 0 ? 'No driver registered yet' : 'Choose a driver'}
                </option>
                {drivers.map((driver) => (
                  <option key={driver.badgeRef} value={driver.badge}>
                    {driver.name} — badge {driver.badge}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <Field
            label="Truck plate"
            value={plate}
            onChange={(event) => setPlate(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            maxLength={32}
          />
          <Button variant="quiet" aria-expanded={adding} onClick={() => setAdding((value) => !value)}>
            {adding ? 'Close the new driver form' : 'Register a new driver'}
          </Button>
        </fieldset>

        <fieldset className="booking-when">
          <legend>When</legend>
          <div className="booking-day">
            <Field
              label="Terminal"
              value={terminal}
              onChange={(event) => setTerminal(event.target.value)}
              maxLength={12}
              autoComplete="off"
            />
            <Field label="Day" type="date" value={day} onChange={(event) => setDay(event.target.value)} />
          </div>
          {slots === 'loading' ? (
            <Loading label="Loading the slots…" />
          ) : Array.isArray(slots) ? (
            <SlotPicker slots={slots} value={slotId} onChange={setSlotId} />
          ) : (
            <Notice tone="error" title="The slots could not be loaded">
              <p>{slots.error}</p>
              <Button onClick={() => void loadSlots()}>Try again</Button>
            </Notice>
          )}
        </fieldset>

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

      {adding ? (
        <form
          className="stack new-driver"
          onSubmit={register}
          noValidate
          aria-labelledby="new-driver-heading"
        >
          <h3 id="new-driver-heading">New driver</h3>
          <p className="muted">
            Personal data: stored encrypted, seen only by your haulier and by the gate when the driver
            arrives.
          </p>
          <div className="form-grid">
            <Field
              label="Name"
              value={newDriver.name}
              onChange={(event) => setNewDriver({ ...newDriver, name: event.target.value })}
              autoComplete="off"
              maxLength={200}
            />
            <Field
              label="Badge number"
              value={newDriver.badge}
              onChange={(event) => setNewDriver({ ...newDriver, badge: event.target.value })}
              autoComplete="off"
              maxLength={64}
            />
            <Field
              label="Driving licence"
              value={newDriver.licence}
              onChange={(event) => setNewDriver({ ...newDriver, licence: event.target.value })}
              autoComplete="off"
              maxLength={64}
            />
            <Field
              label="Phone"
              type="tel"
              value={newDriver.phone}
              onChange={(event) => setNewDriver({ ...newDriver, phone: event.target.value })}
              autoComplete="off"
              maxLength={32}
            />
            <Field
              label="Driver's PortLedger account (optional)"
              hint="The user id of the driver's own sign-in, a driver of your haulier: he then sees his jobs under My jobs."
              value={newDriver.userId}
              onChange={(event) => setNewDriver({ ...newDriver, userId: event.target.value })}
              autoComplete="off"
              spellCheck={false}
              maxLength={100}
            />
          </div>
          <div className="button-row">
            <Button type="submit" variant="primary" busy={busy === 'driver'} busyLabel="Registering…">
              Register driver
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
