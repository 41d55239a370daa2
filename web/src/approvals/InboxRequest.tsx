/** One request awaiting the person's decision: who asked and when, what would change, and Approve or Reject. */
import { useTranslation } from 'react-i18next';
import { localDateTime } from '../clock.js';
import { Button } from '../components.js';
import { ActionForm } from '../forms/ActionForm.js';
import { REJECT_REQUEST } from './approval-forms.js';
import { type ApprovalRequest, kindName, requestName } from './approval-requests.js';
import { RequestDiff, RequestSubject } from './RequestDetails.js';
import type { ApprovalDecisions } from './use-approval-decisions.js';

function RequestFacts({ request }: { request: ApprovalRequest }) {
  const { t } = useTranslation('approvals');
  return (
    <dl className="approval-facts">
      <div>
        <dt>{t('request.requestedBy')}</dt>
        <dd>
          {request.requestedBy.displayName ?? request.requestedBy.userId}{' '}
          <span className="muted">({request.requestedBy.orgId})</span>
        </dd>
      </div>
      <div>
        <dt>{t('request.when')}</dt>
        <dd>{localDateTime(request.requestedAt)}</dd>
      </div>
      <div>
        <dt>{t('request.expires')}</dt>
        <dd>{localDateTime(request.expiresAt)}</dd>
      </div>
      {request.terminal ? (
        <div>
          <dt>{t('request.terminal')}</dt>
          <dd>{request.terminal}</dd>
        </div>
      ) : null}
    </dl>
  );
}

export function InboxRequest({
  request,
  decisions,
}: {
  request: ApprovalRequest;
  decisions: ApprovalDecisions;
}) {
  const { t } = useTranslation('approvals');
  const { busyKey, rejecting, draft } = decisions;
  const name = requestName(request);
  return (
    <article aria-labelledby={`req-${request.requestId}`}>
      <h3 id={`req-${request.requestId}`}>
        {kindName(request.kind)} · <RequestSubject request={request} />
      </h3>
      <RequestFacts request={request} />
      <RequestDiff request={request} />
      <div className="button-row">
        <Button
          variant="primary"
          busy={busyKey === `approve:${request.requestId}`}
          busyLabel={t('request.approving')}
          aria-label={t('request.approveLabel', { name })}
          onClick={() => decisions.approve(request)}
        >
          {t('request.approve')}
        </Button>
        <Button
          variant="danger"
          aria-label={t('request.rejectLabel', { name })}
          onClick={() => decisions.openReject(request)}
        >
          {t('request.reject')}
        </Button>
      </div>
      {rejecting?.requestId === request.requestId ? (
        <ActionForm
          spec={REJECT_REQUEST}
          draft={draft}
          title={t('request.rejectTitle', { name })}
          headingLevel="none"
          named="by-section"
          className="stack"
          busy={busyKey === `reject:${request.requestId}`}
          onSubmit={({ reason }) => decisions.reject(request, reason)}
          onCancel={decisions.closeReject}
        />
      ) : null}
    </article>
  );
}
