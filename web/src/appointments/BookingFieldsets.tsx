/** The two halves of the booking form: who collects (driver and truck), and when (terminal, day and slot). */
import { useTranslation } from 'react-i18next';
import { useTerminalClock } from '../clock.js';
import { ComboBox } from '../combo-box.js';
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
  const { t } = useTranslation('appointments');
  return (
    <fieldset className="booking-who">
      <legend>{t('who.legend')}</legend>
      {drivers === undefined && !driversError ? <Loading label={t('who.loading')} /> : null}
      {driversError ? (
        <Notice tone="error" title={t('who.failed')}>
          <p>{driversError}</p>
          <Button onClick={() => void loadDrivers()}>{t('who.tryAgain')}</Button>
        </Notice>
      ) : null}
      {drivers ? (
        // A haulier may employ hundreds of drivers: a searchable picker, by name or badge (issue 14).
        <ComboBox
          label={t('who.driver')}
          value={badge}
          onChange={setBadge}
          placeholder={drivers.length === 0 ? t('who.noDriver') : t('who.chooseDriver')}
          options={drivers.map((driver) => ({
            value: driver.badge,
            label: t('who.driverOption', { name: driver.name, badge: driver.badge }),
          }))}
        />
      ) : null}
      <Field
        label={t('who.plate')}
        value={plate}
        onChange={(event) => setPlate(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        maxLength={32}
      />
      <Button variant="quiet" aria-expanded={adding} onClick={toggleAdding}>
        {adding ? t('who.closeNew') : t('who.registerNew')}
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
  const { t } = useTranslation('appointments');
  const clock = useTerminalClock(terminal.trim().toUpperCase());
  return (
    <fieldset className="booking-when">
      <legend>{t('when.legend')}</legend>
      <div className="booking-day">
        <Field
          label={t('when.terminal')}
          value={terminal}
          onChange={(event) => setTerminal(event.target.value)}
          maxLength={12}
          autoComplete="off"
        />
        <Field
          label={t('when.day')}
          hint={t('when.dayHint', { zone: clock.label })}
          type="date"
          value={day}
          onChange={(event) => setDay(event.target.value)}
        />
      </div>
      {slots === 'loading' ? (
        <Loading label={t('when.loadingSlots')} />
      ) : Array.isArray(slots) ? (
        <SlotPicker
          slots={slots}
          terminal={terminal.trim().toUpperCase()}
          value={slotId}
          onChange={setSlotId}
        />
      ) : (
        <Notice tone="error" title={t('when.slotsFailed')}>
          <p>{slots.error}</p>
          <Button onClick={() => void loadSlots()}>{t('who.tryAgain')}</Button>
        </Notice>
      )}
    </fieldset>
  );
}
