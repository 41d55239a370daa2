import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import { deciderSpec } from '../testing/decider-spec.js';
import {
  type ApprovalEvent,
  type ApprovalRequested,
  approvalDecider,
  type RecordedActor,
} from './approval.js';
import {
  type EnrolmentLinkIssued,
  liveEnrolmentLink,
  mayLogInWithPassword,
  type PasskeyAdded,
  type RoleGranted,
  type UserEvent,
  type UserRegistered,
  userDecider,
} from './user.js';

const spec = deciderSpec(userDecider);
const at = (minute: number): string => new Date(Date.UTC(2025, 2, 1, 8, minute)).toISOString();

const admin = (userId: string): RecordedActor => ({
  userId,
  orgId: 'org-port',
  orgKind: 'port_administration',
  roles: ['administrator'],
  terminals: [],
});

const driverRegistered: UserRegistered = {
  type: 'UserRegistered',
  userId: 'u-drv',
  orgId: 'org-hau',
  orgKind: 'haulier',
  displayName: 'Jan Peeters',
  roles: ['driver'],
  at: at(0),
};
const plannerRegistered: UserRegistered = {
  type: 'UserRegistered',
  userId: 'u-yp',
  orgId: 'org-psa',
  orgKind: 'terminal_operator',
  displayName: 'An Janssens',
  roles: ['yard_planner'],
  at: at(0),
};
const linkIssued = (userId: string, linkId = 'link-1', expiresAt = at(60)): EnrolmentLinkIssued => ({
  type: 'EnrolmentLinkIssued',
  userId,
  linkId,
  expiresAt,
  at: at(1),
});
const passkey = (userId: string, credentialId = 'cred-A', minute = 2): PasskeyAdded => ({
  type: 'PasskeyAdded',
  userId,
  credentialId,
  label: 'YubiKey 5',
  at: at(minute),
});

/** The folded stream of an approval about `subject`, granted unless said otherwise. */
const approval = (
  kind: ApprovalRequested['kind'],
  subject: string,
  change: ApprovalRequested['change'],
  { requestId = 'apr-1', grant = true } = {},
) => {
  const requested: ApprovalRequested = {
    type: 'ApprovalRequested',
    requestId,
    kind,
    subject,
    change,
    terminal: null,
    requestedBy: admin('u-admin-1'),
    expiresAt: at(60),
    at: at(3),
  };
  const events: ApprovalEvent[] = [requested];
  if (grant) events.push({ type: 'ApprovalGranted', requestId, approvedBy: admin('u-admin-2'), at: at(4) });
  return foldEvents(approvalDecider, events);
};

describe('user decider: registration', () => {
  it('registers a user of one organisation with roles that organisation may hold', () => {
    const state = spec
      .given([])
      .when({
        type: 'RegisterUser',
        at: at(0),
        userId: 'u-drv',
        orgId: 'org-hau',
        orgKind: 'haulier',
        displayName: ' Jan Peeters ',
        roles: ['driver'],
      })
      .then([driverRegistered]);
    expect(state.user).toMatchObject({
      roles: ['driver'],
      passkeyRequired: false,
      locked: null,
      passkeys: [],
    });
  });

  it('refuses roles the organisation may not hold, and a second registration', () => {
    const register = {
      type: 'RegisterUser' as const,
      at: at(0),
      userId: 'u-x',
      orgId: 'org-msc',
      orgKind: 'shipping_line' as const,
      displayName: 'X',
      roles: ['yard_planner' as const],
    };
    spec.given([]).when(register).thenFails('access.role_not_allowed');
    spec
      .given([driverRegistered])
      .when({ ...register, roles: ['release_desk'] })
      .thenFails('user.already_exists');
    spec
      .given([])
      .when({ ...register, displayName: '' })
      .thenFails('user.command_invalid', { field: 'displayName' });
  });

  it('every other command needs a registered user', () => {
    spec
      .given([])
      .when({ type: 'SetPassword', at: at(1) })
      .thenFails('user.not_found');
  });
});

describe('user decider: roles', () => {
  const grantApproval = approval('role.grant', 'u-drv', { role: 'haulier_planner' });
  const roleGranted: RoleGranted = {
    type: 'RoleGranted',
    userId: 'u-drv',
    role: 'haulier_planner',
    approvalId: 'apr-1',
    at: at(5),
  };

  it('grants a role only as the effect of a granted role.grant approval, and records it', () => {
    const state = spec
      .given([driverRegistered])
      .when({ type: 'GrantRole', at: at(5), role: 'haulier_planner', approval: grantApproval })
      .then([roleGranted]);
    // The planner role moves pickups: from now on the driver's password no longer opens the account.
    expect(state.user).toMatchObject({ roles: ['driver', 'haulier_planner'], passkeyRequired: true });
    expect(state.user?.sessionsValidFrom).toBe(at(5));
  });

  it('refuses a pending, rejected, foreign or mismatched approval', () => {
    const cases = [
      approval('role.grant', 'u-drv', { role: 'haulier_planner' }, { grant: false }),
      approval('role.grant', 'u-other', { role: 'haulier_planner' }),
      approval('role.grant', 'u-drv', { role: 'driver' }),
      approval('passkeys.reset', 'u-drv', { role: 'haulier_planner' }),
      foldEvents(approvalDecider, []),
    ];
    for (const pending of cases) {
      spec
        .given([driverRegistered])
        .when({ type: 'GrantRole', at: at(5), role: 'haulier_planner', approval: pending })
        .thenFails('user.approval_mismatch');
    }
  });

  it('an approval grants once', () => {
    const revoked: UserEvent = {
      type: 'RoleRevoked',
      userId: 'u-drv',
      role: 'haulier_planner',
      revokedBy: 'u-admin-1',
      at: at(6),
    };
    spec
      .given([driverRegistered, roleGranted, revoked])
      .when({ type: 'GrantRole', at: at(7), role: 'haulier_planner', approval: grantApproval })
      .thenFails('user.approval_used');
  });

  it('refuses a role already held, or one the organisation may not hold', () => {
    spec
      .given([driverRegistered])
      .when({
        type: 'GrantRole',
        at: at(5),
        role: 'driver',
        approval: approval('role.grant', 'u-drv', { role: 'driver' }),
      })
      .thenFails('user.role_already_held');
    spec
      .given([driverRegistered])
      .when({
        type: 'GrantRole',
        at: at(5),
        role: 'yard_planner',
        approval: approval('role.grant', 'u-drv', { role: 'yard_planner' }),
      })
      .thenFails('access.role_not_allowed');
  });

  it('revokes a held role without a second person, and ends open sessions', () => {
    const state = spec
      .given([plannerRegistered])
      .when({ type: 'RevokeRole', at: at(9), role: 'yard_planner', by: 'u-admin-1' })
      .then([
        { type: 'RoleRevoked', userId: 'u-yp', role: 'yard_planner', revokedBy: 'u-admin-1', at: at(9) },
      ]);
    expect(state.user).toMatchObject({ roles: [], passkeyRequired: false, sessionsValidFrom: at(9) });
    spec
      .given([plannerRegistered])
      .when({ type: 'RevokeRole', at: at(9), role: 'driver', by: 'u-admin-1' })
      .thenFails('user.role_not_held');
  });
});

describe('user decider: enrolment and passkeys', () => {
  it('the first passkey comes through the one-time link', () => {
    const state = spec
      .given([plannerRegistered, linkIssued('u-yp')])
      .when({
        type: 'EnrolWithLink',
        at: at(2),
        linkId: 'link-1',
        credentialId: 'cred-A',
        label: 'YubiKey 5',
      })
      .then([
        { type: 'EnrolmentLinkUsed', userId: 'u-yp', linkId: 'link-1', at: at(2) },
        { ...passkey('u-yp'), pending: true },
      ]);
    // Pending: a link may have been stolen on its way, so a second person confirms it first (issue 10, row D).
    expect(state.user?.passkeys).toEqual([
      { credentialId: 'cred-A', label: 'YubiKey 5', addedAt: at(2), pending: true },
    ]);
    expect(state.user?.enrolmentLink).toBeNull();
  });

  it('a pending passkey is confirmed or rejected by another person, once', () => {
    const pending: UserEvent = { ...passkey('u-yp'), pending: true };
    const enrolled = [plannerRegistered, linkIssued('u-yp'), pending];
    const confirmed = spec
      .given(enrolled)
      .when({ type: 'ConfirmPasskey', at: at(5), credentialId: 'cred-A', by: 'u-sup' })
      .then([
        { type: 'PasskeyConfirmed', userId: 'u-yp', credentialId: 'cred-A', confirmedBy: 'u-sup', at: at(5) },
      ]);
    expect(confirmed.user?.passkeys).toEqual([
      { credentialId: 'cred-A', label: 'YubiKey 5', addedAt: at(2) },
    ]);
    const rejected = spec
      .given(enrolled)
      .when({ type: 'RejectPasskey', at: at(5), credentialId: 'cred-A', by: 'u-sup' })
      .then([
        { type: 'PasskeyRejected', userId: 'u-yp', credentialId: 'cred-A', rejectedBy: 'u-sup', at: at(5) },
      ]);
    expect(rejected.user?.passkeys).toEqual([]);
    spec
      .given(enrolled)
      .when({ type: 'ConfirmPasskey', at: at(5), credentialId: 'cred-A', by: 'u-yp' })
      .thenFails('user.self_confirmation');
    spec
      .given([
        ...enrolled,
        { type: 'PasskeyConfirmed', userId: 'u-yp', credentialId: 'cred-A', confirmedBy: 'u-sup', at: at(5) },
      ])
      .when({ type: 'RejectPasskey', at: at(6), credentialId: 'cred-A', by: 'u-sup' })
      .thenFails('user.passkey_not_pending');
    spec
      .given(enrolled)
      .when({ type: 'ConfirmPasskey', at: at(5), credentialId: 'cred-Z', by: 'u-sup' })
      .thenFails('user.passkey_not_found');
    // A pending passkey signs nobody in, so nobody adds a second passkey on the strength of it.
    spec
      .given(enrolled)
      .when({ type: 'AddPasskey', at: at(3), credentialId: 'cred-B', label: 'Phone' })
      .thenFails('user.enrolment_required');
  });

  it('issues links that expire', () => {
    const state = spec
      .given([plannerRegistered])
      .when({ type: 'IssueEnrolmentLink', at: at(1), linkId: 'link-1', expiresAt: at(60) })
      .then([linkIssued('u-yp')]);
    expect(liveEnrolmentLink(state, at(59))).toEqual({ linkId: 'link-1', expiresAt: at(60) });
    expect(liveEnrolmentLink(state, at(60))).toBeUndefined();
    spec
      .given([plannerRegistered])
      .when({ type: 'IssueEnrolmentLink', at: at(1), linkId: 'link-1', expiresAt: at(1) })
      .thenFails('user.command_invalid', { field: 'expiresAt' });
  });

  it('a link works once, before it expires, and only while it is the live one', () => {
    const enrol = {
      type: 'EnrolWithLink' as const,
      at: at(2),
      linkId: 'link-1',
      credentialId: 'cred-B',
      label: 'Phone',
    };
    const used: UserEvent = { type: 'EnrolmentLinkUsed', userId: 'u-yp', linkId: 'link-1', at: at(2) };
    spec.given([plannerRegistered]).when(enrol).thenFails('user.enrolment_link_invalid');
    spec
      .given([plannerRegistered, linkIssued('u-yp'), used, passkey('u-yp')])
      .when(enrol)
      .thenFails('user.enrolment_link_invalid');
    spec
      .given([plannerRegistered, linkIssued('u-yp')])
      .when({ ...enrol, at: at(60) })
      .thenFails('user.enrolment_link_invalid');
    spec
      .given([plannerRegistered, linkIssued('u-yp'), linkIssued('u-yp', 'link-2')])
      .when(enrol)
      .thenFails('user.enrolment_link_invalid');
  });

  it('adds more passkeys once one is enrolled, never the same twice', () => {
    spec
      .given([plannerRegistered])
      .when({ type: 'AddPasskey', at: at(3), credentialId: 'cred-B', label: 'Phone' })
      .thenFails('user.enrolment_required');
    spec
      .given([plannerRegistered, passkey('u-yp')])
      .when({ type: 'AddPasskey', at: at(3), credentialId: 'cred-B', label: 'Phone' })
      .then([{ ...passkey('u-yp', 'cred-B', 3), label: 'Phone' }]);
    spec
      .given([plannerRegistered, passkey('u-yp')])
      .when({ type: 'AddPasskey', at: at(3), credentialId: 'cred-A', label: 'Again' })
      .thenFails('user.passkey_exists');
    spec
      .given([plannerRegistered, linkIssued('u-yp'), passkey('u-yp')])
      .when({ type: 'EnrolWithLink', at: at(3), linkId: 'link-1', credentialId: 'cred-A', label: 'Again' })
      .thenFails('user.passkey_exists');
    spec
      .given([plannerRegistered, linkIssued('u-yp')])
      .when({
        type: 'EnrolWithLink',
        at: at(3),
        linkId: 'link-1',
        credentialId: 'cred-A',
        label: 'code 7K3M-QW9P',
      })
      .thenFails('user.command_invalid', { field: 'label' });
    spec
      .given([plannerRegistered, passkey('u-yp')])
      .when({ type: 'AddPasskey', at: at(3), credentialId: 'has space', label: 'Phone' })
      .thenFails('user.command_invalid', { field: 'credentialId' });
  });

  it("records the digest of a passkey's public key, keeps it through the confirmation, and refuses a malformed one", () => {
    const digest = 'ab'.repeat(32);
    const state = spec
      .given([plannerRegistered, linkIssued('u-yp')])
      .when({
        type: 'EnrolWithLink',
        at: at(3),
        linkId: 'link-1',
        credentialId: 'cred-B',
        label: 'Phone',
        publicKeyDigest: digest,
      })
      .then([
        { type: 'EnrolmentLinkUsed', userId: 'u-yp', linkId: 'link-1', at: at(3) },
        {
          type: 'PasskeyAdded',
          userId: 'u-yp',
          credentialId: 'cred-B',
          label: 'Phone',
          publicKeyDigest: digest,
          pending: true,
          at: at(3),
        },
      ]);
    const confirmed = userDecider.evolve(state, {
      type: 'PasskeyConfirmed',
      userId: 'u-yp',
      credentialId: 'cred-B',
      confirmedBy: 'u-sup',
      at: at(4),
    });
    expect(confirmed.user?.passkeys).toEqual([
      { credentialId: 'cred-B', label: 'Phone', addedAt: at(3), publicKeyDigest: digest },
    ]);
    spec
      .given([plannerRegistered, passkey('u-yp')])
      .when({
        type: 'AddPasskey',
        at: at(3),
        credentialId: 'cred-C',
        label: 'Laptop',
        publicKeyDigest: 'not hex',
      })
      .thenFails('user.command_invalid', { field: 'publicKeyDigest' });
  });

  it('removes a passkey, never the last one', () => {
    const state = spec
      .given([plannerRegistered, passkey('u-yp'), passkey('u-yp', 'cred-B', 3)])
      .when({ type: 'RemovePasskey', at: at(4), credentialId: 'cred-A' })
      .then([
        { type: 'PasskeyRemoved', userId: 'u-yp', credentialId: 'cred-A', approvalId: null, at: at(4) },
      ]);
    expect(state.user?.passkeys.map((p) => p.credentialId)).toEqual(['cred-B']);
    expect(state.user?.sessionsValidFrom).toBe(at(4));
    spec
      .given([plannerRegistered, passkey('u-yp')])
      .when({ type: 'RemovePasskey', at: at(4), credentialId: 'cred-A' })
      .thenFails('user.last_passkey');
    spec
      .given([plannerRegistered, passkey('u-yp')])
      .when({ type: 'RemovePasskey', at: at(4), credentialId: 'cred-Z' })
      .thenFails('user.passkey_not_found');
  });

  it('a two-person reset removes every passkey, once', () => {
    const reset = approval('passkeys.reset', 'u-yp', { reason: 'laptop stolen' });
    const removed = (credentialId: string): UserEvent => ({
      type: 'PasskeyRemoved',
      userId: 'u-yp',
      credentialId,
      approvalId: 'apr-1',
      at: at(6),
    });
    const given = [plannerRegistered, passkey('u-yp'), passkey('u-yp', 'cred-B', 3)];
    const state = spec
      .given(given)
      .when({ type: 'ResetPasskeys', at: at(6), approval: reset })
      .then([removed('cred-A'), removed('cred-B')]);
    expect(state.user?.passkeys).toEqual([]);
    expect(state.user?.usedApprovals).toEqual(['apr-1']);
    spec
      .given([...given, removed('cred-A'), removed('cred-B'), passkey('u-yp', 'cred-C', 8)])
      .when({ type: 'ResetPasskeys', at: at(9), approval: reset })
      .thenFails('user.approval_used');
    spec
      .given([plannerRegistered])
      .when({ type: 'ResetPasskeys', at: at(6), approval: reset })
      .thenFails('user.passkey_not_found');
    spec
      .given(given)
      .when({
        type: 'ResetPasskeys',
        at: at(6),
        approval: approval('role.grant', 'u-yp', { role: 'gate_clerk' }),
      })
      .thenFails('user.approval_mismatch');
  });
});

describe('user decider: password + TOTP', () => {
  it('a driver may log in with password + TOTP once both are set; secrets never enter the events', () => {
    const given: UserEvent[] = [driverRegistered, linkIssued('u-drv'), passkey('u-drv')];
    spec
      .given(given)
      .when({ type: 'SetPassword', at: at(3) })
      .then([{ type: 'PasswordSet', userId: 'u-drv', at: at(3) }]);
    const withPassword: UserEvent[] = [...given, { type: 'PasswordSet', userId: 'u-drv', at: at(3) }];
    expect(mayLogInWithPassword(foldEvents(userDecider, withPassword))).toBe(false);
    const state = spec
      .given(withPassword)
      .when({ type: 'EnrolTotp', at: at(4) })
      .then([{ type: 'TotpEnrolled', userId: 'u-drv', at: at(4) }]);
    expect(mayLogInWithPassword(state)).toBe(true);
  });

  it('a role that needs a passkey gets no password at all', () => {
    spec
      .given([plannerRegistered])
      .when({ type: 'SetPassword', at: at(3) })
      .thenFails('user.passkey_required');
    spec
      .given([plannerRegistered])
      .when({ type: 'EnrolTotp', at: at(3) })
      .thenFails('user.passkey_required');
  });

  it('granting such a role closes the password door that was open', () => {
    const events: UserEvent[] = [
      driverRegistered,
      { type: 'PasswordSet', userId: 'u-drv', at: at(3) },
      { type: 'TotpEnrolled', userId: 'u-drv', at: at(4) },
    ];
    expect(mayLogInWithPassword(foldEvents(userDecider, events))).toBe(true);
    const granted: UserEvent = {
      type: 'RoleGranted',
      userId: 'u-drv',
      role: 'haulier_planner',
      approvalId: 'apr-1',
      at: at(5),
    };
    expect(mayLogInWithPassword(foldEvents(userDecider, [...events, granted]))).toBe(false);
  });
});

describe('user decider: lock and unlock', () => {
  const locked: UserEvent = {
    type: 'AccountLocked',
    userId: 'u-drv',
    reason: 'too_many_failures',
    at: at(10),
  };
  const ready: UserEvent[] = [
    driverRegistered,
    { type: 'PasswordSet', userId: 'u-drv', at: at(3) },
    { type: 'TotpEnrolled', userId: 'u-drv', at: at(4) },
  ];

  it('locks with a reason, recorded as an event', () => {
    const state = spec
      .given(ready)
      .when({ type: 'LockAccount', at: at(10), reason: 'too_many_failures' })
      .then([locked]);
    expect(state.user?.locked).toEqual({ reason: 'too_many_failures', at: at(10) });
    expect(mayLogInWithPassword(state)).toBe(false);
    spec
      .given([...ready, locked])
      .when({ type: 'LockAccount', at: at(11), reason: 'again' })
      .thenFails('user.locked');
  });

  it('a locked account adds no credentials', () => {
    spec
      .given([...ready, locked])
      .when({ type: 'SetPassword', at: at(11) })
      .thenFails('user.locked');
    spec
      .given([...ready, linkIssued('u-drv'), locked])
      .when({ type: 'EnrolWithLink', at: at(11), linkId: 'link-1', credentialId: 'cred-A', label: 'Phone' })
      .thenFails('user.locked');
  });

  it('an administrator unlocks', () => {
    const state = spec
      .given([...ready, locked])
      .when({ type: 'UnlockAccount', at: at(20), by: 'u-admin-1' })
      .then([{ type: 'AccountUnlocked', userId: 'u-drv', by: 'u-admin-1', at: at(20) }]);
    expect(mayLogInWithPassword(state)).toBe(true);
    spec
      .given(ready)
      .when({ type: 'UnlockAccount', at: at(20), by: 'u-admin-1' })
      .thenFails('user.not_locked');
  });

  it('refuses an unknown command', () => {
    spec
      .given(ready)
      .when({ type: 'MakeAdmin', at: at(1) } as never)
      .thenFails('user.command_invalid');
  });
});
