/** Who is signed in, shared by every page. Loaded only by pages that need it, so /login stays quiet. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, forgetSession, type Session } from './api.js';

export type SessionState =
  | { status: 'unknown' }
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; session: Session }
  | { status: 'error'; error: ApiError };

interface SessionContextValue {
  state: SessionState;
  load(): Promise<void>;
  signedIn(session: Session): void;
  signedOut(): void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'unknown' });

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      setState({ status: 'signed-in', session: await api.session() });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ status: 'signed-out' });
      else
        setState({
          status: 'error',
          error: error instanceof ApiError ? error : new ApiError(0, 'client.error', String(error)),
        });
    }
  }, []);

  const signedIn = useCallback((session: Session) => setState({ status: 'signed-in', session }), []);
  const signedOut = useCallback(() => {
    forgetSession();
    setState({ status: 'signed-out' });
  }, []);

  const value = useMemo(() => ({ state, load, signedIn, signedOut }), [state, load, signedIn, signedOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** Loads the session once when a page that needs it first renders. */
export function useSessionLoaded(): SessionState {
  const { state, load } = useSession();
  useEffect(() => {
    if (state.status === 'unknown') void load();
  }, [state.status, load]);
  return state;
}

/** Whether a passkey confirmation is still fresh enough for sensitive actions. */
/**
 * Whether the signed-in person holds a permission of the policy table, as the server reported it in the session:
 * the console follows the one table the server enforces, and keeps no copy of it.
 */
export function holds(session: Session, permission: string): boolean {
  return session.permissions?.includes(permission) ?? false;
}

export function stepUpFresh(session: Session, now: number = Date.now()): boolean {
  return session.stepUpUntil !== null && Date.parse(session.stepUpUntil) > now;
}

/** One-shot messages carried across a navigation ("You are signed out."). */
let flash: string | undefined;

export function setFlash(message: string): void {
  flash = message;
}

/** The pending message, shown once: it is cleared after the page that shows it has mounted. */
export function useFlash(): string | undefined {
  const [message] = useState(() => flash);
  useEffect(() => {
    flash = undefined;
  }, []);
  return message;
}
