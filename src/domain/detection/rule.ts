/**
 * The contract of a detection rule (issue 15): a pure function of (rule state, event) → (rule state, alerts), run
 * by the detection engine (`src/app/detection`) over the audit log in index order, each event exactly once.
 *
 * - Time comes only from the events (`LogEvent.recordedAt`); a rule never reads a clock or a random source, so the
 *   same log gives the same alerts on every run, on every server, after every crash.
 * - A rule's state is plain JSON (objects, arrays, strings, numbers, booleans, null; no Map, Set or Date): the engine
 *   stores it beside its position in the transaction that writes the alerts, and reads it back after a restart.
 * - Ownership is linear: the engine hands a state to `step` once and never reads it again, so a rule may update the
 *   state it was given in place and return it. That keeps a 90-day log within minutes without copying maps.
 * - State is bounded: a rule keeps windows and baselines, never every event it saw.
 * - The facts every rule may need (who a user is, which organisation, which visit is where, who holds its release)
 *   are folded once by the engine (`PortFacts`) before the rules see the event, and are read-only to rules.
 */

import type { JsonObject } from '../json.js';

/** One entry of the audit log, as the rules see it. */
export interface LogEvent {
  /** Its audit index: the leaf the evidence of an alert names. */
  readonly index: number;
  readonly streamId: string;
  readonly type: string;
  /** ISO 8601 instant, UTC, with milliseconds: the time the log recorded it. Rules' only clock. */
  readonly recordedAt: string;
  readonly data: JsonObject;
}

/** The same three levels as the alert list. `high` and `critical` on a visit freeze it (issue 15, Response). */
export type DetectionSeverity = 'critical' | 'high' | 'medium';

/** What an alert is about: a visit (a box), a person, or the log. */
export interface DetectionSubject {
  readonly kind: 'visit' | 'user' | 'log';
  readonly id: string;
}

/** An alert a rule raises. The engine records it as a `DetectionAlertRaised` event and an `alert` row. */
export interface DetectionAlert {
  /** The rule's id (`Rule.id`). */
  readonly rule: DetectionRuleId;
  readonly severity: DetectionSeverity;
  readonly subject: DetectionSubject;
  /** The terminal the alert belongs to (who may see it), when it belongs to one. */
  readonly terminal: string | null;
  /** The organisation of the person it is about, when it is about a person. */
  readonly orgId: string | null;
  /** One English sentence for the alert list: what happened, never a police hold's reason. */
  readonly summary: string;
  /**
   * The audit indexes of the events that fired it, oldest first, the current event last (at most 20). Each opens
   * with its inclusion proof in the console.
   */
  readonly evidence: readonly number[];
}

/** What a rule returns for one event. */
export interface RuleStep<S> {
  readonly state: S;
  readonly alerts: readonly DetectionAlert[];
}

/**
 * One detection rule, in its own file under `src/domain/detection/rules/`, with a test that fires it and one that
 * must not.
 *
 * @example
 * ```ts
 * let state = rule.initialState();
 * for (const event of events) {
 *   const step = rule.step(state, event, facts, settings);
 *   state = step.state;
 *   alerts.push(...step.alerts);
 * }
 * ```
 */
export interface Rule<S = unknown, P extends RuleSettings = RuleSettings> {
  readonly id: DetectionRuleId;
  /** One line for the README's settings table and the console: what the rule looks for. */
  readonly description: string;
  /** The settings when nothing is configured. */
  readonly defaults: P;
  initialState(): S;
  /** The next state and the alerts `event` raises; `facts` are as they stand *after* the event was folded. */
  step(state: S, event: LogEvent, facts: PortFacts, settings: P): RuleStep<S>;
}

/**
 * Every rule's settings carry its severity; the rest are its thresholds (minutes, counts, ratios), numbers only, so
 * each maps to one `PORTLEDGER_DETECT_<RULE>_<NAME>` setting in the README's table.
 */
export interface RuleSettings {
  readonly severity: DetectionSeverity;
  readonly [threshold: string]: number | DetectionSeverity;
}

/**
 * The rules' ids. `lookup.bulk` keeps the id of the alert it raised before issue 15; the survey's three come from the
 * reconciliation use case (`src/app/yard`), not from the engine, and are listed here so that one union names every
 * detection alert.
 */
export const detectionRuleIds = [
  // The Antwerp chain.
  'pickup.changed_late',
  'yard.correction_unexplained',
  'release.passed_and_used',
  'visit.void_with_live_release',
  'lookup.outside_chain',
  'visit.vanished',
  // Stolen credentials.
  'auth.new_device_or_network',
  'auth.impossible_travel',
  'activity.off_hours',
  'auth.failures_then_success',
  'auth.dormant_account',
  'lookup.bulk',
  'lookup.above_baseline',
  'activity.first_in_role',
  // Collusion.
  'approval.collusion',
  // Reconciliation (raised by the survey's use case).
  'survey.missing',
  'survey.unknown',
  'survey.misplaced',
] as const;
export type DetectionRuleId = (typeof detectionRuleIds)[number];

/** The event a read that showed a person yard positions writes (issue 15, "who looked at what"). */
export const POSITIONS_VIEWED = 'PositionsViewed';
/** The stream of one person's views. */
export const viewsStream = (userId: string) => `views-${userId}`;

/**
 * The data of a `PositionsViewed` event: the views of one person over a few seconds, batched. A yard map load names
 * its terminal and no visits (`route: 'yard.map'`), not the thousands of boxes it drew.
 */
export interface PositionsViewedData extends JsonObject {
  readonly userId: string;
  readonly orgId: string;
  /** Where the views came from: `visit`, `visit.history`, `visit.search`, `yard.map`, `yard.slot`, … */
  readonly routes: string[];
  /** The distinct visits whose position was shown, in the order first shown (at most 500 per event). */
  readonly visitRefs: string[];
  /** The terminals whose yard map was loaded. */
  readonly terminals: string[];
  /** The first and last view the event covers. */
  readonly firstAt: string;
  readonly lastAt: string;
  /** The network the views came from, as the sign-in events name it. */
  readonly ip: string | null;
}

/** A person as the log knows them: folded from the identity events. */
export interface PersonFacts {
  readonly userId: string;
  readonly orgId: string;
  /** The role names held now. */
  readonly roles: readonly string[];
  /** The first event that named them. */
  readonly since: string;
}

/** An organisation as the log knows it. */
export interface OrganisationFacts {
  readonly orgId: string;
  /** Its `OrgKind` (`terminal_operator`, `shipping_line`, `forwarder`, `haulier`, `customs`, `police`, …). */
  readonly kind: string;
  /** The terminals it operates; empty for every kind but `terminal_operator`. */
  readonly terminals: readonly string[];
  /**
   * The client IP ranges the organisation declared, each with where it is (issue 15, impossible travel): CIDR text,
   * a place name, latitude and longitude in degrees. Empty when none were declared.
   */
  readonly networks: readonly { cidr: string; place: string; lat: number; lon: number }[];
}

/** A visit as the log knows it now. */
export interface VisitFacts {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly line: string;
  readonly terminal: string | null;
  /** In the yard by the log (discharged or gated in, not yet gated out, loaded or cancelled). */
  readonly inYard: boolean;
  /** Its yard slot as text, as `formatYardSlot` writes it (`T/B/bay/row/tier`, e.g. `T1/A/03/02/1`), when in the yard. */
  readonly slot: string | null;
  /** When the last event about this visit was recorded. */
  readonly lastEventAt: string;
  /** The organisations of its release chain: the line, every party the right was offered to or held by. */
  readonly chainOrgs: readonly string[];
  /** A release right is live: issued, not revoked, not yet used at the gate. */
  readonly liveRelease: boolean;
  /** The booked pickup slot's start, when a pickup is booked. */
  readonly pickupAt: string | null;
  readonly frozen: boolean;
}

/**
 * What the engine folds from the log before the rules see each event; read-only to rules. Plain objects keyed by
 * id, so it is JSON like the rules' states.
 */
export interface PortFacts {
  readonly people: Readonly<Record<string, PersonFacts>>;
  readonly organisations: Readonly<Record<string, OrganisationFacts>>;
  readonly visits: Readonly<Record<string, VisitFacts>>;
  /** The terminals' dwell norm in hours (settings, not the log): a box idle longer than this is worth a look. */
  readonly dwellNormHours: Readonly<Record<string, number>>;
}
