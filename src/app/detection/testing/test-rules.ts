/**
 * Rules for the engine's own tests, the SIGKILL test and the bench: never registered in the product
 * (`DETECTION_RULE_SET`). Each keeps state across events, so a restore that lost or repeated an event shows as a
 * missing or extra alert.
 */
import type { DetectionAlert, Rule, RuleSettings } from '../../../domain/index.js';

/** A box moved `moves` times raises a high alert about it: the engine freezes it. */
export const movedTooOftenRule: Rule<Record<string, number[]>, RuleSettings & { moves: number }> = {
  id: 'yard.correction_unexplained',
  description: 'test only: a box moved too often',
  defaults: { severity: 'high', moves: 2 },
  initialState: () => ({}),
  step(state, event, facts, settings) {
    if (event.type !== 'ContainerMoved') return { state, alerts: [] };
    const visitRef = String(event.data.visitRef);
    const seen = [...(state[visitRef] ?? []), event.index].slice(-settings.moves);
    state[visitRef] = seen;
    if (seen.length < settings.moves) return { state, alerts: [] };
    state[visitRef] = [];
    const alert: DetectionAlert = {
      rule: 'yard.correction_unexplained',
      severity: settings.severity,
      subject: { kind: 'visit', id: visitRef },
      terminal: facts.visits[visitRef]?.terminal ?? null,
      orgId: null,
      summary: `Box ${facts.visits[visitRef]?.containerNumber ?? visitRef} was moved ${settings.moves} times`,
      evidence: seen,
    };
    return { state, alerts: [alert] };
  },
};

/** Every `every`-th event of a `probe-…` stream raises a medium alert about the log: many alerts, no freezes. */
export const probeCountRule: Rule<Record<string, number>, RuleSettings & { every: number }> = {
  id: 'lookup.bulk',
  description: 'test only: counts the events of probe streams',
  defaults: { severity: 'medium', every: 7 },
  initialState: () => ({}),
  step(state, event, _facts, settings) {
    if (!event.streamId.startsWith('probe-')) return { state, alerts: [] };
    const count = (state[event.streamId] ?? 0) + 1;
    state[event.streamId] = count;
    if (count % settings.every !== 0) return { state, alerts: [] };
    const alert: DetectionAlert = {
      rule: 'lookup.bulk',
      severity: settings.severity,
      subject: { kind: 'log', id: event.streamId },
      terminal: null,
      orgId: null,
      summary: `Stream ${event.streamId} reached ${count} events`,
      evidence: [event.index],
    };
    return { state, alerts: [alert] };
  },
};

export const TEST_RULES: readonly Rule[] = [movedTooOftenRule as Rule, probeCountRule as Rule];
