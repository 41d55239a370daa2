/**
 * The decisions on a two-person request and who is offered them. Approving is a button, not a form, but names its
 * step-up the same way; the server refuses a decision on one's own request whatever the console shows.
 */
import type { FormPolicy, FormSpec } from '../forms/form-schema.js';
import { type ApprovalRequest, requestName } from './approval-requests.js';

export const APPROVE_REQUEST: FormPolicy<ApprovalRequest> = {
  permissions: ['approval.decide'],
  stepUp: (request) => `approve ${requestName(request)}`,
};

export const REJECT_REQUEST: FormSpec<'reason', ApprovalRequest> = {
  policy: { permissions: ['approval.decide'], stepUp: (request) => `reject ${requestName(request)}` },
  fields: [
    {
      kind: 'text',
      name: 'reason',
      label: 'Reason for rejecting',
      hint: 'The requester sees it.',
      missing: 'Give a reason: the requester sees it.',
      maxLength: 500,
      required: true,
      autoFocus: true,
    },
  ],
  submit: { label: 'Reject request', busyLabel: 'Rejecting…', variant: 'danger' },
};
