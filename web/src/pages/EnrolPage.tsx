import { useEffect, useState } from 'react';
import { ApiError, api, type EnrolmentChallenge, type EnrolmentPending } from '../api.js';
import { localDateTime } from '../clock.js';
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
        <PageHeading title="Set up your passkey" />
        <Loading label="Checking your enrolment link…" />
      </AuthLayout>
    );

  if (state.step === 'missing' || state.step === 'invalid') {
    const unavailable = state.step === 'invalid' && state.error?.code === 'route.not_found';
    const title = unavailable ? 'Enrolment is not available' : 'This enrolment link cannot be used';
    return (
      <AuthLayout>
        <PageHeading title={title} />
        <Notice tone="error" title={unavailable ? 'This server does not offer enrolment yet.' : title}>
          {state.step === 'missing' ? (
            <p>The link is incomplete. Open it again from the message your administrator sent you.</p>
          ) : unavailable ? (
            <p>Your enrolment link could not be checked. Try again later, or ask your port administrator.</p>
          ) : (
            <>
              <p>
                {state.message} An enrolment link works once and expires. Ask your port administrator for a
                new link.
              </p>
              <p>
                If you have not used this link yourself, someone else may have: tell your port administrator
                or your supervisor now, so that they reject the passkey waiting in your name.
              </p>
            </>
          )}
        </Notice>
        <p>
          Already have a passkey? <Link to="/login">Sign in</Link>.
        </p>
      </AuthLayout>
    );
  }

  if (state.step === 'pending') {
    const { pending } = state;
    return (
      <AuthLayout>
        <PageHeading title="Your passkey is registered" />
        <section className="card" aria-labelledby="confirmation-code-heading">
          <h2 id="confirmation-code-heading">Your confirmation code</h2>
          <p className="mono" style={{ fontSize: '2rem', fontWeight: 700, letterSpacing: '0.1em' }}>
            <output aria-label="Confirmation code">{pending.confirmationCode}</output>
          </p>
          <p>
            Read this code to the person who confirms your passkey, face to face or when they call you. It
            shows that the passkey waiting in your name is the one you just created. Keep this page open, or
            write the code down, until they have confirmed it.
          </p>
        </section>
        <Notice tone="info" title="It waits for confirmation">
          <p>
            Before it signs you in, {pending.confirmers} must confirm that this passkey is yours. Ask them to
            confirm it under <strong>Approvals → Pending passkeys</strong> with your confirmation code, and
            tell them when you registered it ({localDateTime(pending.registeredAt)}) and on which device.
          </p>
          <p>
            This protects you: whoever got hold of your enrolment link could not sign in as you with a passkey
            of their own.
          </p>
        </Notice>
        <p>
          Once it is confirmed, <Link to="/login">sign in with your passkey</Link>.
        </p>
      </AuthLayout>
    );
  }

  const { user } = state.challenge;
  return (
    <AuthLayout>
      <PageHeading title="Set up your passkey" />
      <p className="lead">
        Welcome, {user.displayName}. You are joining PortLedger as <strong>{user.username}</strong> at{' '}
        <strong>{user.orgName}</strong>.
      </p>
      <ul className="checklist">
        <li>A passkey replaces your password. It stays on this device or on your security key.</li>
        <li>It cannot be phished, guessed or caught by a keylogger.</li>
        <li>You unlock it the way you unlock this device: fingerprint, face, PIN or security key.</li>
      </ul>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void enrol();
        }}
      >
        <Field
          label="Name for this passkey (optional)"
          hint="So you can recognise it later, for example “Gate office PC” or “My security key”."
          name="label"
          maxLength={64}
          value={label}
          onChange={(event) => setLabel(event.target.value)}
        />
        {error ? (
          <Notice tone="error" title="The passkey was not set up">
            {error}
          </Notice>
        ) : null}
        <Button
          type="submit"
          variant="primary"
          size="large"
          className="btn-block"
          busy={busy}
          busyLabel="Creating your passkey…"
        >
          Create my passkey
        </Button>
      </form>
    </AuthLayout>
  );
}
