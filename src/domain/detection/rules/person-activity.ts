/**
 * What the per-person rules of issue 15 (stolen credentials) share: the time of an event, UTC days and hours, the
 * person an event counts as activity of, their peer groups, and the shape of an alert about a person.
 */

import { AUTH_STREAM_PREFIX, actorOf, type EventActor } from '../actor.js';
import type {
  DetectionAlert,
  DetectionRuleId,
  DetectionSeverity,
  LogEvent,
  PersonFacts,
  PortFacts,
} from '../rule.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The event's time in ms since the epoch (its `recordedAt`, the rules' only clock). */
export const timeOf = (event: LogEvent): number => Date.parse(event.recordedAt);

/** The UTC day number of `ms` (days since 1970-01-01). */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS);

/**
 * The attempts on a person's auth stream that did not get in: someone typed the person's name, which is not the
 * person being active (a thief guessing, or the person mistyping, which `auth.failures_then_success` judges).
 */
const NOT_IN = /Failed$|Refused$|Mismatch$/;

/**
 * The person `event` counts as activity of, with their facts; `undefined` when it names no one the log registered,
 * or when it is a failed or refused attempt on an account.
 */
export function activityOf(
  event: LogEvent,
  facts: PortFacts,
): { actor: EventActor; person: PersonFacts } | undefined {
  if (event.streamId.startsWith(AUTH_STREAM_PREFIX) && NOT_IN.test(event.type)) return undefined;
  const actor = actorOf(event, facts);
  if (!actor) return undefined;
  const person = facts.people[actor.userId];
  return person ? { actor: { userId: actor.userId, orgId: person.orgId }, person } : undefined;
}

/**
 * A person's peer groups: one per role they hold, within their organisation's kind (`forwarder:release_desk`), so a
 * customs investigator and a police investigator are not each other's peers.
 */
export function peerGroupsOf(person: PersonFacts, facts: PortFacts): string[] {
  const kind = facts.organisations[person.orgId]?.kind ?? 'unknown';
  return person.roles.map((role) => `${kind}:${role}`);
}

/** The last `MAX_EVIDENCE` (20) distinct indexes, oldest first: the current event's index last. */
export function evidenceOf(indexes: readonly number[]): number[] {
  const distinct = [...new Set(indexes)].sort((a, b) => a - b);
  return distinct.slice(-20);
}

/** An alert about a person (subject `user`), belonging to no terminal. */
export function personAlert(args: {
  rule: DetectionRuleId;
  severity: DetectionSeverity;
  actor: EventActor;
  summary: string;
  evidence: readonly number[];
}): DetectionAlert {
  return {
    rule: args.rule,
    severity: args.severity,
    subject: { kind: 'user', id: args.actor.userId },
    terminal: null,
    orgId: args.actor.orgId,
    summary: args.summary,
    evidence: evidenceOf(args.evidence),
  };
}

/** The entry of `key` in `record`, made by `make` and kept there when there is none yet. */
export function entryOf<T>(record: Record<string, T>, key: string, make: () => T): T {
  const found = record[key];
  if (found !== undefined) return found;
  const made = make();
  record[key] = made;
  return made;
}
