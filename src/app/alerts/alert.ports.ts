/**
 * The alert side of the store: the read model of each alert (`alert` table) and how the console pages through them.
 */

import type { DetectionRuleId } from '../../domain/index.js';

export type AlertRule =
  | 'gate.refused'
  | 'integrity.failed'
  | 'integrity.read_model_mismatch'
  | 'auth.lockout'
  | 'lookup.bulk'
  | 'auth.enrolment_repeated'
  | 'driver.device.enrolled_again'
  | 'gate.printed_pass'
  | 'witness.lagging'
  // The detection engine's rules and the yard survey's discrepancies (issue 15): `DetectionAlertRaised` events.
  | DetectionRuleId;
export type AlertSeverity = 'critical' | 'high' | 'medium';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
/** The order of an alert page by when the alert was raised (its id). */
export type AlertDirection = 'asc' | 'desc';

export interface AlertEvidence {
  readonly label: string;
  /** A console path (the visit page) or the audit index's inclusion proof. */
  readonly href: string;
  /** The audit index, when the evidence is one log entry. */
  readonly index: number | null;
}

/**
 * The read model of one alert (the `alert` table): what raised it and what people did about it, derived from the
 * raising event and the alert's `alert-<alertId>` stream in the transactions that append them
 * (see `alert-records.ts`).
 */
export interface AlertRecord {
  /** The audit index of the event that raised the alert. */
  readonly alertId: number;
  readonly rule: AlertRule;
  readonly severity: AlertSeverity;
  readonly raisedAt: string;
  readonly subjectKind: 'visit' | 'user' | 'log';
  readonly subjectId: string;
  /** The terminal of a gate refusal; `null` for alerts that belong to no terminal. */
  readonly terminal: string | null;
  /** The organisation of the user locked out or looking up; `null` for alerts that belong to no organisation. */
  readonly orgId: string | null;
  readonly summary: string;
  readonly evidence: readonly AlertEvidence[];
  readonly status: AlertStatus;
  readonly assignedTo: string | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
  readonly updatedAt: string;
}

/** Page size of `listAlertRecords` at most. */
export const MAX_ALERT_PAGE = 500;

export interface AlertQuery {
  /**
   * Only the alerts of these rules whatever they name, of this organisation, or at one of these terminals.
   * Absent: every alert.
   */
  readonly visibleTo?: {
    readonly rules: readonly AlertRule[];
    readonly orgId: string;
    readonly terminals: readonly string[];
  };
  /**
   * Never the alerts about this person (subject kind `user`, this id): a person is not shown what was raised about
   * them, so a thief in their account cannot learn which of his moves were seen (outside tester, issue 15).
   */
  readonly notAboutUser?: string;
  /** Only alerts in one of these states; absent: any. */
  readonly statuses?: readonly AlertStatus[];
  /** Only alerts of this rule (issue 14); absent: any rule the scope allows. */
  readonly rule?: AlertRule;
  /** Only alerts of this severity; absent: any. */
  readonly severity?: AlertSeverity;
  /** Only alerts assigned to this user id; absent: assigned to anyone or no one. */
  readonly assignedTo?: string;
  /** `desc` (default): newest first; `asc`: oldest first, to work through a backlog. */
  readonly direction?: AlertDirection;
  /** Keyset pagination, newest first: only alerts with an id below this one. */
  readonly before?: number;
  /** Keyset pagination, oldest first: only alerts with an id above this one. */
  readonly after?: number;
  /** At most this many, clamped to [1, MAX_ALERT_PAGE]. */
  readonly limit: number;
}

/**
 * Refused gate attempts grouped into one alert (issue 10, row G; `0012_gate_alert_group`): the alert raised by the
 * first refusal of a group, and how many refusals it holds. Derived from `GateAlertRaised` and the
 * `GateAlertRepeated` events of the alert's `alert-<alertId>` stream (`alert-records.ts`).
 */
export interface GateAlertGroupRecord {
  readonly alertId: number;
  /** `visit:<visitRef>` for a box the credential named, else `kiosk:<operator>`. */
  readonly groupKey: string;
  readonly occurrences: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}
