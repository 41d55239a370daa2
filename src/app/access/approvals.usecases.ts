import {
  type ApprovalActor,
  type ApprovalEvent,
  type ApprovalKind,
  type ApprovalState,
  approvalDecider,
  approvalStatus,
  approverRefusal,
  checkRole,
  DomainError,
  grantedApproval,
  type OrgKind,
  type Role,
  type YardSlot,
} from '../../domain/index.js';
import {
  applyPickupChange,
  describePickupChange,
  type PickupDeps,
  pickupDepsFor,
} from '../appointments/appointments.usecases.js';
import { AppError } from '../errors.js';
import type { WriteContext } from '../ledger/ledger.js';
import type { JsonObject, StoredEvent } from '../ports.js';
import {
  executeVisitCommand,
  foldVisit,
  type TerminalLayouts,
  visitStreamId,
} from '../visits/visits.usecases.js';
import { type AuthDeps, type Authenticated, requireStepUp, runUserCommand } from './auth.usecases.js';
import type { ApprovalRecord, OrganisationRecord, UserRecord } from './identity.ports.js';

export const approvalStream = (requestId: string) => `approval-${requestId}`;

/** How long a request waits for its second person before it lapses. */
export const APPROVAL_TTL_MS = 24 * 60 * 60_000;

export function actorOf(auth: { user: UserRecord; org: OrganisationRecord }): ApprovalActor {
  return {
    userId: auth.user.userId,
    orgId: auth.org.orgId,
    orgKind: auth.org.kind as OrgKind,
    roles: auth.user.roles as Role[],
    terminals: [...auth.org.terminals],
  };
}

function fold(events: readonly StoredEvent[]): ApprovalState {
  return events.reduce(
    (state, event) =>
      approvalDecider.evolve(state, { ...event.data, type: event.type } as unknown as ApprovalEvent),
    approvalDecider.initialState(),
  );
}

async function appendApproval(
  context: WriteContext,
  requestId: string,
  version: number,
  events: ApprovalEvent[],
) {
  await context.append(
    approvalStream(requestId),
    version,
    events.map(({ type, ...data }) => ({ type, data: data as unknown as JsonObject })),
  );
}

function record(state: ApprovalState, at: string): ApprovalRecord {
  const request = state.request!;
  return {
    requestId: request.requestId,
    kind: request.kind,
    subject: request.subject,
    status: approvalStatus(state, at) ?? 'pending',
    requestedBy: request.requestedBy.userId,
    orgId: request.requestedBy.orgId,
    expiresAt: request.expiresAt,
    view: {
      requestId: request.requestId,
      kind: request.kind,
      subject: request.subject,
      change: request.change,
      terminal: request.terminal,
      requestedBy: { userId: request.requestedBy.userId, orgId: request.requestedBy.orgId },
      requestedAt: request.at,
      expiresAt: request.expiresAt,
      decision: state.decision,
      decidedBy: state.closedBy
        ? state.closedBy.type === 'ApprovalWithdrawn'
          ? state.closedBy.withdrawnBy
          : state.closedBy.type === 'ApprovalGranted'
            ? state.closedBy.approvedBy.userId
            : state.closedBy.rejectedBy.userId
        : null,
    },
  };
}

/**
 * What a request changes, worked out before it is recorded, so that the approver sees the real before/after and
 * a request that could never apply is refused at once.
 */
async function describeChange(
  context: WriteContext,
  input: { kind: ApprovalKind; subject: string; change: JsonObject },
): Promise<{ change: JsonObject; terminal: string | null }> {
  const { tx } = context;
  switch (input.kind) {
    case 'visit.void': {
      const history = await tx.readStream(visitStreamId(input.subject));
      const state = foldVisit(history);
      if (!state.visit) throw new AppError('visit.not_found', `no visit ${input.subject}`);
      const version = Number(input.change.voidedVersion);
      const target = history[version - 1];
      if (!target) throw new AppError('input.invalid', `visit ${input.subject} has no version ${version}`);
      const slot = (target.data.slot ?? target.data.to ?? target.data.from ?? null) as {
        terminal?: string;
      } | null;
      return {
        change: {
          voidedVersion: version,
          reason: String(input.change.reason ?? ''),
          before: { type: target.type, at: target.recordedAt, data: target.data },
        },
        terminal: slot?.terminal ?? state.visit.slot?.terminal ?? null,
      };
    }
    case 'role.grant':
    case 'passkeys.reset': {
      const user = await tx.identity.getUser(input.subject);
      if (!user) throw new AppError('auth.user_unknown', `no user ${input.subject}`);
      const org = await tx.identity.getOrganisation(user.orgId);
      if (!org) throw new AppError('auth.user_unknown', `user ${input.subject} has no organisation`);
      if (input.kind === 'role.grant') {
        // Refused now rather than after a second administrator has approved something that cannot apply.
        const role = checkRole(org.kind as OrgKind, input.change.role);
        if (user.roles.includes(role)) {
          throw new DomainError('user.role_already_held', `user ${user.userId} already holds ${role}`, {
            userId: user.userId,
            role,
          });
        }
        return { change: { role, rolesBefore: [...user.roles] }, terminal: null };
      }
      const passkeysBefore = (await tx.identity.listPasskeys(user.userId)).length;
      if (passkeysBefore === 0) {
        throw new DomainError('user.passkey_not_found', `user ${user.userId} has no passkey to reset`, {
          userId: user.userId,
        });
      }
      return { change: { passkeysBefore }, terminal: null };
    }
    case 'yard.correction': {
      const state = foldVisit(await tx.readStream(visitStreamId(input.subject)));
      const from = state.visit?.slot;
      if (!state.visit) throw new AppError('visit.not_found', `no visit ${input.subject}`);
      if (!from) throw new AppError('input.invalid', `visit ${input.subject} is not in the yard`);
      const to = input.change.to as unknown as YardSlot;
      if (to?.terminal !== from.terminal) {
        throw new AppError('input.invalid', 'a position correction stays within the terminal');
      }
      return {
        change: {
          from: from as unknown as JsonObject,
          to: to as unknown as JsonObject,
          reason: String(input.change.reason ?? ''),
        },
        terminal: from.terminal,
      };
    }
    case 'pickup.change':
      return describePickupChange(context, input);
    case 'visit.unfreeze': {
      const state = foldVisit(await tx.readStream(visitStreamId(input.subject)));
      const visit = state.visit;
      if (!visit) throw new AppError('visit.not_found', `no visit ${input.subject}`);
      if (visit.frozen === null) {
        throw new DomainError('visit.not_frozen', `visit ${input.subject} is not frozen`, {
          visitRef: input.subject,
        });
      }
      // The terminal's supervisors approve: a freeze stops a box in their yard.
      const terminal = visit.slot?.terminal;
      if (terminal === undefined) {
        throw new AppError(
          'input.invalid',
          `visit ${input.subject} is not in a terminal's yard yet; its terminal approves the unfreeze once it arrives`,
          { visitRef: input.subject },
        );
      }
      const { reason: frozenReason, by: frozenBy, at: frozenAt, alertId } = visit.frozen;
      return {
        change: {
          reason: String(input.change.reason ?? ''),
          before: { frozen: true, frozenBy, frozenAt, frozenReason, alertId },
          after: { frozen: false },
        },
        terminal,
      };
    }
    case 'hold.lift': {
      const state = foldVisit(await tx.readStream(visitStreamId(input.subject)));
      if (!state.visit) throw new AppError('visit.not_found', `no visit ${input.subject}`);
      const holdId = String(input.change.holdId ?? '');
      const hold = state.visit.holds.find((candidate) => candidate.holdId === holdId);
      if (!hold) {
        throw new DomainError('hold.not_found', `visit ${input.subject} has no hold ${holdId} in force`, {
          visitRef: input.subject,
          holdId,
        });
      }
      // The approver is an officer of the same authority: the hold's own reason and reference are theirs to see.
      return {
        change: {
          holdId,
          kind: hold.kind,
          reason: String(input.change.reason ?? ''),
          before: {
            placedBy: hold.placedBy,
            placedAt: hold.placedAt,
            holdReason: hold.reason,
            reference: hold.reference,
          },
        },
        terminal: null,
      };
    }
    default:
      throw new AppError('input.invalid', `two-person changes of kind ${String(input.kind)} are not known`);
  }
}

/**
 * Asks for a two-person change. The request is an event; nothing changes until someone else approves it. The
 * requester is a person (a session, or an administrator named at the CLI); the approval needs a session.
 */
export async function requestApproval(
  deps: AuthDeps,
  auth: Pick<Authenticated, 'user' | 'org'>,
  input: { kind: ApprovalKind; subject: string; change: JsonObject },
): Promise<ApprovalRecord> {
  return deps.ledger.write(async (context) => {
    const requestId = deps.security.tokens.newToken(12);
    const { change, terminal } = await describeChange(context, input);
    const events = approvalDecider.decide(
      {
        type: 'RequestApproval',
        requestId,
        kind: input.kind,
        subject: input.subject,
        change,
        terminal,
        requestedBy: actorOf(auth),
        at: context.now.toISOString(),
        expiresAt: new Date(context.now.getTime() + APPROVAL_TTL_MS).toISOString(),
      },
      approvalDecider.initialState(),
    );
    await appendApproval(context, requestId, 0, events);
    const stored = record(
      events.reduce(approvalDecider.evolve, approvalDecider.initialState()),
      context.now.toISOString(),
    );
    await context.tx.identity.putApproval(stored);
    return stored;
  });
}

/** Applies a granted change, in the transaction that grants it. */
async function applyGranted(
  context: WriteContext,
  terminals: TerminalLayouts,
  state: ApprovalState,
  pickup: PickupDeps,
): Promise<void> {
  const granted = grantedApproval(state);
  if (!granted) return;
  const { request, approvedBy } = granted;
  const { tx, now } = context;
  switch (request.kind) {
    case 'visit.void':
      await executeVisitCommand(context, terminals, request.subject, {
        type: 'VoidEvent',
        voidedVersion: Number(request.change.voidedVersion),
        reason: String(request.change.reason),
        requestedBy: request.requestedBy.userId,
        approvedBy: approvedBy.userId,
      });
      return;
    case 'role.grant':
    case 'passkeys.reset': {
      const user = await tx.identity.getUser(request.subject);
      if (!user) throw new AppError('auth.user_unknown', `no user ${request.subject}`);
      const after = await runUserCommand(
        context,
        user.userId,
        request.kind === 'role.grant'
          ? { type: 'GrantRole', role: String(request.change.role) as Role, approval: state }
          : { type: 'ResetPasskeys', approval: state },
      );
      if (request.kind === 'passkeys.reset') {
        for (const passkey of await tx.identity.listPasskeys(user.userId))
          await tx.identity.removePasskey(passkey.credentialId);
      }
      // A change of roles or passkeys ends every session the user has.
      await tx.identity.putUser({
        ...user,
        roles: [...(after.user?.roles ?? user.roles)],
        securityEpoch: user.securityEpoch + 1,
      });
      await tx.identity.revokeUserSessions(user.userId, now.toISOString());
      return;
    }
    case 'yard.correction':
      // The yard rules are checked again now: the yard may have changed while the request waited.
      await executeVisitCommand(context, terminals, request.subject, {
        type: 'CorrectPosition',
        from: request.change.from as unknown as YardSlot,
        to: request.change.to as unknown as YardSlot,
        reason: String(request.change.reason),
        approvalId: request.requestId,
        requestedBy: request.requestedBy.userId,
        approvedBy: approvedBy.userId,
      });
      return;
    case 'pickup.change':
      // Decided again against the booking of now: the approval names the booking version it changes.
      await applyPickupChange(context, pickup, state);
      return;
    case 'visit.unfreeze':
      // The decider checks again that the box is still frozen and that two different people are named.
      await executeVisitCommand(context, terminals, request.subject, {
        type: 'UnfreezeVisit',
        reason: String(request.change.reason),
        approvalId: request.requestId,
        requestedBy: request.requestedBy.userId,
        approvedBy: approvedBy.userId,
      });
      return;
    case 'hold.lift':
      // The decider checks again that the hold is still in force and that the approver is another officer.
      await executeVisitCommand(context, terminals, request.subject, {
        type: 'LiftHold',
        holdId: String(request.change.holdId),
        reason: String(request.change.reason),
        by: request.requestedBy.userId,
        approvalId: request.requestId,
        approvedBy: approvedBy.userId,
      });
      return;
    default:
      throw new AppError('input.invalid', `two-person changes of kind ${String(request.kind)} are not known`);
  }
}

/**
 * Approves or rejects a request. Approving needs a passkey step-up within 5 minutes; the domain refuses
 * self-approval, ineligible roles, other organisations and lapsed requests. A granted change is applied in the
 * same transaction as the grant, so the grant and its effect are never seen apart.
 */
export async function decideRequest(
  deps: AuthDeps & { terminals: TerminalLayouts; pickup?: PickupDeps },
  auth: Authenticated,
  input: { requestId: string; decision: 'approve' | 'reject'; reason?: string },
): Promise<ApprovalRecord> {
  requireStepUp(deps, auth);
  return deps.ledger.write(async (context) => {
    const stored = await context.tx.readStream(approvalStream(input.requestId));
    if (stored.length === 0) throw new AppError('approval.not_found', `no request ${input.requestId}`);
    const state = fold(stored);
    const at = context.now.toISOString();
    const events = approvalDecider.decide(
      input.decision === 'approve'
        ? { type: 'ApproveRequest', by: actorOf(auth), at }
        : { type: 'RejectRequest', by: actorOf(auth), at, reason: input.reason ?? '' },
      state,
    );
    await appendApproval(context, input.requestId, stored.length, events);
    const next = events.reduce(approvalDecider.evolve, state);
    await applyGranted(
      context,
      deps.terminals,
      next,
      deps.pickup ?? pickupDepsFor({ signer: deps.ledger.log.signer }),
    );
    const view = record(next, at);
    await context.tx.identity.putApproval(view);
    return view;
  });
}

/** The requests this person could decide now: pending, not theirs, and the domain would let them approve. */
export async function approvalInbox(deps: AuthDeps, auth: Authenticated): Promise<ApprovalRecord[]> {
  const pending = await deps.ledger.store.identity.listApprovals({ status: 'pending' });
  const now = deps.ledger.clock.now().toISOString();
  const actor = actorOf(auth);
  const mine: ApprovalRecord[] = [];
  for (const candidate of pending) {
    if (candidate.expiresAt <= now) continue;
    const state = fold(await deps.ledger.store.readStream(approvalStream(candidate.requestId)));
    if (state.request && approverRefusal(state.request, actor) === undefined) mine.push(candidate);
  }
  return mine;
}

/**
 * The requester takes back a pending request; nobody else may (`approval.not_requester`).
 *
 * @example
 * ```ts
 * await withdrawRequest(auth, session, { requestId: 'q7' });
 * ```
 */
export async function withdrawRequest(
  deps: AuthDeps,
  auth: Authenticated,
  input: { requestId: string },
): Promise<ApprovalRecord> {
  return deps.ledger.write(async (context) => {
    const stored = await context.tx.readStream(approvalStream(input.requestId));
    if (stored.length === 0) throw new AppError('approval.not_found', `no request ${input.requestId}`);
    const state = fold(stored);
    const at = context.now.toISOString();
    const events = approvalDecider.decide(
      { type: 'WithdrawRequest', by: { userId: auth.user.userId }, at },
      state,
    );
    await appendApproval(context, input.requestId, stored.length, events);
    const view = record(events.reduce(approvalDecider.evolve, state), at);
    await context.tx.identity.putApproval(view);
    return view;
  });
}
