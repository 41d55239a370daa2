/**
 * Step-up for actions the server guards with `auth.step_up_required`, as one modal dialog (issue 14): it asks for the
 * passkey while the person's form stays as it was underneath (shown, not reset, its own controls inert while the
 * dialog is open); once confirmed, the same action runs; Cancel (or Escape) closes it and leaves the form untouched.
 *
 * An action the console knows needs a step-up (`needsStepUp`) opens the dialog before it is sent when the session's
 * step-up window (`stepUpUntil`) has passed, so the server is not first asked only to refuse. Any other action that
 * the server refuses for a step-up opens the same dialog and is sent again afterwards; the refusal is expected, so
 * nothing is reported as an error.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { needsStepUp as refusedForStepUp } from './api.js';
import { Button, Notice } from './components.js';
import { stepUpFresh, useSession } from './session.js';
import { useStepUp } from './stepup.js';

interface Pending {
  label: string;
  retry: () => Promise<void>;
}

/** The modal dialog itself: opened with `showModal`, so the page under it is inert and keeps its focus to return to. */
function StepUpDialog({
  label,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  label: string;
  busy: boolean;
  error: string | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => {
      if (element?.open) element.close();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="stepup-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(event) => {
        // Escape cancels as the button does, through the page's state, rather than closing the dialog behind it.
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={`${id}-title`} className="stepup-dialog-title">
        {t('stepUp.confirm')}
      </h2>
      <p id={`${id}-body`}>{t('stepUp.toContinue', { action: label })}</p>
      {error ? (
        <Notice tone="error" title={t('stepUp.notConfirmed')}>
          {error}
        </Notice>
      ) : null}
      <div className="button-row">
        <Button
          variant="primary"
          busy={busy}
          busyLabel={t('stepUp.waiting')}
          onClick={onConfirm}
          // The dialog's first action: where the keyboard starts.
          autoFocus
        >
          {t('stepUp.confirmAndContinue')}
        </Button>
        <Button variant="quiet" aria-disabled={busy || undefined} onClick={onCancel}>
          {t('cancel')}
        </Button>
      </div>
    </dialog>
  );
}

export function useStepUpRetry(onError: (error: unknown) => void) {
  const { state } = useSession();
  const stepUp = useStepUp();
  const [pending, setPending] = useState<Pending>();

  async function run(action: Pending): Promise<void> {
    try {
      await action.retry();
      setPending(undefined);
    } catch (error) {
      if (refusedForStepUp(error)) setPending(action);
      else onError(error);
    }
  }

  /**
   * Runs `action`; when it needs a step-up the session no longer has (`needsStepUp`), or the server asks for one,
   * keeps it to run after the confirmation.
   */
  function guarded(label: string, action: () => Promise<void>, needsStepUp = false): Promise<void> {
    const confirmed = state.status === 'signed-in' && stepUpFresh(state.session);
    if (needsStepUp && !confirmed) {
      setPending({ label, retry: action });
      return Promise.resolve();
    }
    return run({ label, retry: action });
  }

  async function confirmAndRetry(): Promise<void> {
    if (stepUp.busy) return;
    const confirmed = await stepUp.confirm();
    if (!confirmed || !pending) return;
    const action = pending;
    setPending(undefined);
    await run(action);
  }

  const prompt = pending ? (
    <StepUpDialog
      label={pending.label}
      busy={stepUp.busy}
      error={stepUp.error}
      onConfirm={() => void confirmAndRetry()}
      onCancel={() => setPending(undefined)}
    />
  ) : null;

  return { guarded, prompt, pending: pending !== undefined, cancel: () => setPending(undefined) };
}
