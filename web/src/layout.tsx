import { type ReactNode, useState } from 'react';
import { api } from './api.js';
import { Button } from './components.js';
import { ContainerSearch } from './container-search.js';
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
  return (
    <a className="skip-link" href="#main">
      Skip to main content
    </a>
  );
}

/**
 * The screens and the permission of the policy table each needs; the session tells which permissions the person
 * holds, so the menu follows the one table the server enforces.
 */
const SCREENS: readonly { to: string; label: string; anyOf: readonly string[] }[] = [
  { to: '/me/jobs', label: 'My jobs', anyOf: ['driver.jobs.read'] },
  { to: '/yard', label: 'Yard map', anyOf: ['yard.map.read'] },
  {
    to: '/releases',
    label: 'Releases',
    anyOf: ['release.issue', 'release.transfer', 'release.accept', 'appointment.book'],
  },
  { to: '/gate', label: 'Gate', anyOf: ['visit.gate_out'] },
  { to: '/approvals', label: 'Approvals', anyOf: ['approval.read', 'enrolment.confirm'] },
  { to: '/alerts', label: 'Alerts', anyOf: ['alert.read'] },
  { to: '/audit', label: 'Audit', anyOf: ['audit.read'] },
  { to: '/admin', label: 'Admin', anyOf: ['org.manage', 'user.manage', 'token.manage'] },
];

/** The frame of signed-in pages: header with navigation, who is signed in, and sign out. */
export function AppLayout({ children }: { children: ReactNode }) {
  const { state, signedOut } = useSession();
  const { pathname } = useLocation();
  const [leaving, setLeaving] = useState(false);
  const user = state.status === 'signed-in' ? state.session.user : undefined;

  async function signOut() {
    setLeaving(true);
    try {
      await api.logout();
      setFlash('You are signed out.');
    } catch {
      setFlash(
        'You are signed out on this device. The server could not be told; your session ends by itself.',
      );
    } finally {
      setLeaving(false);
      signedOut();
      navigate('/login', { replace: true });
    }
  }

  const session = state.status === 'signed-in' ? state.session : undefined;
  const nav = [
    { to: '/', label: 'Home' },
    ...SCREENS.filter(
      (screen) => session !== undefined && screen.anyOf.some((permission) => holds(session, permission)),
    ).map(({ to, label }) => ({
      to,
      label,
    })),
    { to: '/me/passkeys', label: 'My passkeys' },
  ];

  return (
    <div className="app">
      <SkipLink />
      <header className="app-header">
        <div className="header-inner">
          <Link to="/" className="brand-link" aria-label="PortLedger home">
            <Brand />
          </Link>
          <nav aria-label="Main">
            <ul className="nav-list">
              {nav.map((item) => (
                <li key={item.to}>
                  <Link
                    to={item.to}
                    className="nav-link"
                    aria-current={pathname === item.to ? 'page' : undefined}
                  >
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {user ? <ContainerSearch /> : null}
          {user ? (
            <div className="header-user">
              <span className="header-user-name">
                {user.displayName}
                <span className="header-user-org">{user.orgName}</span>
              </span>
              <Button variant="quiet" busy={leaving} busyLabel="Signing out…" onClick={() => void signOut()}>
                Sign out
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
  return (
    <div className="auth">
      <SkipLink />
      <header className="auth-header">
        <Brand />
      </header>
      <main id="main" className="auth-main" tabIndex={-1}>
        <div className="auth-card">{children}</div>
      </main>
      <footer className="auth-footer">
        <p>
          PortLedger · container tracking and release. Never share a passkey prompt or a code with anyone.
        </p>
      </footer>
    </div>
  );
}
