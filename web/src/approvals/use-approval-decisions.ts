/**
 * Approving, rejecting and withdrawing requests, with the one reject form that may be open. The reason is kept by
 * the page rather than the form, so opening the form again on any request starts it empty.
 */
import { useState } from 'react';
import { useFormDraft } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { useAction } from '../use-action.js';
import { APPROVE_REQUEST, REJECT_REQUEST } from './approval-forms.js';
import { type ApprovalRequest, approvalsApi, requestName } from './approval-requests.js';

export function useApprovalDecisions(reload: () => Promise<void>) {
  const [rejecting, setRejecting] = useState<ApprovalRequest>();
  const draft = useFormDraft({ reason: '' });
  const { run, busyKey, done, feedback, cancel } = useAction({ reload });
  // Approving and rejecting need a fresh step-up (the server says so for every decision); withdrawing does not.
  const act = (key: string, label: string, action: () => Promise<unknown>, success: string, stepUp = false) =>
    run(key, label, action, {
      stepUp,
      done: success,
      after: () => {
        setRejecting(undefined);
        draft.reset();
      },
    });

  return {
    busyKey,
    done,
    feedback,
    rejecting,
    draft,
    approve(request: ApprovalRequest) {
      cancel();
      void act(
        `approve:${request.requestId}`,
        APPROVE_REQUEST.stepUp(request),
        () => approvalsApi.approve(request),
        i18next.t('approvals:decisions.approved', { name: requestName(request) }),
        true,
      );
    },
    openReject(request: ApprovalRequest) {
      cancel();
      draft.reset();
      draft.setErrors({});
      setRejecting(request);
    },
    closeReject: () => setRejecting(undefined),
    reject(request: ApprovalRequest, reason: string) {
      void act(
        `reject:${request.requestId}`,
        REJECT_REQUEST.policy.stepUp(request),
        () => approvalsApi.reject(request, reason),
        i18next.t('approvals:decisions.rejected', { name: requestName(request) }),
        true,
      );
    },
    withdraw(request: ApprovalRequest) {
      void act(
        `withdraw:${request.requestId}`,
        i18next.t('approvals:decisions.stepUpWithdraw'),
        () => approvalsApi.withdraw(request),
        i18next.t('approvals:decisions.withdrawn', { subject: request.subject }),
      );
    },
  };
}

export type ApprovalDecisions = ReturnType<typeof useApprovalDecisions>;
