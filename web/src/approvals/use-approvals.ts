/** The requests awaiting the person's decision; a 401 signs the person out. */
import { useCallback, useEffect, useState } from 'react';
import { isUnauthenticated, messageOf } from '../errors.js';
import { useSession } from '../session.js';
import { type ApprovalRequest, approvalsApi } from './approval-requests.js';

export type ApprovalsState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; inbox: ApprovalRequest[] };

export function useApprovals() {
  const { signedOut } = useSession();
  const [state, setState] = useState<ApprovalsState>({ status: 'loading' });
  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', ...(await approvalsApi.load()) });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut]);
  useEffect(() => {
    void load();
  }, [load]);
  return { state, load };
}
