/**
 * The detection engine's pure core (issue 15): folds the port's facts from each event of the log, in index order,
 * then runs every rule on it. The shell (`src/app/detection`) reads the log, stores what `snapshot()` returns beside
 * its position and the alerts in one transaction, and after a crash goes on from `DetectionCore.restore`, so each
 * event is seen exactly once, and the same log gives the same alerts on every run.
 *
 * `DetectionAlertRaised` events (the engine's own output, and the reconciliation's) fold into the facts like every
 * event, but no rule sees them: an alert is never evidence of another person's activity, and a rule that counted
 * them would feed on itself.
 */

import type { JsonObject, JsonValue } from '../json.js';
import { type DetectionFacts, emptyFacts, foldFacts } from './facts.js';
import type { DetectionAlert, LogEvent, Rule, RuleSettings } from './rule.js';

/** The event type the engine records each alert as (`src/app/alerts/alert-records.ts`, same string). */
export const DETECTION_ALERT_EVENT = 'DetectionAlertRaised';
/** At most this many audit indexes of evidence per alert (`rule.ts`). */
export const MAX_EVIDENCE = 20;
/** The shape of `snapshot()`; a snapshot of another version is refused. */
export const DETECTION_SNAPSHOT_VERSION = 1;

export interface DetectionCoreOptions {
  /** The rules to run, in the order their alerts are reported for one event. */
  readonly rules: readonly Rule[];
  /** Each rule's settings, by rule id, as configured; a rule without an entry runs on its `defaults`. */
  readonly settings?: Readonly<Record<string, RuleSettings>>;
  /** The terminals' dwell norm in hours: one for all, or per terminal with the default under `'*'`. */
  readonly dwellNormHours: number | Readonly<Record<string, number>>;
}

/** A rule that threw on an event: the event is kept going for the other rules, and the shell reports it. */
export interface RuleFault {
  readonly rule: string;
  readonly index: number;
  readonly message: string;
}

/**
 * @example
 * ```ts
 * const core = new DetectionCore({ rules: DETECTION_RULE_SET, dwellNormHours: 240 });
 * for (const event of events) alerts.push(...core.apply(event));
 * const again = DetectionCore.restore(core.snapshot(), { rules: DETECTION_RULE_SET, dwellNormHours: 240 });
 * ```
 */
export class DetectionCore {
  readonly #rules: readonly Rule[];
  readonly #settings: readonly RuleSettings[];
  #facts: DetectionFacts;
  #states: unknown[];
  /** The index the next event must have: events come exactly once, in order. */
  #next: number;
  #faults: RuleFault[] = [];

  constructor(options: DetectionCoreOptions) {
    this.#rules = options.rules;
    const ids = new Set<string>();
    for (const rule of options.rules) {
      if (ids.has(rule.id)) throw new Error(`detection rule ${rule.id} is registered twice`);
      ids.add(rule.id);
    }
    this.#settings = options.rules.map((rule) => options.settings?.[rule.id] ?? rule.defaults);
    this.#facts = emptyFacts(options.dwellNormHours);
    this.#states = options.rules.map((rule) => rule.initialState());
    this.#next = 0;
  }

  /** The audit index of the next event `apply` expects (the number of events seen so far). */
  get position(): number {
    return this.#next;
  }

  /** The facts as they stand after the last event applied; read-only. */
  get facts(): DetectionFacts {
    return this.#facts;
  }

  /** The ids of the rules it runs, in order. */
  get ruleIds(): readonly string[] {
    return this.#rules.map((rule) => rule.id);
  }

  /**
   * Folds one event into the facts, then runs every rule on it; returns the alerts it raised, in rule order.
   * Events must come in index order, each once (`position`), else it throws and changes nothing.
   */
  apply(event: LogEvent): DetectionAlert[] {
    if (event.index !== this.#next) {
      throw new Error(`detection expects audit index ${this.#next}, was given ${event.index}`);
    }
    this.#next += 1;
    foldFacts(this.#facts, event);
    if (event.type === DETECTION_ALERT_EVENT) return [];
    const alerts: DetectionAlert[] = [];
    for (let i = 0; i < this.#rules.length; i++) {
      const rule = this.#rules[i]!;
      try {
        const step = rule.step(this.#states[i], event, this.#facts, this.#settings[i]!);
        this.#states[i] = step.state;
        for (const alert of step.alerts) alerts.push(boundedEvidence(alert, rule.id));
      } catch (error) {
        // A rule that throws must not stop the others, nor the log: the shell reports the fault.
        this.#faults.push({
          rule: rule.id,
          index: event.index,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return alerts;
  }

  /** The faults since the last call, oldest first; clears them. */
  takeFaults(): RuleFault[] {
    const faults = this.#faults;
    this.#faults = [];
    return faults;
  }

  /**
   * Everything needed to go on after the last event applied: position, facts and each rule's state, as JSON. The
   * core keeps using its own state afterwards, so serialise the snapshot before applying more events.
   */
  snapshot(): JsonObject {
    const rules: JsonObject = {};
    for (const [i, rule] of this.#rules.entries()) rules[rule.id] = this.#states[i] as JsonValue;
    return {
      version: DETECTION_SNAPSHOT_VERSION,
      position: this.#next,
      facts: this.#facts as unknown as JsonObject,
      rules,
    };
  }

  /**
   * A core that goes on where `snapshot` was taken. A rule the snapshot does not know (registered since) starts
   * from its initial state at that position; a rule the options no longer name is dropped. The dwell norms come
   * from `options` (settings, not the log).
   */
  static restore(snapshot: JsonObject, options: DetectionCoreOptions): DetectionCore {
    if (snapshot.version !== DETECTION_SNAPSHOT_VERSION) {
      throw new Error(
        `detection snapshot version ${String(snapshot.version)} is not ${DETECTION_SNAPSHOT_VERSION}`,
      );
    }
    const position = snapshot.position;
    const facts = snapshot.facts;
    const rules = snapshot.rules;
    if (
      typeof position !== 'number' ||
      !Number.isSafeInteger(position) ||
      position < 0 ||
      !isObject(facts) ||
      !isObject(rules)
    ) {
      throw new Error('detection snapshot is malformed');
    }
    const core = new DetectionCore(options);
    const restored = facts as unknown as DetectionFacts;
    core.#facts = {
      ...restored,
      dwellNormHours: { ...restored.dwellNormHours, ...emptyFacts(options.dwellNormHours).dwellNormHours },
    };
    core.#states = options.rules.map((rule) =>
      Object.hasOwn(rules, rule.id) ? rules[rule.id] : rule.initialState(),
    );
    core.#next = position;
    return core;
  }
}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The alert as recorded: its own rule id, and at most `MAX_EVIDENCE` indexes, the latest kept. */
function boundedEvidence(alert: DetectionAlert, ruleId: Rule['id']): DetectionAlert {
  const evidence =
    alert.evidence.length > MAX_EVIDENCE ? alert.evidence.slice(-MAX_EVIDENCE) : alert.evidence;
  return alert.rule === ruleId && evidence === alert.evidence ? alert : { ...alert, rule: ruleId, evidence };
}
