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
} from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { WriteContext } from '../ledger/index.js';
import type { JsonObject, LedgerReads, StoredEvent } from '../ports.js';
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

/** A two-person change as it is asked for: its kind, the subject it changes and what the requester wants. */
export interface ApprovalInput {
  readonly kind: ApprovalKind;
  readonly subject: string;
  readonly change: JsonObject;
}

/**
 * What one kind of two-person change does, told by the capability that owns its subject: the visits tell how a
 * void or a position correction applies, the appointments how a pickup change does. Approvals keep the request,
 * the decision and who may take it; they import no capability above them (issue 12).
 */
export interface ApprovalKindHandler {
  /**
   * What the request changes, worked out before it is recorded, so that the approver sees the real before/after
   * and a request that could never apply is refused at once.
   */
  describe(
    context: WriteContext,
    input: ApprovalInput,
  ): Promise<{ change: JsonObject; terminal: string | null }>;
  /** Applies the granted change, in the transaction that grants it. */
  apply(context: WriteContext, granted: GrantedApproval, state: ApprovalState): Promise<void>;
}

/** A granted request, as `grantedApproval` reads it from the request's stream. */
export type GrantedApproval = NonNullable<ReturnType<typeof grantedApproval>>;

/** The kinds of two-person change a caller knows how to describe and apply, by kind. */
export type ApprovalKinds = Readonly<Partial<Record<ApprovalKind, ApprovalKindHandler>>>;

function handlerOf(kinds: ApprovalKinds, kind: ApprovalKind): ApprovalKindHandler {
  // Own keys only: a kind is a name, and no name may reach the object's prototype.
  const handler = Object.hasOwn(kinds, kind) ? kinds[kind] : undefined;
  if (!handler)
    throw new AppError('input.invalid', `two-person changes of kind ${String(kind)} are not known`);
  return handler;
}

async function userNamed(context: WriteContext, userId: string): Promise<UserRecord> {
  const user = await context.tx.identity.getUser(userId);
  if (!user) throw new AppError('auth.user_unknown', `no user ${userId}`);
  return user;
}

/** The changes of who someone is: granting a role, resetting a person's passkeys. */
const identityChange: ApprovalKindHandler = {
  async describe(context, input): Promise<{ change: JsonObject; terminal: string | null }> {
    const { tx } = context;
    const user = await userNamed(context, input.subject);
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
  },
  async apply(context, { request }, state) {
    const { tx, now } = context;
    const user = await userNamed(context, request.subject);
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
  },
};

/** The kinds access itself owns; every request and decision knows them. */
export const accessApprovalKinds: ApprovalKinds = {
  'role.grant': identityChange,
  'passkeys.reset': identityChange,
};

/**
 * Asks for a two-person change. The request is an event; nothing changes until someone else approves it. The
 * requester is a person (a session, or an administrator named at the CLI); the approval needs a session. `kinds`
 * tells how to describe the change: the capability that asks passes its own (access's are always known).
 */
export async function requestApproval(
  deps: AuthDeps,
  auth: Pick<Authenticated, 'user' | 'org'>,
  input: ApprovalInput,
  kinds: ApprovalKinds = accessApprovalKinds,
): Promise<ApprovalRecord> {
  const handler = handlerOf({ ...accessApprovalKinds, ...kinds }, input.kind);
  return deps.ledger.write(async (context) => {
    const requestId = deps.security.tokens.newToken(12);
    const { change, terminal } = await handler.describe(context, input);
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

/**
 * Approves or rejects a request. Approving needs a passkey step-up within 5 minutes; the domain refuses
 * self-approval, ineligible roles, other organisations and lapsed requests. A granted change is applied in the
 * same transaction as the grant, so the grant and its effect are never seen apart. `approvalKinds` are the kinds the
 * other capabilities own (`visitApprovalKinds`, `pickupApprovalKinds`): a granted request is applied by its own.
 */
export async function decideRequest(
  deps: AuthDeps & { approvalKinds: ApprovalKinds },
  auth: Authenticated,
  input: { requestId: string; decision: 'approve' | 'reject'; reason?: string },
): Promise<ApprovalRecord> {
  requireStepUp(deps, auth);
  const kinds = { ...accessApprovalKinds, ...deps.approvalKinds };
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
    const granted = grantedApproval(next);
    if (granted) await handlerOf(kinds, granted.request.kind).apply(context, granted, next);
    const view = record(next, at);
    await context.tx.identity.putApproval(view);
    return view;
  });
}

/**
 * One request as the log records it, or `undefined` when there is none. What an approver is shown comes from the
 * request's stream, not from the `approval` row: a row edited in the database cannot show one change while the log
 * applies another (the outside attacker of issue 12 tried exactly that).
 */
export async function readApproval(
  reads: LedgerReads,
  requestId: string,
  at: string,
): Promise<ApprovalRecord | undefined> {
  const state = fold(await reads.readStream(approvalStream(requestId)));
  return state.request ? record(state, at) : undefined;
}

/** The requests this person could decide now: pending, not theirs, and the domain would let them approve. */
export async function approvalInbox(deps: AuthDeps, auth: Authenticated): Promise<ApprovalRecord[]> {
  const now = deps.ledger.clock.now().toISOString();
  // Only the live ones (issue 13): a request nobody decided stays `pending` in the table after it expired.
  const pending = await deps.ledger.store.identity.listApprovals({ status: 'pending', expiresAfter: now });
  const actor = actorOf(auth);
  const mine: ApprovalRecord[] = [];
  for (const candidate of pending) {
    if (candidate.expiresAt <= now) continue;
    const state = fold(await deps.ledger.store.readStream(approvalStream(candidate.requestId)));
    // The table finds the candidates; the log says what each one is.
    if (state.request && approverRefusal(state.request, actor) === undefined) mine.push(record(state, now));
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
