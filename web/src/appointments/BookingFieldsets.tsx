/** The two halves of the booking form: who collects (driver and truck), and when (terminal, day and slot). */
import { useId } from 'react';
import { Button, Field, Loading, Notice } from '../components.js';
import { SlotPicker } from './SlotPicker.js';
import type { BookingChoices } from './use-booking-choices.js';

export function DriverAndTruck({
  choices: { drivers, driversError, loadDrivers },
  badge,
  setBadge,
  plate,
  setPlate,
  adding,
  toggleAdding,
}: {
  choices: BookingChoices;
  badge: string;
  setBadge: (badge: string) => void;
  plate: string;
  setPlate: (plate: string) => void;
  adding: boolean;
  toggleAdding: () => void;
}) {
  const selectId = useId();
  return (
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
            <option value="">{drivers.length === 0 ? 'No driver registered yet' : 'Choose a driver'}</option>
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
      <Button variant="quiet" aria-expanded={adding} onClick={toggleAdding}>
        {adding ? 'Close the new driver form' : 'Register a new driver'}
      </Button>
    </fieldset>
  );
}

export function SlotChoice({
  choices: { terminal, setTerminal, day, setDay, slots, loadSlots },
  slotId,
  setSlotId,
}: {
  choices: BookingChoices;
  slotId: string;
  setSlotId: (slotId: string) => void;
}) {
  return (
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
  );
}
