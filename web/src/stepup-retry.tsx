/**
 * Inline step-up for actions the server guards with `auth.step_up_required`: the action fails, the page asks the
 * person to confirm with their passkey, and the same action runs again.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { needsStepUp } from './api.js';
import { Button, Notice } from './components.js';
import { useStepUp } from './stepup.js';

interface Pending {
  label: string;
  retry: () => Promise<void>;
}

export function useStepUpRetry(onError: (error: unknown) => void) {
  const { t } = useTranslation();
  const stepUp = useStepUp();
  const [pending, setPending] = useState<Pending>();

  async function run(action: Pending): Promise<void> {
    try {
      await action.retry();
      setPending(undefined);
    } catch (error) {
      if (needsStepUp(error)) setPending(action);
      else onError(error);
    }
  }

  /** Runs `action`; when the server asks for a step-up, keeps it to retry after the confirmation. */
  function guarded(label: string, action: () => Promise<void>): Promise<void> {
    return run({ label, retry: action });
  }

  async function confirmAndRetry(): Promise<void> {
    const confirmed = await stepUp.confirm();
    if (!confirmed || !pending) return;
    const action = pending;
    setPending(undefined);
    await run(action);
  }

  const prompt = pending ? (
    <div className="stepup">
      <Notice tone="warning" title={t('stepUp.confirm')}>
        <p>{t('stepUp.toContinue', { action: pending.label })}</p>
      </Notice>
      {stepUp.error ? (
        <Notice tone="error" title={t('stepUp.notConfirmed')}>
          {stepUp.error}
        </Notice>
      ) : null}
      <div className="button-row">
        <Button
          variant="primary"
          busy={stepUp.busy}
          busyLabel={t('stepUp.waiting')}
          onClick={() => void confirmAndRetry()}
        >
          {t('stepUp.confirmAndContinue')}
        </Button>
        <Button variant="quiet" onClick={() => setPending(undefined)}>
          {t('cancel')}
        </Button>
      </div>
    </div>
  ) : null;

  return { guarded, prompt, cancel: () => setPending(undefined) };
}
