import { describe, expect, it } from 'vitest';
import type { VisitView } from '../visits/index.js';
import type { OrgKind } from './organisations.js';
import { type Role, roleAssignments } from './roles.js';
import { type Principal, redactVisitView, visitVisibility } from './visibility.js';

const principal = (orgKind: OrgKind, roles: Role[], extra: Partial<Principal> = {}): Principal => ({
  userId: 'u-1',
  orgId: `org-${orgKind}`,
  orgKind,
  orgCode: 'XX',
  roles,
  ...extra,
});

const t1Staff = (role: Role) =>
  principal('terminal_operator', [role], { orgId: 'org-psa', terminals: ['T1'] });
const msc = principal('shipping_line', ['release_desk'], { orgId: 'org-msc', orgCode: 'MSCU' });
const maersk = principal('shipping_line', ['release_desk'], { orgId: 'org-maersk', orgCode: 'MAEU' });
const forwarder = principal('forwarder', ['release_desk'], { orgId: 'org-fwd' });
const haulier = principal('haulier', ['haulier_planner'], { orgId: 'org-hau' });
const driver = principal('haulier', ['driver'], { orgId: 'org-hau' });
const box = { line: 'MSCU', terminal: 'T1', releaseParties: ['org-fwd', 'org-hau'] };

describe('need-to-know (MISSION §2)', () => {
  it("the terminal's own staff see everything at their terminal, and nothing at another's", () => {
    for (const role of ['gate_clerk', 'yard_planner', 'equipment_operator', 'terminal_supervisor'] as const) {
      expect(visitVisibility(t1Staff(role), box), role).toBe('full');
      expect(visitVisibility(t1Staff(role), { ...box, terminal: 'T2' }), role).toBe('none');
      expect(visitVisibility(t1Staff(role), { ...box, terminal: null }), role).toBe('none');
    }
    expect(visitVisibility(principal('terminal_operator', ['yard_planner']), box)).toBe('none');
  });

  it('customs and police see everything', () => {
    expect(visitVisibility(principal('customs', ['customs_officer']), box)).toBe('full');
    expect(visitVisibility(principal('customs', ['investigator']), { ...box, terminal: null })).toBe('full');
    expect(visitVisibility(principal('port_police', ['investigator']), box)).toBe('full');
  });

  it("a line sees the status of its own containers, never the position, and nobody else's", () => {
    expect(visitVisibility(msc, box)).toBe('status');
    expect(visitVisibility(maersk, box)).toBe('none');
  });

  it('a forwarder or haulier sees containers whose right it holds or held', () => {
    expect(visitVisibility(forwarder, box)).toBe('status');
    expect(visitVisibility(haulier, box)).toBe('status');
    expect(visitVisibility(forwarder, { ...box, releaseParties: [] })).toBe('none');
    expect(visitVisibility(haulier, { line: 'MSCU', terminal: 'T1' })).toBe('none');
    // The line's code does not help a forwarder whose code happens to match.
    expect(visitVisibility({ ...forwarder, orgCode: 'MSCU' }, { ...box, releaseParties: [] })).toBe('none');
  });

  it('drivers and administrators see no cargo data here', () => {
    expect(visitVisibility(driver, box)).toBe('none');
    expect(visitVisibility(principal('port_administration', ['administrator']), box)).toBe('none');
  });

  it('a role the organisation may not hold grants no sight (a forged or stale session)', () => {
    expect(
      visitVisibility(
        principal('shipping_line', ['yard_planner'], { orgCode: 'MSCU', terminals: ['T1'] }),
        box,
      ),
    ).toBe('none');
    expect(visitVisibility(principal('customs', []), box)).toBe('none');
  });

  it('full sight is only ever given to roles that may read positions', () => {
    for (const { role, orgKind } of roleAssignments()) {
      const p = principal(orgKind, [role], { orgCode: 'MSCU', terminals: ['T1'], orgId: 'org-fwd' });
      const seen = visitVisibility(p, box);
      if (seen === 'full') expect(['terminal_operator', 'customs', 'port_police']).toContain(orgKind);
      if (role === 'driver' || role === 'administrator') expect(seen).toBe('none');
    }
  });
});

const view: VisitView = {
  visitRef: 'V-REF',
  containerNumber: 'CSQU3054383',
  status: 'in_yard',
  line: 'MSCU',
  sizeType: '42G1',
  lengthFt: 40,
  fullEmpty: 'full',
  arrival: { mode: 'vessel', vesselCall: 'MSC-W09' },
  slot: { terminal: 'T1', block: 'A', bay: 4, row: 2, tier: 1 },
  slotText: 'T1/A/04/02/1',
  holds: [
    {
      holdId: 'C-1',
      kind: 'customs',
      reason: 'selected for scan',
      reference: 'MRN 24BE1',
      placedAt: '2025-03-01T08:00:00.000Z',
    },
    {
      holdId: 'P-1',
      kind: 'police',
      reason: 'case 77',
      reference: 'PV 1234',
      placedAt: '2025-03-01T08:05:00.000Z',
    },
  ],
  onHold: true,
  frozen: { reason: 'suspect box', by: 'inv-7', at: '2025-03-01T08:10:00.000Z', alertId: null },
  departure: null,
  announcedAt: '2025-03-01T07:00:00.000Z',
  arrivedAt: '2025-03-01T07:30:00.000Z',
  lastMovedAt: null,
  departedAt: null,
  cancelledAt: null,
  version: 4,
  voidedVersions: [],
};

describe('redacting a visit view', () => {
  it('full: the whole view, as a copy', () => {
    const shown = redactVisitView(view, 'full');
    expect(shown).toStrictEqual(view);
    expect(shown).not.toBe(view);
  });

  it('status: no position fields at all, holds without reasons, no police holds', () => {
    const shown = redactVisitView(view, 'status');
    expect(shown).not.toHaveProperty('slot');
    expect(shown).not.toHaveProperty('slotText');
    expect(JSON.stringify(shown)).not.toMatch(/T1\/A|"bay"|case 77|scan|MRN|police/);
    expect(shown.holds).toEqual([{ holdId: 'C-1', kind: 'customs', placedAt: '2025-03-01T08:00:00.000Z' }]);
    expect(shown.onHold).toBe(true);
    expect(shown.status).toBe('in_yard');
  });

  it('status: a freeze is not shown, like a police hold (the viewer may be the suspect)', () => {
    expect(redactVisitView(view, 'full').frozen).toMatchObject({ by: 'inv-7' });
    const shown = redactVisitView(view, 'status');
    expect(shown.frozen).toBeNull();
    expect(JSON.stringify(shown)).not.toMatch(/suspect box|inv-7/);
  });

  it('status: a police hold alone does not show as a hold', () => {
    const shown = redactVisitView({ ...view, holds: [view.holds[1]!] }, 'status');
    expect(shown.holds).toEqual([]);
    expect(shown.onHold).toBe(false);
  });

  it('status: no stream version, which would count a hidden police hold or freeze', () => {
    const before = redactVisitView({ ...view, holds: [view.holds[0]!], frozen: null, version: 2 }, 'status');
    const after = redactVisitView(view, 'status');
    expect(after).not.toHaveProperty('version');
    expect(after).not.toHaveProperty('voidedVersions');
    expect(after).toStrictEqual(before);
  });

  it('none: nothing, which the caller answers with 404', () => {
    expect(redactVisitView(view, 'none')).toBeUndefined();
  });
});
