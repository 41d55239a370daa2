/**
 * "Pending passkeys": a terminal supervisor (for the people of their terminal) or a port administrator (for
 * anyone) confirms or rejects a passkey someone registered through a one-time enrolment link (issue 10, row D).
 * A link can be stolen on its way, so the passkey signs nobody in until a person who knows its holder has looked at
 * the device, the time and the network it came from. Confirm and Reject ask for a passkey step-up first (the
 * existing dialog, through `useAction`).
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { api, type PendingEnrolment } from './api.js';
import { Button, Loading, Notice } from './components.js';
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

  const { run, busyKey, done, feedback, cancel } = useAction({ reload: load });

  const decide = (enrolment: PendingEnrolment, decision: 'confirm' | 'reject') => {
    cancel();
    const whose = `${enrolment.person.displayName}'s passkey`;
    void run(
      `${decision}:${enrolment.enrolmentId}`,
      `${decision} ${whose}`,
      () => api.decideEnrolment(enrolment.enrolmentId, decision),
      {
        done:
          decision === 'confirm'
            ? `You confirmed ${whose}: ${enrolment.person.displayName} can sign in with it now.`
            : `You rejected ${whose}: it never signs in. ${enrolment.person.displayName} needs a new enrolment link from a port administrator.`,
      },
    );
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Pending passkeys</h2>
      <p className="muted">
        A passkey registered through an enrolment link signs in only once you confirm it. Confirm only a
        passkey you know the person set up themselves: ask them when, on which device and from where, and
        compare. If they did not, reject it: someone else used their link.
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
                  <div className="button-row">
                    <Button
                      variant="primary"
                      busy={busyKey === `confirm:${enrolment.enrolmentId}`}
                      busyLabel="Confirming…"
                      aria-label={`Confirm ${name}'s passkey`}
                      onClick={() => decide(enrolment, 'confirm')}
                    >
                      Confirm
                    </Button>
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
