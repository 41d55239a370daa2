/** Two-person requests as `/v1/approvals` answers them, and the calls that decide or withdraw one. */
import { apiGet, apiPost } from '../api.js';

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

const kindNames: Record<string, string> = {
  'yard.correction': 'Yard position correction',
  'pickup.change': 'Pickup change',
  'visit.void': 'Void of a visit event',
  'role.grant': 'Role grant',
  'passkeys.reset': 'Passkey reset',
  'visit.unfreeze': 'Unfreeze of a frozen box',
  'hold.lift': "Lift of another officer's hold",
};

export const kindName = (kind: string) => kindNames[kind] ?? kind;

/** "the yard position correction of V-123", as the buttons, step-ups and notices name a request. */
export const requestName = (request: ApprovalRequest) =>
  `the ${kindName(request.kind).toLowerCase()} of ${request.subject}`;

export const statusNames: Record<ApprovalRequest['status'], string> = {
  pending: 'Waiting',
  granted: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
};

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
