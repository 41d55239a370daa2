import { describe, expect, it } from 'vitest';
import { orgKinds } from './organisations.js';
import { checkRole, checkRoles, isRole, mayHoldRole, roleAssignments, roles, rolesFor } from './roles.js';

describe('roles', () => {
  it('place each role in the organisations of MISSION §2', () => {
    expect(rolesFor('terminal_operator')).toEqual([
      'gate_clerk',
      'yard_planner',
      'equipment_operator',
      'terminal_supervisor',
    ]);
    expect(rolesFor('shipping_line')).toEqual(['release_desk']);
    expect(rolesFor('forwarder')).toEqual(['release_desk']);
    expect(rolesFor('haulier')).toEqual(['haulier_planner', 'driver']);
    expect(rolesFor('customs')).toEqual(['customs_officer', 'investigator']);
    expect(rolesFor('port_police')).toEqual(['investigator']);
    expect(rolesFor('port_administration')).toEqual(['administrator']);
  });

  it('every role is held by some kind, and every kind holds some role', () => {
    for (const role of roles)
      expect(
        orgKinds.some((kind) => mayHoldRole(kind, role)),
        role,
      ).toBe(true);
    for (const kind of orgKinds) expect(rolesFor(kind).length, kind).toBeGreaterThan(0);
    expect(roleAssignments()).toHaveLength(12);
    expect(isRole('driver')).toBe(true);
    expect(isRole('root')).toBe(false);
  });

  it('checks roles from untrusted input', () => {
    expect(checkRoles('haulier', ['driver', 'haulier_planner'])).toEqual(['driver', 'haulier_planner']);
    expect(() => checkRoles('haulier', ['root'])).toThrow(
      expect.objectContaining({ code: 'access.role_unknown' }),
    );
    expect(() => checkRoles('shipping_line', ['yard_planner'])).toThrow(
      expect.objectContaining({
        code: 'access.role_not_allowed',
        details: expect.objectContaining({ allowed: ['release_desk'] }),
      }),
    );
    expect(() => checkRoles('haulier', ['driver', 'driver'])).toThrow(
      expect.objectContaining({ code: 'access.invalid' }),
    );
    expect(() => checkRoles('haulier', 'driver')).toThrow(
      expect.objectContaining({ code: 'access.invalid' }),
    );
    expect(checkRole('customs', 'investigator')).toBe('investigator');
  });
});
