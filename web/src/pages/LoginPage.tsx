import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { Button, Field, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { i18next } from '../i18n/index.js';
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
  if (!username.trim()) errors.username = i18next.t('pages:login.usernameMissing');
  if (!password) errors.password = i18next.t('pages:login.passwordMissing');
  if (!/^\d{6}$/.test(totp)) errors.totp = i18next.t('pages:login.codeMissing');
  return errors;
}

export function LoginPage() {
  const { t } = useTranslation('pages');
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
      <PageHeading title={t('login.title')} />
      {flash ? <Notice tone="info">{flash}</Notice> : null}

      <section className="stack" aria-labelledby="passkey-heading">
        <h2 id="passkey-heading" className="visually-hidden">
          {t('login.passkey')}
        </h2>
        <p className="lead">{t('login.lead')}</p>
        <Button
          variant="primary"
          size="large"
          className="btn-block"
          busy={passkeyBusy}
          busyLabel={t('login.waiting')}
          onClick={() => void signInWithPasskey()}
        >
          {t('login.withPasskey')}
        </Button>
        {!passkeysSupported() ? <Notice tone="warning">{t('login.noPasskeys')}</Notice> : null}
        {passkeyError ? (
          <Notice tone="error" title={t('login.notSignedIn')}>
            {passkeyError}
          </Notice>
        ) : null}
      </section>

      <div className="divider" role="presentation">
        <span>{t('login.or')}</span>
      </div>

      <section className="stack" aria-labelledby="password-heading">
        <h2 id="password-heading" className="section-heading">
          {t('login.passwordHeading')}
        </h2>
        <p className="muted">{t('login.passwordWho')}</p>
        <form ref={formRef} className="stack" onSubmit={(event) => void signInWithPassword(event)} noValidate>
          <Field
            label={t('login.username')}
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
            label={t('login.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={fieldErrors.password}
            required
          />
          <Field
            label={t('login.code')}
            hint={t('login.codeHint')}
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
            <Notice tone="error" title={t('login.notSignedIn')}>
              {passwordError}
            </Notice>
          ) : null}
          <Button type="submit" variant="secondary" busy={passwordBusy} busyLabel={t('login.signingIn')}>
            {t('login.withPassword')}
          </Button>
        </form>
      </section>
    </AuthLayout>
  );
}
