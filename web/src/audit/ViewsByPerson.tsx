/**
 * "Which boxes did this person look at" (issue 15), for customs officers and investigators: every box (and yard map)
 * one person was shown in the days asked, newest first, each with the audit entry that recorded it.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../api.js';
import { localDateTime } from '../clock.js';
import { Button, Field, Notice } from '../components.js';
import { messageOf } from '../errors.js';
import { Link } from '../router.js';
import { type RecordedView, routeName, type ViewsPage } from '../visits/VisitViewers.js';

const PAGE = 100;

export function ViewsByPerson({ initialUserId = '' }: { initialUserId?: string }) {
  const { t } = useTranslation('audit');
  const [userId, setUserId] = useState(initialUserId);
  const [days, setDays] = useState('30');
  const [asked, setAsked] = useState<{ userId: string; days: number }>();
  const [views, setViews] = useState<RecordedView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function read(query: { userId: string; days: number }, cursor: string | null) {
    setBusy(true);
    setError(undefined);
    try {
      const page = await apiGet<ViewsPage>(
        `/v1/audit/views?userId=${encodeURIComponent(query.userId)}&days=${query.days}&limit=${PAGE}${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      setViews((current) => (cursor ? [...current, ...page.views] : page.views));
      setNext(page.nextCursor);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  // Opened from an alert about the person: their views are shown at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, for the person the page was opened for
  useEffect(() => {
    if (!initialUserId) return;
    const query = { userId: initialUserId, days: 30 };
    setAsked(query);
    void read(query, null);
  }, [initialUserId]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const query = { userId: userId.trim(), days: Math.min(366, Math.max(1, Math.trunc(Number(days)) || 30)) };
    if (!query.userId) return;
    setAsked(query);
    void read(query, null);
  }

  return (
    <section className="card card-wide" aria-labelledby="views-heading">
      <h2 id="views-heading">{t('views.heading')}</h2>
      <p className="muted">{t('views.intro')}</p>
      <form className="stack" onSubmit={submit}>
        <Field
          label={t('views.userId')}
          hint={t('views.userIdHint')}
          value={userId}
          onChange={(event) => setUserId(event.currentTarget.value)}
          required
        />
        <Field
          label={t('views.days')}
          type="number"
          min={1}
          max={366}
          value={days}
          onChange={(event) => setDays(event.currentTarget.value)}
        />
        <Button type="submit" variant="primary" disabled={busy}>
          {t('views.show')}
        </Button>
      </form>
      {error ? (
        <Notice tone="error" title={t('views.failed')}>
          <p>{error}</p>
        </Notice>
      ) : null}
      {asked && !error && !busy && views.length === 0 ? (
        <p>{t('views.none', { userId: asked.userId, days: asked.days })}</p>
      ) : null}
      {views.length > 0 ? (
        <table className="table" aria-label={t('views.caption', { userId: asked?.userId ?? '' })}>
          <thead>
            <tr>
              <th scope="col">{t('views.what')}</th>
              <th scope="col">{t('views.when')}</th>
              <th scope="col">{t('views.through')}</th>
              <th scope="col">{t('views.entry')}</th>
            </tr>
          </thead>
          <tbody>
            {views.map((view) => (
              <tr key={`${view.auditIndex}/${view.kind}/${view.subject}`}>
                <td>
                  {view.kind === 'visit' ? (
                    <Link to={`/visits/${encodeURIComponent(view.subject)}`} className="mono">
                      {view.containerNumber ?? view.subject}
                    </Link>
                  ) : (
                    t('views.yardMap', { terminal: view.subject })
                  )}
                </td>
                <td>
                  <time dateTime={view.viewedAt}>{localDateTime(view.viewedAt)}</time>
                </td>
                <td>{view.routes.map(routeName).join(', ')}</td>
                <td className="mono">
                  <a
                    href={`/v1/audit/proof/inclusion?index=${view.auditIndex}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {view.auditIndex}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {asked && next ? (
        <Button disabled={busy} onClick={() => void read(asked, next)}>
          {t('views.more')}
        </Button>
      ) : null}
    </section>
  );
}
