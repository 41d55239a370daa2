import { useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { DriversPhones } from '../approvals/DriversPhones.js';
import { InboxRequest } from '../approvals/InboxRequest.js';
import { MyRequests } from '../approvals/MyRequests.js';
import { PendingPasskeys } from '../approvals/PendingPasskeys.js';
import { useApprovalDecisions } from '../approvals/use-approval-decisions.js';
import { useApprovals } from '../approvals/use-approvals.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { holds } from '../session.js';

/** The two-person inbox: requests awaiting me (approve after a step-up, or reject with a reason), and my own. */
export function ApprovalsPage({ session }: { session: Session }) {
  const { t } = useTranslation('pages');
  const { state, load } = useApprovals();
  const decisions = useApprovalDecisions(load);
  const mayDecide = holds(session, 'approval.decide');

  if (state.status === 'loading')
    return (
      <div className="page">
        <PageHeading title={t('approvals.title')} />
        <Loading label={t('approvals.loading')} />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        <PageHeading title={t('approvals.title')} />
        <Notice tone="error" title={t('approvals.failed')}>
          <p>{state.message}</p>
          <Button onClick={() => void load()}>{t('approvals.tryAgain')}</Button>
        </Notice>
      </div>
    );

  return (
    <div className="page">
      <PageHeading title={t('approvals.title')} />
      <p className="muted">{t('approvals.intro')}</p>
      {decisions.done ? <Notice tone="success">{decisions.done}</Notice> : null}
      {decisions.feedback}

      <section className="card" aria-labelledby="inbox-heading">
        <h2 id="inbox-heading">{t('approvals.inbox')}</h2>
        {state.inbox.length === 0 ? (
          <p className="muted">{mayDecide ? t('approvals.nothing') : t('approvals.noRole')}</p>
        ) : (
          <ul className="approval-list">
            {state.inbox.map((request) => (
              <li key={request.requestId} className="approval-item">
                <InboxRequest request={request} decisions={decisions} />
              </li>
            ))}
          </ul>
        )}
        {state.inbox.length > 0 ? (
          <a className="csv-link" href="/v1/approvals?format=csv" download="approval-inbox.csv">
            {t('approvals.csv')}
          </a>
        ) : null}
      </section>

      {holds(session, 'enrolment.confirm') ? <PendingPasskeys /> : null}

      {holds(session, 'driver.device.confirm') ? <DriversPhones /> : null}

      {/* Each load (after a decision or a withdrawal) is a new state: the list of my requests reads again. */}
      <MyRequests reloadKey={state} decisions={decisions} />
    </div>
  );
}
