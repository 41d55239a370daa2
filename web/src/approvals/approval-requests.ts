/** Two-person requests as `/v1/approvals` answers them, and the calls that decide or withdraw one. */
import { apiGet, apiPost } from '../api.js';
import { i18next } from '../i18n/index.js';
import { term } from '../terms.js';

/** A two-person request as `GET /v1/approvals` answers it. */
export interface ApprovalRequest {
  requestId: string;
  kind: string;
  subject: string;
  status: 'pending' | 'granted' | 'rejected' | 'withdrawn' | 'expired';
  change: Record<string, unknown>;
  terminal: string | null;
  requestedBy: { userId: string; orgId: string; displayName: string | null };
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
}

/** "Yard position correction", in the console's language. */
export const kindName = (kind: string) => term('approvalKinds', kind);

/** "the yard position correction of V-123", as the buttons, step-ups and notices name a request. */
export const requestName = (request: ApprovalRequest) =>
  i18next.t('approvals:request.name', {
    kind: kindName(request.kind).toLowerCase(),
    subject: request.subject,
  });

/** "Waiting", "Approved"…, in the console's language. */
export const statusName = (status: ApprovalRequest['status']) => term('approvalStatuses', status);

const visitKinds = ['yard.correction', 'pickup.change', 'visit.void', 'visit.unfreeze', 'hold.lift'];

/** Whether the request's subject is a visit, which has a container page to link to. */
export const isAboutVisit = (request: ApprovalRequest) => visitKinds.includes(request.kind);

const requestPath = (request: ApprovalRequest, action: string) =>
  `/v1/approvals/${encodeURIComponent(request.requestId)}/${action}`;

export const approvalsApi = {
  /** The requests awaiting the caller's decision, and the caller's own. */
  load: async () => {
    const [inbox, mine] = await Promise.all([
      apiGet<{ requests: ApprovalRequest[] }>('/v1/approvals'),
      apiGet<{ requests: ApprovalRequest[] }>('/v1/approvals?mine=1'),
    ]);
    return { inbox: inbox.requests, mine: mine.requests };
  },
  approve: (request: ApprovalRequest) => apiPost(requestPath(request, 'approve')),
  reject: (request: ApprovalRequest, reason: string) => apiPost(requestPath(request, 'reject'), { reason }),
  withdraw: (request: ApprovalRequest) => apiPost(requestPath(request, 'withdraw')),
};
