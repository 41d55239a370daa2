import { describe, expect, it } from 'vitest';
import { enrolmentConfirmerRoles, enrolmentConfirmRefusal } from './enrolment.js';
import { policy } from './policy.js';

const supervisor = { userId: 'u-sup', orgId: 'nqt', roles: ['terminal_supervisor'] };
const admin = { userId: 'u-admin', orgId: 'port', roles: ['administrator'] };

describe('who confirms a pending passkey', () => {
  it('a supervisor confirms the people of their own terminal organisation only', () => {
    expect(
      enrolmentConfirmRefusal({ confirmer: supervisor, person: { userId: 'u-clerk', orgId: 'nqt' } }),
    ).toBe(undefined);
    expect(
      enrolmentConfirmRefusal({ confirmer: supervisor, person: { userId: 'u-line', orgId: 'mscu' } }),
    ).toBe('not_confirmer');
  });

  it('a port administrator confirms anyone, another administrator included', () => {
    expect(enrolmentConfirmRefusal({ confirmer: admin, person: { userId: 'u-line', orgId: 'mscu' } })).toBe(
      undefined,
    );
    expect(enrolmentConfirmRefusal({ confirmer: admin, person: { userId: 'u-admin2', orgId: 'port' } })).toBe(
      undefined,
    );
  });

  it('nobody confirms their own passkey, and other roles confirm nobody', () => {
    expect(enrolmentConfirmRefusal({ confirmer: admin, person: { userId: 'u-admin', orgId: 'port' } })).toBe(
      'self',
    );
    expect(
      enrolmentConfirmRefusal({ confirmer: supervisor, person: { userId: 'u-sup', orgId: 'nqt' } }),
    ).toBe('self');
    const planner = { userId: 'u-yp', orgId: 'nqt', roles: ['yard_planner'] };
    expect(enrolmentConfirmRefusal({ confirmer: planner, person: { userId: 'u-clerk', orgId: 'nqt' } })).toBe(
      'not_confirmer',
    );
  });

  it('the confirmers are exactly the roles the policy table grants enrolment.confirm', () => {
    expect([...policy['enrolment.confirm'].roles].sort()).toEqual([...enrolmentConfirmerRoles].sort());
    expect(policy['enrolment.confirm'].sensitive).toBe(true);
  });
});
