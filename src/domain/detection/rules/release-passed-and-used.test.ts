import { describe, expect, it } from 'vitest';
import { eventLog } from '../testing/event-log.js';
import { alertsOver, portFacts, visitFacts } from '../testing/port-facts.js';
import { releasePassedAndUsedRule } from './release-passed-and-used.js';

const facts = portFacts({
  visits: [
    visitFacts('V1', {
      terminal: 'T1',
      inYard: true,
      liveRelease: true,
      chainOrgs: ['org-line', 'org-fwd', 'org-haul'],
    }),
  ],
});
const haulier = { userId: 'u-haul', orgId: 'org-haul', orgKind: 'haulier' };

function accepted(log: ReturnType<typeof eventLog>, from: string, to: string) {
  return log.add('release-V1', 'ReleaseTransferAccepted', {
    releaseId: 'R1',
    visitRef: 'V1',
    from,
    to,
    rightVersion: 3,
    by: { ...haulier, orgId: to },
    at: '',
  });
}

const booked = (slotStart: string, slotEnd: string) => ({
  visitRef: 'V1',
  bookingId: 'B1',
  bookingVersion: 1,
  slotId: 'T1@x',
  slotStart,
  slotEnd,
  driverBadgeRef: 'D1',
  truckPlate: '1-ABC-123',
  rightVersion: 3,
  by: { orgId: 'org-haul', userId: 'u-haul' },
  approvalId: null,
  at: '',
});

const gate = (type: string) => ({
  attemptId: 'G1',
  visitRef: 'V1',
  credentialId: 'C1',
  badgeRef: 'D1',
  truckPlate: '1-ABC-123',
  ...(type === 'GateAttemptRefused'
    ? { failed: [{ check: 'driver', reason: 'not the nominated driver' }] }
    : {}),
  at: '',
});

describe('release.passed_and_used', () => {
  it('fires when the new holder books a pickup in the slot under way, before the truck comes, and only once', () => {
    const log = eventLog('2026-03-02T07:40:00.000Z');
    accepted(log, 'org-fwd', 'org-haul');
    log
      .after(2)
      .add('appointment-V1', 'SlotBooked', booked('2026-03-02T07:30:00.000Z', '2026-03-02T08:30:00.000Z'));
    log.after(20).add('gate-G1', 'GateAttemptAccepted', gate('GateAttemptAccepted'));
    const alerts = alertsOver(releasePassedAndUsedRule, log.events, facts);
    expect(alerts).toEqual([
      {
        rule: 'release.passed_and_used',
        severity: 'high',
        subject: { kind: 'visit', id: 'V1' },
        terminal: 'T1',
        orgId: null,
        summary:
          'The release right of MSCU1234565 (visit V1) passed from org-fwd to org-haul and was booked 2 min later for a pickup starting at once.',
        evidence: [0, 1],
        raisedBy: 1,
      },
    ]);
  });

  it('fires on a truck at the gate minutes after the right changed hands, refused or not', () => {
    const log = eventLog('2026-03-02T07:40:00.000Z');
    accepted(log, 'org-fwd', 'org-haul');
    log.after(12).add('gate-G1', 'GateAttemptRefused', gate('GateAttemptRefused'));
    const alerts = alertsOver(releasePassedAndUsedRule, log.events, facts);
    expect(alerts.map((a) => [a.raisedBy, a.evidence])).toEqual([[1, [0, 1]]]);
    expect(alerts[0]?.summary).toContain('was presented at the gate 12 min later');
  });

  it('stays quiet when the haulier books at once for a slot hours later and collects then', () => {
    const log = eventLog('2026-03-02T07:40:00.000Z');
    accepted(log, 'org-line', 'org-fwd');
    log.after(5);
    accepted(log, 'org-fwd', 'org-haul');
    log
      .after(1)
      .add('appointment-V1', 'SlotBooked', booked('2026-03-02T13:00:00.000Z', '2026-03-02T14:00:00.000Z'));
    log.after(5 * 60 + 20).add('gate-G1', 'GateAttemptAccepted', gate('GateAttemptAccepted'));
    expect(alertsOver(releasePassedAndUsedRule, log.events, facts)).toEqual([]);
  });

  it('stays quiet on a right passed on two hours before a pickup already booked for then', () => {
    const log = eventLog('2026-03-02T06:00:00.000Z');
    accepted(log, 'org-fwd', 'org-haul');
    log
      .after(10)
      .add('appointment-V1', 'SlotBooked', booked('2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z'));
    log.after(125).add('gate-G1', 'GateAttemptAccepted', gate('GateAttemptAccepted'));
    expect(alertsOver(releasePassedAndUsedRule, log.events, facts)).toEqual([]);
    // With a three-hour setting the same pickup is "within minutes".
    expect(alertsOver(releasePassedAndUsedRule, log.events, facts, { withinMinutes: 180 })).toHaveLength(1);
  });
});
