/** How a request is shown: its subject (a link to the container page for a visit) and its before/after table. */
import { useTranslation } from 'react-i18next';
import { Link } from '../router.js';
import { diffRows } from './approval-diff.js';
import { type ApprovalRequest, isAboutVisit } from './approval-requests.js';

export function RequestSubject({ request }: { request: ApprovalRequest }) {
  return isAboutVisit(request) ? (
    <Link to={`/visits/${encodeURIComponent(request.subject)}`} className="mono">
      {request.subject}
    </Link>
  ) : (
    <span className="mono">{request.subject}</span>
  );
}

export function RequestDiff({ request }: { request: ApprovalRequest }) {
  const { t } = useTranslation('approvals');
  const rows = diffRows(request);
  if (rows.length === 0) return <p className="muted">{t('diff.none')}</p>;
  return (
    <table className="table diff-table">
      <caption className="visually-hidden">{t('diff.caption', { id: request.requestId })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('diff.field')}</th>
          <th scope="col">{t('diff.before')}</th>
          <th scope="col">{t('diff.after')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.field}>
            <th scope="row">{row.field}</th>
            <td className="diff-before">{row.before ? <del>{row.before}</del> : '—'}</td>
            <td className="diff-after">
              <ins>{row.after}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
