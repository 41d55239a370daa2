import { type ReactNode, useState } from 'react';
import { api } from './api.js';
import { Button } from './components.js';
import { ContainerSearch } from './container-search.js';
import { Link, navigate, useLocation } from './router.js';
import { setFlash, useSession } from './session.js';

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

/** Roles that may read a yard map (policy `yard.map.read`); the server decides, the menu only follows. */
const YARD_ROLES = new Set([
  'gate_clerk',
  'yard_planner',
  'equipment_operator',
  'terminal_supervisor',
  'customs_officer',
  'investigator',
]);

/** Roles of the release chain (`release.read` for desks and planners): offers, transfers, bookings. */
const RELEASE_ROLES = new Set(['release_desk', 'haulier_planner']);

/** Roles that may let a box out at the gate (policy `visit.gate_out`). */
const GATE_ROLES = new Set(['gate_clerk', 'terminal_supervisor']);

/** Roles that may read the audit log's checkpoints and charts (policy `audit.read`). */
const AUDIT_ROLES = new Set([
  'terminal_supervisor',
  'release_desk',
  'customs_officer',
  'investigator',
  'administrator',
]);

/** Roles that may read two-person requests (policy `approval.read`): requesters and approvers. */
const APPROVAL_ROLES = new Set([
  'yard_planner',
  'terminal_supervisor',
  'release_desk',
  'haulier_planner',
  'administrator',
]);

/** Roles that may read alerts (policy `alert.read`). */
const ALERT_ROLES = new Set(['terminal_supervisor', 'yard_planner', 'customs_officer', 'investigator']);

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

  const nav = [
    { to: '/', label: 'Home' },
    ...(user?.roles.some((role) => YARD_ROLES.has(role)) ? [{ to: '/yard', label: 'Yard map' }] : []),
    ...(user?.roles.some((role) => RELEASE_ROLES.has(role)) ? [{ to: '/releases', label: 'Releases' }] : []),
    ...(user?.roles.some((role) => GATE_ROLES.has(role)) ? [{ to: '/gate', label: 'Gate' }] : []),
    // A release desk reads requests only at a shipping line (policy `approval.read`, orgKindsByRole).
    ...(user?.roles.some(
      (role) => APPROVAL_ROLES.has(role) && (role !== 'release_desk' || user.orgKind === 'shipping_line'),
    )
      ? [{ to: '/approvals', label: 'Approvals' }]
      : []),
    ...(user?.roles.some((role) => ALERT_ROLES.has(role)) ? [{ to: '/alerts', label: 'Alerts' }] : []),
    ...(user?.roles.some((role) => AUDIT_ROLES.has(role)) ? [{ to: '/audit', label: 'Audit' }] : []),
    ...(user?.roles.includes('administrator') ? [{ to: '/admin', label: 'Admin' }] : []),
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
