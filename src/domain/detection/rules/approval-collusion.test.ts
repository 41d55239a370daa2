import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../json.js';
import { type EventLog, eventLog } from '../testing/event-log.js';
import { alertsOver, orgFacts, personFacts, portFacts } from '../testing/port-facts.js';
import { approvalCollusionRule } from './approval-collusion.js';

const team = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
const facts = portFacts({
  organisations: [orgFacts('org-op', 'terminal_operator', ['T1'])],
  people: team.map((p) => personFacts(p, 'org-op', ['yard_planner'])),
});

const actor = (userId: string): JsonObject => ({
  userId,
  orgId: 'org-op',
  orgKind: 'terminal_operator',
  roles: ['yard_planner'],
  terminals: ['T1'],
});

let requests = 0;
/** `requester` asks for a yard correction and `approver` grants it ten minutes later. */
function approve(log: EventLog, requester: string, approver: string): void {
  const requestId = `R${++requests}`;
  log.add(`approval-${requestId}`, 'ApprovalRequested', {
    requestId,
    kind: 'yard.correction',
    subject: 'V1',
    change: {},
    terminal: 'T1',
    requestedBy: actor(requester),
    expiresAt: '2099-01-01T00:00:00.000Z',
    at: '',
  });
  log
    .after(10)
    .add(`approval-${requestId}`, 'ApprovalGranted', { requestId, approvedBy: actor(approver), at: '' });
  log.after(20);
}

function signIn(log: EventLog, people: readonly string[]): void {
  for (const p of people)
    log.add(`auth-${p}`, 'LoginSucceeded', { method: 'passkey', ip: '192.0.2.1', userAgent: 'x', at: '' });
}

/** `days` working days of 08:00 shifts; `work` runs the day's approvals. */
function days(count: number, work: (log: EventLog, day: number) => void): EventLog {
  const log = eventLog('2026-03-02T08:00:00.000Z');
  for (let day = 0; day < count; day++) {
    const start = Date.parse('2026-03-02T08:00:00.000Z') + day * 24 * 3_600_000;
    log.after((start - Date.parse(log.events.at(-1)?.recordedAt ?? '2026-03-02T08:00:00.000Z')) / 60_000);
    work(log, day);
  }
  return log;
}

describe('approval.collusion', () => {
  it('fires on two planners who keep approving each other while four colleagues are on duty', () => {
    const log = days(10, (log) => {
      signIn(log, team);
      approve(log, 'p3', 'p4');
      approve(log, 'p4', 'p5');
      approve(log, 'p1', 'p2');
      approve(log, 'p5', 'p6');
      approve(log, 'p6', 'p3');
      approve(log, 'p2', 'p1');
    });
    const alerts = alertsOver(approvalCollusionRule, log.events, facts);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      rule: 'approval.collusion',
      severity: 'high',
      subject: { kind: 'user', id: 'p1' },
      terminal: null,
      orgId: 'org-op',
    });
    expect(alert?.summary).toMatch(
      /^p1 and p2 approved each other's requests 8 times in 30 days \(p1 4 of p2's, p2 4 of p1's\), [\d.]+ times what their colleagues on duty would have\.$/,
    );
    expect(alert?.evidence).toHaveLength(8);
    expect(alert?.evidence.at(-1)).toBe(alert?.raisedBy);
  });

  it('stays quiet on two planners alone on the night shift, who can only approve each other', () => {
    const log = days(20, (log) => {
      signIn(log, ['p3', 'p4', 'p5', 'p6']);
      approve(log, 'p3', 'p4');
      approve(log, 'p4', 'p5');
      approve(log, 'p5', 'p6');
      approve(log, 'p6', 'p3');
      log.after(13 * 60);
      signIn(log, ['p1', 'p2']);
      approve(log, 'p1', 'p2');
      approve(log, 'p2', 'p1');
    });
    expect(alertsOver(approvalCollusionRule, log.events, facts)).toEqual([]);
  });

  it('stays quiet on a team of six who approve whoever asks, around the table', () => {
    const log = days(30, (log, day) => {
      signIn(log, team);
      for (let i = 0; i < team.length; i++) {
        approve(log, team[i] as string, team[(i + 1 + (day % 5)) % team.length] as string);
      }
    });
    expect(alertsOver(approvalCollusionRule, log.events, facts)).toEqual([]);
  });
});
