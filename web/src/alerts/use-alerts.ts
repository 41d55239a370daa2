/**
 * The alerts of the chosen filter, in its order, and the further pages appended below them on request. Changing the
 * filter loads its first page again; a 401 signs the person out.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnauthenticated, messageOf } from '../errors.js';
import { useSession } from '../session.js';
import { type Alert, type AlertFilter, alertsApi, DEFAULT_ALERT_FILTER } from './alert-api.js';

export type AlertsState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; alerts: Alert[]; nextCursor: string | null };

/** Whether the next page is on its way, and why it could not be loaded. */
export interface MoreAlerts {
  busy: boolean;
  error?: string;
}

export function useAlerts() {
  const { signedOut } = useSession();
  const [filter, setFilter] = useState<AlertFilter>(DEFAULT_ALERT_FILTER);
  const [state, setState] = useState<AlertsState>({ status: 'loading' });
  const [more, setMore] = useState<MoreAlerts>({ busy: false });

  // Filters change faster than pages arrive: only the answer to the latest request is shown.
  const latest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latest.current;
    try {
      const { alerts, nextCursor } = await alertsApi.page(filter);
      if (request !== latest.current) return;
      setMore({ busy: false });
      setState({ status: 'ready', alerts, nextCursor });
    } catch (error) {
      if (request !== latest.current) return;
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut, filter]);

  useEffect(() => {
    void load();
  }, [load]);

  async function showMore() {
    if (state.status !== 'ready' || !state.nextCursor) return;
    setMore({ busy: true });
    const request = latest.current;
    try {
      const next = await alertsApi.page(filter, state.nextCursor);
      if (request !== latest.current) return;
      setState((current) =>
        current.status === 'ready'
          ? { status: 'ready', alerts: [...current.alerts, ...next.alerts], nextCursor: next.nextCursor }
          : current,
      );
      setMore({ busy: false });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setMore({ busy: false, error: messageOf(error) });
    }
  }

  return { filter, setFilter, state, load, more, showMore };
}
