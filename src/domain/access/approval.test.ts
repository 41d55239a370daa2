import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import { deciderSpec } from '../testing/decider-spec.js';
import {
  type ApprovalActor,
  type ApprovalGranted,
  type ApprovalRequested,
  approvalDecider,
  approvalStatus,
  approverRefusal,
  grantedApproval,
  type RecordedActor,
  type RequestApproval,
} from './approval.js';

const spec = deciderSpec(approvalDecider);
const at = (minute: number): string => new Date(Date.UTC(2025, 2, 1, 8, minute)).toISOString();

const psa = (userId: string, roles: ApprovalActor['roles']): ApprovalActor => ({
  userId,
  orgId: 'org-psa',
  orgKind: 'terminal_operator',
  roles,
  terminals: ['T1', 'T3'],
});
const planner1 = psa('u-planner-1', ['yard_planner']);
const planner2 = psa('u-planner-2', ['yard_planner']);
const supervisor = psa('u-sup-1', ['terminal_supervisor']);
const gateClerk = psa('u-gate-1', ['gate_clerk']);
const dpwSupervisor: ApprovalActor = {
  userId: 'u-dpw-sup',
  orgId: 'org-dpw',
  orgKind: 'terminal_operator',
  roles: ['terminal_supervisor'],
  terminals: ['T2'],
};
const msc = (userId: string): ApprovalActor => ({
  userId,
  orgId: 'org-msc',
  orgKind: 'shipping_line',
  roles: ['release_desk'],
});
const admin = (userId: string, orgId = 'org-port'): ApprovalActor => ({
  userId,
  orgId,
  orgKind: 'port_administration',
  roles: ['administrator'],
});
const hauler = (userId: string, orgId = 'org-hau'): ApprovalActor => ({
  userId,
  orgId,
  orgKind: 'haulier',
  roles: ['haulier_planner'],
});
const recorded = (actor: ApprovalActor): RecordedActor => ({
  userId: actor.userId,
  orgId: actor.orgId,
  orgKind: actor.orgKind,
  roles: [...actor.roles],
  terminals: [...(actor.terminals ?? [])],
});

const change = { before: 'T1/A/04/02/1', after: 'T1/A/08/03/2', why: 'RTG terminal was offline' };
const requestCorrection: RequestApproval = {
  type: 'RequestApproval',
  requestId: 'apr-1',
  kind: 'yard.correction',
  subject: 'V-REF-1',
  change,
  terminal: 't1',
  requestedBy: planner1,
  at: at(0),
  expiresAt: at(60),
};
const correctionRequested: ApprovalRequested = {
  type: 'ApprovalRequested',
  requestId: 'apr-1',
  kind: 'yard.correction',
  subject: 'V-REF-1',
  change,
  terminal: 'T1',
  requestedBy: recorded(planner1),
  expiresAt: at(60),
  at: at(0),
};
const granted: ApprovalGranted = {
  type: 'ApprovalGranted',
  requestId: 'apr-1',
  approvedBy: recorded(supervisor),
  at: at(5),
};

const roleGrantRequested: ApprovalRequested = {
  type: 'ApprovalRequested',
  requestId: 'apr-2',
  kind: 'role.grant',
  subject: 'u-new',
  change: { role: 'yard_planner' },
  terminal: null,
  requestedBy: recorded(admin('u-admin-1')),
  expiresAt: at(60),
  at: at(0),
};
const pickupRequested: ApprovalRequested = {
  type: 'ApprovalRequested',
  requestId: 'apr-3',
  kind: 'pickup.change',
  subject: 'V-REF-1',
  change: { slot: { before: '10:00', after: '07:00' } },
  terminal: null,
  requestedBy: recorded(hauler('u-hp-1')),
  expiresAt: at(60),
  at: at(0),
};

describe('approval decider: requesting', () => {
  it('records the request, normalised', () => {
    spec.given([]).when(requestCorrection).then([correctionRequested]);
  });

  it('refuses a second request on the same stream', () => {
    spec.given([correctionRequested]).when(requestCorrection).thenFails('approval.already_exists');
  });

  it('the requester needs the permission that asks for this kind', () => {
    spec
      .given([])
      .when({ ...requestCorrection, requestedBy: gateClerk })
      .thenFails('approval.not_permitted', { permission: 'visit.correct_position' });
    spec
      .given([])
      .when({ ...requestCorrection, kind: 'role.grant', terminal: null, requestedBy: supervisor })
      .thenFails('approval.not_permitted');
  });

  it("a terminal's staff ask only about the terminals their operator runs", () => {
    spec
      .given([])
      .when({ ...requestCorrection, terminal: 'T2' })
      .thenFails('approval.wrong_organisation');
  });

  it('terminal data names its terminal; other kinds name none', () => {
    spec
      .given([])
      .when({ ...requestCorrection, terminal: null })
      .thenFails('approval.command_invalid', {
        field: 'terminal',
      });
    spec
      .given([])
      .when({ ...requestCorrection, kind: 'role.grant', requestedBy: admin('u-admin-1') })
      .thenFails('approval.command_invalid', { field: 'terminal' });
  });

  it('refuses malformed requests', () => {
    const cases: [Partial<RequestApproval> & Record<string, unknown>, string][] = [
      [{ expiresAt: at(0) }, 'expiresAt'],
      [{ at: 'yesterday' }, 'at'],
      [{ kind: 'visit.delete' as never }, 'kind'],
      [{ requestId: 'a b' }, 'requestId'],
      [{ change: [] as never }, 'change'],
      [{ change: { a: undefined } as never }, 'change.a'],
      [{ requestedBy: { ...planner1, roles: ['root' as never] } }, 'requestedBy.roles[0]'],
      [{ requestedBy: { ...planner1, orgKind: 'bank' as never } }, 'requestedBy.orgKind'],
    ];
    for (const [patch, field] of cases) {
      spec
        .given([])
        .when({ ...requestCorrection, ...patch })
        .thenFails('approval.command_invalid', { field });
    }
  });
});

describe('approval decider: deciding', () => {
  it('a second eligible person at the terminal approves', () => {
    const state = spec
      .given([correctionRequested])
      .when({ type: 'ApproveRequest', by: supervisor, at: at(5) })
      .then([granted]);
    expect(approvalStatus(state, at(90))).toBe('granted');
    expect(grantedApproval(state)?.approvedBy.userId).toBe('u-sup-1');
  });

  it('a second planner may approve a yard correction too', () => {
    spec
      .given([correctionRequested])
      .when({ type: 'ApproveRequest', by: planner2, at: at(5) })
      .then([{ ...granted, approvedBy: recorded(planner2) }]);
  });

  it('nobody approves, or rejects, their own request', () => {
    spec
      .given([correctionRequested])
      .when({ type: 'ApproveRequest', by: planner1, at: at(5) })
      .thenFails('approval.self_approval');
    spec
      .given([correctionRequested])
      .when({ type: 'RejectRequest', by: planner1, at: at(5), reason: 'oops' })
      .thenFails('approval.self_approval');
    // Even when the requester comes back claiming a role that may approve.
    spec
      .given([correctionRequested])
      .when({ type: 'ApproveRequest', by: { ...supervisor, userId: planner1.userId }, at: at(5) })
      .thenFails('approval.self_approval');
  });

  it('nobody decides a role grant or passkey reset of their own account', () => {
    spec
      .given([{ ...roleGrantRequested, subject: 'u-admin-2' }])
      .when({ type: 'ApproveRequest', by: admin('u-admin-2'), at: at(5) })
      .thenFails('approval.self_approval');
    spec
      .given([{ ...roleGrantRequested, kind: 'passkeys.reset', subject: 'u-admin-2' }])
      .when({ type: 'ApproveRequest', by: admin('u-admin-2'), at: at(5) })
      .thenFails('approval.self_approval');
    spec
      .given([roleGrantRequested])
      .when({ type: 'ApproveRequest', by: admin('u-admin-2'), at: at(5) })
      .then([
        { type: 'ApprovalGranted', requestId: 'apr-2', approvedBy: recorded(admin('u-admin-2')), at: at(5) },
      ]);
  });

  it('the approver holds a role allowed to approve this kind', () => {
    spec
      .given([correctionRequested])
      .when({ type: 'ApproveRequest', by: gateClerk, at: at(5) })
      .thenFails('approval.not_eligible', { eligible: ['terminal_supervisor', 'yard_planner'] });
    spec
      .given([roleGrantRequested])
      .when({ type: 'ApproveRequest', by: { ...admin('u-x'), roles: [] }, at: at(5) })
      .thenFails('approval.not_eligible');
    // A role the approver's organisation may not hold counts for nothing.
    spec
      .given([correctionRequested])
      .when({ type: 'ApproveRequest', by: { ...msc('u-msc-1'), roles: ['terminal_supervisor'] }, at: at(5) })
      .thenFails('approval.not_eligible');
  });

  it("for terminal data, the approver runs that terminal; otherwise they are in the requester's organisation", () => {
    spec
      .given([correctionRequested])
      .when({ type: 'ApproveRequest', by: dpwSupervisor, at: at(5) })
      .thenFails('approval.wrong_organisation', { terminal: 'T1' });
    spec
      .given([roleGrantRequested])
      .when({ type: 'ApproveRequest', by: admin('u-admin-9', 'org-other-admin'), at: at(5) })
      .thenFails('approval.wrong_organisation');
    spec
      .given([pickupRequested])
      .when({ type: 'ApproveRequest', by: hauler('u-hp-9', 'org-hau-2'), at: at(5) })
      .thenFails('approval.wrong_organisation');
    spec
      .given([pickupRequested])
      .when({ type: 'ApproveRequest', by: hauler('u-hp-2'), at: at(5) })
      .then([
        { type: 'ApprovalGranted', requestId: 'apr-3', approvedBy: recorded(hauler('u-hp-2')), at: at(5) },
      ]);
  });

  it('a void of a terminal event, asked by the line, is approved at the terminal, not by a second line clerk', () => {
    const voidRequested: ApprovalRequested = {
      ...correctionRequested,
      requestId: 'apr-4',
      kind: 'visit.void',
      change: { voidedVersion: 3, voidedType: 'ContainerMoved' },
      requestedBy: recorded(msc('u-msc-1')),
    };
    spec
      .given([])
      .when({
        ...requestCorrection,
        requestId: 'apr-4',
        kind: 'visit.void',
        change: voidRequested.change,
        requestedBy: msc('u-msc-1'),
      })
      .then([voidRequested]);
    spec
      .given([voidRequested])
      .when({ type: 'ApproveRequest', by: msc('u-msc-2'), at: at(5) })
      .thenFails('approval.wrong_organisation');
    spec
      .given([voidRequested])
      .when({ type: 'ApproveRequest', by: supervisor, at: at(5) })
      .then([{ type: 'ApprovalGranted', requestId: 'apr-4', approvedBy: recorded(supervisor), at: at(5) }]);
    // A void of the line's own announcement names no terminal, and is approved within the line.
    const announcementVoid: ApprovalRequested = { ...voidRequested, terminal: null };
    spec
      .given([announcementVoid])
      .when({ type: 'ApproveRequest', by: msc('u-msc-2'), at: at(5) })
      .then([
        { type: 'ApprovalGranted', requestId: 'apr-4', approvedBy: recorded(msc('u-msc-2')), at: at(5) },
      ]);
  });

  it('a rejection records who and why', () => {
    const state = spec
      .given([correctionRequested])
      .when({ type: 'RejectRequest', by: supervisor, at: at(6), reason: ' no such move on the RTG log ' })
      .then([
        {
          type: 'ApprovalRejected',
          requestId: 'apr-1',
          rejectedBy: recorded(supervisor),
          reason: 'no such move on the RTG log',
          at: at(6),
        },
      ]);
    expect(approvalStatus(state, at(7))).toBe('rejected');
    expect(grantedApproval(state)).toBeUndefined();
    spec
      .given([correctionRequested])
      .when({ type: 'RejectRequest', by: supervisor, at: at(6), reason: '' })
      .thenFails('approval.command_invalid', { field: 'reason' });
  });

  it('only a pending request is decided', () => {
    spec
      .given([])
      .when({ type: 'ApproveRequest', by: supervisor, at: at(5) })
      .thenFails('approval.not_found');
    spec
      .given([correctionRequested, granted])
      .when({ type: 'ApproveRequest', by: planner2, at: at(6) })
      .thenFails('approval.not_pending', { status: 'granted' });
    spec
      .given([correctionRequested, granted])
      .when({ type: 'RejectRequest', by: planner2, at: at(6), reason: 'late' })
      .thenFails('approval.not_pending');
  });

  it('a request expires at expiresAt', () => {
    const state = foldEvents(approvalDecider, [correctionRequested]);
    expect(approvalStatus(state, at(59))).toBe('pending');
    expect(approvalStatus(state, at(60))).toBe('expired');
    expect(approvalStatus(foldEvents(approvalDecider, []), at(0))).toBeUndefined();
    spec
      .given([correctionRequested])
      .when({ type: 'ApproveRequest', by: supervisor, at: at(60) })
      .thenFails('approval.expired', { expiresAt: at(60) });
    spec
      .given([correctionRequested])
      .when({ type: 'WithdrawRequest', by: planner1, at: at(61) })
      .thenFails('approval.expired');
  });
});

describe('approval decider: withdrawing', () => {
  it('only the requester withdraws', () => {
    const state = spec
      .given([correctionRequested])
      .when({ type: 'WithdrawRequest', by: { userId: planner1.userId }, at: at(3) })
      .then([{ type: 'ApprovalWithdrawn', requestId: 'apr-1', withdrawnBy: planner1.userId, at: at(3) }]);
    expect(approvalStatus(state, at(4))).toBe('withdrawn');
    spec
      .given([correctionRequested])
      .when({ type: 'WithdrawRequest', by: supervisor, at: at(3) })
      .thenFails('approval.not_requester');
    spec
      .given([correctionRequested, granted])
      .when({ type: 'WithdrawRequest', by: planner1, at: at(6) })
      .thenFails('approval.not_pending');
  });

  it('refuses an unknown command', () => {
    spec
      .given([])
      .when({ type: 'ForceApprove' } as never)
      .thenFails('approval.command_invalid');
  });
});

describe('approverRefusal', () => {
  it('tells the UI who may press approve', () => {
    expect(approverRefusal(correctionRequested, supervisor)).toBeUndefined();
    expect(approverRefusal(correctionRequested, planner1)).toBe('approval.self_approval');
    expect(approverRefusal(correctionRequested, gateClerk)).toBe('approval.not_eligible');
    expect(approverRefusal(correctionRequested, dpwSupervisor)).toBe('approval.wrong_organisation');
    expect(() => approverRefusal(correctionRequested, { ...supervisor, userId: '' })).toThrow(
      expect.objectContaining({ code: 'approval.command_invalid' }),
    );
  });
});
