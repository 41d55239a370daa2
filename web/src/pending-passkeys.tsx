/**
 * "Pending passkeys": a terminal supervisor (for the people of their terminal) or a port administrator (for
 * anyone) confirms or rejects a passkey someone registered through a one-time enrolment link (issue 10, row D).
 * A link can be stolen on its way, so the passkey signs nobody in until a person who knows its holder has looked at
 * the device, the time and the network it came from. Whoever holds a link can enrol first, and the device they
 * show is theirs to choose; so Confirm asks for the confirmation code the person's enrolment page showed them, which
 * the confirmer asks them for and types (never shown here). A wrong code is refused and recorded; after five, only
 * Reject is left. Confirm and Reject ask for a passkey step-up first (the existing dialog, through `useAction`).
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { api, type PendingEnrolment } from './api.js';
import { Button, Field, Loading, Notice } from './components.js';
import { isUnauthenticated, messageOf } from './errors.js';
import { formatDateTime, roleName } from './labels.js';
import { useSession } from './session.js';
import { useAction } from './use-action.js';

type PanelState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; enrolments: PendingEnrolment[] };

export function PendingPasskeys() {
  const { signedOut } = useSession();
  const headingId = useId();
  const [state, setState] = useState<PanelState>({ status: 'loading' });

  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', enrolments: await api.pendingEnrolments() });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut]);

  useEffect(() => {
    void load();
  }, [load]);

  const { run, busyKey, done, feedback, cancel, clear } = useAction({ reload: load });
  // The enrolment whose code is being asked for, and the code typed so far.
  const [asking, setAsking] = useState<string>();
  const [code, setCode] = useState('');

  const decide = (enrolment: PendingEnrolment, decision: 'confirm' | 'reject') => {
    cancel();
    const whose = `${enrolment.person.displayName}'s passkey`;
    void run(
      `${decision}:${enrolment.enrolmentId}`,
      `${decision} ${whose}`,
      () =>
        api.decideEnrolment(
          enrolment.enrolmentId,
          decision === 'confirm' ? { decision, code: code.trim() } : { decision },
        ),
      {
        done:
          decision === 'confirm'
            ? `You confirmed ${whose}: ${enrolment.person.displayName} can sign in with it now.`
            : `You rejected ${whose}: it never signs in. ${enrolment.person.displayName} needs a new enrolment link from a port administrator.`,
        after: () => {
          setAsking(undefined);
          setCode('');
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Pending passkeys</h2>
      <p className="muted">
        A passkey registered through an enrolment link signs in only once you confirm it. Its enrolment page
        showed the person a confirmation code: ask them for it yourself, face to face or on a call you place
        to a number you know, and type it to confirm. If they have no code (their link was already used when
        they opened it), the passkey is not theirs: reject it.
      </p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}
      {state.status === 'loading' ? <Loading label="Loading the passkeys waiting for you…" /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title="The pending passkeys could not be loaded">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.enrolments.length === 0 ? (
        <p className="muted">No passkey is waiting for you.</p>
      ) : null}
      {state.status === 'ready' && state.enrolments.length > 0 ? (
        <ul className="phones-list">
          {state.enrolments.map((enrolment) => {
            const { person, device } = enrolment;
            const name = person.displayName;
            return (
              <li key={enrolment.enrolmentId}>
                <article className="approval-item" aria-labelledby={`enrolment-${enrolment.enrolmentId}`}>
                  <h3 id={`enrolment-${enrolment.enrolmentId}`}>
                    {name} · {person.username} · {person.orgName}
                  </h3>
                  {enrolment.otherEnrolments > 0 ? (
                    <Notice tone="error" title="Another enrolment of this person">
                      <p>
                        {name} has {enrolment.otherEnrolments} other enrolment
                        {enrolment.otherEnrolments === 1 ? '' : 's'}: at most one of them is theirs. Ask them
                        which.
                      </p>
                    </Notice>
                  ) : null}
                  <dl className="approval-facts">
                    <div>
                      <dt>Roles</dt>
                      <dd>{person.roles.map(roleName).join(', ')}</dd>
                    </div>
                    <div>
                      <dt>Registered</dt>
                      <dd>{formatDateTime(enrolment.registeredAt)}</dd>
                    </div>
                    <div>
                      <dt>Network</dt>
                      <dd className="mono">{enrolment.ip}</dd>
                    </div>
                    <div>
                      <dt>Browser</dt>
                      <dd>{device.userAgent || 'not given'}</dd>
                    </div>
                    <div>
                      <dt>Authenticator</dt>
                      <dd>
                        {device.authenticator ?? 'unknown'}{' '}
                        <span className="mono muted">{device.aaguid}</span>
                      </dd>
                    </div>
                  </dl>
                  {enrolment.locked ? (
                    <Notice tone="error" title="Five wrong confirmation codes">
                      <p>
                        Five codes typed for this passkey were not its code: it can only be rejected now.{' '}
                        {name} needs a new enrolment link.
                      </p>
                    </Notice>
                  ) : enrolment.wrongCodes > 0 ? (
                    <p className="muted">
                      {enrolment.wrongCodes} wrong confirmation code{enrolment.wrongCodes === 1 ? '' : 's'}{' '}
                      typed so far.
                    </p>
                  ) : null}
                  {asking === enrolment.enrolmentId && !enrolment.locked ? (
                    <form
                      className="stack"
                      aria-label={`Confirmation code of ${name}'s passkey`}
                      onSubmit={(event) => {
                        event.preventDefault();
                        if (code.trim()) decide(enrolment, 'confirm');
                      }}
                    >
                      <Field
                        label="Confirmation code"
                        hint={`Ask ${name} for the code their enrolment page shows (XXXX-XXXX), in person or on a call you place. Never take it from a message or from a caller.`}
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
                          busy={busyKey === `confirm:${enrolment.enrolmentId}`}
                          busyLabel="Confirming…"
                          aria-disabled={!code.trim() || undefined}
                        >
                          Confirm with this code
                        </Button>
                        <Button
                          variant="quiet"
                          onClick={() => {
                            setAsking(undefined);
                            setCode('');
                          }}
                        >
                          Cancel
                        </Button>
                      </div>
                    </form>
                  ) : null}
                  <div className="button-row">
                    {enrolment.locked || asking === enrolment.enrolmentId ? null : (
                      <Button
                        variant="primary"
                        aria-label={`Confirm ${name}'s passkey`}
                        onClick={() => {
                          cancel();
                          clear();
                          setCode('');
                          setAsking(enrolment.enrolmentId);
                        }}
                      >
                        Confirm…
                      </Button>
                    )}
                    <Button
                      variant="danger"
                      busy={busyKey === `reject:${enrolment.enrolmentId}`}
                      busyLabel="Rejecting…"
                      aria-label={`Reject ${name}'s passkey`}
                      onClick={() => decide(enrolment, 'reject')}
                    >
                      Reject
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
