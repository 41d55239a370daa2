import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json.js';
import { actorOf, signInOf } from './actor.js';
import type { LogEvent } from './rule.js';
import { peopleFacts } from './testing/people.js';

const AT = '2026-03-02T08:00:00.000Z';
const event = (streamId: string, type: string, data: JsonObject): LogEvent => ({
  index: 1,
  streamId,
  type,
  recordedAt: AT,
  data,
});
const recorded = { userId: 'u-line', orgId: 'org-line', orgKind: 'shipping_line' };
const slot = { terminal: 'T1', block: 'A', bay: 1, row: 1, tier: 1 };

describe('actorOf: who did what the event records', () => {
  it.each<[string, LogEvent, { userId: string; orgId: string | null } | null]>([
    [
      'a sign-in, the person of the auth stream',
      event('auth-u-7', 'LoginSucceeded', { method: 'passkey', ip: '192.0.2.1', userAgent: 'x', at: AT }),
      { userId: 'u-7', orgId: null },
    ],
    [
      'a failed sign-in, attributed to the account tried',
      event('auth-u-7', 'LoginFailed', {
        method: 'password_totp',
        reason: 'password_wrong',
        ip: '',
        userAgent: '',
      }),
      { userId: 'u-7', orgId: null },
    ],
    [
      "a supervisor's confirmation on the person's auth stream, the supervisor",
      event('auth-u-7', 'EnrolmentConfirmed', {
        enrolmentId: 'e',
        by: 'u-super',
        via: 'console',
        ip: '',
        at: AT,
      }),
      { userId: 'u-super', orgId: null },
    ],
    [
      'a confirmation by the operator at the machine, nobody',
      event('auth-u-7', 'EnrolmentConfirmed', { enrolmentId: 'e', by: 'operator:root', via: 'operator' }),
      null,
    ],
    ['a lockout, the system', event('auth-u-7', 'AccountLockedOut', { failures: 20, ip: '', at: AT }), null],
    [
      'a booking, its by',
      event('appointment-V1', 'SlotBooked', {
        visitRef: 'V1',
        by: { orgId: 'org-h', userId: 'u-h' },
        at: AT,
      }),
      { userId: 'u-h', orgId: 'org-h' },
    ],
    [
      'a release transfer, its by',
      event('release-V1', 'ReleaseTransferOffered', {
        visitRef: 'V1',
        from: 'a',
        to: 'b',
        by: recorded,
        at: AT,
      }),
      { userId: 'u-line', orgId: 'org-line' },
    ],
    [
      'an approval request, the requester',
      event('approval-r1', 'ApprovalRequested', { requestId: 'r1', requestedBy: recorded, at: AT }),
      { userId: 'u-line', orgId: 'org-line' },
    ],
    [
      'an approval granted, the approver',
      event('approval-r1', 'ApprovalGranted', {
        requestId: 'r1',
        approvedBy: { ...recorded, userId: 'u-2' },
      }),
      { userId: 'u-2', orgId: 'org-line' },
    ],
    [
      'an approval withdrawn, the requester',
      event('approval-r1', 'ApprovalWithdrawn', { requestId: 'r1', withdrawnBy: 'u-1', at: AT }),
      { userId: 'u-1', orgId: null },
    ],
    [
      'a yard move, its operator',
      event('visit-V1', 'ContainerMoved', {
        visitRef: 'V1',
        from: slot,
        to: slot,
        equipment: 'RTG',
        operator: 'u-c',
      }),
      { userId: 'u-c', orgId: null },
    ],
    [
      'a discharge with no operator, nobody',
      event('visit-V1', 'ContainerDischarged', { visitRef: 'V1', slot, equipment: null, operator: null }),
      null,
    ],
    [
      'a corrected position, who asked for it',
      event('visit-V1', 'ContainerPositionCorrected', {
        requestedBy: 'u-req',
        approvedBy: 'u-app',
        reason: 'r',
      }),
      { userId: 'u-req', orgId: null },
    ],
    [
      'a hold placed, its placer',
      event('visit-V1', 'HoldPlaced', { holdId: 'h', kind: 'customs', placedBy: 'u-cus' }),
      { userId: 'u-cus', orgId: null },
    ],
    [
      'a freeze, its by',
      event('visit-V1', 'VisitFrozen', { by: 'u-sec', reason: 'r', alertId: null }),
      { userId: 'u-sec', orgId: null },
    ],
    [
      'position views, the viewer',
      event('views-u-v', 'PositionsViewed', { userId: 'u-v', orgId: 'org-f', visitRefs: ['V1'] }),
      { userId: 'u-v', orgId: 'org-f' },
    ],
    [
      'a role revoked, the admin who revoked it, not the person',
      event('user-u-7', 'RoleRevoked', { userId: 'u-7', role: 'planner', revokedBy: 'u-admin' }),
      { userId: 'u-admin', orgId: null },
    ],
    [
      'a registration, nobody the log names',
      event('user-u-7', 'UserRegistered', { userId: 'u-7', orgId: 'o' }),
      null,
    ],
    [
      'a passkey the person removed themselves, the person',
      event('user-u-7', 'PasskeyRemoved', { userId: 'u-7', credentialId: 'c', approvalId: null }),
      { userId: 'u-7', orgId: null },
    ],
    [
      'a passkey reset by approval, nobody here (the approval stream names them)',
      event('user-u-7', 'PasskeyRemoved', { userId: 'u-7', credentialId: 'c', approvalId: 'r9' }),
      null,
    ],
    [
      'an alert assigned, who assigned it, not the assignee',
      event('alert-12', 'AlertAssigned', { alertId: 12, userId: 'u-assignee', by: 'u-lead' }),
      { userId: 'u-lead', orgId: null },
    ],
    [
      "a driver's phone enrolled, the driver",
      event('driver-devices-u-d', 'DriverDeviceEnrolled', { deviceId: 'd', orgId: 'org-h', userId: 'u-d' }),
      { userId: 'u-d', orgId: 'org-h' },
    ],
    [
      'an API token used, a machine',
      event('token-use-t-1', 'TokenUsed', { tokenId: 't', orgId: 'o', ip: '' }),
      null,
    ],
    [
      'a gate verdict, nobody',
      event('gate-a1', 'GateAttemptAccepted', { attemptId: 'a1', visitRef: 'V1' }),
      null,
    ],
  ])('%s', (_, given, expected) => {
    expect(actorOf(given)).toEqual(expected);
  });

  it('fills in the organisation from the facts when the event does not record it', () => {
    const facts = peopleFacts(
      [{ orgId: 'org-t', kind: 'terminal_operator' }],
      [{ userId: 'u-c', orgId: 'org-t', roles: ['yard_clerk'] }],
    );
    const moved = event('visit-V1', 'ContainerMoved', { operator: 'u-c' });
    expect(actorOf(moved, facts)).toEqual({ userId: 'u-c', orgId: 'org-t' });
    expect(actorOf(event('visit-V1', 'ContainerMoved', { operator: 'u-unknown' }), facts)).toEqual({
      userId: 'u-unknown',
      orgId: null,
    });
  });
});

describe('signInOf', () => {
  it('reads sign-ins from auth streams only', () => {
    const ok = event('auth-u-7', 'LoginSucceeded', { ip: '192.0.2.1', userAgent: 'UA', method: 'passkey' });
    expect(signInOf(ok)).toEqual({ userId: 'u-7', ok: true, ip: '192.0.2.1', userAgent: 'UA' });
    expect(signInOf({ ...ok, type: 'LoginFailed' })?.ok).toBe(false);
    expect(signInOf({ ...ok, streamId: 'user-u-7' })).toBeNull();
    expect(signInOf({ ...ok, type: 'SteppedUp' })).toBeNull();
  });
});
