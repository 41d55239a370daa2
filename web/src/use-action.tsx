/**
 * One action of a page or form sent to the server: which control is busy, what it achieved, why it failed (the
 * problem+json detail, or the page's own sentence), a passkey step-up in one modal dialog — before the call when the
 * action is known to need one and the session's has lapsed, or when the server answers `auth.step_up_required` — and
 * the page's data loaded again once it worked. A 401 signs the person out.
 */
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Notice } from './components.js';
import { isUnauthenticated, messageOf } from './errors.js';
import { useSession } from './session.js';
import { useStepUpRetry } from './stepup-retry.js';

export interface ActionOptions<Result, Done> {
  /** What to tell the person once the call worked: a value, or one made from the server's answer. */
  done?: Done | ((result: Result) => Done);
  /** Runs once the call worked, after `done` is set and before the reload (close a panel, empty a field…). */
  after?: (result: Result) => void | Promise<void>;
  /**
   * The server asks a fresh passkey step-up for this action: when the session's has lapsed, the step-up dialog
   * opens before the call is sent rather than after the server refused it.
   */
  stepUp?: boolean;
}

export interface UseActionOptions {
  /** Loads the page's data again after every action that worked. */
  reload?: () => void | Promise<void>;
  /** What a 401 does; the session's sign-out unless given. */
  signedOut?: () => void;
}

/**
 * Sends actions with shared busy / done / failed state and the inline passkey step-up.
 * `Done` is what a success shows: a sentence by default, or any shape the page renders itself.
 *
 * @example
 * const { run, busyKey, done, feedback } = useAction({ reload: load });
 * <Button busy={busyKey === `ack:${id}`} onClick={() => void run(`ack:${id}`, 'acknowledge the alert',
 *   () => apiPost(`/v1/alerts/${id}/acknowledge`), { done: 'Alert acknowledged.' })}>Acknowledge</Button>
 * {done ? <Notice tone="success">{done}</Notice> : null}
 * {feedback}
 */
export function useAction<Done = string>({ reload, signedOut }: UseActionOptions = {}) {
  const { t } = useTranslation();
  const session = useSession();
  const signOut = signedOut ?? session.signedOut;
  const [busyKey, setBusyKey] = useState<string>();
  const [done, setDone] = useState<Done>();
  // An error as thrown (forms read its code to show it under a field), or a sentence of the page's own.
  const [problem, setProblem] = useState<unknown>();

  /** Shows why something did not work: an error from the server, or a sentence (a missing input, say). */
  const fail = (error: unknown) => {
    if (isUnauthenticated(error)) signOut();
    else setProblem(error);
  };
  const { guarded, prompt, cancel } = useStepUpRetry(fail);

  /**
   * Runs `call` with the control `key` busy; `label` finishes "To …, confirm with your passkey" if the server asks
   * for a step-up, after which the same call runs again.
   */
  async function run<Result>(
    key: string,
    label: string,
    call: () => Promise<Result>,
    options: ActionOptions<Result, Done> = {},
  ): Promise<void> {
    setBusyKey(key);
    setDone(undefined);
    setProblem(undefined);
    try {
      await guarded(
        label,
        async () => {
          const result = await call();
          if (options.done !== undefined)
            setDone(
              typeof options.done === 'function'
                ? (options.done as (result: Result) => Done)(result)
                : options.done,
            );
          await options.after?.(result);
          await reload?.();
        },
        options.stepUp,
      );
    } finally {
      setBusyKey(undefined);
    }
  }

  /** Forgets the last outcome, as when another panel opens. */
  function clear() {
    setDone(undefined);
    setProblem(undefined);
  }

  const failed =
    problem === undefined ? undefined : typeof problem === 'string' ? problem : messageOf(problem);

  /** The failure notice and the step-up prompt, where the page shows them. */
  const feedback: ReactNode = (
    <>
      {failed ? (
        <Notice tone="error" title={t('didNotWork')}>
          <p>{failed}</p>
        </Notice>
      ) : null}
      {prompt}
    </>
  );

  return {
    run,
    busyKey,
    busy: busyKey !== undefined,
    done,
    setDone,
    failed,
    problem,
    fail,
    clear,
    prompt,
    cancel,
    feedback,
  };
}
