/** "Confirm it's you": a fresh passkey assertion that sensitive actions need (valid for 5 minutes). */
import { useState } from 'react';
import { api, type Session } from './api.js';
import { Button, Notice, useNow } from './components.js';
import { isUnauthenticated, messageOf } from './errors.js';
import { formatTime } from './labels.js';
import { signWithPasskey } from './passkeys.js';
import { stepUpFresh, useSession } from './session.js';

export function useStepUp() {
  const { signedIn, signedOut } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function confirm(): Promise<Session | undefined> {
    setBusy(true);
    setError(undefined);
    try {
      const { challengeId, options } = await api.stepUpOptions();
      const response = await signWithPasskey(options);
      const session = await api.stepUpVerify({ challengeId, response });
      signedIn(session);
      return session;
    } catch (caught) {
      if (isUnauthenticated(caught)) signedOut();
      else setError(messageOf(caught));
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  return { confirm, busy, error };
}

/** The step-up button with its state: confirmed until when, or why it is needed. */
export function StepUpPanel({ session, reason }: { session: Session; reason?: string }) {
  const now = useNow(10_000);
  const { confirm, busy, error } = useStepUp();
  const fresh = stepUpFresh(session, now);
  return (
    <div className="stepup">
      {fresh && session.stepUpUntil ? (
        <Notice tone="success" title="Confirmed">
          You confirmed it's you. Sensitive actions will not ask again until {formatTime(session.stepUpUntil)}
          .
        </Notice>
      ) : (
        <p className="muted">
          {reason ??
            'Some actions, such as adding or removing a passkey, need you to confirm it is you with your passkey. A confirmation lasts 5 minutes.'}
        </p>
      )}
      {error ? (
        <Notice tone="error" title="Not confirmed">
          {error}
        </Notice>
      ) : null}
      <Button
        variant={fresh ? 'secondary' : 'primary'}
        busy={busy}
        busyLabel="Waiting for your passkey…"
        onClick={() => void confirm()}
      >
        {fresh ? 'Confirm again' : "Confirm it's you"}
      </Button>
    </div>
  );
}
