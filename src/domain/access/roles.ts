/**
 * The roles of MISSION §2 and which kind of organisation may hold each. A role names a job; what the job may
 * do is in the policy table (`policy.ts`), never here.
 */
import { DomainError } from '../errors.js';
import { type OrgKind, orgKinds } from './organisations.js';

/** Every role, grouped by the organisations that hold them. */
export const roles = [
  'gate_clerk',
  'yard_planner',
  'equipment_operator',
  'terminal_supervisor',
  'release_desk',
  'haulier_planner',
  'driver',
  'customs_officer',
  'investigator',
  'administrator',
] as const;

/** A job a user holds in their organisation. */
export type Role = (typeof roles)[number];

/**
 * Which organisation kinds may hold each role. Investigators sit with the port police and with customs'
 * investigation service; a shipping line's agent and a forwarder both staff a release desk.
 */
export const roleOrgKinds: { readonly [R in Role]: readonly OrgKind[] } = {
  gate_clerk: ['terminal_operator'],
  yard_planner: ['terminal_operator'],
  equipment_operator: ['terminal_operator'],
  terminal_supervisor: ['terminal_operator'],
  release_desk: ['shipping_line', 'forwarder'],
  haulier_planner: ['haulier'],
  driver: ['haulier'],
  customs_officer: ['customs'],
  investigator: ['port_police', 'customs'],
  administrator: ['port_administration'],
};

/**
 * Whether `value` names a role.
 *
 * @example
 * ```ts
 * isRole('yard_planner'); // true
 * ```
 */
export function isRole(value: unknown): value is Role {
  return roles.includes(value as Role);
}

/**
 * Whether a user of an organisation of `orgKind` may hold `role`.
 *
 * @example
 * ```ts
 * mayHoldRole('haulier', 'driver'); // true
 * mayHoldRole('shipping_line', 'yard_planner'); // false
 * ```
 */
export function mayHoldRole(orgKind: OrgKind, role: Role): boolean {
  return roleOrgKinds[role].includes(orgKind);
}

/**
 * The roles an organisation of `orgKind` may give its users.
 *
 * @example
 * ```ts
 * rolesFor('haulier'); // ['haulier_planner', 'driver']
 * ```
 */
export function rolesFor(orgKind: OrgKind): Role[] {
  return roles.filter((role) => mayHoldRole(orgKind, role));
}

/**
 * Every allowed (role, organisation kind) pair: the rows of the role × route matrix test, since the same role
 * may be scoped differently in different kinds of organisation (a line's release desk is not a forwarder's).
 *
 * @example
 * ```ts
 * roleAssignments().filter((a) => a.role === 'release_desk');
 * // [{ role: 'release_desk', orgKind: 'shipping_line' }, { role: 'release_desk', orgKind: 'forwarder' }]
 * ```
 */
export function roleAssignments(): { role: Role; orgKind: OrgKind }[] {
  return roles.flatMap((role) =>
    orgKinds.filter((orgKind) => mayHoldRole(orgKind, role)).map((orgKind) => ({ role, orgKind })),
  );
}

/**
 * Checks a list of roles from untrusted input for a user of an organisation of `orgKind`:
 * `access.role_unknown` for a name that is no role, `access.role_not_allowed` for a role that kind of
 * organisation may not hold, `access.invalid` for anything that is not a list of distinct names.
 *
 * @example
 * ```ts
 * checkRoles('terminal_operator', ['gate_clerk', 'yard_planner']); // ['gate_clerk', 'yard_planner']
 * checkRoles('haulier', ['yard_planner']); // throws access.role_not_allowed
 * ```
 */
export function checkRoles(orgKind: OrgKind, value: unknown): Role[] {
  if (!Array.isArray(value)) {
    throw new DomainError('access.invalid', 'roles must be a list', { field: 'roles' });
  }
  const checked = value.map((role) => checkRole(orgKind, role));
  if (new Set(checked).size !== checked.length) {
    throw new DomainError('access.invalid', 'roles must not repeat a role', { field: 'roles' });
  }
  return checked;
}

/**
 * Checks one role from untrusted input for a user of an organisation of `orgKind`.
 *
 * @example
 * ```ts
 * checkRole('customs', 'investigator'); // 'investigator'
 * ```
 */
export function checkRole(orgKind: OrgKind, value: unknown): Role {
  if (!isRole(value)) {
    throw new DomainError('access.role_unknown', `no such role: ${String(value).slice(0, 40)}`, {
      role: String(value).slice(0, 40),
      known: [...roles],
    });
  }
  if (!mayHoldRole(orgKind, value)) {
    throw new DomainError('access.role_not_allowed', `a ${orgKind} may not hold the role ${value}`, {
      role: value,
      orgKind,
      allowed: rolesFor(orgKind),
    });
  }
  return value;
}
