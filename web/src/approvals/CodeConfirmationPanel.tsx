/**
 * A panel of things someone set up that sign in or show nothing until a confirmer says they are theirs (a passkey
 * registered through an enrolment link, a driver's phone; issue 10, rows C and D). Whoever set one up can choose
 * what it shows, so Confirm asks for the confirmation code the person's own screen showed them, which the confirmer
 * asks them for and types (never shown here). A wrong code is refused and recorded; after five, only Reject is
 * left. Confirm and Reject ask for a passkey step-up first (the existing dialog, through `useAction`).
 * `PendingPasskeys` and `DriversPhones` are this panel with their own words.
 */
import { type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Field, Loading, Notice } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { useSession } from '../session.js';
import { useAction } from '../use-action.js';

/** What the panel needs of each waiting item: how many wrong codes were typed for it, and whether five were. */
export interface AwaitingCode {
  wrongCodes: number;
  locked: boolean;
}

/** How one waiting item is shown and named. */
export interface AwaitingCodeView {
  /** Its stable id: the list key, and the key of its busy buttons. */
  id: string;
  heading: ReactNode;
  /** What the confirmer looks at before deciding: notices, then the facts of the device, time and network. */
  facts: ReactNode;
  /** What it is, as the step-up prompt and the success notice say it ("Gina Clerk's passkey"). */
  whose: string;
  /** What it is, as the code form's name says it: "Confirmation code of …". */
  formName: string;
  /** What it is, as the Confirm… and Reject buttons' names say it: "Confirm …", "Reject …". */
  buttonName: string;
  /** The hint under the code field: where the person reads the code, and to never take it from a caller. */
  codeHint: string;
  /** The sentence after "… it can only be rejected now." once five wrong codes were typed. */
  lockedNext: string;
  /** The success notices of Confirm and Reject. */
  confirmed: string;
  rejected: string;
}

export interface CodeConfirmationPanelProps<Item extends AwaitingCode> {
  title: string;
  intro: ReactNode;
  /** What the items are: passkeys or phones, for "Five codes typed for this … were not its code". */
  noun: 'passkey' | 'phone';
  /** The prefix of each item's heading id. */
  idPrefix: string;
  loadingLabel: string;
  loadFailed: string;
  empty: string;
  load: () => Promise<Item[]>;
  view: (item: Item) => AwaitingCodeView;
  /** Confirms `item` with the typed `code`; `reload` loads the list again (to show a wrong code's count, say). */
  confirm: (item: Item, code: string, reload: () => Promise<void>) => Promise<unknown>;
  reject: (item: Item) => Promise<unknown>;
}

type PanelState<Item> =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; items: Item[] };

export function CodeConfirmationPanel<Item extends AwaitingCode>({
  title,
  intro,
  noun,
  idPrefix,
  loadingLabel,
  loadFailed,
  empty,
  load: fetchItems,
  view,
  confirm,
  reject,
}: CodeConfirmationPanelProps<Item>) {
  const { t } = useTranslation('approvals');
  const { signedOut } = useSession();
  const headingId = useId();
  const [state, setState] = useState<PanelState<Item>>({ status: 'loading' });

  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', items: await fetchItems() });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [fetchItems, signedOut]);

  useEffect(() => {
    void load();
  }, [load]);

  const { run, busyKey, done, feedback, cancel, clear } = useAction({ reload: load });
  // The item whose confirmation code is being asked for, and the code typed so far.
  const [asking, setAsking] = useState<string>();
  const [code, setCode] = useState('');

  const decide = (item: Item, seen: AwaitingCodeView, decision: 'confirm' | 'reject') => {
    cancel();
    const typed = code.trim();
    void run(
      `${decision}:${seen.id}`,
      decision === 'confirm'
        ? t('panel.stepUpConfirm', { whose: seen.whose })
        : t('panel.stepUpReject', { whose: seen.whose }),
      () => (decision === 'confirm' ? confirm(item, typed, load) : reject(item)),
      {
        done: decision === 'confirm' ? seen.confirmed : seen.rejected,
        after: () => {
          setAsking(undefined);
          setCode('');
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p className="muted">{intro}</p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}
      {state.status === 'loading' ? <Loading label={loadingLabel} /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title={loadFailed}>
          <p>{state.message}</p>
          <Button onClick={() => void load()}>{t('panel.tryAgain')}</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.items.length === 0 ? <p className="muted">{empty}</p> : null}
      {state.status === 'ready' && state.items.length > 0 ? (
        <ul className="phones-list">
          {state.items.map((item) => {
            const seen = view(item);
            return (
              <li key={seen.id}>
                <article className="approval-item" aria-labelledby={`${idPrefix}-${seen.id}`}>
                  <h3 id={`${idPrefix}-${seen.id}`}>{seen.heading}</h3>
                  {seen.facts}
                  {item.locked ? (
                    <Notice tone="error" title={t('panel.fiveWrong')}>
                      <p>
                        {noun === 'passkey' ? t('panel.lockedPasskey') : t('panel.lockedPhone')}{' '}
                        {seen.lockedNext}
                      </p>
                    </Notice>
                  ) : item.wrongCodes > 0 ? (
                    <p className="muted">{t('panel.wrongCodes', { count: item.wrongCodes })}</p>
                  ) : null}
                  {asking === seen.id && !item.locked ? (
                    <form
                      className="stack"
                      aria-label={t('panel.codeOf', { name: seen.formName })}
                      onSubmit={(event) => {
                        event.preventDefault();
                        if (code.trim()) decide(item, seen, 'confirm');
                      }}
                    >
                      <Field
                        label={t('panel.code')}
                        hint={seen.codeHint}
                        name="confirmation-code"
                        autoComplete="off"
                        spellCheck={false}
                        maxLength={20}
                        value={code}
                        onChange={(event) => setCode(event.target.value)}
                      />
                      <div className="button-row">
                        <Button
                          type="submit"
                          variant="primary"
                          busy={busyKey === `confirm:${seen.id}`}
                          busyLabel={t('panel.confirming')}
                          aria-disabled={!code.trim() || undefined}
                        >
                          {t('panel.confirmWithCode')}
                        </Button>
                        <Button
                          variant="quiet"
                          onClick={() => {
                            setAsking(undefined);
                            setCode('');
                          }}
                        >
                          {t('panel.cancel')}
                        </Button>
                      </div>
                    </form>
                  ) : null}
                  <div className="button-row">
                    {item.locked || asking === seen.id ? null : (
                      <Button
                        variant="primary"
                        aria-label={t('panel.confirmLabel', { name: seen.buttonName })}
                        onClick={() => {
                          cancel();
                          clear();
                          setCode('');
                          setAsking(seen.id);
                        }}
                      >
                        {t('panel.confirmOpen')}
                      </Button>
                    )}
                    <Button
                      variant="danger"
                      busy={busyKey === `reject:${seen.id}`}
                      busyLabel={t('panel.rejecting')}
                      aria-label={t('panel.rejectLabel', { name: seen.buttonName })}
                      onClick={() => decide(item, seen, 'reject')}
                    >
                      {t('panel.reject')}
                    </Button>
                  </div>
                </article>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
