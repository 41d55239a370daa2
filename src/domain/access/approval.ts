/**
 * The two-person approval decider (issue 3). A sensitive change — a yard position that is not a recorded move,
 * a new pickup slot or driver for a released box, a void, a role grant, a passkey reset, an unfreeze, the lift of
 * another officer's customs or police hold — is first
 * a request; it is applied only after a second eligible person approves it. One stream per request.
 *
 * Why: in Antwerp one stolen login was enough to change a box's location and pickup time. With two people, a
 * stolen login can only ask, and the ask is seen by a colleague who knows whether it is real.
 *
 * Rules, each with its code:
 * - the requester holds the permission that requests this kind (`approval.not_permitted`);
 * - nobody decides their own request, nor a role grant or passkey reset of their own account
 *   (`approval.self_approval`);
 * - the approver holds a role allowed to approve this kind (`approval.not_eligible`); for a `hold.lift`, both the
 *   requester and the approver must be able to lift that kind of hold (`approval.not_permitted`,
 *   `approval.not_eligible`): a customs hold is let go by two customs officers, a police hold by two investigators;
 * - the approver is in the requester's organisation or, for terminal data (a request that names a terminal), on
 *   the staff of the operator running that terminal (`approval.wrong_organisation`);
 * - only a pending request is decided (`approval.not_pending`), and not at or after `expiresAt`
 *   (`approval.expired`);
 * - only the requester withdraws (`approval.not_requester`).
 */
import type { Decider } from '../decider.js';
import { DomainError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { distinct, id, instant, instantMs, jsonObject, MAX_TEXT, oneOf, text } from './fields.js';
import { type OrgKind, orgKinds, parseTerminalCode } from './organisations.js';
import {
  type ApprovalKind,
  approvalKinds,
  approvalPolicy,
  approverRolesFor,
  mayDo,
  mayLiftHold,
} from './policy.js';
import { isRole, type Role } from './roles.js';

/** The person acting on a request, as the session knows them. */
export type ApprovalActor = {
  userId: string;
  orgId: string;
  orgKind: OrgKind;
  roles: readonly Role[];
  /** Terminals run by the actor's organisation (terminal operators only). */
  terminals?: readonly string[];
};

/** The actor as recorded in an event: plain JSON, `terminals` always present. */
export type RecordedActor = {
  userId: string;
  orgId: string;
  orgKind: OrgKind;
  roles: Role[];
  terminals: string[];
};

/** Asks for a two-person change. `requestId` is made by the caller (the domain has no random source). */
export type RequestApproval = {
  type: 'RequestApproval';
  requestId: string;
  kind: ApprovalKind;
  /** What the change is about: a visitRef, a userId. */
  subject: string;
  /** The before/after the approver sees, as plain JSON. */
  change: JsonObject;
  /** The terminal whose data this is; required for yard corrections and unfreezes, optional for voids. */
  terminal?: string | null;
  requestedBy: ApprovalActor;
  at: string;
  expiresAt: string;
};

/** The second person agrees; the caller then applies the change, citing the request. */
export type ApproveRequest = { type: 'ApproveRequest'; by: ApprovalActor; at: string };

/** The second person refuses. */
export type RejectRequest = { type: 'RejectRequest'; by: ApprovalActor; at: string; reason: string };

/** The requester takes the request back. */
export type WithdrawRequest = { type: 'WithdrawRequest'; by: Pick<ApprovalActor, 'userId'>; at: string };

/** Every command of the approval decider. */
export type ApprovalCommand = RequestApproval | ApproveRequest | RejectRequest | WithdrawRequest;

/** A two-person change was asked for. */
export type ApprovalRequested = {
  type: 'ApprovalRequested';
  requestId: string;
  kind: ApprovalKind;
  subject: string;
  change: JsonObject;
  terminal: string | null;
  requestedBy: RecordedActor;
  expiresAt: string;
  at: string;
};

/** A second eligible person approved. */
export type ApprovalGranted = {
  type: 'ApprovalGranted';
  requestId: string;
  approvedBy: RecordedActor;
  at: string;
};

/** A second eligible person refused. */
export type ApprovalRejected = {
  type: 'ApprovalRejected';
  requestId: string;
  rejectedBy: RecordedActor;
  reason: string;
  at: string;
};

/** The requester withdrew. */
export type ApprovalWithdrawn = {
  type: 'ApprovalWithdrawn';
  requestId: string;
  withdrawnBy: string;
  at: string;
};

/** Every event of an approval stream. */
export type ApprovalEvent = ApprovalRequested | ApprovalGranted | ApprovalRejected | ApprovalWithdrawn;

/** Where a request stands, as recorded; `expired` is not recorded but told by {@link approvalStatus}. */
export type ApprovalDecision = 'pending' | 'granted' | 'rejected' | 'withdrawn';

/** Where a request stands at a given instant. */
export type ApprovalStatus = ApprovalDecision | 'expired';

/** The state of an approval stream: `null` before the request. */
export type ApprovalState = {
  readonly request: ApprovalRequested | null;
  readonly decision: ApprovalDecision | null;
  /** The granting, rejecting or withdrawing event. */
  readonly closedBy: ApprovalGranted | ApprovalRejected | ApprovalWithdrawn | null;
};

const INVALID = 'approval.command_invalid';

/** Kinds whose `subject` is a userId. */
const USER_SUBJECT: ReadonlySet<ApprovalKind> = new Set(['role.grant', 'passkeys.reset']);

/**
 * The approval decider.
 *
 * @example
 * ```ts
 * const state = foldEvents(approvalDecider, stored);
 * const events = approvalDecider.decide({ type: 'ApproveRequest', by: session.principal, at: now }, state);
 * ```
 */
export const approvalDecider: Decider<ApprovalCommand, ApprovalEvent, ApprovalState> = {
  decide: decideApproval,
  evolve: evolveApproval,
  initialState: initialApprovalState,
};

/**
 * The state of an empty approval stream.
 *
 * @example
 * ```ts
 * initialApprovalState(); // { request: null, decision: null, closedBy: null }
 * ```
 */
export function initialApprovalState(): ApprovalState {
  return { request: null, decision: null, closedBy: null };
}

/**
 * The events a command causes; throws `DomainError` when a rule refuses it.
 *
 * @example
 * ```ts
 * decideApproval({ type: 'RejectRequest', by: supervisor, at, reason: 'no such move on the RTG log' }, state);
 * ```
 */
export function decideApproval(command: ApprovalCommand, state: ApprovalState): ApprovalEvent[] {
  switch (command.type) {
    case 'RequestApproval':
      return [decideRequest(command, state)];
    case 'ApproveRequest':
    case 'RejectRequest': {
      const at = instant(INVALID, 'at', command.at);
      const by = recordedActor('by', command.by);
      const reason =
        command.type === 'RejectRequest' ? text(INVALID, 'reason', command.reason, MAX_TEXT.reason) : '';
      const request = requirePending(state, at);
      checkApprover(request, by);
      if (command.type === 'ApproveRequest') {
        return [{ type: 'ApprovalGranted', requestId: request.requestId, approvedBy: by, at }];
      }
      return [{ type: 'ApprovalRejected', requestId: request.requestId, rejectedBy: by, reason, at }];
    }
    case 'WithdrawRequest': {
      const at = instant(INVALID, 'at', command.at);
      const userId = id(INVALID, 'by.userId', command.by?.userId);
      const request = requirePending(state, at);
      if (userId !== request.requestedBy.userId) {
        throw new DomainError('approval.not_requester', 'only the requester may withdraw a request', {
          requestId: request.requestId,
          userId,
        });
      }
      return [{ type: 'ApprovalWithdrawn', requestId: request.requestId, withdrawnBy: userId, at }];
    }
    default:
      throw new DomainError(INVALID, 'unknown command type', { field: 'type' });
  }
}

/**
 * The state after one more event.
 *
 * @example
 * ```ts
 * const state = events.reduce(evolveApproval, initialApprovalState());
 * ```
 */
export function evolveApproval(state: ApprovalState, event: ApprovalEvent): ApprovalState {
  switch (event.type) {
    case 'ApprovalRequested':
      return { request: event, decision: 'pending', closedBy: null };
    case 'ApprovalGranted':
      return { ...state, decision: 'granted', closedBy: event };
    case 'ApprovalRejected':
      return { ...state, decision: 'rejected', closedBy: event };
    case 'ApprovalWithdrawn':
      return { ...state, decision: 'withdrawn', closedBy: event };
  }
}

/**
 * Where the request stands at `at`: a pending request is `expired` from `expiresAt` on; `undefined` before the
 * request exists. A granted request stays granted after `expiresAt`: expiry bounds the wait for a decision, not
 * the validity of one.
 *
 * @example
 * ```ts
 * approvalStatus(state, '2025-03-02T08:00:00Z'); // 'expired'
 * ```
 */
export function approvalStatus(state: ApprovalState, at: string): ApprovalStatus | undefined {
  if (state.request === null || state.decision === null) return undefined;
  if (state.decision !== 'pending') return state.decision;
  return instantMs(INVALID, 'at', at) >= Date.parse(state.request.expiresAt) ? 'expired' : 'pending';
}

/**
 * Who approved a granted request, for the change it unlocks (`EventVoided.approvedBy`, `RoleGranted.approvalId`);
 * `undefined` unless granted.
 *
 * @example
 * ```ts
 * grantedApproval(state)?.approvedBy.userId; // 'u-sup-2'
 * ```
 */
export function grantedApproval(
  state: ApprovalState,
): { request: ApprovalRequested; approvedBy: RecordedActor; at: string } | undefined {
  if (state.request === null || state.closedBy?.type !== 'ApprovalGranted') return undefined;
  return { request: state.request, approvedBy: state.closedBy.approvedBy, at: state.closedBy.at };
}

/**
 * Whether the approval rules let `approver` decide `request`, as the code the decider would refuse with, or
 * `undefined` when they do. The UI uses it to offer the approve button only to those who may press it.
 *
 * @example
 * ```ts
 * approverRefusal(request, sameUser); // 'approval.self_approval'
 * ```
 */
export function approverRefusal(
  request: ApprovalRequested,
  approver: ApprovalActor,
): 'approval.self_approval' | 'approval.not_eligible' | 'approval.wrong_organisation' | undefined {
  try {
    checkApprover(request, recordedActor('by', approver));
    return undefined;
  } catch (error) {
    if (
      error instanceof DomainError &&
      (error.code === 'approval.self_approval' ||
        error.code === 'approval.not_eligible' ||
        error.code === 'approval.wrong_organisation')
    ) {
      return error.code;
    }
    throw error;
  }
}

function decideRequest(command: RequestApproval, state: ApprovalState): ApprovalRequested {
  const at = instant(INVALID, 'at', command.at);
  const expiresAt = instant(INVALID, 'expiresAt', command.expiresAt);
  if (Date.parse(expiresAt) <= Date.parse(at)) throw invalidField('expiresAt', 'must be after at');
  const requestId = id(INVALID, 'requestId', command.requestId);
  const kind = oneOf(INVALID, 'kind', command.kind, approvalKinds);
  const subject = id(INVALID, 'subject', command.subject);
  const change = jsonObject(INVALID, 'change', command.change);
  const requestedBy = recordedActor('requestedBy', command.requestedBy);
  const terminalData = approvalPolicy[kind].terminalData;
  const terminal =
    command.terminal === undefined || command.terminal === null
      ? null
      : parseTerminalCode(command.terminal, 'terminal', INVALID);
  if (terminalData === 'always' && terminal === null) {
    throw invalidField('terminal', `must name the terminal whose data a ${kind} changes`);
  }
  if (terminalData === 'never' && terminal !== null) {
    throw invalidField('terminal', `is not terminal data in a ${kind}`);
  }
  if (state.request !== null) {
    throw new DomainError('approval.already_exists', `request ${state.request.requestId} already exists`, {
      requestId: state.request.requestId,
    });
  }
  const permission = approvalPolicy[kind].requestPermission;
  if (!mayDo(requestedBy, permission) || (kind === 'hold.lift' && !mayLiftKindOf(requestedBy, change))) {
    throw new DomainError(
      'approval.not_permitted',
      `requesting a ${kind} needs the permission ${permission}`,
      {
        kind,
        permission,
        roles: requestedBy.roles,
      },
    );
  }
  // A terminal's staff ask only about their own terminal's yard; customs or police asking go to that terminal.
  if (
    terminal !== null &&
    requestedBy.orgKind === 'terminal_operator' &&
    !requestedBy.terminals.includes(terminal)
  ) {
    throw new DomainError(
      'approval.wrong_organisation',
      `terminal ${terminal} is not run by your organisation`,
      {
        terminal,
        terminals: requestedBy.terminals,
      },
    );
  }
  return {
    type: 'ApprovalRequested',
    requestId,
    kind,
    subject,
    change,
    terminal,
    requestedBy,
    expiresAt,
    at,
  };
}

function requirePending(state: ApprovalState, at: string): ApprovalRequested {
  const request = state.request;
  if (request === null) throw new DomainError('approval.not_found', 'no such approval request', {});
  if (state.decision !== 'pending') {
    throw new DomainError(
      'approval.not_pending',
      `request ${request.requestId} is already ${state.decision}`,
      {
        requestId: request.requestId,
        status: state.decision,
      },
    );
  }
  if (Date.parse(at) >= Date.parse(request.expiresAt)) {
    throw new DomainError(
      'approval.expired',
      `request ${request.requestId} expired at ${request.expiresAt}`,
      {
        requestId: request.requestId,
        expiresAt: request.expiresAt,
      },
    );
  }
  return request;
}

function checkApprover(request: ApprovalRequested, by: RecordedActor): void {
  const details = { requestId: request.requestId, kind: request.kind, userId: by.userId };
  if (by.userId === request.requestedBy.userId) {
    throw new DomainError('approval.self_approval', 'nobody approves or rejects their own request', details);
  }
  // A role grant or passkey reset is about a user: that user is no second person for it either.
  if (USER_SUBJECT.has(request.kind) && by.userId === request.subject) {
    throw new DomainError('approval.self_approval', 'nobody decides a change to their own account', details);
  }
  const eligible = approverRolesFor(request.kind);
  if (
    !by.roles.some((role) => eligible.includes(role)) ||
    !mayDo(by, 'approval.decide') ||
    (request.kind === 'hold.lift' && !mayLiftKindOf(by, request.change))
  ) {
    throw new DomainError(
      'approval.not_eligible',
      `a ${request.kind} is decided by ${eligible.join(' or ')}`,
      {
        ...details,
        eligible,
        roles: by.roles,
      },
    );
  }
  // Terminal data belongs to the terminal: two clerks of a line must not together void a discharge or a move.
  const allowed =
    request.terminal === null
      ? by.orgId === request.requestedBy.orgId
      : by.orgKind === 'terminal_operator' && by.terminals.includes(request.terminal);
  if (!allowed) {
    throw new DomainError(
      'approval.wrong_organisation',
      request.terminal === null
        ? "the approver must belong to the requester's organisation"
        : `the approver must be on the staff of the operator running terminal ${request.terminal}`,
      { ...details, orgId: by.orgId, terminal: request.terminal },
    );
  }
}

/** Whether `actor` may lift the kind of hold a `hold.lift` change names (`change.kind`); its own authority only. */
function mayLiftKindOf(actor: RecordedActor, change: JsonObject): boolean {
  const kind = change.kind;
  if (kind !== 'customs' && kind !== 'police' && kind !== 'terminal' && kind !== 'line') return false;
  return actor.roles.some((role) => mayLiftHold(role, kind, actor.orgKind));
}

function recordedActor(field: string, value: ApprovalActor | undefined): RecordedActor {
  const actor = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const roles = distinct(INVALID, `${field}.roles`, actor.roles, (role, f) => {
    if (!isRole(role)) throw invalidField(f, 'must be a role');
    return role;
  });
  return {
    userId: id(INVALID, `${field}.userId`, actor.userId),
    orgId: id(INVALID, `${field}.orgId`, actor.orgId),
    orgKind: oneOf(INVALID, `${field}.orgKind`, actor.orgKind, orgKinds),
    roles,
    terminals: distinct(INVALID, `${field}.terminals`, actor.terminals ?? [], (t, f) =>
      parseTerminalCode(t, f, INVALID),
    ),
  };
}

function invalidField(field: string, why: string): DomainError {
  return new DomainError(INVALID, `${field} ${why}`, { field });
}
