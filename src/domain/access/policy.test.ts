import { describe, expect, it } from 'vitest';
import type { HoldKind } from '../visits/index.js';
import { orgKinds } from './organisations.js';
import {
  approvalKinds,
  approvalPolicy,
  approverRolesFor,
  holdPolicy,
  isPermission,
  isSensitive,
  mayDo,
  mayLiftHold,
  mayPlaceHold,
  mayRoleDo,
  needsPasskeySession,
  passkeyRequired,
  passkeyRequiredForAny,
  permissions,
  permissionsOf,
  policy,
} from './policy.js';
import { mayHoldRole, roleAssignments, roles } from './roles.js';

describe('the policy table', () => {
  it('names every permission once, namespaced, with a reason', () => {
    expect(new Set(permissions).size).toBe(permissions.length);
    for (const permission of permissions) {
      expect(permission).toMatch(/^[a-z]+(\.[a-z_]+)+$/);
      expect(policy[permission].why.length, permission).toBeGreaterThan(10);
      expect(policy[permission].roles.length, permission).toBeGreaterThan(0);
    }
    expect(isPermission('visit.move')).toBe(true);
    expect(isPermission('toString')).toBe(false);
  });

  it('grants every permission to some role in some organisation that may use it', () => {
    for (const permission of permissions) {
      const usable = roleAssignments().some(({ role, orgKind }) => mayRoleDo(role, permission, orgKind));
      expect(usable, permission).toBe(true);
    }
  });

  it('gives every role something to do', () => {
    for (const { role, orgKind } of roleAssignments()) {
      expect(permissionsOf(role, orgKind).length, `${role}@${orgKind}`).toBeGreaterThan(0);
    }
  });

  it('only views are reads: a view is never sensitive', () => {
    for (const permission of permissions) {
      if (policy[permission].kind === 'view') expect(isSensitive(permission), permission).toBe(false);
    }
  });

  it('everything that moves a box, changes a pickup, hands over a right, approves or administers is sensitive', () => {
    const mustBeSensitive = [
      'visit.discharge',
      'visit.gate_in',
      'visit.move',
      'visit.correct_position',
      'visit.load',
      'visit.gate_out',
      'visit.void.request',
      'visit.unfreeze.request',
      'visit.hold.lift',
      'release.issue',
      'release.transfer',
      'release.accept',
      'release.revoke',
      'release.block',
      'driver.nominate',
      'appointment.book',
      'appointment.change',
      'approval.decide',
      'org.manage',
      'user.manage',
      'role.grant.request',
      'passkeys.reset.request',
      'token.manage',
    ] as const;
    for (const permission of mustBeSensitive) expect(isSensitive(permission), permission).toBe(true);
  });

  it('passkeys: stolen passwords get nothing that moves a box or its pickup (MISSION §1)', () => {
    const needPasskey = roles.filter(passkeyRequired);
    expect(needPasskey).toEqual([
      'gate_clerk',
      'yard_planner',
      'equipment_operator',
      'terminal_supervisor',
      'release_desk',
      'haulier_planner',
      'administrator',
    ]);
    expect(roles.filter((role) => !passkeyRequired(role))).toEqual([
      'driver',
      'customs_officer',
      'investigator',
    ]);
    // The derivation itself: a role needs a passkey exactly when one of its sensitive permissions is open to a
    // password session; a sensitive permission that needs a passkey session leaves the password sign-in alone.
    for (const role of roles) {
      expect(passkeyRequired(role), role).toBe(
        permissionsOf(role).some((p) => isSensitive(p) && !needsPasskeySession(p)),
      );
    }
    expect(passkeyRequiredForAny(['driver', 'investigator'])).toBe(false);
    expect(passkeyRequiredForAny(['customs_officer', 'investigator'])).toBe(false);
    expect(passkeyRequiredForAny([])).toBe(false);
  });

  it('a password + TOTP session can only read statuses, witness, place holds, select for scan and manage its own passkeys', () => {
    for (const { role, orgKind } of roleAssignments().filter(({ role }) => !passkeyRequired(role))) {
      const inPasswordSession = permissions.filter((permission) =>
        mayDo({ orgKind, roles: [role], signedInWith: 'password_totp' }, permission),
      );
      for (const permission of inPasswordSession) {
        expect(isSensitive(permission), `${role}@${orgKind} ${permission}`).toBe(false);
      }
    }
    // Whatever lets a box go, a password session never reaches (issue 10, row B).
    for (const [role, orgKind] of [
      ['customs_officer', 'customs'],
      ['investigator', 'port_police'],
    ] as const) {
      const password = { orgKind, roles: [role], signedInWith: 'password_totp' } as const;
      expect(mayDo(password, 'visit.hold.place'), role).toBe(true);
      expect(mayDo(password, 'visit.hold.lift'), role).toBe(false);
      // Nor the alert inbox (which attempts were detected), nor a freeze it could not find the box for.
      expect(mayDo(password, 'alert.read'), role).toBe(false);
      expect(mayDo(password, 'visit.freeze'), role).toBe(false);
      expect(mayDo({ ...password, signedInWith: 'passkey' }, 'alert.read'), role).toBe(true);
      expect(mayDo({ ...password, signedInWith: 'passkey' }, 'visit.freeze'), role).toBe(true);
      expect(mayDo(password, 'approval.decide'), role).toBe(false);
      expect(mayDo({ ...password, signedInWith: 'passkey' }, 'visit.hold.lift'), role).toBe(true);
      expect(mayDo({ ...password, signedInWith: 'passkey' }, 'approval.decide'), role).toBe(true);
    }
  });

  it('every permission says why it is or is not sensitive, and the flag agrees', () => {
    for (const permission of permissions) {
      const { sensitive, sensitiveWhy } = policy[permission];
      expect(sensitiveWhy, permission).toMatch(sensitive ? /^sensitive: .{20,}/ : /^not sensitive\b.{20,}/);
    }
  });

  it('lifting a hold is sensitive and needs a passkey session; placing one is neither', () => {
    expect(policy['visit.hold.lift']).toMatchObject({ sensitive: true, passkeySession: true });
    expect(policy['visit.hold.place']).toMatchObject({ sensitive: false });
    expect(needsPasskeySession('visit.hold.place')).toBe(false);
    // A colleague's customs or police hold is let go by two officers of that authority.
    expect(approvalPolicy['hold.lift']).toEqual({
      requestPermission: 'visit.hold.lift',
      approverRoles: ['customs_officer', 'investigator'],
      terminalData: 'never',
    });
    expect(mayRoleDo('investigator', 'approval.decide', 'port_police')).toBe(true);
    expect(mayRoleDo('investigator', 'approval.decide', 'customs')).toBe(false);
  });

  it('yard positions: only terminal staff, customs and police (MISSION §2)', () => {
    for (const permission of ['visit.position.read', 'visit.history.read', 'yard.map.read'] as const) {
      expect(roles.filter((role) => mayRoleDo(role, permission))).toEqual([
        'gate_clerk',
        'yard_planner',
        'equipment_operator',
        'terminal_supervisor',
        'customs_officer',
        'investigator',
      ]);
    }
  });

  it('yard positions need a passkey session: a keylogged password + TOTP sees statuses only (MISSION §1)', () => {
    const passkeySessionOnly = permissions.filter(needsPasskeySession);
    expect(passkeySessionOnly).toEqual([
      'visit.hold.lift',
      'visit.freeze',
      'visit.position.read',
      'visit.history.read',
      'yard.map.read',
      // A survey's report names slots (issue 15).
      'yard.survey',
      'appointment.read',
      'approval.read',
      'approval.decide',
      'alert.read',
      'audit.entries.read',
      // Who looked at a box, which boxes a person looked at (issue 15): who is watching tips off a gang inside.
      'visit.viewers.read',
      'audit.views.read',
    ]);
    // The inbox of two-person requests goes with deciding them, the alert inbox tells the gang which of its
    // attempts were seen, a box's appointment when and by which truck it is collected; the rest are where boxes
    // stand.
    const positional = passkeySessionOnly.filter(
      (permission) =>
        policy[permission].kind === 'view' &&
        permission !== 'approval.read' &&
        permission !== 'alert.read' &&
        permission !== 'appointment.read' &&
        permission !== 'visit.viewers.read' &&
        permission !== 'audit.views.read',
    );
    expect(positional).toEqual([
      'visit.position.read',
      'visit.history.read',
      'yard.map.read',
      'audit.entries.read',
    ]);
    for (const role of ['customs_officer', 'investigator'] as const) {
      const orgKind = role === 'customs_officer' ? 'customs' : 'port_police';
      for (const permission of positional) {
        expect(mayDo({ orgKind, roles: [role], signedInWith: 'passkey' }, permission)).toBe(true);
        expect(mayDo({ orgKind, roles: [role], signedInWith: 'password_totp' }, permission)).toBe(false);
      }
      // Everything else a password session may do stays open.
      expect(mayDo({ orgKind, roles: [role], signedInWith: 'password_totp' }, 'visit.read')).toBe(true);
    }
    // Machine clients hold listed permissions and carry no sign-in method.
    expect(mayDo({ orgKind: 'customs', roles: ['customs_officer'] }, 'visit.position.read')).toBe(true);
  });

  it('location changes come only from yard equipment roles; corrections only by request', () => {
    expect(roles.filter((role) => mayRoleDo(role, 'visit.move'))).toEqual(['equipment_operator']);
    expect(roles.filter((role) => mayRoleDo(role, 'visit.correct_position'))).toEqual([
      'yard_planner',
      'terminal_supervisor',
    ]);
  });

  it('administrators see no cargo data', () => {
    const cargo = permissions.filter(
      (p) => /^(visit|yard|release|driver|appointment)\./.test(p) || p === 'audit.entries.read',
    );
    for (const permission of cargo) expect(mayRoleDo('administrator', permission), permission).toBe(false);
  });

  it('the party directory is read by those who offer or issue releases, and is no sign-in hurdle', () => {
    expect(roles.filter((role) => mayRoleDo(role, 'party.directory.read'))).toEqual([
      'release_desk',
      'haulier_planner',
    ]);
    expect(policy['party.directory.read']).toMatchObject({ kind: 'view', sensitive: false });
    expect(mayDo({ orgKind: 'haulier', roles: ['driver'] }, 'party.directory.read')).toBe(false);
  });

  it('the appointment of a visit is read by whoever sees the visit, in a passkey session; no driver', () => {
    expect(roles.filter((role) => mayRoleDo(role, 'appointment.read'))).toEqual(
      roles.filter((role) => mayRoleDo(role, 'visit.read')),
    );
    expect(roles.filter((role) => mayRoleDo(role, 'appointment.read'))).toEqual([
      'gate_clerk',
      'yard_planner',
      'equipment_operator',
      'terminal_supervisor',
      'release_desk',
      'haulier_planner',
      'customs_officer',
      'investigator',
    ]);
    expect(policy['appointment.read']).toMatchObject({ kind: 'view', sensitive: false });
    // The pickup time and truck are what the gang needed to collect first: a keylogged password does not show them
    // (issue 14's outside attacker read them with a customs password session).
    expect(needsPasskeySession('appointment.read')).toBe(true);
    expect(mayDo({ orgKind: 'haulier', roles: ['driver'] }, 'appointment.read')).toBe(false);
    expect(mayDo({ orgKind: 'forwarder', roles: ['release_desk'] }, 'appointment.read')).toBe(true);
    expect(
      mayDo(
        { orgKind: 'port_police', roles: ['investigator'], signedInWith: 'password_totp' },
        'appointment.read',
      ),
    ).toBe(false);
    expect(
      mayDo({ orgKind: 'port_police', roles: ['investigator'], signedInWith: 'passkey' }, 'appointment.read'),
    ).toBe(true);
  });

  it("investigators only read, hold, freeze, witness and approve a colleague's hold lift", () => {
    expect(permissionsOf('investigator').filter((p) => policy[p].kind === 'command')).toEqual([
      'visit.hold.place',
      'visit.hold.lift',
      'visit.freeze',
      'approval.decide',
      'checkpoint.witness',
      'account.passkeys.manage',
    ]);
  });

  it('freezes: one terminal supervisor, customs officer or port-police investigator stops a box; unfreezing takes two', () => {
    expect(roles.filter((role) => mayRoleDo(role, 'visit.freeze'))).toEqual([
      'terminal_supervisor',
      'customs_officer',
      'investigator',
    ]);
    expect(mayRoleDo('investigator', 'visit.freeze', 'port_police')).toBe(true);
    expect(mayRoleDo('investigator', 'visit.freeze', 'customs')).toBe(false);
    expect(mayRoleDo('customs_officer', 'visit.freeze', 'customs')).toBe(true);
    expect(mayRoleDo('terminal_supervisor', 'visit.freeze', 'terminal_operator')).toBe(true);
    // Stopping a box moves nothing, like a hold: password roles (customs, police) may do it.
    expect(isSensitive('visit.freeze')).toBe(false);
    expect(roles.filter((role) => mayRoleDo(role, 'visit.unfreeze.request'))).toEqual([
      'terminal_supervisor',
    ]);
    expect(approvalPolicy['visit.unfreeze'].terminalData).toBe('always');
  });

  it('scopes release desks by organisation kind: only a line issues, announces and blocks', () => {
    for (const permission of ['release.issue', 'visit.announce', 'release.block'] as const) {
      expect(mayRoleDo('release_desk', permission, 'shipping_line'), permission).toBe(true);
      expect(mayRoleDo('release_desk', permission, 'forwarder'), permission).toBe(false);
    }
    expect(mayRoleDo('release_desk', 'release.accept', 'forwarder')).toBe(true);
    expect(mayRoleDo('release_desk', 'release.accept', 'shipping_line')).toBe(false);
    expect(mayRoleDo('release_desk', 'release.accept')).toBe(true);
  });

  it('a role reaches the hold routes only in an organisation where it holds some kind of hold', () => {
    for (const { role, orgKind } of roleAssignments()) {
      const holdsSome = (Object.keys(holdPolicy) as HoldKind[]).some((kind) =>
        mayPlaceHold(role, kind, orgKind),
      );
      expect(mayRoleDo(role, 'visit.hold.place', orgKind), `${role}@${orgKind}`).toBe(holdsSome);
      expect(mayRoleDo(role, 'visit.hold.lift', orgKind), `${role}@${orgKind}`).toBe(holdsSome);
    }
    expect(mayRoleDo('release_desk', 'visit.hold.place', 'forwarder')).toBe(false);
    expect(mayRoleDo('investigator', 'visit.hold.place', 'customs')).toBe(false);
    expect(mayRoleDo('release_desk', 'approval.decide', 'forwarder')).toBe(false);
    expect(mayRoleDo('release_desk', 'approval.decide', 'shipping_line')).toBe(true);
  });

  it('a principal may do what one of its roles may do in its kind of organisation', () => {
    expect(mayDo({ orgKind: 'haulier', roles: ['driver'] }, 'driver.jobs.read')).toBe(true);
    expect(mayDo({ orgKind: 'haulier', roles: ['driver'] }, 'appointment.book')).toBe(false);
    expect(mayDo({ orgKind: 'haulier', roles: ['driver', 'haulier_planner'] }, 'appointment.book')).toBe(
      true,
    );
    // A role that the organisation may not hold grants nothing, whatever a forged session claims.
    expect(mayDo({ orgKind: 'shipping_line', roles: ['equipment_operator'] }, 'visit.move')).toBe(false);
    expect(mayDo({ orgKind: 'port_administration', roles: [] }, 'user.manage')).toBe(false);
  });

  it('holds are placed and lifted by their own authority only', () => {
    const placers = (kind: HoldKind) => roles.filter((role) => mayPlaceHold(role, kind));
    expect(placers('customs')).toEqual(['customs_officer']);
    expect(placers('police')).toEqual(['investigator']);
    expect(placers('terminal')).toEqual(['yard_planner', 'terminal_supervisor']);
    expect(placers('line')).toEqual(['release_desk']);
    expect(mayPlaceHold('release_desk', 'line', 'forwarder')).toBe(false);
    expect(mayPlaceHold('release_desk', 'line', 'shipping_line')).toBe(true);
    expect(mayPlaceHold('investigator', 'police', 'customs')).toBe(false);
    expect(mayPlaceHold('investigator', 'police', 'port_police')).toBe(true);
    expect(mayLiftHold('yard_planner', 'terminal')).toBe(true);
    expect(mayLiftHold('yard_planner', 'customs')).toBe(false);
    // The table's hold rows are exactly the holders of some kind of hold.
    const holders = roles.filter((role) =>
      (Object.keys(holdPolicy) as HoldKind[]).some((k) => mayPlaceHold(role, k)),
    );
    expect(roles.filter((role) => mayRoleDo(role, 'visit.hold.place'))).toEqual(holders);
    expect(roles.filter((role) => mayRoleDo(role, 'visit.hold.lift'))).toEqual(holders);
  });

  it('approvers: per kind, and they are exactly the holders of approval.decide', () => {
    expect(approverRolesFor('yard.correction')).toEqual(['terminal_supervisor', 'yard_planner']);
    expect(approverRolesFor('pickup.change')).toEqual(['haulier_planner']);
    expect(approverRolesFor('visit.void')).toEqual(['terminal_supervisor', 'release_desk']);
    expect(approverRolesFor('role.grant')).toEqual(['administrator']);
    expect(approverRolesFor('passkeys.reset')).toEqual(['administrator']);
    expect(approverRolesFor('visit.unfreeze')).toEqual(['terminal_supervisor']);
    expect(approverRolesFor('hold.lift')).toEqual(['customs_officer', 'investigator']);
    const approvers = roles.filter((role) =>
      approvalKinds.some((kind) => approverRolesFor(kind).includes(role)),
    );
    expect(roles.filter((role) => mayRoleDo(role, 'approval.decide'))).toEqual(approvers);
    for (const kind of approvalKinds) {
      const rule = approvalPolicy[kind];
      expect(isSensitive(rule.requestPermission), kind).toBe(true);
      // Someone who may approve can also be asked by a requester of the same kind of organisation.
      const requesterKinds = orgKinds.filter((k) =>
        roles.some((r) => mayRoleDo(r, rule.requestPermission, k)),
      );
      const approverKinds = orgKinds.filter((k) => rule.approverRoles.some((r) => mayHoldRole(k, r)));
      expect(
        requesterKinds.some((k) => approverKinds.includes(k)),
        kind,
      ).toBe(true);
    }
  });
});
