/**
 * The person's own two-person requests, with their status, and Withdraw while one still waits: filtered by kind and
 * state and sorted on the server, a page at a time, with the CSV of the filter (issue 14).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localDateTime } from '../clock.js';
import { Button, Notice, SelectField } from '../components.js';
import { ListFooter, type ListQuery, SortHeader, useServerList } from '../list-controls.js';
import {
  type ApprovalRequest,
  kindName,
  REQUEST_KINDS,
  REQUEST_STATES,
  statusName,
} from './approval-requests.js';
import { RequestSubject } from './RequestDetails.js';
import type { ApprovalDecisions } from './use-approval-decisions.js';

export function MyRequests({ reloadKey, decisions }: { reloadKey: unknown; decisions: ApprovalDecisions }) {
  const { t } = useTranslation('approvals');
  const [query, setQuery] = useState<ListQuery>({
    filters: { mine: '1' },
    sort: 'expiresAt',
    direction: 'asc',
  });
  const list = useServerList<ApprovalRequest>('/v1/approvals', 'requests', query, reloadKey);
  const mine = list.rows ?? [];
  const set = (name: string) => (value: string) =>
    setQuery({ ...query, filters: { ...query.filters, [name]: value } });
  const filtered = Boolean(query.filters.kind || query.filters.state);
  return (
    <section className="card" aria-labelledby="mine-heading">
      <h2 id="mine-heading">{t('mine.heading')}</h2>
      <fieldset className="list-filters">
        <legend>{t('mine.filters')}</legend>
        <SelectField
          label={t('mine.change')}
          value={query.filters.kind ?? ''}
          onChange={set('kind')}
          prompt={t('mine.any')}
          options={REQUEST_KINDS.map((kind) => ({ value: kind, label: kindName(kind) }))}
        />
        <SelectField
          label={t('mine.status')}
          value={query.filters.state ?? ''}
          onChange={set('state')}
          prompt={t('mine.any')}
          options={REQUEST_STATES.map((state) => ({ value: state, label: statusName(state) }))}
        />
      </fieldset>
      {list.error ? (
        <Notice tone="error" title={t('mine.failed')}>
          <p>{list.error}</p>
        </Notice>
      ) : null}
      {list.rows && mine.length === 0 ? (
        <p className="muted">{filtered ? t('mine.noMatch') : t('mine.none')}</p>
      ) : mine.length === 0 ? null : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('mine.heading')}</caption>
            <thead>
              <tr>
                <SortHeader column="kind" label={t('mine.change')} query={query} onSort={setQuery} />
                <th scope="col">{t('mine.subject')}</th>
                <th scope="col">{t('mine.asked')}</th>
                <SortHeader column="expiresAt" label={t('mine.expires')} query={query} onSort={setQuery} />
                <th scope="col">{t('mine.status')}</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">{t('mine.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mine.map((request) => (
                <tr key={request.requestId}>
                  <th scope="row">{kindName(request.kind)}</th>
                  <td>
                    <RequestSubject request={request} />
                  </td>
                  <td>{localDateTime(request.requestedAt)}</td>
                  <td>{localDateTime(request.expiresAt)}</td>
                  <td>
                    {statusName(request.status)}
                    {request.decidedBy && request.status !== 'withdrawn'
                      ? ` ${t('mine.by', { who: request.decidedBy })}`
                      : ''}
                  </td>
                  <td className="actions">
                    {request.status === 'pending' ? (
                      <Button
                        variant="quiet"
                        busy={decisions.busyKey === `withdraw:${request.requestId}`}
                        busyLabel={t('mine.withdrawing')}
                        aria-label={t('mine.withdrawLabel', { subject: request.subject })}
                        onClick={() => decisions.withdraw(request)}
                      >
                        {t('mine.withdraw')}
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ListFooter {...list} filename="my-requests.csv" />
    </section>
  );
}
