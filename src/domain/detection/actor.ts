/**
 * Who did what an event records (issue 15, stolen credentials): the person whose session or sign-in the event
 * came from, across every event shape of the log that names one. The per-person rules (new device, impossible
 * travel, off hours, dormant account, first in role) learn and judge on this person.
 *
 * The shapes, as the use cases write them:
 * - `auth-<userId>` streams: sign-ins (`LoginSucceeded`, `LoginFailed`, `LoginRefused`, `SteppedUp`, `LoggedOut`,
 *   `EnrolmentPending`, …) are the person of the stream; the decisions others write there (`EnrolmentConfirmed`,
 *   `EnrolmentRejected`, `EnrolmentCodeMismatch`) carry the decider in `by`.
 * - `session-…` streams: `SessionStarted` names `userId`.
 * - `views-<userId>` streams: `PositionsViewed` names `userId` and `orgId`.
 * - appointments (`SlotBooked`, `SlotRebooked`, `DriverChanged`, `BookingCancelled`): `by: { orgId, userId }`.
 * - releases (`ReleaseIssued`, `ReleaseTransfer…`, `ReleaseBlocked`, …): `by: { userId, orgId, orgKind }`.
 * - approvals: `ApprovalRequested.requestedBy`, `ApprovalGranted.approvedBy`, `ApprovalRejected.rejectedBy` (objects),
 *   `ApprovalWithdrawn.withdrawnBy` (a user id).
 * - visits: `operator` (discharge, gate-in, move: the caller), `placedBy`, `liftedBy`, `by` (freeze), `requestedBy`
 *   (a corrected position, an unfreeze, a void: the person who asked; the approver acted on the approval stream).
 * - user streams: `revokedBy`, `confirmedBy`, `rejectedBy`, `by` (unlock) name the admin or supervisor; the person
 *   themselves acts in `EnrolmentLinkUsed` and `PasskeyAdded`, and removes their own passkey (`PasskeyRemoved` with
 *   no approval). Registration, password and TOTP events name no actor in the log.
 * - drivers' phones: `DriverDeviceEnrolled` and `DriverDeviceEnrolmentRefused` are the driver (`userId`); the
 *   planner's decisions carry `by`. Haulier driver lists (`DriverRegistered`, `DriverUpdated`) carry `by`.
 * - alerts (`AlertAcknowledged`, `AlertAssigned`, `AlertResolved`: `by`) and API tokens (`TokenCreated.createdBy`,
 *   `TokenRevoked.revokedBy`; a token's own use, `TokenUsed`, is a machine's, no person's).
 *
 * `operator:<name>` (the operator at the machine, a CLI confirmation) and `cli:<user>` (an administrator's command
 * at the machine) are not a person's account: no actor. Gate
 * verdicts, system alerts and credentials voided by the system name no person either.
 */

import type { JsonObject, JsonValue } from '../json.js';
import type { LogEvent, PortFacts } from './rule.js';

/** The person an event's action is attributed to, and their organisation when the event or the facts know it. */
export interface EventActor {
  readonly userId: string;
  readonly orgId: string | null;
}

/** The prefix of a person's sign-in stream. */
export const AUTH_STREAM_PREFIX = 'auth-';

/** Events on an `auth-<userId>` stream that someone else wrote about the person, naming themselves in `by`. */
const DECIDED_BY_OTHERS = new Set(['EnrolmentConfirmed', 'EnrolmentRejected', 'EnrolmentCodeMismatch']);

/** Events on an `auth-<userId>` stream that no one did: the system's consequence of what came before. */
const SYSTEM_AUTH_EVENTS = new Set(['AccountLockedOut']);

/**
 * The fields that name the actor, in the order they are tried: the first present wins. `by` first, because where an
 * event names both a subject (`userId`) and an actor, the actor is `by`.
 */
const ACTOR_FIELDS = [
  'by',
  'operator',
  'placedBy',
  'liftedBy',
  'requestedBy',
  'approvedBy',
  'rejectedBy',
  'withdrawnBy',
  'revokedBy',
  'confirmedBy',
  'createdBy',
] as const;

/** Events whose `userId` is the person acting on their own account (not a subject someone else acted on). */
const SELF_ACTS = new Set([
  'PositionsViewed',
  'SessionStarted',
  'EnrolmentLinkUsed',
  'PasskeyAdded',
  'DriverDeviceEnrolled',
  'DriverDeviceEnrolmentRefused',
]);

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);

/** The operator at the machine (`operator:<name>`) and the CLI's operating-system user (`cli:<user>`) are no accounts. */
const personId = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' && !value.startsWith('operator:') && !value.startsWith('cli:')
    ? value
    : undefined;

function fromField(value: JsonValue | undefined): EventActor | undefined {
  if (isObject(value)) {
    const userId = personId(value.userId);
    if (!userId) return undefined;
    return { userId, orgId: typeof value.orgId === 'string' && value.orgId !== '' ? value.orgId : null };
  }
  const userId = personId(value);
  return userId ? { userId, orgId: null } : undefined;
}

function actorIn(event: LogEvent): EventActor | undefined {
  const data = event.data;
  if (event.streamId.startsWith(AUTH_STREAM_PREFIX)) {
    if (SYSTEM_AUTH_EVENTS.has(event.type)) return undefined;
    if (DECIDED_BY_OTHERS.has(event.type)) return fromField(data.by);
    const userId = personId(event.streamId.slice(AUTH_STREAM_PREFIX.length));
    return userId ? { userId, orgId: null } : undefined;
  }
  if (SELF_ACTS.has(event.type)) {
    const userId = personId(data.userId);
    if (!userId) return undefined;
    return { userId, orgId: typeof data.orgId === 'string' && data.orgId !== '' ? data.orgId : null };
  }
  if (event.type === 'PasskeyRemoved') {
    // Removed by the person (no approval) or by a granted reset, whose approver the approval stream names.
    const userId = data.approvalId === null ? personId(data.userId) : undefined;
    return userId ? { userId, orgId: null } : undefined;
  }
  for (const field of ACTOR_FIELDS) {
    const actor = fromField(data[field]);
    if (actor) return actor;
  }
  return undefined;
}

/**
 * Who did what `event` records, or `null` when it names no person who acted (a gate verdict, a system alert, a
 * registration). `orgId` is the organisation the event records for them, else the one `facts` know, else `null`.
 *
 * @example
 * ```ts
 * actorOf({ streamId: 'auth-u-7', type: 'LoginSucceeded', data: { ip, userAgent, method, at }, … });
 * // { userId: 'u-7', orgId: null }
 * actorOf(slotBooked); // { userId: 'u-3', orgId: 'org-haulier' } from its `by`
 * ```
 */
export function actorOf(event: LogEvent, facts?: PortFacts): EventActor | null {
  const actor = actorIn(event);
  if (!actor) return null;
  if (actor.orgId !== null || !facts) return actor;
  return { userId: actor.userId, orgId: facts.people[actor.userId]?.orgId ?? null };
}

/** Whether `event` is a sign-in attempt on a person's auth stream (`LoginSucceeded` or `LoginFailed`). */
export function signInOf(
  event: LogEvent,
): { userId: string; ok: boolean; ip: string; userAgent: string } | null {
  if (event.type !== 'LoginSucceeded' && event.type !== 'LoginFailed') return null;
  if (!event.streamId.startsWith(AUTH_STREAM_PREFIX)) return null;
  const userId = event.streamId.slice(AUTH_STREAM_PREFIX.length);
  if (userId === '') return null;
  const ip = typeof event.data.ip === 'string' ? event.data.ip : '';
  const userAgent = typeof event.data.userAgent === 'string' ? event.data.userAgent : '';
  return { userId, ok: event.type === 'LoginSucceeded', ip, userAgent };
}
