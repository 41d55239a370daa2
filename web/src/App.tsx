import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Session } from './api.js';
import { Button, Loading, Notice, PageHeading } from './components.js';
import { messageOf } from './errors.js';
import { IntegrationsPage } from './integrations/IntegrationsPage.js';
import { AppLayout, AuthLayout } from './layout.js';
import { AdminPage } from './pages/AdminPage.js';
import { AlertsPage } from './pages/AlertsPage.js';
import { ApprovalsPage } from './pages/ApprovalsPage.js';
import { AuditPage } from './pages/AuditPage.js';
import { DriverJobsPage } from './pages/DriverJobsPage.js';
import { EnrolPage } from './pages/EnrolPage.js';
import { GatePage } from './pages/GatePage.js';
import { HomePage } from './pages/HomePage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { PasskeysPage } from './pages/PasskeysPage.js';
import { ReleasesPage } from './pages/ReleasesPage.js';
import { VisitPage } from './pages/VisitPage.js';
import { YardPage } from './pages/YardPage.js';
import { navigate, useLocation } from './router.js';
import { SearchPage } from './search/SearchPage.js';
import { useSession, useSessionLoaded } from './session.js';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** Pages for signed-in people: while the session loads, a loading state; without one, the login page. */
function SignedIn({ children }: { children: (session: Session) => ReactNode }) {
  const { t } = useTranslation();
  const state = useSessionLoaded();
  const { load } = useSession();
  const { pathname, search } = useLocation();

  if (state.status === 'signed-out') {
    const here = `${pathname}${search}`;
    return <Redirect to={here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`} />;
  }
  if (state.status === 'error')
    return (
      <AuthLayout>
        <PageHeading title={t('app.unavailable')} />
        <Notice tone="error" title={t('app.sessionFailed')}>
          <p>{messageOf(state.error)}</p>
        </Notice>
        <Button variant="primary" onClick={() => void load()}>
          {t('app.tryAgain')}
        </Button>
      </AuthLayout>
    );
  if (state.status !== 'signed-in')
    return (
      <AuthLayout>
        <Loading label={t('app.loading')} />
      </AuthLayout>
    );
  return <AppLayout>{children(state.session)}</AppLayout>;
}

/** Pages with a parameter in their path: `/visits/{visitRef}` and `/containers/{containerNumber}`. */
function cargoPage(pathname: string, session: Session): ReactNode | undefined {
  const [, kind, value, ...rest] = pathname.split('/');
  if (!value || rest.length > 0) return undefined;
  const decoded = decodeURIComponent(value);
  if (kind === 'visits') return <VisitPage key={decoded} session={session} visitRef={decoded} />;
  if (kind === 'containers')
    return <VisitPage key={decoded} session={session} containerNumber={decoded.toUpperCase()} />;
  return undefined;
}

export function App() {
  const { pathname, search } = useLocation();
  switch (pathname) {
    case '/login':
      return <LoginPage />;
    case '/enrol':
      return <EnrolPage />;
    case '/':
      return <SignedIn>{(session) => <HomePage session={session} />}</SignedIn>;
    case '/me/passkeys':
      return <SignedIn>{(session) => <PasskeysPage key={session.user.userId} session={session} />}</SignedIn>;
    case '/me/jobs':
      return (
        <SignedIn>{(session) => <DriverJobsPage key={session.user.userId} session={session} />}</SignedIn>
      );
    case '/releases':
      return <SignedIn>{(session) => <ReleasesPage key={session.user.userId} session={session} />}</SignedIn>;
    case '/audit':
      return <SignedIn>{(session) => <AuditPage key={session.user.userId} session={session} />}</SignedIn>;
    case '/admin':
      return <SignedIn>{(session) => <AdminPage key={session.user.userId} session={session} />}</SignedIn>;
    case '/admin/integrations':
      return (
        <SignedIn>{(session) => <IntegrationsPage key={session.user.userId} session={session} />}</SignedIn>
      );
    case '/approvals':
      return (
        <SignedIn>{(session) => <ApprovalsPage key={session.user.userId} session={session} />}</SignedIn>
      );
    case '/alerts':
      return <SignedIn>{(session) => <AlertsPage key={session.user.userId} session={session} />}</SignedIn>;
    case '/search':
      return (
        <SignedIn>
          {(session) => <SearchPage session={session} query={new URLSearchParams(search).get('q') ?? ''} />}
        </SignedIn>
      );
    case '/gate':
      return <SignedIn>{() => <GatePage />}</SignedIn>;
    case '/yard':
      return (
        <SignedIn>
          {() => <YardPage terminal={new URLSearchParams(search).get('terminal')?.toUpperCase() || 'T1'} />}
        </SignedIn>
      );
    default:
      return <SignedIn>{(session) => cargoPage(pathname, session) ?? <NotFoundPage />}</SignedIn>;
  }
}
