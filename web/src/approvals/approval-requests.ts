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

/** Every kind of two-person request, for the filter of one's own requests. */
export const REQUEST_KINDS = [
  'yard.correction',
  'pickup.change',
  'visit.void',
  'visit.unfreeze',
  'hold.lift',
  'role.grant',
  'passkeys.reset',
] as const;

/** Every state a request is shown in, for the same filter. */
export const REQUEST_STATES = ['pending', 'granted', 'rejected', 'withdrawn', 'expired'] as const;

const visitKinds = ['yard.correction', 'pickup.change', 'visit.void', 'visit.unfreeze', 'hold.lift'];

/** Whether the request's subject is a visit, which has a container page to link to. */
export const isAboutVisit = (request: ApprovalRequest) => visitKinds.includes(request.kind);

const requestPath = (request: ApprovalRequest, action: string) =>
  `/v1/approvals/${encodeURIComponent(request.requestId)}/${action}`;

export const approvalsApi = {
  /** The requests awaiting the caller's decision (the caller's own are a list of their own: `MyRequests`). */
  load: async () => {
    const inbox = await apiGet<{ requests: ApprovalRequest[] }>('/v1/approvals');
    return { inbox: inbox.requests };
  },
  approve: (request: ApprovalRequest) => apiPost(requestPath(request, 'approve')),
  reject: (request: ApprovalRequest, reason: string) => apiPost(requestPath(request, 'reject'), { reason }),
  withdraw: (request: ApprovalRequest) => apiPost(requestPath(request, 'withdraw')),
};
