/**
 * Scoring of the detection evaluation (issue 15), pure: an alert is a true positive when its subject is an incident's
 * subject (or one of the incident's other subjects: its actor, the boxes it touched) and it was raised within the
 * incident's window, by the time of the last event of its evidence. Recall per scenario is the share of incidents
 * with at least one such alert; precision is the share of alerts that are true positives, overall and per rule.
 */
import type { DetectionSubject } from '../../src/domain/index.js';
import type { IncidentLabel } from './generate.js';

/** An alert as the scorer needs it: its rule, subject and when the log saw the event that raised it. */
export interface ScoredAlert {
  readonly rule: string;
  readonly subject: DetectionSubject;
  /** ISO instant of the last event of its evidence. */
  readonly at: string;
  readonly summary?: string;
}

export interface Ratio {
  readonly hits: number;
  readonly of: number;
  /** hits / of; 1 when `of` is 0 (nothing to find, nothing wrongly raised). */
  readonly value: number;
}

export interface RuleScore {
  readonly alerts: number;
  readonly truePositives: number;
  readonly precision: number;
  /** Share of all incidents that at least one alert of this rule matched. */
  readonly recall: number;
  /** Per scenario: how many of its incidents this rule matched. */
  readonly matched: Readonly<Record<string, number>>;
  /** A few of its false alerts, to show what honest work it fires on. */
  readonly falseExamples: readonly string[];
}

export interface Score {
  readonly overall: {
    readonly recall: number;
    readonly precision: number;
    readonly incidents: number;
    readonly alerts: number;
  };
  readonly scenarios: Readonly<
    Record<
      string,
      {
        readonly recall: number;
        readonly incidents: number;
        readonly found: number;
        readonly missed: readonly string[];
      }
    >
  >;
  readonly rules: Readonly<Record<string, RuleScore>>;
}

const ratio = (hits: number, of: number): number => (of === 0 ? 1 : hits / of);

const sameSubject = (a: DetectionSubject, b: DetectionSubject) => a.kind === b.kind && a.id === b.id;

/** Whether `alert` is about `label`'s incident: one of its subjects, within its window. */
export function alertMatches(alert: ScoredAlert, label: IncidentLabel): boolean {
  const at = Date.parse(alert.at);
  if (at < Date.parse(label.from) || at > Date.parse(label.to)) return false;
  return sameSubject(alert.subject, label.subject) || label.also.some((s) => sameSubject(alert.subject, s));
}

export function score(alerts: readonly ScoredAlert[], labels: readonly IncidentLabel[]): Score {
  const found = new Set<string>();
  const rules = new Map<
    string,
    { alerts: number; tp: number; incidents: Set<string>; falseExamples: string[] }
  >();
  let truePositives = 0;
  for (const alert of alerts) {
    const rule = rules.get(alert.rule) ?? {
      alerts: 0,
      tp: 0,
      incidents: new Set<string>(),
      falseExamples: [],
    };
    rules.set(alert.rule, rule);
    rule.alerts++;
    const matched = labels.filter((label) => alertMatches(alert, label));
    if (matched.length > 0) {
      truePositives++;
      rule.tp++;
      for (const label of matched) {
        found.add(label.id);
        rule.incidents.add(label.id);
      }
    } else if (rule.falseExamples.length < 5) {
      rule.falseExamples.push(
        `${alert.at} ${alert.subject.kind}:${alert.subject.id} ${alert.summary ?? ''}`.trim(),
      );
    }
  }
  const scenarios: Record<string, { recall: number; incidents: number; found: number; missed: string[] }> =
    {};
  for (const label of labels) {
    const entry = scenarios[label.scenario] ?? { recall: 0, incidents: 0, found: 0, missed: [] };
    scenarios[label.scenario] = entry;
    entry.incidents++;
    if (found.has(label.id)) entry.found++;
    else entry.missed.push(label.id);
    entry.recall = ratio(entry.found, entry.incidents);
  }
  const byId = new Map(labels.map((l) => [l.id, l]));
  const ruleScores: Record<string, RuleScore> = {};
  for (const [id, rule] of [...rules].sort(([a], [b]) => a.localeCompare(b))) {
    const matched: Record<string, number> = {};
    for (const incident of rule.incidents) {
      const scenario = byId.get(incident)!.scenario;
      matched[scenario] = (matched[scenario] ?? 0) + 1;
    }
    ruleScores[id] = {
      alerts: rule.alerts,
      truePositives: rule.tp,
      precision: ratio(rule.tp, rule.alerts),
      recall: ratio(rule.incidents.size, labels.length),
      matched,
      falseExamples: rule.falseExamples,
    };
  }
  return {
    overall: {
      recall: ratio(found.size, labels.length),
      precision: ratio(truePositives, alerts.length),
      incidents: labels.length,
      alerts: alerts.length,
    },
    scenarios,
    rules: ruleScores,
  };
}
