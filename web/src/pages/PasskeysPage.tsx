import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('pages');
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
        label: label.trim() || t('passkeys.defaultLabel'),
      });
      setLabel('');
      setMessage(t('passkeys.added', { label: passkey.label }));
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
      setMessage(t('passkeys.removed', { label: passkey.label }));
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
      <PageHeading title={t('passkeys.title')} />
      <p className="lead">{t('passkeys.lead')}</p>
      {message ? <Notice tone="success">{message}</Notice> : null}

      <section className="card" aria-labelledby="list-heading">
        <h2 id="list-heading">{t('passkeys.registered')}</h2>
        {list.status === 'loading' ? <Loading label={t('passkeys.loading')} /> : null}
        {list.status === 'error' ? (
          <Notice tone="error" title={t('passkeys.failed')}>
            <p>{list.message}</p>
            <Button onClick={() => void reload()}>{t('passkeys.tryAgain')}</Button>
          </Notice>
        ) : null}
        {list.status === 'ready' && passkeys.length === 0 ? (
          <p className="muted">{t('passkeys.none')}</p>
        ) : null}
        {list.status === 'ready' && passkeys.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('passkeys.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('passkeys.name')}</th>
                  <th scope="col">{t('passkeys.addedAt')}</th>
                  <th scope="col">{t('passkeys.lastUsed')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('passkeys.actions')}</span>
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
                          <span className="chip">{t('passkeys.waiting')}</span>
                        </>
                      ) : null}
                    </th>
                    <td>{localDateTime(passkey.createdAt)}</td>
                    <td>{passkey.lastUsedAt ? localDateTime(passkey.lastUsedAt) : t('passkeys.never')}</td>
                    <td className="actions">
                      {removing === passkey.credentialId || onlyOne ? null : (
                        <Button
                          variant="quiet"
                          aria-label={t('passkeys.removeLabel', { label: passkey.label })}
                          onClick={() => {
                            setRemoveError(undefined);
                            setRemoving(passkey.credentialId);
                          }}
                        >
                          {t('passkeys.remove')}
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
          <p className="muted">{t('passkeys.pendingNote')}</p>
        ) : null}
        {list.status === 'ready' && onlyOne && passkeys.length === 1 ? (
          <p className="muted">{t('passkeys.onlyOne')}</p>
        ) : null}
        {passkeys
          .filter((passkey) => passkey.credentialId === removing)
          .map((passkey) => (
            <section key={passkey.credentialId} className="confirm" aria-labelledby="remove-heading">
              <h3 id="remove-heading">{t('passkeys.removeQuestion', { label: passkey.label })}</h3>
              <p>{t('passkeys.removeBody')}</p>
              {fresh ? null : <StepUpPanel session={session} reason={t('passkeys.removeStepUp')} />}
              {removeError ? (
                <Notice tone="error" title={t('passkeys.notRemoved')}>
                  {removeError}
                </Notice>
              ) : null}
              <div className="button-row">
                <Button
                  variant="danger"
                  busy={removeBusy}
                  busyLabel={t('passkeys.removing')}
                  aria-disabled={!fresh || undefined}
                  onClick={() => {
                    if (fresh) void remove(passkey);
                  }}
                >
                  {t('passkeys.removeIt')}
                </Button>
                <Button variant="quiet" onClick={() => setRemoving(undefined)}>
                  {t('passkeys.cancel')}
                </Button>
              </div>
            </section>
          ))}
      </section>

      <section className="card" aria-labelledby="add-heading">
        <h2 id="add-heading">{t('passkeys.add')}</h2>
        {stepUpShown || stepUpAsked ? (
          <StepUpPanel session={session} reason={t('passkeys.addStepUp')} />
        ) : null}
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (fresh && !adding) void add();
          }}
        >
          <Field
            label={t('passkeys.newName')}
            hint={t('passkeys.newNameHint')}
            name="label"
            maxLength={64}
            value={label}
            onChange={(event) => setLabel(event.target.value)}
          />
          {addError ? (
            <Notice tone="error" title={t('passkeys.notAdded')}>
              {addError}
            </Notice>
          ) : null}
          <div>
            <Button
              type="submit"
              variant={fresh ? 'primary' : 'secondary'}
              busy={adding}
              busyLabel={t('passkeys.waitingNew')}
              aria-disabled={!fresh || undefined}
              aria-describedby={fresh ? undefined : 'add-needs-stepup'}
            >
              {t('passkeys.add')}
            </Button>
            {fresh ? null : (
              <p id="add-needs-stepup" className="field-hint">
                {t('passkeys.confirmFirst')}
              </p>
            )}
          </div>
        </form>
      </section>
    </div>
  );
}
