/**
 * The user lifecycle decider (issue 3): registration in one organisation, roles granted only through a granted
 * two-person `role.grant` approval, passkeys, password and TOTP, one-time enrolment links, lock and unlock.
 * One stream per user; every event is also an auth event in the audit log.
 *
 * Secrets never go into events: `PasswordSet` and `TotpEnrolled` record that something was set, not the argon2id
 * hash or the TOTP seed; an enrolment link is recorded by its id, not by the token in the URL. Those live in
 * the credential store, which can be wiped and re-enrolled; the log cannot.
 */
import type { Decider } from '../decider.js';
import { DomainError } from '../errors.js';
import { type ApprovalState, grantedApproval } from './approval.js';
import { labelLooksLikeACode } from './enrolment.js';
import { id, instant, MAX_TEXT, oneOf, text } from './fields.js';
import { type OrgKind, orgKinds } from './organisations.js';
import { passkeyRequiredForAny } from './policy.js';
import { checkRole, checkRoles, type Role } from './roles.js';

/** An administrator registers a user of one organisation. Roles here need no approval: see the module notes. */
export type RegisterUser = {
  type: 'RegisterUser';
  at: string;
  userId: string;
  orgId: string;
  orgKind: OrgKind;
  displayName: string;
  roles: Role[];
};

/**
 * Grants a role as the effect of a granted `role.grant` approval whose subject is this user and whose
 * `change` is `{ role }`. `approval` is the folded approval stream; each approval grants once.
 */
export type GrantRole = { type: 'GrantRole'; at: string; role: Role; approval: ApprovalState };

/** Takes a role away. Losing a privilege needs no second person. */
export type RevokeRole = { type: 'RevokeRole'; at: string; role: Role; by: string };

/** The user adds another passkey to an account that has one (new device). */
export type AddPasskey = {
  type: 'AddPasskey';
  at: string;
  credentialId: string;
  label: string;
  /** The SHA-256 digest of the passkey's public key (hex): the log holds which key the credential is. */
  publicKeyDigest?: string;
};

/** The user revokes one of their passkeys (lost device); never the last, which only a reset removes. */
export type RemovePasskey = { type: 'RemovePasskey'; at: string; credentialId: string };

/** Removes every passkey as the effect of a granted `passkeys.reset` approval whose subject is this user. */
export type ResetPasskeys = { type: 'ResetPasskeys'; at: string; approval: ApprovalState };

/** A password was set (its argon2id hash is stored outside the log). */
export type SetPassword = { type: 'SetPassword'; at: string };

/** A TOTP secret was enrolled (the seed is stored outside the log). */
export type EnrolTotp = { type: 'EnrolTotp'; at: string };

/** An administrator issues a one-time enrolment link; a new link replaces the live one. */
export type IssueEnrolmentLink = {
  type: 'IssueEnrolmentLink';
  at: string;
  linkId: string;
  expiresAt: string;
};

/**
 * The user opens the live link and registers a passkey with it; the link is spent. The passkey is *pending*: a
 * link travels by mail or on paper and may be stolen on the way (MISSION §1), so whoever registered it signs in
 * only once a second person has confirmed it (`ConfirmPasskey`).
 */
export type EnrolWithLink = {
  type: 'EnrolWithLink';
  at: string;
  linkId: string;
  credentialId: string;
  label: string;
  /** As for `AddPasskey`. */
  publicKeyDigest?: string;
};

/**
 * A confirmer (a supervisor of the person's terminal, a port administrator, or the operator at the machine) confirms
 * a pending passkey after seeing its device, time and network; `by` is never the person themselves.
 */
export type ConfirmPasskey = { type: 'ConfirmPasskey'; at: string; credentialId: string; by: string };

/** A confirmer rejects a pending passkey: it never signs in, and the person needs a new link. */
export type RejectPasskey = { type: 'RejectPasskey'; at: string; credentialId: string; by: string };

/** Locks the account (brute force per `loginThrottle`, or an administrator). */
export type LockAccount = { type: 'LockAccount'; at: string; reason: string };

/** An administrator unlocks the account. */
export type UnlockAccount = { type: 'UnlockAccount'; at: string; by: string };

/** Every command of the user decider. */
export type UserCommand =
  | RegisterUser
  | GrantRole
  | RevokeRole
  | AddPasskey
  | RemovePasskey
  | ResetPasskeys
  | SetPassword
  | EnrolTotp
  | IssueEnrolmentLink
  | EnrolWithLink
  | ConfirmPasskey
  | RejectPasskey
  | LockAccount
  | UnlockAccount;

/** A user was registered. */
export type UserRegistered = {
  type: 'UserRegistered';
  userId: string;
  orgId: string;
  orgKind: OrgKind;
  displayName: string;
  roles: Role[];
  at: string;
};

/** A role was granted; `approvalId` is the granted `role.grant` request. */
export type RoleGranted = { type: 'RoleGranted'; userId: string; role: Role; approvalId: string; at: string };

/** A role was revoked. */
export type RoleRevoked = { type: 'RoleRevoked'; userId: string; role: Role; revokedBy: string; at: string };

/** A passkey was registered; `pending` when it came through an enrolment link and awaits confirmation. */
export type PasskeyAdded = {
  type: 'PasskeyAdded';
  userId: string;
  credentialId: string;
  label: string;
  /** The SHA-256 digest of its public key (hex); absent for passkeys added before the log recorded it. */
  publicKeyDigest?: string;
  pending?: true;
  at: string;
};

/** A pending passkey was confirmed by `confirmedBy`: it signs in from now on. */
export type PasskeyConfirmed = {
  type: 'PasskeyConfirmed';
  userId: string;
  credentialId: string;
  confirmedBy: string;
  at: string;
};

/** A pending passkey was rejected by `rejectedBy`: it is gone from the account. */
export type PasskeyRejected = {
  type: 'PasskeyRejected';
  userId: string;
  credentialId: string;
  rejectedBy: string;
  at: string;
};

/** A passkey was removed: by the user (`approvalId` null) or by a granted `passkeys.reset`. */
export type PasskeyRemoved = {
  type: 'PasskeyRemoved';
  userId: string;
  credentialId: string;
  approvalId: string | null;
  at: string;
};

/** A password was set. Never the hash. */
export type PasswordSet = { type: 'PasswordSet'; userId: string; at: string };

/** A TOTP secret was enrolled. Never the seed. */
export type TotpEnrolled = { type: 'TotpEnrolled'; userId: string; at: string };

/** A one-time enrolment link was issued. */
export type EnrolmentLinkIssued = {
  type: 'EnrolmentLinkIssued';
  userId: string;
  linkId: string;
  expiresAt: string;
  at: string;
};

/** The enrolment link was spent. */
export type EnrolmentLinkUsed = { type: 'EnrolmentLinkUsed'; userId: string; linkId: string; at: string };

/** The account was locked. */
export type AccountLocked = { type: 'AccountLocked'; userId: string; reason: string; at: string };

/** The account was unlocked. */
export type AccountUnlocked = { type: 'AccountUnlocked'; userId: string; by: string; at: string };

/** Every event of a user stream. */
export type UserEvent =
  | UserRegistered
  | RoleGranted
  | RoleRevoked
  | PasskeyAdded
  | PasskeyConfirmed
  | PasskeyRejected
  | PasskeyRemoved
  | PasswordSet
  | TotpEnrolled
  | EnrolmentLinkIssued
  | EnrolmentLinkUsed
  | AccountLocked
  | AccountUnlocked;

/** A registered passkey; a `pending` one (from an enrolment link, not yet confirmed) does not sign in. */
export type Passkey = {
  readonly credentialId: string;
  readonly label: string;
  readonly addedAt: string;
  /** The digest of its public key, when the log recorded it (see `PasskeyAdded`). */
  readonly publicKeyDigest?: string;
  readonly pending?: true;
};

/** A user, folded from their stream. */
export type User = {
  readonly userId: string;
  readonly orgId: string;
  readonly orgKind: OrgKind;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly passkeys: readonly Passkey[];
  /** Whether any role needs a passkey; then password + TOTP login is refused. */
  readonly passkeyRequired: boolean;
  readonly passwordSet: boolean;
  readonly totpEnrolled: boolean;
  readonly locked: { readonly reason: string; readonly at: string } | null;
  /** The unspent enrolment link, if any (it may have expired: see {@link liveEnrolmentLink}). */
  readonly enrolmentLink: { readonly linkId: string; readonly expiresAt: string } | null;
  /**
   * Sessions opened before this instant are void: it moves whenever roles, passkeys, password, TOTP or the lock
   * change (issue 3, sessions).
   */
  readonly sessionsValidFrom: string;
  /** Approvals already applied, so that none is applied twice. */
  readonly usedApprovals: readonly string[];
};

/** The state of a user stream. */
export type UserState = { readonly version: number; readonly user: User | null };

const INVALID = 'user.command_invalid';

// WebAuthn credential ids are at most 1023 bytes (WebAuthn L3 §5.1), so at most 1364 base64url characters.
const MAX_CREDENTIAL_ID = 1364;

/**
 * The user decider.
 *
 * @example
 * ```ts
 * const state = foldEvents(userDecider, stored);
 * const events = userDecider.decide({ type: 'LockAccount', at, reason: 'too_many_failures' }, state);
 * ```
 */
export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  decide: decideUser,
  evolve: evolveUser,
  initialState: initialUserState,
};

/**
 * The state of an empty user stream.
 *
 * @example
 * ```ts
 * initialUserState(); // { version: 0, user: null }
 * ```
 */
export function initialUserState(): UserState {
  return { version: 0, user: null };
}

/**
 * Whether the user may log in with password + TOTP: both are enrolled, the account is not locked, and no role
 * needs a passkey.
 *
 * @example
 * ```ts
 * mayLogInWithPassword(driverState); // true
 * mayLogInWithPassword(yardPlannerState); // false, whatever the password
 * ```
 */
export function mayLogInWithPassword(state: UserState): boolean {
  const user = state.user;
  return (
    user !== null && user.locked === null && !user.passkeyRequired && user.passwordSet && user.totpEnrolled
  );
}

/**
 * The enrolment link that works at `at`: unspent and not expired.
 *
 * @example
 * ```ts
 * liveEnrolmentLink(state, now)?.linkId; // 'link-7'
 * ```
 */
export function liveEnrolmentLink(
  state: UserState,
  at: string,
): { linkId: string; expiresAt: string } | undefined {
  const link = state.user?.enrolmentLink ?? null;
  if (link === null) return undefined;
  return Date.parse(instant(INVALID, 'at', at)) < Date.parse(link.expiresAt) ? { ...link } : undefined;
}

/**
 * The events a command causes; throws `DomainError` when a rule refuses it.
 *
 * @example
 * ```ts
 * decideUser({ type: 'GrantRole', at, role: 'yard_planner', approval: approvalState }, userState);
 * ```
 */
export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  const at = instant(INVALID, 'at', command?.at);
  if (command.type === 'RegisterUser') {
    const orgKind = oneOf(INVALID, 'orgKind', command.orgKind, orgKinds);
    const event: UserRegistered = {
      type: 'UserRegistered',
      userId: id(INVALID, 'userId', command.userId),
      orgId: id(INVALID, 'orgId', command.orgId),
      orgKind,
      displayName: text(INVALID, 'displayName', command.displayName, MAX_TEXT.name),
      roles: checkRoles(orgKind, command.roles),
      at,
    };
    if (state.user !== null) {
      throw new DomainError('user.already_exists', `user ${state.user.userId} already exists`, {
        userId: state.user.userId,
      });
    }
    return [event];
  }
  const user = state.user;
  if (user === null) throw new DomainError('user.not_found', 'no such user', {});
  const { userId } = user;
  switch (command.type) {
    case 'GrantRole': {
      const role = checkRole(user.orgKind, command.role);
      const approvalId = appliedApproval(
        user,
        command.approval,
        'role.grant',
        (change) => change.role === role,
      );
      if (user.roles.includes(role)) {
        throw new DomainError('user.role_already_held', `user ${userId} already holds ${role}`, {
          userId,
          role,
        });
      }
      return [{ type: 'RoleGranted', userId, role, approvalId, at }];
    }
    case 'RevokeRole': {
      const by = id(INVALID, 'by', command.by);
      if (!user.roles.includes(command.role)) {
        throw new DomainError('user.role_not_held', `user ${userId} does not hold ${String(command.role)}`, {
          userId,
          role: String(command.role).slice(0, 40),
        });
      }
      return [{ type: 'RoleRevoked', userId, role: command.role, revokedBy: by, at }];
    }
    case 'AddPasskey': {
      const passkey = passkeyFields(command);
      requireUnlocked(user);
      // Only someone signed in with a confirmed passkey adds another; a pending one signs nobody in.
      if (!user.passkeys.some((p) => p.pending !== true)) {
        throw new DomainError(
          'user.enrolment_required',
          'the first passkey is enrolled through an enrolment link',
          {
            userId,
          },
        );
      }
      requireNewPasskey(user, passkey.credentialId);
      return [{ type: 'PasskeyAdded', userId, ...passkey, at }];
    }
    case 'RemovePasskey': {
      const credentialId = id(INVALID, 'credentialId', command.credentialId, MAX_CREDENTIAL_ID);
      if (!user.passkeys.some((p) => p.credentialId === credentialId)) {
        throw new DomainError('user.passkey_not_found', 'no such passkey on this account', { userId });
      }
      if (user.passkeys.length === 1) {
        // Removing the last one would leave a passkey user no way in but a reset; that path has two people.
        throw new DomainError('user.last_passkey', 'the last passkey is removed only by a two-person reset', {
          userId,
        });
      }
      return [{ type: 'PasskeyRemoved', userId, credentialId, approvalId: null, at }];
    }
    case 'ResetPasskeys': {
      const approvalId = appliedApproval(user, command.approval, 'passkeys.reset', () => true);
      if (user.passkeys.length === 0) {
        throw new DomainError('user.passkey_not_found', `user ${userId} has no passkey to reset`, { userId });
      }
      return user.passkeys.map(({ credentialId }) => ({
        type: 'PasskeyRemoved' as const,
        userId,
        credentialId,
        approvalId,
        at,
      }));
    }
    case 'SetPassword':
    case 'EnrolTotp':
      requireUnlocked(user);
      if (user.passkeyRequired) {
        // No password to steal is better than a password that is refused: keyloggers harvest it for other systems.
        throw new DomainError(
          'user.passkey_required',
          `user ${userId} holds a role that logs in with a passkey only`,
          {
            userId,
            roles: [...user.roles],
          },
        );
      }
      return [{ type: command.type === 'SetPassword' ? 'PasswordSet' : 'TotpEnrolled', userId, at }];
    case 'IssueEnrolmentLink': {
      const linkId = id(INVALID, 'linkId', command.linkId);
      const expiresAt = instant(INVALID, 'expiresAt', command.expiresAt);
      if (Date.parse(expiresAt) <= Date.parse(at)) {
        throw new DomainError(INVALID, 'expiresAt must be after at', { field: 'expiresAt' });
      }
      return [{ type: 'EnrolmentLinkIssued', userId, linkId, expiresAt, at }];
    }
    case 'EnrolWithLink': {
      const linkId = id(INVALID, 'linkId', command.linkId);
      const passkey = passkeyFields(command);
      requireUnlocked(user);
      const live = liveEnrolmentLink(state, at);
      if (live === undefined || live.linkId !== linkId) {
        // One answer for unknown, spent, replaced and expired links: the caller learns nothing to probe with.
        throw new DomainError('user.enrolment_link_invalid', 'this enrolment link is not valid (any more)', {
          userId,
        });
      }
      requireNewPasskey(user, passkey.credentialId);
      return [
        { type: 'EnrolmentLinkUsed', userId, linkId, at },
        { type: 'PasskeyAdded', userId, ...passkey, pending: true, at },
      ];
    }
    case 'ConfirmPasskey':
    case 'RejectPasskey': {
      const credentialId = id(INVALID, 'credentialId', command.credentialId, MAX_CREDENTIAL_ID);
      const by = id(INVALID, 'by', command.by);
      if (by === userId) {
        // The whole point is a second person: whoever holds the link could otherwise vouch for themselves.
        throw new DomainError('user.self_confirmation', 'nobody confirms or rejects their own passkey', {
          userId,
        });
      }
      const passkey = user.passkeys.find((p) => p.credentialId === credentialId);
      if (passkey === undefined) {
        throw new DomainError('user.passkey_not_found', 'no such passkey on this account', { userId });
      }
      if (passkey.pending !== true) {
        throw new DomainError('user.passkey_not_pending', 'this passkey is not waiting for confirmation', {
          userId,
        });
      }
      return command.type === 'ConfirmPasskey'
        ? [{ type: 'PasskeyConfirmed', userId, credentialId, confirmedBy: by, at }]
        : [{ type: 'PasskeyRejected', userId, credentialId, rejectedBy: by, at }];
    }
    case 'LockAccount': {
      const reason = text(INVALID, 'reason', command.reason, MAX_TEXT.reason);
      requireUnlocked(user);
      return [{ type: 'AccountLocked', userId, reason, at }];
    }
    case 'UnlockAccount': {
      const by = id(INVALID, 'by', command.by);
      if (user.locked === null)
        throw new DomainError('user.not_locked', `user ${userId} is not locked`, { userId });
      return [{ type: 'AccountUnlocked', userId, by, at }];
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
 * const state = events.reduce(evolveUser, initialUserState());
 * ```
 */
export function evolveUser(state: UserState, event: UserEvent): UserState {
  const version = state.version + 1;
  if (event.type === 'UserRegistered') {
    const { userId, orgId, orgKind, displayName, roles, at } = event;
    return {
      version,
      user: {
        userId,
        orgId,
        orgKind,
        displayName,
        roles: [...roles],
        passkeys: [],
        passkeyRequired: passkeyRequiredForAny(roles),
        passwordSet: false,
        totpEnrolled: false,
        locked: null,
        enrolmentLink: null,
        sessionsValidFrom: at,
        usedApprovals: [],
      },
    };
  }
  const user = state.user;
  if (user === null) return { version, user };
  const changed = { ...user, sessionsValidFrom: event.at };
  switch (event.type) {
    case 'RoleGranted': {
      const roles = [...user.roles, event.role];
      const usedApprovals = [...user.usedApprovals, event.approvalId];
      return {
        version,
        user: { ...changed, roles, passkeyRequired: passkeyRequiredForAny(roles), usedApprovals },
      };
    }
    case 'RoleRevoked': {
      const roles = user.roles.filter((role) => role !== event.role);
      return { version, user: { ...changed, roles, passkeyRequired: passkeyRequiredForAny(roles) } };
    }
    case 'PasskeyAdded': {
      const passkey: Passkey = {
        credentialId: event.credentialId,
        label: event.label,
        addedAt: event.at,
        ...(event.publicKeyDigest === undefined ? {} : { publicKeyDigest: event.publicKeyDigest }),
        ...(event.pending === true ? { pending: true as const } : {}),
      };
      return { version, user: { ...changed, passkeys: [...user.passkeys, passkey] } };
    }
    case 'PasskeyConfirmed': {
      const passkeys = user.passkeys.map((p) =>
        // Confirmed: the same passkey, no longer pending.
        p.credentialId === event.credentialId ? (({ pending: _pending, ...confirmed }) => confirmed)(p) : p,
      );
      return { version, user: { ...changed, passkeys } };
    }
    case 'PasskeyRejected': {
      const passkeys = user.passkeys.filter((p) => p.credentialId !== event.credentialId);
      return { version, user: { ...changed, passkeys } };
    }
    case 'PasskeyRemoved': {
      const passkeys = user.passkeys.filter((p) => p.credentialId !== event.credentialId);
      const usedApprovals =
        event.approvalId === null || user.usedApprovals.includes(event.approvalId)
          ? user.usedApprovals
          : [...user.usedApprovals, event.approvalId];
      return { version, user: { ...changed, passkeys, usedApprovals } };
    }
    case 'PasswordSet':
      return { version, user: { ...changed, passwordSet: true } };
    case 'TotpEnrolled':
      return { version, user: { ...changed, totpEnrolled: true } };
    case 'EnrolmentLinkIssued':
      return {
        version,
        user: { ...user, enrolmentLink: { linkId: event.linkId, expiresAt: event.expiresAt } },
      };
    case 'EnrolmentLinkUsed':
      return { version, user: { ...user, enrolmentLink: null } };
    case 'AccountLocked':
      return { version, user: { ...changed, locked: { reason: event.reason, at: event.at } } };
    case 'AccountUnlocked':
      return { version, user: { ...changed, locked: null } };
  }
}

/** The id of a granted approval of `kind` about this user, not applied before; `user.approval_*` otherwise. */
function appliedApproval(
  user: User,
  approval: ApprovalState | undefined,
  kind: 'role.grant' | 'passkeys.reset',
  matches: (change: Record<string, unknown>) => boolean,
): string {
  const granted = approval === undefined ? undefined : grantedApproval(approval);
  const request = granted?.request;
  if (
    request === undefined ||
    request.kind !== kind ||
    request.subject !== user.userId ||
    !matches(request.change)
  ) {
    throw new DomainError(
      'user.approval_mismatch',
      `this change needs a granted ${kind} approval for this user`,
      {
        userId: user.userId,
        kind,
        requestId: approval?.request?.requestId ?? null,
      },
    );
  }
  if (user.usedApprovals.includes(request.requestId)) {
    throw new DomainError('user.approval_used', `approval ${request.requestId} has already been applied`, {
      userId: user.userId,
      requestId: request.requestId,
    });
  }
  return request.requestId;
}

function passkeyFields(command: { credentialId: string; label: string; publicKeyDigest?: string }): {
  credentialId: string;
  label: string;
  publicKeyDigest?: string;
} {
  const label = text(INVALID, 'label', command.label, MAX_TEXT.name);
  if (labelLooksLikeACode(label))
    throw new DomainError(INVALID, 'label must not look like a confirmation code', { field: 'label' });
  const digest = command.publicKeyDigest;
  if (digest !== undefined && !/^[0-9a-f]{64}$/.test(digest)) {
    throw new DomainError(INVALID, 'publicKeyDigest must be a SHA-256 digest in hex', {
      field: 'publicKeyDigest',
    });
  }
  return {
    credentialId: id(INVALID, 'credentialId', command.credentialId, MAX_CREDENTIAL_ID),
    label,
    ...(digest === undefined ? {} : { publicKeyDigest: digest }),
  };
}

function requireNewPasskey(user: User, credentialId: string): void {
  if (user.passkeys.some((p) => p.credentialId === credentialId)) {
    throw new DomainError('user.passkey_exists', 'this passkey is already registered', {
      userId: user.userId,
    });
  }
}

function requireUnlocked(user: User): void {
  if (user.locked !== null) {
    throw new DomainError('user.locked', `user ${user.userId} is locked`, {
      userId: user.userId,
      reason: user.locked.reason,
    });
  }
}
