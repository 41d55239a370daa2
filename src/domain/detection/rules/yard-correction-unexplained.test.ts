import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../json.js';
import { eventLog } from '../testing/event-log.js';
import { alertsOver, portFacts, visitFacts } from '../testing/port-facts.js';
import { yardCorrectionUnexplainedRule } from './yard-correction-unexplained.js';

const slot = (block: string, bay: number, row = 1, tier = 1): JsonObject => ({
  terminal: 'T1',
  block,
  bay,
  row,
  tier,
});
const facts = portFacts({
  visits: [
    visitFacts('V1', { terminal: 'T1', inYard: true, slot: 'T1/A/03/01/1' }),
    visitFacts('V2', { containerNumber: 'MAEU7654321', terminal: 'T1', inYard: true }),
  ],
});

function request(requestId: string, visitRef: string, to: JsonObject): JsonObject {
  return {
    requestId,
    kind: 'yard.correction',
    subject: visitRef,
    change: { to, reason: 'the scan found it there' },
    terminal: 'T1',
    requestedBy: {
      userId: 'u-planner',
      orgId: 'org-op',
      orgKind: 'terminal_operator',
      roles: [],
      terminals: ['T1'],
    },
    expiresAt: '2026-03-03T23:00:00.000Z',
    at: '',
  };
}

function corrected(visitRef: string, from: JsonObject, to: JsonObject, approvalId: string): JsonObject {
  return {
    visitRef,
    from,
    to,
    reason: 'the scan found it there',
    approvalId,
    requestedBy: 'u-planner',
    approvedBy: 'u-sup',
    at: '',
  };
}

describe('yard.correction_unexplained', () => {
  it('fires on a correction with no move of the box, no move into the slot and no survey', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V1', 'ContainerDischarged', {
      visitRef: 'V1',
      vesselCall: 'VC1',
      slot: slot('A', 3),
      equipment: 'STS1',
      operator: 'op1',
      at: '',
    });
    log.after(3 * 24 * 60).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('C', 7)));
    log
      .after(20)
      .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('A', 3), slot('C', 7), 'R1'));
    const alerts = alertsOver(yardCorrectionUnexplainedRule, log.events, facts);
    expect(alerts).toEqual([
      {
        rule: 'yard.correction_unexplained',
        severity: 'high',
        subject: { kind: 'visit', id: 'V1' },
        terminal: 'T1',
        orgId: null,
        summary:
          'The yard position of MSCU1234565 (visit V1) was corrected from T1/A/03/01/1 to T1/C/07/01/1 by u-planner and u-sup with no yard move or survey to explain it.',
        evidence: [2],
        raisedBy: 2,
      },
    ]);
  });

  it('stays quiet when a clerk fixes a typo’d slot right after a real move of the box', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V1', 'ContainerMoved', {
      visitRef: 'V1',
      from: slot('A', 3),
      to: slot('B', 5),
      equipment: 'RTG4',
      operator: 'op1',
      at: '',
    });
    log.after(45).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('B', 7)));
    // The second planner approves the next morning: the window counts back from the request.
    log
      .after(14 * 60)
      .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('B', 5), slot('B', 7), 'R1'));
    expect(alertsOver(yardCorrectionUnexplainedRule, log.events, facts)).toEqual([]);
  });

  it('stays quiet when a move into the target slot was recorded against another box', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V2', 'ContainerMoved', {
      visitRef: 'V2',
      from: slot('D', 1),
      to: slot('C', 7),
      equipment: 'RTG4',
      operator: 'op1',
      at: '',
    });
    log
      .after(30)
      .add('visit-V2', 'ContainerPositionCorrected', corrected('V2', slot('C', 7), slot('D', 1), 'R0'));
    log.after(5).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('C', 7)));
    log
      .after(10)
      .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('A', 3), slot('C', 7), 'R1'));
    expect(alertsOver(yardCorrectionUnexplainedRule, log.events, facts)).toEqual([]);
  });

  const surveyed = (by: string | undefined, seenAt = '2026-03-02T05:30:00.000Z'): JsonObject => ({
    terminal: 'T1',
    surveyId: 'T1-1',
    blocks: null,
    ...(by ? { by: { userId: by, orgId: 'org-op' } } : {}),
    discrepancies: {
      missing: [],
      unknown: [],
      misplaced: [{ visitRef: 'V1', loggedSlot: 'T1/A/03/01/1', seenSlot: 'T1/C/07/01/1', seenAt }],
    },
  });

  it('stays quiet when a survey someone else uploaded saw the box in the slot it is corrected to', () => {
    const log = eventLog('2026-03-02T06:00:00.000Z');
    log.add('survey-T1', 'YardSurveyRecorded', surveyed('u-clerk'));
    log.after(120).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('C', 7)));
    log
      .after(10)
      .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('A', 3), slot('C', 7), 'R1'));
    expect(alertsOver(yardCorrectionUnexplainedRule, log.events, facts)).toEqual([]);
  });

  // Issue 15, hardening: an outside tester holding a bribed planner's passkey uploaded a survey that "saw" the box in
  // the slot the planner then had it corrected to, so the survey explained the correction it was made for.
  it('fires when the survey was uploaded by the requester or the approver, or names no uploader', () => {
    for (const by of ['u-planner', 'u-sup', undefined]) {
      const log = eventLog('2026-03-02T06:00:00.000Z');
      log.add('survey-T1', 'YardSurveyRecorded', surveyed(by));
      log.after(120).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('C', 7)));
      log
        .after(10)
        .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('A', 3), slot('C', 7), 'R1'));
      const alerts = alertsOver(yardCorrectionUnexplainedRule, log.events, facts);
      expect(
        alerts.map((a) => [a.rule, a.subject.id]),
        String(by),
      ).toEqual([['yard.correction_unexplained', 'V1']]);
    }
  });

  it('does not take a sighting from before the box was last placed, or one the box has moved on from', () => {
    // Seen at 05:30 in C/07, but the box was discharged into A/03 at 06:00: where it stood before, not now.
    const stale = eventLog('2026-03-02T06:00:00.000Z');
    stale.add('visit-V1', 'ContainerDischarged', {
      visitRef: 'V1',
      vesselCall: 'VC1',
      slot: slot('A', 3),
      equipment: 'STS1',
      operator: 'op1',
      at: '',
    });
    stale.after(30).add('survey-T1', 'YardSurveyRecorded', surveyed('u-clerk'));
    // Past the move window, so that the discharge itself explains nothing.
    stale.after(8 * 60).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('C', 7)));
    stale
      .after(10)
      .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('A', 3), slot('C', 7), 'R1'));
    expect(alertsOver(yardCorrectionUnexplainedRule, stale.events, facts)).toHaveLength(1);

    // Seen in C/07 by an honest survey, then really moved to A/03 (past the move window): the sighting is spent.
    const movedOn = eventLog('2026-03-02T06:00:00.000Z');
    movedOn.add('survey-T1', 'YardSurveyRecorded', surveyed('u-clerk'));
    movedOn.after(10).add('visit-V1', 'ContainerMoved', {
      visitRef: 'V1',
      from: slot('C', 7),
      to: slot('A', 3),
      equipment: 'RTG4',
      operator: 'op1',
      at: '',
    });
    movedOn.after(8 * 60).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('C', 7)));
    movedOn
      .after(10)
      .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('A', 3), slot('C', 7), 'R1'));
    expect(alertsOver(yardCorrectionUnexplainedRule, movedOn.events, facts)).toHaveLength(1);
  });

  it('fires when the only move is a move *out* of the target slot, or the box’s own move is too old', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V1', 'ContainerMoved', {
      visitRef: 'V1',
      from: slot('B', 1),
      to: slot('A', 3),
      equipment: 'RTG4',
      operator: 'op1',
      at: '',
    });
    log.after(10 * 60).add('visit-V2', 'ContainerMoved', {
      visitRef: 'V2',
      from: slot('C', 7),
      to: slot('D', 1),
      equipment: 'RTG4',
      operator: 'op1',
      at: '',
    });
    log.after(5).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('C', 7)));
    log
      .after(5)
      .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('A', 3), slot('C', 7), 'R1'));
    const alerts = alertsOver(yardCorrectionUnexplainedRule, log.events, facts);
    expect(alerts.map((a) => a.evidence)).toEqual([[0, 3]]);
    // With a 12-hour window the box's own move 10 hours earlier explains it.
    expect(alertsOver(yardCorrectionUnexplainedRule, log.events, facts, { moveWindowMinutes: 720 })).toEqual(
      [],
    );
  });
});
