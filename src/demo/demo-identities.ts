import type { AuthDeps } from '../app/access/index.js';
import { type AddedUser, addOrganisation, addUser } from '../app/access/index.js';
import { demoLines, demoTerminal } from './demo-port.js';

/** One organisation of every kind, as the demo port has them. */
const organisations = [
  {
    orgId: 'nqt',
    kind: 'terminal_operator',
    name: 'North Quay Terminal',
    code: 'NQT',
    terminals: [demoTerminal.terminal],
  },
  ...demoLines.map((l) => ({
    orgId: l.line.toLowerCase(),
    kind: 'shipping_line',
    name: `${l.line} Line`,
    code: l.line,
  })),
  { orgId: 'fwd', kind: 'forwarder', name: 'Scheldt Forwarding', code: 'SCHF' },
  { orgId: 'haul', kind: 'haulier', name: 'Delta Haulage', code: 'DLTH' },
  { orgId: 'customs', kind: 'customs', name: 'Customs', code: 'CUST' },
  { orgId: 'police', kind: 'port_police', name: 'Port Police', code: 'PPOL' },
  { orgId: 'portadmin', kind: 'port_administration', name: 'Port IT', code: 'PADM' },
] as const;

/** A demo user of every role; those whose role allows it also get a password and a TOTP seed. */
const users = [
  { userId: 'gate-clerk', orgId: 'nqt', displayName: 'Gina Gate', roles: ['gate_clerk'] },
  { userId: 'yard-planner', orgId: 'nqt', displayName: 'Yannick Yard', roles: ['yard_planner'] },
  { userId: 'equipment-operator', orgId: 'nqt', displayName: 'Eddy Straddle', roles: ['equipment_operator'] },
  { userId: 'supervisor', orgId: 'nqt', displayName: 'Sofie Supervisor', roles: ['terminal_supervisor'] },
  // A second supervisor: an unfreeze is approved by another supervisor of the terminal than the one who asked.
  { userId: 'supervisor2', orgId: 'nqt', displayName: 'Stan Supervisor', roles: ['terminal_supervisor'] },
  { userId: 'line-clerk', orgId: 'mscu', displayName: 'Lena Line', roles: ['release_desk'] },
  { userId: 'forwarder', orgId: 'fwd', displayName: 'Frank Forwarder', roles: ['release_desk'] },
  { userId: 'haulier-planner', orgId: 'haul', displayName: 'Hanne Haulier', roles: ['haulier_planner'] },
  { userId: 'driver', orgId: 'haul', displayName: 'Dirk Driver', roles: ['driver'], withPassword: true },
  {
    userId: 'customs-officer',
    orgId: 'customs',
    displayName: 'Chris Customs',
    roles: ['customs_officer'],
    withPassword: true,
  },
  {
    userId: 'investigator',
    orgId: 'police',
    displayName: 'Ingrid Investigator',
    roles: ['investigator'],
    withPassword: true,
  },
  { userId: 'admin', orgId: 'portadmin', displayName: 'Adam Admin', roles: ['administrator'] },
  { userId: 'admin2', orgId: 'portadmin', displayName: 'Anna Admin', roles: ['administrator'] },
] as const;

export interface DemoUser extends AddedUser {
  readonly roles: readonly string[];
  readonly orgName: string;
}

/**
 * Registers the demo port's organisations and people through the real use cases. Passwords are random per
 * installation (`newPassword`), never fixed in the code.
 */
export async function seedDemoIdentities(auth: AuthDeps, newPassword: () => string): Promise<DemoUser[]> {
  const names = new Map<string, string>();
  for (const org of organisations) {
    const created = await addOrganisation(auth, {
      ...org,
      terminals: 'terminals' in org ? [...org.terminals] : [],
    });
    names.set(created.orgId, created.name);
  }
  const created: DemoUser[] = [];
  for (const user of users) {
    const added = await addUser(auth, {
      userId: user.userId,
      orgId: user.orgId,
      username: user.userId,
      displayName: user.displayName,
      roles: [...user.roles],
      issuedBy: 'demo',
      ...('withPassword' in user && user.withPassword ? { withPassword: { password: newPassword() } } : {}),
    });
    created.push({ ...added, roles: user.roles, orgName: names.get(user.orgId) ?? user.orgId });
  }
  return created;
}
