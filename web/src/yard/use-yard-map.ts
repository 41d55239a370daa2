/** Loads the yard map of one terminal; the fetch is marked on the Performance timeline for the benchmarks. */
import { useCallback, useEffect, useState } from 'react';
import { apiGet } from '../api.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { useSession } from '../session.js';
import type { YardMapAnswer } from './yard-model.js';

export function useYardMap(terminal: string) {
  const { signedOut } = useSession();
  const [map, setMap] = useState<YardMapAnswer>();
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    setError(undefined);
    setMap(undefined);
    performance.mark('yard-fetch-start');
    try {
      setMap(await apiGet<YardMapAnswer>(`/v1/terminals/${encodeURIComponent(terminal)}/yard`));
      performance.mark('yard-data');
    } catch (failure) {
      if (isUnauthenticated(failure)) signedOut();
      else setError(messageOf(failure));
    }
  }, [terminal, signedOut]);

  useEffect(() => {
    void load();
  }, [load]);

  return { map, error, load };
}
