import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../json.js';
import { eventLog } from '../testing/event-log.js';
import { alertsOver, portFacts, visitFacts } from '../testing/port-facts.js';
import { visitVoidWithLiveReleaseRule } from './visit-void-with-live-release.js';

const released = visitFacts('V1', { terminal: 'T1', inYard: true, liveRelease: true });
const unreleased = visitFacts('V2', { containerNumber: 'MAEU7654321', terminal: 'T1', inYard: true });
const facts = portFacts({ visits: [released, unreleased] });

const voidRequest = (
  requestId: string,
  visitRef: string,
  voidedVersion: number,
  type: string,
): JsonObject => ({
  requestId,
  kind: 'visit.void',
  subject: visitRef,
  change: {
    voidedVersion,
    reason: 'recorded twice',
    before: { type, at: '2026-03-01T10:00:00.000Z', data: {} },
  },
  terminal: 'T1',
  requestedBy: {
    userId: 'u-clerk',
    orgId: 'org-op',
    orgKind: 'terminal_operator',
    roles: [],
    terminals: ['T1'],
  },
  expiresAt: '2026-03-03T10:00:00.000Z',
  at: '',
});

const voided = (visitRef: string, voidedVersion: number, type: string): JsonObject => ({
  visitRef,
  voidedVersion,
  voidedType: type,
  reason: 'recorded twice',
  requestedBy: 'u-clerk',
  approvedBy: 'u-sup',
  at: '',
});

describe('visit.void_with_live_release', () => {
  it('fires once when a void is asked for on a box whose right is live, not again when it is recorded', () => {
    const log = eventLog('2026-03-02T10:00:00.000Z');
    log.add('approval-R1', 'ApprovalRequested', voidRequest('R1', 'V1', 3, 'ContainerMoved'));
    log.add('approval-R1', 'ApprovalGranted', { requestId: 'R1', approvedBy: {}, at: '' });
    log.after(10).add('visit-V1', 'EventVoided', voided('V1', 3, 'ContainerMoved'));
    expect(alertsOver(visitVoidWithLiveReleaseRule, log.events, facts)).toEqual([
      {
        rule: 'visit.void_with_live_release',
        severity: 'high',
        subject: { kind: 'visit', id: 'V1' },
        terminal: 'T1',
        orgId: null,
        summary:
          'A void of the ContainerMoved of MSCU1234565 (visit V1) was asked for by u-clerk of org-op while its release right is live.',
        evidence: [0],
        raisedBy: 0,
      },
    ]);
  });

  it('fires when a void asked for before the release is recorded after it was issued', () => {
    const log = eventLog('2026-03-02T10:00:00.000Z');
    log.add('approval-R1', 'ApprovalRequested', voidRequest('R1', 'V2', 2, 'ContainerDischarged'));
    log.after(60).add('visit-V2', 'EventVoided', voided('V2', 2, 'ContainerDischarged'));
    const live = portFacts({ visits: [released, { ...unreleased, liveRelease: true }] });
    const alerts = alertsOver(visitVoidWithLiveReleaseRule, log.events, (event) =>
      event.index === 0 ? facts : live,
    );
    expect(alerts.map((a) => [a.raisedBy, a.evidence, a.summary])).toEqual([
      [
        1,
        [0, 1],
        'A void of the ContainerDischarged of MAEU7654321 (visit V2) was recorded by u-clerk and u-sup while its release right is live.',
      ],
    ]);
  });

  it('stays quiet on a clerk voiding a double-recorded move before the line released the box', () => {
    const log = eventLog('2026-03-02T10:00:00.000Z');
    log.add('approval-R1', 'ApprovalRequested', voidRequest('R1', 'V2', 3, 'ContainerMoved'));
    log.after(10).add('visit-V2', 'EventVoided', voided('V2', 3, 'ContainerMoved'));
    // Other approvals on a released box are not voids.
    log.add('approval-R2', 'ApprovalRequested', {
      ...voidRequest('R2', 'V1', 0, ''),
      kind: 'yard.correction',
    });
    expect(alertsOver(visitVoidWithLiveReleaseRule, log.events, facts)).toEqual([]);
  });
});
