/**
 * The Antwerp chain end to end through the engine's pure core (issue 15): the facts folded from the log as the
 * engine folds them, then the chain's rules, across a snapshot and restore in the middle. A phished haulier planner
 * takes the right, pulls the pickup forward and names a stranger; a terminal login moves the box's record with no
 * move; the truck comes within the hour. Its honest twin, the same box collected the next afternoon by the haulier's
 * own driver, raises nothing.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../json.js';
import { DetectionCore } from '../core.js';
import { type EventLog, eventLog } from '../testing/event-log.js';
import { approvalCollusionRule } from './approval-collusion.js';
import { lookupOutsideChainRule } from './lookup-outside-chain.js';
import { pickupChangedLateRule } from './pickup-changed-late.js';
import { releasePassedAndUsedRule } from './release-passed-and-used.js';
import { visitVanishedRule } from './visit-vanished.js';
import { visitVoidWithLiveReleaseRule } from './visit-void-with-live-release.js';
import { yardCorrectionUnexplainedRule } from './yard-correction-unexplained.js';

const rules = [
  pickupChangedLateRule,
  yardCorrectionUnexplainedRule,
  releasePassedAndUsedRule,
  visitVoidWithLiveReleaseRule,
  lookupOutsideChainRule,
  visitVanishedRule,
  approvalCollusionRule,
];
const options = { rules, dwellNormHours: 240 };
const slot = (bay: number): JsonObject => ({ terminal: 'T1', block: 'A', bay, row: 1, tier: 1 });
const party = (userId: string, orgId: string, orgKind: string): JsonObject => ({ userId, orgId, orgKind });
const hour = (h: number) => new Date(Date.parse('2026-03-03T00:00:00.000Z') + h * 3_600_000).toISOString();

/** The box comes off the vessel, the line releases it to a forwarder, and the right goes to the haulier. */
function released(log: EventLog): void {
  log.add('organisation-org-hau', 'OrganisationRegistered', {
    orgId: 'org-hau',
    code: 'HAU1',
    kind: 'haulier',
    terminals: [],
  });
  log.add('visit-V1', 'VisitAnnounced', {
    visitRef: 'V1',
    containerNumber: 'MSCU1234565',
    line: 'MSCU',
    at: '',
  });
  log.after(60).add('visit-V1', 'ContainerDischarged', {
    visitRef: 'V1',
    vesselCall: 'VC1',
    slot: slot(3),
    equipment: 'STS1',
    operator: 'op1',
    at: '',
  });
  // A day in the yard: the discharge is no typo a correction could be fixing.
  log.after(24 * 60).add('release-V1', 'ReleaseIssued', {
    releaseId: 'R1',
    visitRef: 'V1',
    line: 'MSCU',
    lineOrgId: 'org-line',
    firstParty: 'org-fwd',
    rightVersion: 1,
    by: party('u-line', 'org-line', 'shipping_line'),
    at: '',
  });
  log.after(30).add('release-V1', 'ReleaseTransferAccepted', {
    releaseId: 'R1',
    visitRef: 'V1',
    from: 'org-line',
    to: 'org-fwd',
    rightVersion: 2,
    by: party('u-fwd', 'org-fwd', 'forwarder'),
    at: '',
  });
  // Another box of the same haulier, collected by its own drivers D1 and D2 earlier that day.
  for (const driver of ['D1', 'D2']) {
    log.after(10).add('appointment-V9', 'SlotBooked', {
      visitRef: 'V9',
      bookingId: `B9${driver}`,
      bookingVersion: 1,
      slotId: 'T1@x',
      slotStart: hour(30),
      slotEnd: hour(31),
      driverBadgeRef: driver,
      truckPlate: '1-AAA-111',
      rightVersion: 1,
      by: { orgId: 'org-hau', userId: 'u-hau' },
      approvalId: null,
      at: '',
    });
  }
  log.after(30).add('release-V1', 'ReleaseTransferOffered', {
    releaseId: 'R1',
    visitRef: 'V1',
    from: 'org-fwd',
    to: 'org-hau',
    by: party('u-fwd', 'org-fwd', 'forwarder'),
    at: '',
  });
  log.after(3).add('release-V1', 'ReleaseTransferAccepted', {
    releaseId: 'R1',
    visitRef: 'V1',
    from: 'org-fwd',
    to: 'org-hau',
    rightVersion: 3,
    by: party('u-hau', 'org-hau', 'haulier'),
    at: '',
  });
}

const booking = (slotStart: string, slotEnd: string, driver: string): JsonObject => ({
  visitRef: 'V1',
  bookingId: 'B1',
  bookingVersion: 1,
  slotId: 'T1@x',
  slotStart,
  slotEnd,
  driverBadgeRef: driver,
  truckPlate: '1-ABC-123',
  rightVersion: 3,
  by: { orgId: 'org-hau', userId: 'u-hau' },
  approvalId: null,
  at: '',
});

function apply(events: EventLog['events']) {
  // Half the log, a snapshot through JSON (as the engine stores it), then the rest on a restored core.
  const half = Math.floor(events.length / 2);
  const first = new DetectionCore(options);
  const alerts = events.slice(0, half).flatMap((event) => first.apply(event));
  const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
  const second = DetectionCore.restore(snapshot, options);
  return [...alerts, ...events.slice(half).flatMap((event) => second.apply(event))];
}

describe('the Antwerp chain through the engine core', () => {
  it('raises the pickup pulled forward, the stranger named, the unexplained correction and the right used within the hour', () => {
    const log = eventLog('2026-03-02T06:00:00.000Z');
    released(log);
    const accepted = log.events.at(-1)!;
    log.after(2).add('appointment-V1', 'SlotBooked', booking(hour(40), hour(41), 'D1'));
    log.after(2).add('appointment-V1', 'SlotRebooked', {
      ...booking(hour(10), hour(11), 'D1'),
      fromSlotId: 'T1@y',
      bookingVersion: 2,
    });
    log.after(20).add('appointment-V1', 'DriverChanged', {
      visitRef: 'V1',
      bookingId: 'B1',
      bookingVersion: 3,
      fromDriverBadgeRef: 'D1',
      driverBadgeRef: 'STRANGER',
      fromTruckPlate: '1-ABC-123',
      truckPlate: '9-ZZZ-999',
      rightVersion: 3,
      by: { orgId: 'org-hau', userId: 'u-hau' },
      approvalId: null,
      at: '',
    });
    log.after(5).add('approval-A1', 'ApprovalRequested', {
      requestId: 'A1',
      kind: 'yard.correction',
      subject: 'V1',
      change: {},
      terminal: 'T1',
      requestedBy: {
        userId: 'u-yp',
        orgId: 'org-op',
        orgKind: 'terminal_operator',
        roles: ['yard_planner'],
        terminals: ['T1'],
      },
      expiresAt: hour(40),
      at: '',
    });
    log.after(5).add('visit-V1', 'ContainerPositionCorrected', {
      visitRef: 'V1',
      from: slot(3),
      to: slot(5),
      reason: 'scan',
      approvalId: 'A1',
      requestedBy: 'u-yp',
      approvedBy: 'u-sup',
      at: '',
    });
    log.after(25).add('gate-G1', 'GateAttemptAccepted', {
      attemptId: 'G1',
      visitRef: 'V1',
      credentialId: 'C1',
      badgeRef: 'STRANGER',
      truckPlate: '9-ZZZ-999',
      at: '',
    });
    log.add('visit-V1', 'ContainerGatedOut', {
      visitRef: 'V1',
      from: slot(5),
      truckPlate: '9-ZZZ-999',
      gateAttemptId: 'G1',
      at: '',
    });
    const alerts = apply(log.events);
    expect(alerts.map((a) => [a.rule, a.subject.id])).toEqual([
      ['pickup.changed_late', 'V1'],
      ['pickup.changed_late', 'V1'],
      ['yard.correction_unexplained', 'V1'],
      ['release.passed_and_used', 'V1'],
    ]);
    // The right changed hands at 08:23 and the truck was at the gate at 09:22.
    expect(alerts[3]?.evidence).toEqual([
      accepted.index,
      log.events.find((e) => e.type === 'GateAttemptAccepted')?.index,
    ]);
    expect(alerts.every((a) => a.terminal === 'T1')).toBe(true);
  });

  it('raises nothing on the honest twin: booked for the next afternoon, the haulier’s own driver, collected then', () => {
    const log = eventLog('2026-03-02T06:00:00.000Z');
    released(log);
    log.after(10).add('appointment-V1', 'SlotBooked', booking(hour(33), hour(34), 'D1'));
    // A day ahead the slot moves later; on the day the driver is off sick and a colleague goes.
    log.after(60).add('appointment-V1', 'SlotRebooked', {
      ...booking(hour(35), hour(36), 'D1'),
      fromSlotId: 'T1@y',
      bookingVersion: 2,
    });
    log.after(22 * 60).add('appointment-V1', 'DriverChanged', {
      visitRef: 'V1',
      bookingId: 'B1',
      bookingVersion: 3,
      fromDriverBadgeRef: 'D1',
      driverBadgeRef: 'D2',
      fromTruckPlate: '1-ABC-123',
      truckPlate: '1-ABC-123',
      rightVersion: 3,
      by: { orgId: 'org-hau', userId: 'u-hau' },
      approvalId: 'P1',
      at: '',
    });
    log.after(5 * 60).add('gate-G1', 'GateAttemptAccepted', {
      attemptId: 'G1',
      visitRef: 'V1',
      credentialId: 'C1',
      badgeRef: 'D2',
      truckPlate: '1-ABC-123',
      at: '',
    });
    log.add('visit-V1', 'ContainerGatedOut', {
      visitRef: 'V1',
      from: slot(3),
      truckPlate: '1-ABC-123',
      gateAttemptId: 'G1',
      at: '',
    });
    expect(apply(log.events)).toEqual([]);
  });
});
