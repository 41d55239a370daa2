/**
 * The answer of the header's search (issue 14): straight to the box when the answer is one box, otherwise the
 * boxes found, each with the key that found it, a page at a time. The server leaves out every box the person may
 * not see, so "nothing found" says nothing about other parties' boxes.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { useOrgNames } from '../org-names.js';
import { Link, navigate } from '../router.js';
import { searchKeyName, visitStatusName } from '../terms.js';
import { type SearchMatch, searchBoxes, straightTo } from './search-api.js';

type Found =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; matches: SearchMatch[]; nextCursor: string | null; loadingMore: boolean };

export function SearchPage({ session, query }: { session: Session; query: string }) {
  const { t } = useTranslation('search');
  const names = useOrgNames(session);
  const [found, setFound] = useState<Found>({ status: 'loading' });

  useEffect(() => {
    let current = true;
    if (!query.trim()) return;
    setFound({ status: 'loading' });
    searchBoxes(query)
      .then((page) => {
        if (!current) return;
        const target = straightTo(page);
        if (target) navigate(target, { replace: true });
        else
          setFound({
            status: 'ready',
            matches: page.matches,
            nextCursor: page.nextCursor,
            loadingMore: false,
          });
      })
      .catch((error: unknown) => {
        if (current) setFound({ status: 'error', message: messageOf(error) });
      });
    return () => {
      current = false;
    };
  }, [query]);

  async function showMore() {
    if (found.status !== 'ready' || found.nextCursor === null) return;
    setFound({ ...found, loadingMore: true });
    try {
      const page = await searchBoxes(query, found.nextCursor);
      setFound({
        status: 'ready',
        matches: [...found.matches, ...page.matches],
        nextCursor: page.nextCursor,
        loadingMore: false,
      });
    } catch (error) {
      setFound({ status: 'error', message: messageOf(error) });
    }
  }

  if (!query.trim()) {
    return (
      <div className="page">
        <PageHeading title={t('title')} />
        <p>{t('intro')}</p>
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeading title={t('titleFor', { query })} />
      {found.status === 'loading' ? <Loading label={t('searching')} /> : null}
      {found.status === 'error' ? <Notice tone="error">{found.message}</Notice> : null}
      {found.status === 'ready' && found.matches.length === 0 && found.nextCursor === null ? (
        <Notice tone="info" title={t('none', { query })}>
          <p>{t('noneHint')}</p>
          <p>{t('intro')}</p>
        </Notice>
      ) : null}
      {found.status === 'ready' && (found.matches.length > 0 || found.nextCursor !== null) ? (
        <section className="card" aria-labelledby="search-count">
          <h2 id="search-count" aria-live="polite">
            {found.nextCursor === null
              ? t('count', { count: found.matches.length })
              : t('countMore', { count: found.matches.length })}
          </h2>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('container')}</th>
                  <th scope="col">{t('foundBy')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('line')}</th>
                  <th scope="col">{t('arrival')}</th>
                  <th scope="col">{t('documents')}</th>
                </tr>
              </thead>
              <tbody>
                {found.matches.map(({ visit, matched }) => (
                  <tr key={visit.visitRef}>
                    <th scope="row">
                      <Link to={`/visits/${encodeURIComponent(visit.visitRef)}`} className="mono">
                        {visit.containerNumber}
                      </Link>
                    </th>
                    <td>{matched.map(searchKeyName).join(', ')}</td>
                    <td>
                      {visitStatusName(visit.status)}
                      {visit.onHold ? <span className="chip chip-hold">{t('onHold')}</span> : null}
                    </td>
                    <td>{names.line(visit.line)}</td>
                    <td>
                      {visit.arrival.mode === 'vessel'
                        ? t('byVessel', { vesselCall: visit.arrival.vesselCall })
                        : t('byTruck')}
                    </td>
                    <td>
                      {[
                        visit.transportDocumentReference
                          ? t('billOfLading', { reference: visit.transportDocumentReference })
                          : null,
                        visit.carrierBookingReference
                          ? t('booking', { reference: visit.carrierBookingReference })
                          : null,
                      ]
                        .filter((text) => text !== null)
                        .join(' · ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <a href={`/v1/search?${new URLSearchParams({ q: query, format: 'csv' })}`} download="search.csv">
              {t('csv')}
            </a>
          </p>
          {found.nextCursor !== null ? (
            <div className="button-row">
              <Button busy={found.loadingMore} busyLabel={t('searching')} onClick={() => void showMore()}>
                {t('more')}
              </Button>
              <p className="muted">{t('moreHint')}</p>
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
