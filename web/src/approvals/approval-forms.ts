/**
 * The decisions on a two-person request and who is offered them. Approving is a button, not a form, but names its
 * step-up the same way; the server refuses a decision on one's own request whatever the console shows.
 */
import type { FormPolicy, FormSpec } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { type ApprovalRequest, requestName } from './approval-requests.js';

export const APPROVE_REQUEST: FormPolicy<ApprovalRequest> = {
  permissions: ['approval.decide'],
  stepUp: (request) => i18next.t('approvals:decisions.stepUpApprove', { name: requestName(request) }),
};

export const REJECT_REQUEST: FormSpec<'reason', ApprovalRequest> = {
  policy: {
    permissions: ['approval.decide'],
    stepUp: (request) => i18next.t('approvals:decisions.stepUpReject', { name: requestName(request) }),
  },
  fields: [
    {
      kind: 'text',
      name: 'reason',
      get label() {
        return i18next.t('approvals:decisions.rejectReason');
      },
      get hint() {
        return i18next.t('approvals:decisions.rejectHint');
      },
      get missing() {
        return i18next.t('approvals:decisions.rejectMissing');
      },
      maxLength: 500,
      required: true,
      autoFocus: true,
    },
  ],
  submit: {
    get label() {
      return i18next.t('approvals:decisions.rejectSubmit');
    },
    get busyLabel() {
      return i18next.t('approvals:decisions.rejecting');
    },
    variant: 'danger',
  },
};
