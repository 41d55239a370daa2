import { describe, expect, it } from 'vitest';
import { emptyFacts, foldFacts } from './facts.js';
import { eventLog } from './testing/event-log.js';

const slot = (bay: number, row = 1) => ({ terminal: 'DPW1', block: 'A', bay, row, tier: 1 });
const by = { userId: 'u-line', orgId: 'org-line', orgKind: 'shipping_line' };

function portLog() {
  const log = eventLog('2026-03-02T08:00:00.000Z');
  log.add('org-org-dpw', 'OrganisationRegistered', {
    orgId: 'org-dpw',
    kind: 'terminal_operator',
    name: 'DP World',
    code: 'DPW',
    terminals: ['DPW1'],
    createdAt: '2026-03-02T08:00:00.000Z',
    at: '2026-03-02T08:00:00.000Z',
  });
  log.add('user-u-1', 'UserRegistered', {
    userId: 'u-1',
    orgId: 'org-dpw',
    orgKind: 'terminal_operator',
    displayName: 'Ann',
    roles: ['yard_planner'],
    at: '2026-03-02T08:00:00.000Z',
  });
  log.add('visit-V1', 'VisitAnnounced', {
    visitRef: 'V1',
    containerNumber: 'MSCU1234565',
    line: 'MSCU',
    sizeType: '22G1',
    fullEmpty: 'full',
    arrival: { mode: 'truck' },
    at: '2026-03-02T08:00:00.000Z',
  });
  return log;
}

describe('foldFacts', () => {
  it('knows organisations, people and their roles from the identity events', () => {
    const log = portLog();
    log.after(1).add('user-u-1', 'RoleGranted', {
      userId: 'u-1',
      role: 'terminal_supervisor',
      approvalId: 'a-1',
      at: '',
    });
    log
      .after(1)
      .add('user-u-1', 'RoleRevoked', { userId: 'u-1', role: 'yard_planner', revokedBy: 'u-0', at: '' });
    log.add('org-org-dpw', 'OrganisationNetworksSet', {
      orgId: 'org-dpw',
      networks: [{ cidr: '10.1.0.0/16', place: 'Antwerp', lat: 51.2, lon: 4.4 }, { cidr: 'bad' }],
    });
    const facts = emptyFacts(240);
    for (const event of log.events) foldFacts(facts, event);
    expect(facts.organisations['org-dpw']).toEqual({
      orgId: 'org-dpw',
      kind: 'terminal_operator',
      terminals: ['DPW1'],
      networks: [{ cidr: '10.1.0.0/16', place: 'Antwerp', lat: 51.2, lon: 4.4 }],
    });
    expect(facts.people['u-1']).toEqual({
      userId: 'u-1',
      orgId: 'org-dpw',
      roles: ['terminal_supervisor'],
      since: '2026-03-02T08:00:00.000Z',
    });
    expect(facts.dwellNormHours).toEqual({ '*': 240, DPW1: 240 });
  });

  it('follows a box into the yard, through moves and out, and a void takes a move back', () => {
    const log = portLog();
    log.after(10).add('visit-V1', 'ContainerGatedIn', { visitRef: 'V1', slot: slot(1), truckPlate: null });
    log.after(10).add('visit-V1', 'ContainerMoved', { visitRef: 'V1', from: slot(1), to: slot(3) });
    log.after(10).add('visit-V1', 'HoldPlaced', { visitRef: 'V1', holdId: 'h', kind: 'customs' });
    log
      .after(10)
      .add('visit-V1', 'ContainerPositionCorrected', { visitRef: 'V1', from: slot(3), to: slot(5) });
    const facts = emptyFacts({ '*': 240, DPW1: 72 });
    for (const event of log.events) foldFacts(facts, event);
    expect(facts.visits.V1).toMatchObject({ inYard: true, slot: 'DPW1/A/05/01/1', terminal: 'DPW1' });
    expect(facts.visits.V1?.lastEventAt).toBe('2026-03-02T08:40:00.000Z');

    // Version 5 is the correction: voided, the box stands where the move left it.
    foldFacts(facts, log.after(1).add('visit-V1', 'EventVoided', { visitRef: 'V1', voidedVersion: 5 }));
    expect(facts.visits.V1).toMatchObject({ inYard: true, slot: 'DPW1/A/03/01/1' });

    foldFacts(facts, log.after(1).add('visit-V1', 'ContainerGatedOut', { visitRef: 'V1', from: slot(3) }));
    expect(facts.visits.V1).toMatchObject({ inYard: false, slot: null, terminal: 'DPW1' });
    // A wrong gate-out voided: the box is back in the yard, where it was.
    foldFacts(facts, log.after(1).add('visit-V1', 'EventVoided', { visitRef: 'V1', voidedVersion: 7 }));
    expect(facts.visits.V1).toMatchObject({ inYard: true, slot: 'DPW1/A/03/01/1' });
    expect(facts.dwellNormHours.DPW1).toBe(72);
  });

  it('cancels an announcement when it is voided', () => {
    const log = portLog();
    log.add('visit-V1', 'EventVoided', { visitRef: 'V1', voidedVersion: 1 });
    const facts = emptyFacts(240);
    for (const event of log.events) foldFacts(facts, event);
    expect(facts.visits.V1).toMatchObject({ inYard: false, slot: null });
  });

  it('keeps the release chain, whether the right is live, the pickup slot and a freeze', () => {
    const log = portLog();
    log.add('release-V1', 'ReleaseIssued', {
      releaseId: 'R1',
      visitRef: 'V1',
      line: 'MSCU',
      lineOrgId: 'org-line',
      firstParty: 'org-fwd',
      by,
    });
    log.add('release-V1', 'ReleaseTransferOffered', { visitRef: 'V1', from: 'org-fwd', to: 'org-haul', by });
    log.add('release-V1', 'ReleaseTransferAccepted', { visitRef: 'V1', from: 'org-fwd', to: 'org-haul', by });
    log.add('appointment-V1', 'SlotBooked', {
      visitRef: 'V1',
      slotStart: '2026-03-03T10:00:00.000Z',
      slotEnd: '2026-03-03T11:00:00.000Z',
    });
    log.add('visit-V1', 'VisitFrozen', { visitRef: 'V1', reason: 'x', alertId: null, by: 'u-1' });
    const facts = emptyFacts(240);
    for (const event of log.events) foldFacts(facts, event);
    expect(facts.visits.V1).toMatchObject({
      chainOrgs: ['org-line', 'org-fwd', 'org-haul'],
      liveRelease: true,
      pickupAt: '2026-03-03T10:00:00.000Z',
      frozen: true,
    });
    foldFacts(facts, log.add('appointment-V1', 'BookingCancelled', { visitRef: 'V1' }));
    foldFacts(facts, log.add('release-V1', 'ReleaseRevoked', { visitRef: 'V1', reason: 'x', by }));
    foldFacts(facts, log.add('visit-V1', 'VisitUnfrozen', { visitRef: 'V1' }));
    expect(facts.visits.V1).toMatchObject({ liveRelease: false, pickupAt: null, frozen: false });
  });

  it('stays plain JSON: a round trip through JSON folds on alike', () => {
    const log = portLog();
    log.add('visit-V1', 'ContainerDischarged', { visitRef: 'V1', slot: slot(1), vesselCall: 'C1' });
    const facts = emptyFacts(240);
    for (const event of log.events) foldFacts(facts, event);
    const copy = JSON.parse(JSON.stringify(facts));
    const next = log.add('visit-V1', 'EventVoided', { visitRef: 'V1', voidedVersion: 2 });
    expect(foldFacts(copy, next)).toEqual(foldFacts(facts, next));
    expect(facts.visits.V1?.inYard).toBe(false);
  });

  it('forgets a box a month after it left, never one in the yard or still to come', () => {
    const log = portLog();
    log.add('visit-V2', 'VisitAnnounced', { visitRef: 'V2', containerNumber: 'MSCU7654321', line: 'MSCU' });
    log.add('visit-V3', 'VisitAnnounced', { visitRef: 'V3', containerNumber: 'MSCU1111111', line: 'MSCU' });
    log.add('visit-V1', 'ContainerGatedIn', { visitRef: 'V1', slot: slot(1) });
    log.add('visit-V2', 'ContainerGatedIn', { visitRef: 'V2', slot: slot(3) });
    log.after(60).add('visit-V1', 'ContainerGatedOut', { visitRef: 'V1', from: slot(1) });
    const facts = emptyFacts(240);
    for (const event of log.events) foldFacts(facts, event);
    foldFacts(facts, log.after(29 * 24 * 60).add('probe-x', 'Probe', {}));
    expect(Object.keys(facts.visits)).toEqual(['V1', 'V2', 'V3']);
    foldFacts(facts, log.after(2 * 24 * 60).add('probe-x', 'Probe', {}));
    expect(Object.keys(facts.visits)).toEqual(['V2', 'V3']);
    expect(Object.keys(facts.trails)).toEqual(['V2', 'V3']);
  });
});
