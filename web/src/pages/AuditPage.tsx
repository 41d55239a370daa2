/**
 * The audit log: its signed checkpoints (each signature checked here, in the browser), charts of log growth and of
 * events per hour, and "verify everything", which streams every entry and recomputes the RFC 9162 tree in the
 * browser, so the verdict does not rest on the server's word.
 */

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, type Session } from '../api.js';
import { GrowthChart, HourlyChart } from '../audit/AuditCharts.js';
import {
  type Checkpoint,
  checkpointsFrom,
  SHOWN_CHECKPOINTS,
  type Stats,
  type Witnesses,
} from '../audit/audit-api.js';
import { CheckpointList } from '../audit/CheckpointList.js';
import { VerifyEverything } from '../audit/VerifyEverything.js';
import { ViewsByPerson } from '../audit/ViewsByPerson.js';
import { WitnessList } from '../audit/WitnessList.js';
import { formatNumber } from '../clock.js';
import { Loading, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { holds } from '../session.js';

export function AuditPage({ session }: { session: Session }) {
  const { t } = useTranslation('audit');
  const [stats, setStats] = useState<Stats>();
  const [checkpoints, setCheckpoints] = useState<Checkpoint[]>();
  const [witnesses, setWitnesses] = useState<Witnesses>();
  const [error, setError] = useState<string>();
  const mayReadEntries = holds(session, 'audit.entries.read');

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const loaded = await apiGet<Stats>('/v1/audit/stats?hours=48');
        const start = loaded.growth.at(-SHOWN_CHECKPOINTS)?.treeSize ?? 0;
        const [recent, cosigners] = await Promise.all([
          checkpointsFrom(start).then((all) => all.slice(-SHOWN_CHECKPOINTS)),
          apiGet<Witnesses>('/v1/audit/witnesses'),
        ]);
        if (!live) return;
        setStats(loaded);
        setCheckpoints(recent);
        setWitnesses(cosigners);
      } catch (caught) {
        if (live) setError(messageOf(caught));
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  return (
    <div className="page audit-page">
      <PageHeading title={t('page.title')} />
      <p className="lead">{t('page.lead')}</p>
      {error ? (
        <Notice tone="error" title={t('page.failed')}>
          <p>{error}</p>
        </Notice>
      ) : null}
      {!error && (!stats || !checkpoints) ? <Loading label={t('page.loading')} /> : null}
      {holds(session, 'audit.views.read') ? (
        <ViewsByPerson initialUserId={new URLSearchParams(window.location.search).get('viewsOf') ?? ''} />
      ) : null}
      {stats && checkpoints ? (
        <>
          <section className="card card-wide" aria-labelledby="verify-heading">
            <h2 id="verify-heading">{t('page.verifyHeading')}</h2>
            {mayReadEntries ? (
              <VerifyEverything />
            ) : (
              <Notice tone="info" title={t('page.needsEntries')}>
                <p>
                  {session.method === 'password_totp' ? t('page.passwordSession') : t('page.onlyCustoms')}
                  {t('page.stillCheck')}
                </p>
              </Notice>
            )}
          </section>
          <div className="cards audit-charts">
            <section className="card" aria-labelledby="growth-heading">
              <h2 id="growth-heading">{t('page.growth')}</h2>
              <GrowthChart growth={stats.growth} />
            </section>
            <section className="card" aria-labelledby="hourly-heading">
              <h2 id="hourly-heading">{t('page.hourly')}</h2>
              <HourlyChart hours={stats.eventsPerHour} truncated={stats.truncated} />
            </section>
          </div>
          <section className="card card-wide" aria-labelledby="checkpoints-heading">
            <h2 id="checkpoints-heading">{t('page.checkpoints')}</h2>
            <p className="muted">
              {t('page.checkpointsIntro', { count: checkpoints.length, size: formatNumber(stats.logSize) })}
            </p>
            <CheckpointList checkpoints={checkpoints} />
          </section>
          {witnesses ? (
            <section className="card card-wide" aria-labelledby="witnesses-heading">
              <h2 id="witnesses-heading">{t('page.witnesses')}</h2>
              <p className="muted">{t('page.witnessesIntro')}</p>
              <WitnessList witnesses={witnesses} />
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
