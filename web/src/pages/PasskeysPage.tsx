import { useCallback, useEffect, useState } from 'react';
import { api, needsStepUp, type Passkey, type Session } from '../api.js';
import { localDateTime } from '../clock.js';
import { Button, Field, Loading, Notice, PageHeading, useNow } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { createPasskey } from '../passkeys.js';
import { stepUpFresh, useSession } from '../session.js';
import { StepUpPanel } from '../stepup.js';

type ListState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; passkeys: Passkey[] };

export function PasskeysPage({ session }: { session: Session }) {
  const { signedOut } = useSession();
  const now = useNow(10_000);
  const fresh = stepUpFresh(session, now);
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [message, setMessage] = useState<string>();

  const [label, setLabel] = useState('');
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<string>();
  const [stepUpAsked, setStepUpAsked] = useState(false);
  // Once the page has asked for a step-up, keep the panel: it then shows until when the confirmation holds.
  const [stepUpShown, setStepUpShown] = useState(() => !stepUpFresh(session));
  useEffect(() => {
    if (!fresh) setStepUpShown(true);
  }, [fresh]);

  const [removing, setRemoving] = useState<string>();
  const [removeBusy, setRemoveBusy] = useState(false);
  const [removeError, setRemoveError] = useState<string>();

  const failed = useCallback(
    (error: unknown, show: (message: string) => void) => {
      if (isUnauthenticated(error)) signedOut();
      else if (needsStepUp(error)) setStepUpAsked(true);
      else show(messageOf(error));
    },
    [signedOut],
  );

  const reload = useCallback(async () => {
    try {
      setList({ status: 'ready', passkeys: await api.listPasskeys() });
    } catch (error) {
      failed(error, (message) => setList({ status: 'error', message }));
    }
  }, [failed]);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function add() {
    setAdding(true);
    setAddError(undefined);
    setMessage(undefined);
    try {
      const { challengeId, options } = await api.addPasskeyOptions();
      const response = await createPasskey(options);
      const passkey = await api.addPasskeyVerify({
        challengeId,
        response,
        label: label.trim() || 'Passkey',
      });
      setLabel('');
      setMessage(
        `Passkey “${passkey.label}” added. For your safety you were signed out everywhere else; sign in again on your other devices.`,
      );
      await reload();
    } catch (error) {
      failed(error, setAddError);
    } finally {
      setAdding(false);
    }
  }

  async function remove(passkey: Passkey) {
    setRemoveBusy(true);
    setRemoveError(undefined);
    setMessage(undefined);
    try {
      await api.removePasskey(passkey.credentialId);
      setRemoving(undefined);
      setMessage(`Passkey “${passkey.label}” removed. It can no longer sign in to PortLedger.`);
      await reload();
    } catch (error) {
      failed(error, setRemoveError);
    } finally {
      setRemoveBusy(false);
    }
  }

  const passkeys = list.status === 'ready' ? list.passkeys : [];
  const onlyOne = passkeys.length <= 1;

  return (
    <div className="page">
      <PageHeading title="Your passkeys" />
      <p className="lead">
        Passkeys are how you sign in. Keep at least two, for example this computer and a security key, so that
        losing one does not lock you out.
      </p>
      {message ? <Notice tone="success">{message}</Notice> : null}

      <section className="card" aria-labelledby="list-heading">
        <h2 id="list-heading">Registered passkeys</h2>
        {list.status === 'loading' ? <Loading label="Loading your passkeys…" /> : null}
        {list.status === 'error' ? (
          <Notice tone="error" title="Your passkeys could not be loaded">
            <p>{list.message}</p>
            <Button onClick={() => void reload()}>Try again</Button>
          </Notice>
        ) : null}
        {list.status === 'ready' && passkeys.length === 0 ? <p className="muted">No passkeys yet.</p> : null}
        {list.status === 'ready' && passkeys.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Your passkeys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Added</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {passkeys.map((passkey) => (
                  <tr key={passkey.credentialId}>
                    <th scope="row">
                      {passkey.label}
                      {passkey.status === 'pending' ? (
                        <>
                          {' '}
                          <span className="chip">waiting for confirmation</span>
                        </>
                      ) : null}
                    </th>
                    <td>{localDateTime(passkey.createdAt)}</td>
                    <td>{passkey.lastUsedAt ? localDateTime(passkey.lastUsedAt) : 'Never'}</td>
                    <td className="actions">
                      {removing === passkey.credentialId || onlyOne ? null : (
                        <Button
                          variant="quiet"
                          aria-label={`Remove passkey ${passkey.label}`}
                          onClick={() => {
                            setRemoveError(undefined);
                            setRemoving(passkey.credentialId);
                          }}
                        >
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {passkeys.some((passkey) => passkey.status === 'pending') ? (
          <p className="muted">
            A passkey waiting for confirmation signs you in only once a supervisor of your terminal or a port
            administrator confirms it, with the code its enrolment page showed you.
          </p>
        ) : null}
        {list.status === 'ready' && onlyOne && passkeys.length === 1 ? (
          <p className="muted">Your only passkey cannot be removed. Add another one first.</p>
        ) : null}
        {passkeys
          .filter((passkey) => passkey.credentialId === removing)
          .map((passkey) => (
            <section key={passkey.credentialId} className="confirm" aria-labelledby="remove-heading">
              <h3 id="remove-heading">Remove “{passkey.label}”?</h3>
              <p>The device or key holding it will no longer sign in to PortLedger.</p>
              {fresh ? null : (
                <StepUpPanel
                  session={session}
                  reason="Removing a passkey needs you to confirm it's you first."
                />
              )}
              {removeError ? (
                <Notice tone="error" title="Not removed">
                  {removeError}
                </Notice>
              ) : null}
              <div className="button-row">
                <Button
                  variant="danger"
                  busy={removeBusy}
                  busyLabel="Removing…"
                  aria-disabled={!fresh || undefined}
                  onClick={() => {
                    if (fresh) void remove(passkey);
                  }}
                >
                  Remove passkey
                </Button>
                <Button variant="quiet" onClick={() => setRemoving(undefined)}>
                  Cancel
                </Button>
              </div>
            </section>
          ))}
      </section>

      <section className="card" aria-labelledby="add-heading">
        <h2 id="add-heading">Add a passkey</h2>
        {stepUpShown || stepUpAsked ? (
          <StepUpPanel
            session={session}
            reason="Adding a passkey needs you to confirm it's you first, with a passkey you already have."
          />
        ) : null}
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (fresh && !adding) void add();
          }}
        >
          <Field
            label="Name for the new passkey"
            hint="For example “Gate office PC” or “Blue security key”."
            name="label"
            maxLength={64}
            value={label}
            onChange={(event) => setLabel(event.target.value)}
          />
          {addError ? (
            <Notice tone="error" title="The passkey was not added">
              {addError}
            </Notice>
          ) : null}
          <div>
            <Button
              type="submit"
              variant={fresh ? 'primary' : 'secondary'}
              busy={adding}
              busyLabel="Waiting for the new passkey…"
              aria-disabled={!fresh || undefined}
              aria-describedby={fresh ? undefined : 'add-needs-stepup'}
            >
              Add a passkey
            </Button>
            {fresh ? null : (
              <p id="add-needs-stepup" className="field-hint">
                Confirm it's you above first.
              </p>
            )}
          </div>
        </form>
      </section>
    </div>
  );
}
