import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api.js';
import { forgetTerminals } from './clock.js';
import { Button } from './components.js';
import { ContainerSearch } from './container-search.js';
import { type Language, languageNames, languages, setLanguage, useLanguage } from './i18n/index.js';
import { waitingByPage } from './queues/queue-api.js';
import { useWorkQueues } from './queues/use-work-queues.js';
import { Link, navigate, useLocation } from './router.js';
import { holds, setFlash, useSession } from './session.js';

function Brand() {
  return (
    <span className="brand">
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="6" />
        <rect x="6" y="10" width="20" height="5" rx="1" className="brand-box" />
        <rect x="6" y="17" width="20" height="5" rx="1" className="brand-box-2" />
      </svg>
      <span className="brand-name">PortLedger</span>
    </span>
  );
}

function SkipLink() {
  const { t } = useTranslation();
  return (
    <a className="skip-link" href="#main">
      {t('skip')}
    </a>
  );
}

/** The header's language switch: changes every page at once and marks `<html lang>` (see i18n/index.ts). */
function LanguageSwitch() {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t('language')}</span>
      <select
        className="language-select"
        value={language}
        onChange={(event) => setLanguage(event.target.value as Language)}
      >
        {languages.map((code) => (
          <option key={code} value={code} lang={code}>
            {languageNames[code]}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The screens and the permission of the policy table each needs; the session tells which permissions the person
 * holds, so the menu follows the one table the server enforces.
 */
const SCREENS = [
  { to: '/me/jobs', label: 'jobs', anyOf: ['driver.jobs.read'] },
  { to: '/yard', label: 'yard', anyOf: ['yard.map.read'] },
  {
    to: '/releases',
    label: 'releases',
    anyOf: ['release.issue', 'release.transfer', 'release.accept', 'appointment.book'],
  },
  { to: '/gate', label: 'gate', anyOf: ['visit.gate_out'] },
  { to: '/approvals', label: 'approvals', anyOf: ['approval.read', 'enrolment.confirm'] },
  { to: '/alerts', label: 'alerts', anyOf: ['alert.read'] },
  { to: '/audit', label: 'audit', anyOf: ['audit.read'] },
  { to: '/admin', label: 'admin', anyOf: ['org.manage', 'user.manage', 'token.manage'] },
  {
    to: '/admin/integrations',
    label: 'integrations',
    anyOf: ['subscription.manage', 'edi.read', 'token.manage'],
  },
] as const satisfies readonly { to: string; label: string; anyOf: readonly string[] }[];

/** How many wait behind a menu entry: the number, shown beside the label; the link names it in words. */
function WaitingBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="nav-badge" aria-hidden="true" data-testid="nav-badge">
      {count}
    </span>
  );
}

/** The frame of signed-in pages: header with navigation, who is signed in, and sign out. */
export function AppLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { state, signedOut } = useSession();
  const { pathname } = useLocation();
  const [leaving, setLeaving] = useState(false);
  const user = state.status === 'signed-in' ? state.session.user : undefined;
  // What waits for the person, live (issue 14): a count beside the menu entry whose page lists it.
  const waiting = waitingByPage(useWorkQueues(user?.userId).queues ?? []);

  async function signOut() {
    setLeaving(true);
    try {
      await api.logout();
      setFlash(t('signedOut'));
    } catch {
      setFlash(t('signedOutOffline'));
    } finally {
      setLeaving(false);
      forgetTerminals();
      signedOut();
      navigate('/login', { replace: true });
    }
  }

  const session = state.status === 'signed-in' ? state.session : undefined;
  const nav = [
    { to: '/', label: t('nav.home') },
    ...SCREENS.filter(
      (screen) => session !== undefined && screen.anyOf.some((permission) => holds(session, permission)),
    ).map(({ to, label }) => ({
      to,
      label: t(`nav.${label}`),
    })),
    { to: '/me/passkeys', label: t('nav.passkeys') },
  ].map((item) => ({ ...item, waiting: item.to === '/' ? 0 : (waiting.get(item.to) ?? 0) }));

  return (
    <div className="app">
      <SkipLink />
      <header className="app-header">
        <div className="header-inner">
          <Link to="/" className="brand-link" aria-label={t('brand.home')}>
            <Brand />
          </Link>
          <nav aria-label={t('nav.label')}>
            <ul className="nav-list">
              {nav.map((item) => (
                <li key={item.to}>
                  <Link
                    to={item.to}
                    className="nav-link"
                    aria-current={pathname === item.to ? 'page' : undefined}
                    // A bare number read after the label would say nothing: "Releases, 3 waiting".
                    aria-label={
                      item.waiting > 0
                        ? t('nav.waiting', { label: item.label, count: item.waiting })
                        : undefined
                    }
                  >
                    {item.label}
                    <WaitingBadge count={item.waiting} />
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {user ? <ContainerSearch /> : null}
          <LanguageSwitch />
          {user ? (
            <div className="header-user">
              {/* The name may be cut short to keep the header on one row (issue 14): the whole of it on hover. */}
              <span className="header-user-name" title={`${user.displayName} · ${user.orgName}`}>
                {user.displayName}
                <span className="header-user-org">{user.orgName}</span>
              </span>
              <Button
                variant="quiet"
                busy={leaving}
                busyLabel={t('signingOut')}
                onClick={() => void signOut()}
              >
                {t('signOut')}
              </Button>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** The frame of the sign-in and enrolment pages: one calm card in the middle. */
export function AuthLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="auth">
      <SkipLink />
      <header className="auth-header">
        <Brand />
        <LanguageSwitch />
      </header>
      <main id="main" className="auth-main" tabIndex={-1}>
        <div className="auth-card">{children}</div>
      </main>
      <footer className="auth-footer">
        <p>{t('authFooter')}</p>
      </footer>
    </div>
  );
}
