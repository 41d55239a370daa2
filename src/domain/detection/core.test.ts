import { describe, expect, it } from 'vitest';
import { DetectionCore } from './core.js';
import type { DetectionAlert, Rule, RuleSettings } from './rule.js';
import { eventLog } from './testing/event-log.js';

/** Fires when a visit was moved `limit` times; its state counts moves per visit. */
const movesRule: Rule<Record<string, number[]>, RuleSettings & { limit: number }> = {
  id: 'yard.correction_unexplained',
  description: 'test: a box moved too often',
  defaults: { severity: 'high', limit: 2 },
  initialState: () => ({}),
  step(state, event, facts, settings) {
    if (event.type !== 'ContainerMoved') return { state, alerts: [] };
    const visitRef = String(event.data.visitRef);
    const seen = [...(state[visitRef] ?? []), event.index];
    state[visitRef] = seen;
    if (seen.length !== settings.limit) return { state, alerts: [] };
    const alert: DetectionAlert = {
      rule: 'yard.correction_unexplained',
      severity: settings.severity,
      subject: { kind: 'visit', id: visitRef },
      terminal: facts.visits[visitRef]?.terminal ?? null,
      orgId: null,
      summary: `Box ${visitRef} moved ${seen.length} times`,
      evidence: seen,
    };
    return { state, alerts: [alert] };
  },
};

/** Sees every event it is given, to show which the core hands to rules. */
const seenRule: Rule<number[]> = {
  id: 'activity.off_hours',
  description: 'test: records what it sees',
  defaults: { severity: 'medium' },
  initialState: () => [],
  step(state, event) {
    state.push(event.index);
    return { state, alerts: [] };
  },
};

const throwingRule: Rule<null> = {
  id: 'auth.dormant_account',
  description: 'test: throws',
  defaults: { severity: 'medium' },
  initialState: () => null,
  step() {
    throw new Error('boom');
  },
};

const slot = (bay: number) => ({ terminal: 'DPW1', block: 'A', bay, row: 1, tier: 1 });

function moves(count: number) {
  const log = eventLog('2026-03-02T08:00:00.000Z');
  log.add('visit-V1', 'VisitAnnounced', { visitRef: 'V1', containerNumber: 'MSCU1234565', line: 'MSCU' });
  log.add('visit-V1', 'ContainerGatedIn', { visitRef: 'V1', slot: slot(1) });
  for (let i = 0; i < count; i++) {
    log
      .after(5)
      .add('visit-V1', 'ContainerMoved', { visitRef: 'V1', from: slot(1 + 2 * i), to: slot(3 + 2 * i) });
  }
  return log;
}

const options = { rules: [movesRule as Rule, seenRule as Rule], dwellNormHours: 240 };

describe('DetectionCore', () => {
  it('folds the facts before the rules see the event, and runs each rule with its settings', () => {
    const core = new DetectionCore({
      ...options,
      settings: { [movesRule.id]: { severity: 'critical', limit: 3 } },
    });
    const alerts = moves(3).events.flatMap((event) => core.apply(event));
    expect(alerts).toEqual([
      {
        rule: 'yard.correction_unexplained',
        severity: 'critical',
        subject: { kind: 'visit', id: 'V1' },
        terminal: 'DPW1',
        orgId: null,
        summary: 'Box V1 moved 3 times',
        evidence: [2, 3, 4],
      },
    ]);
    expect(core.position).toBe(5);
  });

  it('does not fire below the threshold', () => {
    const core = new DetectionCore(options);
    expect(moves(1).events.flatMap((event) => core.apply(event))).toEqual([]);
  });

  it('refuses an event out of order, changing nothing', () => {
    const core = new DetectionCore(options);
    const [first, second] = moves(0).events;
    expect(() => core.apply(second!)).toThrow(/expects audit index 0/);
    core.apply(first!);
    expect(() => core.apply(first!)).toThrow(/expects audit index 1/);
    expect(core.position).toBe(1);
  });

  it('folds DetectionAlertRaised events but runs no rule on them', () => {
    const core = new DetectionCore(options);
    const log = moves(0);
    log.add('alerts', 'DetectionAlertRaised', { rule: 'x', subjectKind: 'visit', subjectId: 'V1' });
    for (const event of log.events) core.apply(event);
    expect((core.snapshot().rules as Record<string, unknown>)[seenRule.id]).toEqual([0, 1]);
  });

  it('goes on from a snapshot through JSON exactly as without one', () => {
    const events = moves(4).events;
    const straight = new DetectionCore(options);
    const all = events.flatMap((event) => straight.apply(event));

    for (let cut = 0; cut <= events.length; cut++) {
      const first = new DetectionCore(options);
      const before = events.slice(0, cut).flatMap((event) => first.apply(event));
      const stored = JSON.parse(JSON.stringify(first.snapshot()));
      const second = DetectionCore.restore(stored, options);
      expect(second.position).toBe(cut);
      const after = events.slice(cut).flatMap((event) => second.apply(event));
      expect([...before, ...after]).toEqual(all);
      expect(second.snapshot()).toEqual(straight.snapshot());
    }
  });

  it('starts a rule the snapshot does not know from its initial state', () => {
    const events = moves(2).events;
    const first = new DetectionCore({ rules: [seenRule as Rule], dwellNormHours: 240 });
    for (const event of events.slice(0, 3)) first.apply(event);
    const second = DetectionCore.restore(first.snapshot(), options);
    const alerts = events.slice(3).flatMap((event) => second.apply(event));
    // Only one move after the restore: the new rule counts from where it joined.
    expect(alerts).toEqual([]);
    expect((second.snapshot().rules as Record<string, unknown>)[movesRule.id]).toEqual({ V1: [3] });
  });

  it('keeps going past a rule that throws, and reports it', () => {
    const core = new DetectionCore({ ...options, rules: [throwingRule as Rule, movesRule as Rule] });
    const alerts = moves(2).events.flatMap((event) => core.apply(event));
    expect(alerts).toHaveLength(1);
    expect(core.takeFaults().map((f) => [f.rule, f.index, f.message])).toEqual([
      ['auth.dormant_account', 0, 'boom'],
      ['auth.dormant_account', 1, 'boom'],
      ['auth.dormant_account', 2, 'boom'],
      ['auth.dormant_account', 3, 'boom'],
    ]);
    expect(core.takeFaults()).toEqual([]);
  });

  it('keeps the latest 20 indexes of evidence', () => {
    const core = new DetectionCore({
      ...options,
      settings: { [movesRule.id]: { severity: 'high', limit: 25 } },
    });
    const [alert] = moves(25).events.flatMap((event) => core.apply(event));
    expect(alert?.evidence).toHaveLength(20);
    expect(alert?.evidence.at(-1)).toBe(26);
  });

  it('refuses a rule registered twice and a snapshot of another shape', () => {
    expect(() => new DetectionCore({ ...options, rules: [seenRule as Rule, seenRule as Rule] })).toThrow(
      /twice/,
    );
    expect(() => DetectionCore.restore({ version: 99 }, options)).toThrow(/version/);
    expect(() => DetectionCore.restore({ version: 1, position: -1, facts: {}, rules: {} }, options)).toThrow(
      /malformed/,
    );
  });
});
