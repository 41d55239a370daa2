/**
 * "Who looked at this box" (issue 15): the people shown this box's yard position, history or pickup in the last 30
 * days, newest first, for its terminal's staff, customs and the police. The server leaves out views by customs and
 * the police for anyone else (a tip-off otherwise). Each person's views link the audit entries that recorded them.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../api.js';
import { localDateTime } from '../clock.js';
import { Button, Loading, Notice } from '../components.js';
import { messageOf } from '../errors.js';
import { i18next } from '../i18n/index.js';

/** One recorded view, as `GET /v1/visits/{visitRef}/viewers` answers it. */
export interface RecordedView {
  auditIndex: number;
  kind: 'visit' | 'terminal';
  subject: string;
  containerNumber: string | null;
  userId: string;
  displayName: string | null;
  orgId: string;
  orgName: string | null;
  orgKind: string | null;
  routes: string[];
  viewedAt: string;
}

export interface ViewsPage {
  views: RecordedView[];
  nextCursor: string | null;
}

/** One person's views of the box: the newest first, with every audit index that recorded them. */
interface Viewer {
  userId: string;
  name: string;
  org: string;
  lastAt: string;
  routes: string[];
  indexes: number[];
}

/** The views grouped by person, in the order of each person's latest view. */
export function viewersOf(views: readonly RecordedView[]): Viewer[] {
  const people = new Map<string, Viewer>();
  for (const view of views) {
    const known = people.get(view.userId);
    if (known) {
      known.indexes.push(view.auditIndex);
      for (const route of view.routes) if (!known.routes.includes(route)) known.routes.push(route);
      continue;
    }
    people.set(view.userId, {
      userId: view.userId,
      name: view.displayName ?? view.userId,
      org: view.orgName ?? view.orgId,
      lastAt: view.viewedAt,
      routes: [...view.routes],
      indexes: [view.auditIndex],
    });
  }
  return [...people.values()];
}

/** The most views one card reads: a box seen by more people than this in 30 days is itself worth a question. */
const MOST_VIEWS = 200;

export function VisitViewers({ visitRef }: { visitRef: string }) {
  const { t } = useTranslation('visits');
  const [state, setState] = useState<
    { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; page: ViewsPage }
  >({ status: 'loading' });

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const page = await apiGet<ViewsPage>(
        `/v1/visits/${encodeURIComponent(visitRef)}/viewers?days=30&limit=${MOST_VIEWS}`,
      );
      setState({ status: 'ready', page });
    } catch (error) {
      setState({ status: 'error', message: messageOf(error) });
    }
  }, [visitRef]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="card card-wide" aria-labelledby="viewers-heading">
      <h2 id="viewers-heading">{t('viewers.heading')}</h2>
      <p className="muted">{t('viewers.intro')}</p>
      {state.status === 'loading' ? <Loading label={t('viewers.loading')} /> : null}
      {state.status === 'error' ? (
        <Notice tone="error" title={t('viewers.failed')}>
          <p>{state.message}</p>
          <Button onClick={() => void load()}>{t('page.tryAgain')}</Button>
        </Notice>
      ) : null}
      {state.status === 'ready' ? <ViewerTable page={state.page} /> : null}
    </section>
  );
}

function ViewerTable({ page }: { page: ViewsPage }) {
  const { t } = useTranslation('visits');
  const viewers = viewersOf(page.views);
  if (viewers.length === 0) return <p>{t('viewers.none')}</p>;
  return (
    <>
      <table className="table" aria-label={t('viewers.caption')}>
        <thead>
          <tr>
            <th scope="col">{t('viewers.person')}</th>
            <th scope="col">{t('viewers.organisation')}</th>
            <th scope="col">{t('viewers.last')}</th>
            <th scope="col">{t('viewers.how')}</th>
            <th scope="col">{t('viewers.entries')}</th>
          </tr>
        </thead>
        <tbody>
          {viewers.map((viewer) => (
            <tr key={viewer.userId} data-testid={`viewer-${viewer.userId}`}>
              <td>{viewer.name}</td>
              <td>{viewer.org}</td>
              <td>
                <time dateTime={viewer.lastAt}>{localDateTime(viewer.lastAt)}</time>
              </td>
              <td>{viewer.routes.map(routeName).join(', ')}</td>
              <td className="mono">
                {viewer.indexes.slice(0, 5).map((index, at) => (
                  <span key={index}>
                    {at > 0 ? ', ' : null}
                    <a
                      href={`/v1/audit/proof/inclusion?index=${index}`}
                      target="_blank"
                      rel="noreferrer"
                      aria-label={t('viewers.entryLabel', { index })}
                    >
                      {index}
                    </a>
                  </span>
                ))}
                {viewer.indexes.length > 5
                  ? ` ${t('viewers.more', { count: viewer.indexes.length - 5 })}`
                  : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.nextCursor ? (
        <p className="muted">{t('viewers.truncated', { count: page.views.length })}</p>
      ) : null}
    </>
  );
}

/** A route in words; one the console does not know yet is shown as the server named it. */
export function routeName(route: string): string {
  const known: Record<string, string> = {
    visit: 'visit',
    'visit.list': 'list',
    'visit.history': 'history',
    'visit.search': 'search',
    'visit.appointment': 'appointment',
    'yard.map': 'map',
  };
  const key = known[route];
  return key ? i18next.t(`visits:viewers.routes.${key}` as never) : route;
}
