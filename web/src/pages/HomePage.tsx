import type { Session } from '../api.js';
import { Notice, PageHeading } from '../components.js';
import { Link } from '../router.js';
import { useFlash } from '../session.js';
import { StepUpPanel } from '../stepup.js';
import { orgKindName, roleName } from '../terms.js';

export function HomePage({ session }: { session: Session }) {
  const flash = useFlash();
  const { user } = session;
  return (
    <div className="page">
      <PageHeading title="Home">Welcome, {user.displayName}</PageHeading>
      {flash ? <Notice tone="success">{flash}</Notice> : null}

      <div className="cards">
        <section className="card" aria-labelledby="who-heading">
          <h2 id="who-heading">Who you are</h2>
          <dl className="facts">
            <div>
              <dt>Name</dt>
              <dd>{user.displayName}</dd>
            </div>
            <div>
              <dt>Username</dt>
              <dd>
                <code>{user.username}</code>
              </dd>
            </div>
            <div>
              <dt>Organisation</dt>
              <dd>
                {user.orgName} <span className="muted">· {orgKindName(user.orgKind)}</span>
              </dd>
            </div>
            <div>
              <dt>Roles</dt>
              <dd>
                {user.roles.length > 0 ? (
                  <ul className="chips">
                    {user.roles.map((role) => (
                      <li key={role} className="chip">
                        {roleName(role)}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">No roles yet. Your administrator grants them.</span>
                )}
              </dd>
            </div>
          </dl>
        </section>

        <section className="card" aria-labelledby="how-heading">
          <h2 id="how-heading">How you signed in</h2>
          {session.method === 'passkey' ? (
            <p className="method">
              <span className="method-badge method-strong">Passkey</span>
              You signed in with a passkey, which cannot be phished or replayed.
            </p>
          ) : (
            <p className="method">
              <span className="method-badge">Password and code</span>
              You signed in with your password and a one-time code.
            </p>
          )}
          <p className="muted">
            {session.passkeyRequired
              ? 'Your role must sign in with a passkey.'
              : 'Your role may also sign in with a password and a one-time code, but a passkey is safer.'}
          </p>
          <p>
            <Link to="/me/passkeys">Manage your passkeys</Link>
          </p>
        </section>

        <section className="card card-wide" aria-labelledby="stepup-heading">
          <h2 id="stepup-heading">Confirm it's you</h2>
          <StepUpPanel session={session} />
        </section>
      </div>
    </div>
  );
}
