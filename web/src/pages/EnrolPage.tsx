import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { ApiError, api, type EnrolmentChallenge, type EnrolmentPending } from '../api.js';
import { yourTime } from '../clock.js';
import { Button, Field, Loading, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { AuthLayout } from '../layout.js';
import { createPasskey } from '../passkeys.js';
import { Link } from '../router.js';

/** The one-time token travels in the fragment (`/enrol#token=…`), which never reaches a server log. */
function tokenFromFragment(): string | undefined {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token')?.trim();
  return token ? token : undefined;
}

/** Challenges are short-lived: fetch a new one before creating the passkey when this one is old. */
const challengeMaxAgeMs = 2 * 60_000;

type State =
  | { step: 'checking' }
  | { step: 'missing' }
  | { step: 'invalid'; error: ApiError | undefined; message: string }
  | { step: 'ready'; challenge: EnrolmentChallenge; fetchedAt: number }
  | { step: 'pending'; pending: EnrolmentPending };

export function EnrolPage() {
  const { t } = useTranslation('pages');
  const [token] = useState(tokenFromFragment);
  const [state, setState] = useState<State>(() => (token ? { step: 'checking' } : { step: 'missing' }));
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    // Keep the secret out of the address bar, the history and screenshots once read.
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  useEffect(() => {
    if (!token) return;
    let current = true;
    api.enrolmentOptions(token).then(
      (challenge) => {
        if (current) setState({ step: 'ready', challenge, fetchedAt: Date.now() });
      },
      (caught: unknown) => {
        if (current)
          setState({
            step: 'invalid',
            error: caught instanceof ApiError ? caught : undefined,
            message: messageOf(caught),
          });
      },
    );
    return () => {
      current = false;
    };
  }, [token]);

  async function enrol() {
    if (state.step !== 'ready' || !token) return;
    setBusy(true);
    setError(undefined);
    try {
      let challenge = state.challenge;
      if (Date.now() - state.fetchedAt > challengeMaxAgeMs) {
        challenge = await api.enrolmentOptions(token);
        setState({ step: 'ready', challenge, fetchedAt: Date.now() });
      }
      const response = await createPasskey(challenge.options);
      const pending = await api.enrolmentVerify({
        token,
        challengeId: challenge.challengeId,
        response,
        ...(label.trim() ? { label: label.trim() } : {}),
      });
      // No session yet: a link can be stolen on its way, so a second person confirms the passkey first.
      setState({ step: 'pending', pending });
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'auth.enrolment_link_invalid')
        setState({ step: 'invalid', error: caught, message: messageOf(caught) });
      else setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  if (state.step === 'checking')
    return (
      <AuthLayout>
        <PageHeading title={t('enrol.title')} />
        <Loading label={t('enrol.checking')} />
      </AuthLayout>
    );

  if (state.step === 'missing' || state.step === 'invalid') {
    const unavailable = state.step === 'invalid' && state.error?.code === 'route.not_found';
    const title = unavailable ? t('enrol.unavailable') : t('enrol.unusable');
    return (
      <AuthLayout>
        <PageHeading title={title} />
        <Notice tone="error" title={unavailable ? t('enrol.notOffered') : title}>
          {state.step === 'missing' ? (
            <p>{t('enrol.incomplete')}</p>
          ) : unavailable ? (
            <p>{t('enrol.notChecked')}</p>
          ) : (
            <>
              <p>{t('enrol.worksOnce', { message: state.message })}</p>
              <p>{t('enrol.notYou')}</p>
            </>
          )}
        </Notice>
        <p>
          <Trans t={t} i18nKey="enrol.already" components={{ login: <Link to="/login" /> }} />
        </p>
      </AuthLayout>
    );
  }

  if (state.step === 'pending') {
    const { pending } = state;
    return (
      <AuthLayout>
        <PageHeading title={t('enrol.registered')} />
        <section className="card" aria-labelledby="confirmation-code-heading">
          <h2 id="confirmation-code-heading">{t('enrol.codeHeading')}</h2>
          <p className="mono" style={{ fontSize: '2rem', fontWeight: 700, letterSpacing: '0.1em' }}>
            <output aria-label={t('enrol.code')}>{pending.confirmationCode}</output>
          </p>
          <p>{t('enrol.readCode')}</p>
        </section>
        <Notice tone="info" title={t('enrol.waits')}>
          <p>
            <Trans
              t={t}
              i18nKey="enrol.beforeSignIn"
              values={{ confirmers: pending.confirmers, when: yourTime(pending.registeredAt) }}
              components={{ strong: <strong /> }}
            />
          </p>
          <p>{t('enrol.protects')}</p>
        </Notice>
        <p>
          <Trans t={t} i18nKey="enrol.onceConfirmed" components={{ login: <Link to="/login" /> }} />
        </p>
      </AuthLayout>
    );
  }

  const { user } = state.challenge;
  return (
    <AuthLayout>
      <PageHeading title={t('enrol.title')} />
      <p className="lead">
        <Trans
          t={t}
          i18nKey="enrol.welcome"
          values={{ name: user.displayName, username: user.username, org: user.orgName }}
          components={{ strong: <strong /> }}
        />
      </p>
      <ul className="checklist">
        <li>{t('enrol.replaces')}</li>
        <li>{t('enrol.safe')}</li>
        <li>{t('enrol.unlock')}</li>
      </ul>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void enrol();
        }}
      >
        <Field
          label={t('enrol.label')}
          hint={t('enrol.labelHint')}
          name="label"
          maxLength={64}
          value={label}
          onChange={(event) => setLabel(event.target.value)}
        />
        {error ? (
          <Notice tone="error" title={t('enrol.notSetUp')}>
            {error}
          </Notice>
        ) : null}
        <Button
          type="submit"
          variant="primary"
          size="large"
          className="btn-block"
          busy={busy}
          busyLabel={t('enrol.creating')}
        >
          {t('enrol.create')}
        </Button>
      </form>
    </AuthLayout>
  );
}
