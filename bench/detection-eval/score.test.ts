import { describe, expect, it } from 'vitest';
import type { IncidentLabel } from './generate.js';
import { alertMatches, type ScoredAlert, score } from './score.js';

const label = (
  id: string,
  scenario: IncidentLabel['scenario'],
  subject: string,
  also: string[] = [],
): IncidentLabel => ({
  id,
  scenario,
  subject: subject.startsWith('V-') ? { kind: 'visit', id: subject } : { kind: 'user', id: subject },
  also: also.map((s) => (s.startsWith('V-') ? { kind: 'visit', id: s } : { kind: 'user', id: s })),
  from: '2026-03-10T10:00:00.000Z',
  to: '2026-03-10T16:00:00.000Z',
});

const alert = (rule: string, subject: string, at: string): ScoredAlert => ({
  rule,
  subject: subject.startsWith('V-') ? { kind: 'visit', id: subject } : { kind: 'user', id: subject },
  at,
});

describe('scoring the detection evaluation', () => {
  it('matches an alert on the subject or another subject of the incident, within its window only', () => {
    const chain = label('c-1', 'antwerp_chain', 'V-BOX', ['u-planner']);
    expect(alertMatches(alert('pickup.changed_late', 'V-BOX', '2026-03-10T11:00:00.000Z'), chain)).toBe(true);
    expect(
      alertMatches(alert('auth.new_device_or_network', 'u-planner', '2026-03-10T10:00:00.000Z'), chain),
    ).toBe(true);
    expect(alertMatches(alert('pickup.changed_late', 'V-BOX', '2026-03-10T16:00:00.001Z'), chain)).toBe(
      false,
    );
    expect(alertMatches(alert('pickup.changed_late', 'V-BOX', '2026-03-10T09:59:59.999Z'), chain)).toBe(
      false,
    );
    expect(alertMatches(alert('pickup.changed_late', 'V-OTHER', '2026-03-10T11:00:00.000Z'), chain)).toBe(
      false,
    );
    // A visit and a person with the same id are different subjects.
    expect(
      alertMatches(
        { ...alert('x', 'V-BOX', '2026-03-10T11:00:00.000Z'), subject: { kind: 'user', id: 'V-BOX' } },
        chain,
      ),
    ).toBe(false);
  });

  it('counts recall per scenario, precision overall and per rule', () => {
    const labels = [
      label('t-1', 'impossible_travel', 'u-a'),
      label('t-2', 'impossible_travel', 'u-b'),
      label('c-1', 'antwerp_chain', 'V-BOX', ['u-planner']),
    ];
    const alerts = [
      alert('auth.impossible_travel', 'u-a', '2026-03-10T10:30:00.000Z'),
      alert('auth.impossible_travel', 'u-a', '2026-03-10T10:40:00.000Z'),
      alert('auth.impossible_travel', 'u-honest', '2026-03-10T10:30:00.000Z'),
      alert('pickup.changed_late', 'V-BOX', '2026-03-10T12:00:00.000Z'),
      alert('auth.new_device_or_network', 'u-planner', '2026-03-10T10:05:00.000Z'),
      alert('auth.new_device_or_network', 'u-honest', '2026-03-11T10:05:00.000Z'),
    ];
    const result = score(alerts, labels);
    expect(result.overall).toEqual({ recall: 2 / 3, precision: 4 / 6, incidents: 3, alerts: 6 });
    expect(result.scenarios.impossible_travel).toEqual({
      recall: 0.5,
      incidents: 2,
      found: 1,
      missed: ['t-2'],
    });
    expect(result.scenarios.antwerp_chain).toEqual({ recall: 1, incidents: 1, found: 1, missed: [] });
    expect(result.rules['auth.impossible_travel']).toMatchObject({
      alerts: 3,
      truePositives: 2,
      precision: 2 / 3,
      recall: 1 / 3,
      matched: { impossible_travel: 1 },
    });
    expect(result.rules['auth.impossible_travel']!.falseExamples).toEqual([
      '2026-03-10T10:30:00.000Z user:u-honest',
    ]);
    expect(result.rules['pickup.changed_late']).toMatchObject({
      alerts: 1,
      truePositives: 1,
      precision: 1,
      recall: 1 / 3,
    });
    expect(result.rules['auth.new_device_or_network']).toMatchObject({
      precision: 0.5,
      matched: { antwerp_chain: 1 },
    });
  });

  it('reads no alerts as perfect precision and no recall, and no incidents as nothing missed', () => {
    expect(score([], [label('t-1', 'impossible_travel', 'u-a')]).overall).toMatchObject({
      recall: 0,
      precision: 1,
    });
    expect(score([alert('r', 'u-a', '2026-03-10T10:30:00.000Z')], []).overall).toMatchObject({
      recall: 1,
      precision: 0,
    });
  });
});
