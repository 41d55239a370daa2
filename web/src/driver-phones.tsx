/**
 * "Drivers' phones": the haulier planner confirms or rejects a phone a driver set up for rotating pickup passes
 * (issue 10, row C). A driver's password and TOTP seed can be keylogged, so a phone is of no use until someone of
 * his own haulier, signed in with a passkey and confirming again with it (step-up), says it is his. Confirming a
 * phone replaces the driver's previous one.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { Button, Loading, Notice } from './components.js';
import { isUnauthenticated, messageOf } from './errors.js';
import { formatDateTime } from './labels.js';
import { deviceApi, type PendingDriverDevice } from './pickup.js';
import { useSession } from './session.js';
import { useAction } from './use-action.js';

type PanelState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; phones: PendingDriverDevice[] };

export function DriversPhones() {
  const { signedOut } = useSession();
  const headingId = useId();
  const [state, setState] = useState<PanelState>({ status: 'loading' });

  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', phones: await deviceApi.pending() });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setState({ status: 'error', message: messageOf(error) });
    }
  }, [signedOut]);

  useEffect(() => {
    void load();
  }, [load]);

  const { run, busyKey, done, feedback, cancel } = useAction({ reload: load });

  const decide = (phone: PendingDriverDevice, decision: 'confirm' | 'reject') => {
    cancel();
    const who = `${phone.driverName}'s phone “${phone.label}”`;
    void run(
      `${decision}:${phone.deviceId}`,
      `${decision} ${who}`,
      () => (decision === 'confirm' ? deviceApi.confirm(phone.deviceId) : deviceApi.reject(phone.deviceId)),
      {
        done:
          decision === 'confirm'
            ? `You confirmed ${who}: it now shows ${phone.driverName}'s pickup passes, and any phone before it no longer does.`
            : `You rejected ${who}: it shows no pickup pass.`,
      },
    );
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Drivers' phones</h2>
      <p className="muted">
        A driver's phone shows his pickup passes only once you confirm it. Confirm only a phone you know the
        driver set up himself: ask him for the key fingerprint his phone shows, and compare.
      </p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}
      {state.status === 'loading' ? <Loading label="Loading the phones waiting for you…" /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title="The drivers' phones could not be loaded">
          <p>{state.message}</p>
          <Button onClick={() => void load()}>Try again</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' && state.phones.length === 0 ? (
        <p className="muted">No driver's phone is waiting for you.</p>
      ) : null}
      {state.status === 'ready' && state.phones.length > 0 ? (
        <ul className="phones-list">
          {state.phones.map((phone) => (
            <li key={phone.deviceId}>
              <article className="approval-item" aria-labelledby={`phone-${phone.deviceId}`}>
                <h3 id={`phone-${phone.deviceId}`}>
                  {phone.driverName} · “{phone.label}”
                </h3>
                <dl className="approval-facts">
                  <div>
                    <dt>Key fingerprint</dt>
                    <dd className="mono">{phone.fingerprint}</dd>
                  </div>
                  <div>
                    <dt>Set up</dt>
                    <dd>{formatDateTime(phone.enrolledAt)}</dd>
                  </div>
                  <div>
                    <dt>Network</dt>
                    <dd className="mono">{phone.ip}</dd>
                  </div>
                  <div>
                    <dt>Browser</dt>
                    <dd>{phone.userAgent}</dd>
                  </div>
                </dl>
                <div className="button-row">
                  <Button
                    variant="primary"
                    busy={busyKey === `confirm:${phone.deviceId}`}
                    busyLabel="Confirming…"
                    aria-label={`Confirm ${phone.driverName}'s phone ${phone.label}`}
                    onClick={() => decide(phone, 'confirm')}
                  >
                    Confirm
                  </Button>
                  <Button
                    variant="danger"
                    busy={busyKey === `reject:${phone.deviceId}`}
                    busyLabel="Rejecting…"
                    aria-label={`Reject ${phone.driverName}'s phone ${phone.label}`}
                    onClick={() => decide(phone, 'reject')}
                  >
                    Reject
                  </Button>
                </div>
              </article>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
