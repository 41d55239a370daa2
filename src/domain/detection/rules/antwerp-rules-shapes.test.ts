/**
 * The Antwerp-chain and collusion rules read many event shapes defensively (issue 15): an event that lacks a field
 * they need, or holds it in another type, is skipped rather than thrown on, and their state stays plain JSON.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../json.js';
import type { Rule } from '../rule.js';
import { eventLog } from '../testing/event-log.js';
import { alertsOver, orgFacts, portFacts, visitFacts } from '../testing/port-facts.js';
import { approvalCollusionRule } from './approval-collusion.js';
import { lookupOutsideChainRule } from './lookup-outside-chain.js';
import { pickupChangedLateRule } from './pickup-changed-late.js';
import { releasePassedAndUsedRule } from './release-passed-and-used.js';
import { visitVanishedRule } from './visit-vanished.js';
import { visitVoidWithLiveReleaseRule } from './visit-void-with-live-release.js';
import { yardCorrectionUnexplainedRule } from './yard-correction-unexplained.js';

const rules: Rule[] = [
  pickupChangedLateRule,
  yardCorrectionUnexplainedRule,
  releasePassedAndUsedRule,
  visitVoidWithLiveReleaseRule,
  lookupOutsideChainRule,
  visitVanishedRule,
  approvalCollusionRule,
] as Rule[];

/** Every event type these rules read, on its stream, with each field absent, null, a number or a nested array. */
const shapes: [string, string][] = [
  ['appointment-V1', 'SlotBooked'],
  ['appointment-V1', 'SlotRebooked'],
  ['appointment-V1', 'DriverChanged'],
  ['appointment-V1', 'BookingCancelled'],
  ['visit-V1', 'ContainerMoved'],
  ['visit-V1', 'ContainerDischarged'],
  ['visit-V1', 'ContainerPositionCorrected'],
  ['visit-V1', 'EventVoided'],
  ['release-V1', 'ReleaseTransferAccepted'],
  ['gate-G1', 'GateAttemptAccepted'],
  ['approval-R1', 'ApprovalRequested'],
  ['approval-R1', 'ApprovalGranted'],
  ['survey-T1', 'YardSurveyRecorded'],
  ['views-u1', 'PositionsViewed'],
  ['organisation-o1', 'OrganisationRegistered'],
];
const odd: JsonObject[] = [
  {},
  { visitRef: null, by: null, slot: null, to: 'nowhere', from: 7, data: [] },
  {
    visitRef: 'V1',
    requestId: 3,
    kind: 'visit.void',
    subject: ['V1'],
    change: 'x',
    requestedBy: 'u1',
    approvedBy: 5,
    discrepancies: { missing: [null, 4, { visitRef: 7 }], misplaced: 'none' },
    visitRefs: 'V1',
    orgId: 9,
    slotStart: 'not a time',
    slotEnd: null,
    expiresAt: 'never',
  },
];

describe('the Antwerp-chain and collusion rules on odd event shapes', () => {
  it('skip what they cannot read without throwing, and keep their state JSON', () => {
    const facts = portFacts({
      organisations: [orgFacts('o1', 'forwarder')],
      visits: [visitFacts('V1', { terminal: 'T1', inYard: true, slot: 'T1/A/03/01/1', liveRelease: true })],
    });
    const log = eventLog('2026-03-02T08:00:00.000Z');
    for (const data of odd) for (const [stream, type] of shapes) log.after(37).add(stream, type, data);
    for (const rule of rules) {
      expect(() => alertsOver(rule, log.events, facts), rule.id).not.toThrow();
      for (const alert of alertsOver(rule, log.events, facts)) {
        expect(alert.rule).toBe(rule.id);
        expect(alert.evidence.length).toBeLessThanOrEqual(20);
      }
    }
  });
});
