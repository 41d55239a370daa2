import { useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { Notice, PageHeading } from '../components.js';
import { useWorkQueues } from '../queues/use-work-queues.js';
import { WorkQueuesCard } from '../queues/WorkQueuesCard.js';
import { Link } from '../router.js';
import { useFlash } from '../session.js';
import { StepUpPanel } from '../stepup.js';
import { orgKindName, roleName } from '../terms.js';

export function HomePage({ session }: { session: Session }) {
  const { t } = useTranslation('pages');
  const flash = useFlash();
  const { user } = session;
  const queues = useWorkQueues(user.userId);
  return (
    <div className="page">
      <PageHeading title={t('home.title')}>{t('home.welcome', { name: user.displayName })}</PageHeading>
      {flash ? <Notice tone="success">{flash}</Notice> : null}

      <div className="cards">
        <WorkQueuesCard state={queues} />

        <section className="card" aria-labelledby="who-heading">
          <h2 id="who-heading">{t('home.who')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('home.name')}</dt>
              <dd>{user.displayName}</dd>
            </div>
            <div>
              <dt>{t('home.username')}</dt>
              <dd>
                <code>{user.username}</code>
              </dd>
            </div>
            <div>
              <dt>{t('home.organisation')}</dt>
              <dd>
                {user.orgName} <span className="muted">· {orgKindName(user.orgKind)}</span>
              </dd>
            </div>
            <div>
              <dt>{t('home.roles')}</dt>
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
                  <span className="muted">{t('home.noRoles')}</span>
                )}
              </dd>
            </div>
          </dl>
        </section>

        <section className="card" aria-labelledby="how-heading">
          <h2 id="how-heading">{t('home.how')}</h2>
          {session.method === 'passkey' ? (
            <p className="method">
              <span className="method-badge method-strong">{t('home.passkey')}</span>
              {t('home.passkeyBody')}
            </p>
          ) : (
            <p className="method">
              <span className="method-badge">{t('home.password')}</span>
              {t('home.passwordBody')}
            </p>
          )}
          <p className="muted">{session.passkeyRequired ? t('home.mustPasskey') : t('home.mayPassword')}</p>
          <p>
            <Link to="/me/passkeys">{t('home.manage')}</Link>
          </p>
        </section>

        <section className="card card-wide" aria-labelledby="stepup-heading">
          <h2 id="stepup-heading">{t('home.confirm')}</h2>
          <StepUpPanel session={session} />
        </section>
      </div>
    </div>
  );
}
