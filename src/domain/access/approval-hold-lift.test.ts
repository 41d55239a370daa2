/**
 * The two-person lift of a colleague's customs or police hold (issue 10, row B): requested by an officer who may
 * lift that kind of hold, decided by another officer of the same authority — same organisation, a role that lifts
 * that kind — never the requester.
 */
import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.js';
import {
  type ApprovalActor,
  type ApprovalRequested,
  approvalDecider,
  type RequestApproval,
} from './approval.js';

const spec = deciderSpec(approvalDecider);
const at = (minute: number): string => new Date(Date.UTC(2025, 2, 1, 8, minute)).toISOString();

const officer = (userId: string, orgId = 'org-customs'): ApprovalActor => ({
  userId,
  orgId,
  orgKind: 'customs',
  roles: ['customs_officer'],
});
const investigator = (userId: string, orgId = 'org-police'): ApprovalActor => ({
  userId,
  orgId,
  orgKind: 'port_police',
  roles: ['investigator'],
});
const recorded = (actor: ApprovalActor) => ({ ...actor, roles: [...actor.roles], terminals: [] });

const liftChange = (kind: string) => ({ holdId: 'H-1', kind, reason: 'scan clear' });
const request = (kind: string, requestedBy: ApprovalActor): RequestApproval => ({
  type: 'RequestApproval',
  requestId: 'apr-h',
  kind: 'hold.lift',
  subject: 'V-REF-1',
  change: liftChange(kind),
  terminal: null,
  requestedBy,
  at: at(0),
  expiresAt: at(60),
});
const requested = (kind: string, requestedBy: ApprovalActor): ApprovalRequested => ({
  type: 'ApprovalRequested',
  requestId: 'apr-h',
  kind: 'hold.lift',
  subject: 'V-REF-1',
  change: liftChange(kind),
  terminal: null,
  requestedBy: recorded(requestedBy),
  expiresAt: at(60),
  at: at(0),
});

describe('approval decider: hold.lift', () => {
  it('is requested by an officer who may lift that kind of hold', () => {
    spec
      .given([])
      .when(request('customs', officer('u-cus-2')))
      .then([requested('customs', officer('u-cus-2'))]);
    spec
      .given([])
      .when(request('police', investigator('u-inv-2')))
      .then([requested('police', investigator('u-inv-2'))]);
    // A customs officer may not ask to lift a police hold, nor an investigator a customs hold.
    spec
      .given([])
      .when(request('police', officer('u-cus-2')))
      .thenFails('approval.not_permitted');
    spec
      .given([])
      .when(request('customs', investigator('u-inv-2')))
      .thenFails('approval.not_permitted');
    spec
      .given([])
      .when(request('mafia', officer('u-cus-2')))
      .thenFails('approval.not_permitted');
  });

  it('is approved by another officer of the same authority', () => {
    spec
      .given([requested('customs', officer('u-cus-2'))])
      .when({ type: 'ApproveRequest', by: officer('u-cus-3'), at: at(5) })
      .then([
        { type: 'ApprovalGranted', requestId: 'apr-h', approvedBy: recorded(officer('u-cus-3')), at: at(5) },
      ]);
  });

  it('is never approved by the requester, another authority or another organisation', () => {
    const customsLift = requested('customs', officer('u-cus-2'));
    spec
      .given([customsLift])
      .when({ type: 'ApproveRequest', by: officer('u-cus-2'), at: at(5) })
      .thenFails('approval.self_approval');
    // An investigator of a customs organisation holds no customs hold: not eligible.
    spec
      .given([customsLift])
      .when({
        type: 'ApproveRequest',
        by: { ...investigator('u-inv-9', 'org-customs'), orgKind: 'customs' },
        at: at(5),
      })
      .thenFails('approval.not_eligible');
    spec
      .given([customsLift])
      .when({ type: 'ApproveRequest', by: officer('u-cus-9', 'org-customs-2'), at: at(5) })
      .thenFails('approval.wrong_organisation');
    spec
      .given([requested('police', investigator('u-inv-2'))])
      .when({ type: 'ApproveRequest', by: officer('u-cus-3', 'org-police'), at: at(5) })
      .thenFails('approval.not_eligible');
  });
});
