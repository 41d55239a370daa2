import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../json.js';
import { type EventLog, eventLog } from '../testing/event-log.js';
import { alertsOver, portFacts, visitFacts } from '../testing/port-facts.js';
import { visitVanishedRule } from './visit-vanished.js';

const slot = (block: string, bay: number): JsonObject => ({ terminal: 'T1', block, bay, row: 1, tier: 1 });
/** Three days' norm at T1. */
const facts = portFacts({
  visits: [
    visitFacts('V1', { terminal: 'T1', inYard: true, slot: 'T1/A/03/01/1' }),
    visitFacts('V2', { containerNumber: 'MAEU7654321', terminal: 'T1', inYard: true, slot: 'T1/B/05/01/1' }),
  ],
  dwellNormHours: { T1: 72 },
});

/** The port goes on with its work: someone signs in every hour, for `hours` hours. */
function workFor(log: EventLog, hours: number): void {
  for (let h = 0; h < hours; h++)
    log
      .after(60)
      .add('auth-u9', 'LoginSucceeded', { method: 'passkey', ip: '192.0.2.1', userAgent: 'x', at: '' });
}

const discharged = (visitRef: string, block: string): JsonObject => ({
  visitRef,
  vesselCall: 'VC1',
  slot: slot(block, block === 'A' ? 3 : 5),
  equipment: 'STS1',
  operator: 'op1',
  at: '',
});

const survey = (missing: string[], blocks: string[] | null = null): JsonObject => ({
  terminal: 'T1',
  surveyId: 'T1-1',
  blocks,
  discrepancies: { missing, unknown: [], misplaced: [] },
  totals: { missing: missing.length, unknown: 0, misplaced: 0 },
});

describe('visit.vanished', () => {
  it('fires once when a box has had no event for longer than its terminal’s dwell norm', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V1', 'ContainerDischarged', discharged('V1', 'A'));
    workFor(log, 100);
    const alerts = alertsOver(visitVanishedRule, log.events, facts);
    expect(alerts).toEqual([
      {
        rule: 'visit.vanished',
        severity: 'critical',
        subject: { kind: 'visit', id: 'V1' },
        terminal: 'T1',
        orgId: null,
        summary:
          "MSCU1234565 (visit V1) has stood in the yard at T1/A/03/01/1 with no event for 3 days, longer than terminal T1's dwell norm of 72 h.",
        evidence: [0, 72],
        raisedBy: 72,
      },
    ]);
  });

  it('stays quiet on a box its chain works on, one a survey saw in place, and one that left', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V1', 'ContainerDischarged', discharged('V1', 'A'));
    log.add('visit-V2', 'ContainerDischarged', discharged('V2', 'B'));
    workFor(log, 48);
    log.add('release-V1', 'ReleaseIssued', { releaseId: 'R1', visitRef: 'V1', at: '' });
    log.add('survey-T1', 'YardSurveyRecorded', survey([], ['B']));
    workFor(log, 60);
    log.add('gate-G1', 'GateAttemptAccepted', { attemptId: 'G1', visitRef: 'V1', at: '' });
    log.add('visit-V1', 'ContainerGatedOut', { visitRef: 'V1', from: slot('A', 3), at: '' });
    workFor(log, 100);
    const gone = portFacts({
      visits: [{ ...facts.visits.V1!, inYard: false, slot: null }, facts.visits.V2!],
      dwellNormHours: { T1: 72 },
    });
    const out = log.events.findIndex((e) => e.type === 'ContainerGatedOut');
    const alerts = alertsOver(visitVanishedRule, log.events, (event) => (event.index >= out ? gone : facts));
    // V2 was seen by the survey at hour 48, so its norm runs out at hour 120 (the event at index 125), not at 72.
    expect(log.events[125]?.recordedAt).toBe('2026-03-07T08:00:00.000Z');
    expect(alerts.map((a) => [a.subject.id, a.raisedBy])).toEqual([['V2', 125]]);
  });

  it('fires when a survey missed the box and nothing explained it within the grace hours', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V1', 'ContainerDischarged', discharged('V1', 'A'));
    log.after(60).add('survey-T1', 'YardSurveyRecorded', survey(['V1']));
    workFor(log, 30);
    const alerts = alertsOver(visitVanishedRule, log.events, facts);
    expect(alerts.map((a) => [a.raisedBy, a.evidence, a.summary])).toEqual([
      [
        25,
        [0, 1, 25],
        'MSCU1234565 (visit V1) is in the yard of T1 by the log, but survey T1-1 did not see it and nothing has explained it in 24 h.',
      ],
    ]);
  });

  it('stays quiet when a move or a later survey explains what a survey missed', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V1', 'ContainerDischarged', discharged('V1', 'A'));
    log.add('visit-V2', 'ContainerDischarged', discharged('V2', 'B'));
    log.after(60).add('survey-T1', 'YardSurveyRecorded', survey(['V1', 'V2']));
    workFor(log, 3);
    log.add('visit-V1', 'ContainerMoved', {
      visitRef: 'V1',
      from: slot('A', 3),
      to: slot('A', 5),
      equipment: 'RTG1',
      operator: 'op1',
      at: '',
    });
    workFor(log, 5);
    log.add('survey-T1', 'YardSurveyRecorded', { ...survey([]), surveyId: 'T1-2' });
    workFor(log, 30);
    expect(alertsOver(visitVanishedRule, log.events, facts)).toEqual([]);
  });
});
