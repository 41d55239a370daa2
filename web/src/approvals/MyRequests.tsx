/** The person's own two-person requests, with their status, and Withdraw while one still waits. */
import { useTranslation } from 'react-i18next';
import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import { type ApprovalRequest, kindName, statusName } from './approval-requests.js';
import { RequestSubject } from './RequestDetails.js';
import type { ApprovalDecisions } from './use-approval-decisions.js';

export function MyRequests({ mine, decisions }: { mine: ApprovalRequest[]; decisions: ApprovalDecisions }) {
  const { t } = useTranslation('approvals');
  return (
    <section className="card" aria-labelledby="mine-heading">
      <h2 id="mine-heading">{t('mine.heading')}</h2>
      {mine.length === 0 ? (
        <p className="muted">{t('mine.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('mine.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('mine.change')}</th>
                <th scope="col">{t('mine.subject')}</th>
                <th scope="col">{t('mine.asked')}</th>
                <th scope="col">{t('mine.expires')}</th>
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
    </section>
  );
}
