/** The Release chain card: who accepted the right to collect the box, in turn, and to whom it is offered now. */
import { Trans, useTranslation } from 'react-i18next';
import { yourTime } from '../clock.js';
import type { OrgNames } from '../org-names.js';
import type { Release } from './visit-data.js';

function ReleaseChain({ release, names }: { release: Release | null | 'hidden'; names: OrgNames }) {
  const { t } = useTranslation('visits');
  if (release === 'hidden' || release === null) return <p className="muted">{t('chain.none')}</p>;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>{t('chain.line')}</dt>
          <dd>{names.line(release.line)}</dd>
        </div>
        <div>
          <dt>{t('chain.valid')}</dt>
          <dd>
            {yourTime(release.validFrom)} – {yourTime(release.validUntil)}
          </dd>
        </div>
        {release.holder !== undefined ? (
          <div>
            <dt>{t('chain.holder')}</dt>
            <dd>{release.holder ? names.party(release.holder) : '—'}</dd>
          </div>
        ) : null}
        {release.blocked ? (
          <div>
            <dt>{t('chain.blocked')}</dt>
            <dd>{release.blockReason ?? t('chain.blockedByLine')}</dd>
          </div>
        ) : null}
        {release.revoked ? (
          <div>
            <dt>{t('chain.revoked')}</dt>
            <dd>{release.revokeReason ?? t('chain.revoked')}</dd>
          </div>
        ) : null}
      </dl>
      <ol className="chain" aria-label={t('chain.heading')}>
        {release.chain.map((link) => (
          <li key={link.position}>
            <strong>{names.party(link.orgId)}</strong>
            <span className="muted">
              {' '}
              {link.from
                ? t('chain.acceptedFrom', { when: yourTime(link.acceptedAt), from: names.party(link.from) })
                : t('chain.accepted', { when: yourTime(link.acceptedAt) })}
            </span>
          </li>
        ))}
        {release.offer ? (
          <li className="chain-offer">
            <Trans
              t={t}
              i18nKey="chain.offered"
              values={{ from: names.party(release.offer.from), to: names.party(release.offer.to) }}
              components={{ strong: <strong /> }}
            />{' '}
            <span className="muted">{yourTime(release.offer.offeredAt)}</span>
          </li>
        ) : null}
      </ol>
    </>
  );
}

export function VisitReleaseChain({
  release,
  names,
}: {
  release: Release | null | 'hidden';
  names: OrgNames;
}) {
  const { t } = useTranslation('visits');
  return (
    <section className="card card-wide" aria-labelledby="release-heading">
      <h2 id="release-heading">{t('chain.heading')}</h2>
      <ReleaseChain release={release} names={names} />
    </section>
  );
}
