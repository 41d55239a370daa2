/**
 * What a booking chooses from: the haulier's drivers, and the slots of one terminal on one day, loaded again
 * whenever the terminal or the day changes. A 401 signs the person out.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTerminalClock } from '../clock.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { useSession } from '../session.js';
import { type Driver, pickupApi, type Slot } from './appointment-api.js';

export type SlotsState = Slot[] | 'loading' | { error: string };

export function useBookingChoices() {
  const { signedOut } = useSession();
  const [drivers, setDrivers] = useState<Driver[]>();
  const [driversError, setDriversError] = useState<string>();
  const [terminal, setTerminal] = useState('T1');
  // The day is the terminal's (slot tables count the terminal's days): today at the gate, until the person picks one.
  const clock = useTerminalClock(terminal.trim().toUpperCase());
  const [picked, setPicked] = useState<string>();
  const day = picked ?? clock.dayKey(Date.now());
  const setDay = (value: string) => setPicked(value);
  const [slots, setSlots] = useState<SlotsState>('loading');

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

  return { drivers, driversError, loadDrivers, terminal, setTerminal, day, setDay, slots, loadSlots };
}

export type BookingChoices = ReturnType<typeof useBookingChoices>;
