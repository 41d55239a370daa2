import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { Button, Field, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { AuthLayout } from '../layout.js';
import { passkeysSupported, signWithPasskey } from '../passkeys.js';
import { navigate, safeNext, useLocation } from '../router.js';
import { useFlash, useSession } from '../session.js';

interface FieldErrors {
  username?: string;
  password?: string;
  totp?: string;
}

function validate(username: string, password: string, totp: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!username.trim()) errors.username = 'Enter your username.';
  if (!password) errors.password = 'Enter your password.';
  if (!/^\d{6}$/.test(totp)) errors.totp = 'Enter the 6-digit code from your authenticator app.';
  return errors;
}

export function LoginPage() {
  const { signedIn } = useSession();
  const { search } = useLocation();
  const next = safeNext(new URLSearchParams(search).get('next'));
  const flash = useFlash();

  const [passkeyBusy, setPasskeyBusy] = useState(false);
  const [passkeyError, setPasskeyError] = useState<string>();

  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [passwordBusy, setPasswordBusy] = useState(false);
  const [passwordError, setPasswordError] = useState<string>();
  const formRef = useRef<HTMLFormElement>(null);

  // Take a keyboard user straight to the first field that needs fixing.
  useEffect(() => {
    if (Object.keys(fieldErrors).length > 0)
      formRef.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
  }, [fieldErrors]);

  async function signInWithPasskey() {
    setPasskeyBusy(true);
    setPasskeyError(undefined);
    try {
      const { challengeId, options } = await api.passkeyOptions();
      const response = await signWithPasskey(options);
      signedIn(await api.passkeyVerify({ challengeId, response }));
      navigate(next, { replace: true });
    } catch (error) {
      setPasskeyError(messageOf(error));
    } finally {
      setPasskeyBusy(false);
    }
  }

  async function signInWithPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (passwordBusy) return;
    const errors = validate(username, password, totp);
    setFieldErrors(errors);
    setPasswordError(undefined);
    if (Object.keys(errors).length > 0) return;
    setPasswordBusy(true);
    try {
      signedIn(await api.passwordLogin({ username: username.trim(), password, totp }));
      navigate(next, { replace: true });
    } catch (error) {
      // A code works once: ask for the next one.
      setTotp('');
      setPasswordError(messageOf(error));
    } finally {
      setPasswordBusy(false);
    }
  }

  return (
    <AuthLayout>
      <PageHeading title="Sign in to PortLedger" />
      {flash ? <Notice tone="info">{flash}</Notice> : null}

      <section className="stack" aria-labelledby="passkey-heading">
        <h2 id="passkey-heading" className="visually-hidden">
          Passkey
        </h2>
        <p className="lead">Use the passkey on this computer, your phone or your security key.</p>
        <Button
          variant="primary"
          size="large"
          className="btn-block"
          busy={passkeyBusy}
          busyLabel="Waiting for your passkey…"
          onClick={() => void signInWithPasskey()}
        >
          Sign in with a passkey
        </Button>
        {!passkeysSupported() ? (
          <Notice tone="warning">This browser does not support passkeys. Use an up-to-date browser.</Notice>
        ) : null}
        {passkeyError ? (
          <Notice tone="error" title="Not signed in">
            {passkeyError}
          </Notice>
        ) : null}
      </section>

      <div className="divider" role="presentation">
        <span>or</span>
      </div>

      <section className="stack" aria-labelledby="password-heading">
        <h2 id="password-heading" className="section-heading">
          Password and one-time code
        </h2>
        <p className="muted">
          Only drivers, customs officers and investigators may sign in this way. Every role that can move
          boxes, change pickups, hand over releases, approve or administer must use a passkey.
        </p>
        <form ref={formRef} className="stack" onSubmit={(event) => void signInWithPassword(event)} noValidate>
          <Field
            label="Username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            error={fieldErrors.username}
            required
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={fieldErrors.password}
            required
          />
          <Field
            label="6-digit code"
            hint="From the authenticator app on your phone."
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            className="field-code"
            value={totp}
            onChange={(event) => setTotp(event.target.value.replace(/\D/g, ''))}
            error={fieldErrors.totp}
            required
          />
          {passwordError ? (
            <Notice tone="error" title="Not signed in">
              {passwordError}
            </Notice>
          ) : null}
          <Button type="submit" variant="secondary" busy={passwordBusy} busyLabel="Signing in…">
            Sign in with password and code
          </Button>
        </form>
      </section>
    </AuthLayout>
  );
}
