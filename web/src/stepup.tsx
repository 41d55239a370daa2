/** "Confirm it's you": a fresh passkey assertion that sensitive actions need (valid for 5 minutes). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Session } from './api.js';
import { localTime } from './clock.js';
import { Button, Notice, useNow } from './components.js';
import { isUnauthenticated, messageOf } from './errors.js';
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
  const { t } = useTranslation();
  const now = useNow(10_000);
  const { confirm, busy, error } = useStepUp();
  const fresh = stepUpFresh(session, now);
  return (
    <div className="stepup">
      {fresh && session.stepUpUntil ? (
        <Notice tone="success" title={t('stepUp.confirmed')}>
          {t('stepUp.confirmedUntil', { time: localTime(session.stepUpUntil) })}
        </Notice>
      ) : (
        <p className="muted">{reason ?? t('stepUp.why')}</p>
      )}
      {error ? (
        <Notice tone="error" title={t('stepUp.notConfirmed')}>
          {error}
        </Notice>
      ) : null}
      <Button
        variant={fresh ? 'secondary' : 'primary'}
        busy={busy}
        busyLabel={t('stepUp.waiting')}
        onClick={() => void confirm()}
      >
        {fresh ? t('stepUp.again') : t('stepUp.confirm')}
      </Button>
    </div>
  );
}
