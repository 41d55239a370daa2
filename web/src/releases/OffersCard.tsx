/** Offers of a right to collect awaiting the organisation: accept one, or deny it with a reason. */
import { useTranslation } from 'react-i18next';
import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import type { OrgNames } from '../org-names.js';
import type { ReleaseRow } from './inbox.js';
import { OfferLookup, type useOfferLookup } from './OfferLookup.js';
import { releaseActions } from './release-api.js';
import type { ReleaseTools } from './release-tools.js';

export function OffersCard({
  offers,
  nextCursor,
  more,
  onShowMore,
  lookup,
  names,
  tools: { act, busy, open, number, party },
}: {
  names: OrgNames;
  offers: ReleaseRow[];
  nextCursor: string | null;
  more: boolean;
  onShowMore: () => void;
  lookup: ReturnType<typeof useOfferLookup>;
  tools: ReleaseTools;
}) {
  const { t } = useTranslation('releases');
  return (
    <section className="card" aria-labelledby="offers-heading">
      <h2 id="offers-heading">{t('offers.heading')}</h2>
      <OfferLookup lookup={lookup} />
      {offers.length === 0 ? (
        <p className="muted">{t('offers.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('offers.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('offers.container')}</th>
                <th scope="col">{t('offers.line')}</th>
                <th scope="col">{t('offers.from')}</th>
                <th scope="col">{t('offers.offered')}</th>
                <th scope="col">{t('offers.valid')}</th>
                <th scope="col" className="actions">
                  {t('offers.actions')}
                </th>
              </tr>
            </thead>
            <tbody>
              {offers.map((row) => (
                <tr key={row.visitRef}>
                  <th scope="row" className="mono">
                    {row.containerNumber ?? row.visitRef}
                  </th>
                  <td>{names.line(row.release.line)}</td>
                  <td>{row.release.offer ? party(row.release.offer.from) : '—'}</td>
                  <td>{localDateTime(row.release.offer?.offeredAt)}</td>
                  <td>
                    {localDateTime(row.release.validFrom)} – {localDateTime(row.release.validUntil)}
                  </td>
                  <td className="actions">
                    <span className="button-row button-row-end">
                      <Button
                        variant="primary"
                        busy={busy === `accept:${row.visitRef}`}
                        busyLabel={t('offers.accepting')}
                        aria-label={t('offers.acceptLabel', { visit: row.visitRef })}
                        onClick={() =>
                          void act(
                            `accept:${row.visitRef}`,
                            t('offers.stepUpAccept'),
                            () => releaseActions.accept(row.visitRef),
                            t('offers.accepted', { box: number(row) }),
                          )
                        }
                      >
                        {t('offers.accept')}
                      </Button>
                      <Button
                        aria-label={t('offers.denyLabel', { visit: row.visitRef })}
                        onClick={() => open({ kind: 'deny', row })}
                      >
                        {t('offers.deny')}
                      </Button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <Button busy={more} busyLabel={t('offers.loading')} onClick={onShowMore}>
          {t('offers.more')}
        </Button>
      ) : null}
    </section>
  );
}
