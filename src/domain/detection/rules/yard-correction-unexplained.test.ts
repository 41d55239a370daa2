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

  it('stays quiet when a survey saw the box in the slot it is corrected to', () => {
    const log = eventLog('2026-03-02T06:00:00.000Z');
    log.add('survey-T1', 'YardSurveyRecorded', {
      terminal: 'T1',
      surveyId: 'T1-1',
      blocks: null,
      discrepancies: {
        missing: [],
        unknown: [],
        misplaced: [{ visitRef: 'V1', loggedSlot: 'T1/A/03/01/1', seenSlot: 'T1/C/07/01/1' }],
      },
    });
    log.after(120).add('approval-R1', 'ApprovalRequested', request('R1', 'V1', slot('C', 7)));
    log
      .after(10)
      .add('visit-V1', 'ContainerPositionCorrected', corrected('V1', slot('A', 3), slot('C', 7), 'R1'));
    expect(alertsOver(yardCorrectionUnexplainedRule, log.events, facts)).toEqual([]);
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
