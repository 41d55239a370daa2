/**
 * "Drivers' phones": the haulier planner confirms or rejects a phone a driver set up for rotating pickup passes
 * (issue 10, row C). A driver's password and TOTP seed can be keylogged, so a phone is of no use until someone of
 * his own haulier, signed in with a passkey and confirming again with it (step-up), says it is his. Whoever holds
 * those can set up a phone of their own, with a name of their choosing; so Confirm asks for the confirmation code
 * the driver's phone shows him, which the planner asks him for (in person, or on a call the planner places) and
 * types; it is never shown here. A wrong code is refused and recorded; after five, only Reject is left. Confirm and
 * Reject ask for a passkey step-up first (the existing dialog, through `useAction`). Confirming a phone replaces
 * the driver's previous one.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { ApiError } from './api.js';
import { Button, Field, Loading, Notice } from './components.js';
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

  const { run, busyKey, done, feedback, cancel, clear } = useAction({ reload: load });
  // The phone whose confirmation code is being asked for, and the code typed so far.
  const [asking, setAsking] = useState<string>();
  const [code, setCode] = useState('');

  const decide = (phone: PendingDriverDevice, decision: 'confirm' | 'reject') => {
    cancel();
    const who = `${phone.driverName}'s phone “${phone.label}”`;
    const typed = code.trim();
    void run(
      `${decision}:${phone.deviceId}`,
      `${decision} ${who}`,
      async () => {
        if (decision === 'reject') return deviceApi.reject(phone.deviceId);
        try {
          return await deviceApi.confirm(phone.deviceId, typed);
        } catch (error) {
          // A wrong code is counted: show the count (and the lock after the fifth) beside the refusal.
          if (
            error instanceof ApiError &&
            (error.code === 'driver.device_code_mismatch' || error.code === 'driver.device_locked')
          )
            await load();
          throw error;
        }
      },
      {
        done:
          decision === 'confirm'
            ? `You confirmed ${who}: it now shows ${phone.driverName}'s pickup passes, and any phone before it no longer does.`
            : `You rejected ${who}: it shows no pickup pass.`,
        after: () => {
          setAsking(undefined);
          setCode('');
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Drivers' phones</h2>
      <p className="muted">
        A driver's phone shows his pickup passes only once you confirm it. His phone shows him a confirmation
        code while it waits: ask him for it yourself, face to face or on a call you place to a number you
        know, and type it to confirm. If he has no code (he did not set up a phone), the phone is not his:
        reject it.
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
                {phone.locked ? (
                  <Notice tone="error" title="Five wrong confirmation codes">
                    <p>
                      Five codes typed for this phone were not its code: it can only be rejected now. If it is{' '}
                      {phone.driverName}'s, he sets it up again.
                    </p>
                  </Notice>
                ) : phone.wrongCodes > 0 ? (
                  <p className="muted">
                    {phone.wrongCodes} wrong confirmation code{phone.wrongCodes === 1 ? '' : 's'} typed so
                    far.
                  </p>
                ) : null}
                {asking === phone.deviceId && !phone.locked ? (
                  <form
                    className="stack"
                    aria-label={`Confirmation code of ${phone.driverName}'s phone`}
                    onSubmit={(event) => {
                      event.preventDefault();
                      if (code.trim()) decide(phone, 'confirm');
                    }}
                  >
                    <Field
                      label="Confirmation code"
                      hint={`Ask ${phone.driverName} for the code his phone shows under My jobs (XXXX-XXXX), in person or on a call you place. Never take it from a message or from a caller.`}
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
                        busy={busyKey === `confirm:${phone.deviceId}`}
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
                  {phone.locked || asking === phone.deviceId ? null : (
                    <Button
                      variant="primary"
                      aria-label={`Confirm ${phone.driverName}'s phone ${phone.label}`}
                      onClick={() => {
                        cancel();
                        clear();
                        setCode('');
                        setAsking(phone.deviceId);
                      }}
                    >
                      Confirm…
                    </Button>
                  )}
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
