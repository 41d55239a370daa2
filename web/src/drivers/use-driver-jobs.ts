/** The driver's jobs and this phone's standing, loaded apart so that one failing leaves the other shown. */
import { useCallback, useEffect, useState } from 'react';
import { isUnauthenticated, messageOf } from '../errors.js';
import { loadDeviceKey } from '../pickup-pass.js';
import { useSession } from '../session.js';
import { deviceApi } from './device-api.js';
import { type JobsState, myJobs, type PhoneState } from './driver-jobs.js';

export function useDriverJobs(userId: string) {
  const { signedOut } = useSession();
  const [jobs, setJobs] = useState<JobsState>({ status: 'loading' });
  const [phone, setPhone] = useState<PhoneState>({ status: 'loading' });

  const loadJobs = useCallback(async () => {
    setJobs({ status: 'loading' });
    try {
      setJobs({ status: 'ready', jobs: await myJobs() });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setJobs({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut]);

  const loadPhone = useCallback(async () => {
    try {
      const [key, devices] = await Promise.all([
        loadDeviceKey(userId).catch(() => undefined),
        deviceApi.mine(),
      ]);
      setPhone({ status: 'ready', key, devices });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setPhone({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut, userId]);

  useEffect(() => {
    void loadJobs();
    void loadPhone();
  }, [loadJobs, loadPhone]);

  return { jobs, loadJobs, phone, loadPhone };
}
