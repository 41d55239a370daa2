import { Buffer } from 'node:buffer';
import { encodeHex } from '../../audit/index.js';
import {
  ACCOUNT_THROTTLE,
  type HoldKind,
  holdPolicy,
  IP_THROTTLE,
  loginThrottle,
  mayDo,
  mayPlaceHold,
  type OrgKind,
  passkeyRequiredForAny,
  permissions,
  type Role,
  type UserCommand,
  type UserState,
  userDecider,
} from '../../domain/index.js';
import { raiseEnrolmentAlert, raiseReadModelAlert, recordLockoutAlert } from '../alerts/index.js';
import { AppError } from '../errors.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import type { JsonObject, LedgerReads, StoredEvent } from '../ports.js';
import { enrolmentCode } from './enrolment-code.js';
import type {
  Authenticated,
  EnrolmentLinkRecord,
  EnrolmentRecord,
  IdentityReads,
  OrganisationRecord,
  PasskeyRecord,
  SessionRecord,
  UserRecord,
} from './identity.ports.js';

export type { Authenticated } from './identity.ports.js';

import type { SecurityServices } from './security.ports.js';

/** Timeouts of the identity layer (issue 3; OWASP ASVS 5.0 §7.3). */
export interface AuthSettings {
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly stepUpMs: number;
  readonly challengeTtlMs: number;
  readonly enrolmentLinkTtlMs: number;
}

export const defaultAuthSettings: AuthSettings = {
  sessionIdleMs: 15 * 60_000,
  sessionAbsoluteMs: 12 * 60 * 60_000,
  stepUpMs: 5 * 60_000,
  challengeTtlMs: 5 * 60_000,
  // A link lives a day by default (PORTLEDGER_ENROLMENT_LINK_HOURS): the shorter it lives, the less a stolen one is worth.
  enrolmentLinkTtlMs: 24 * 60 * 60_000,
};

export interface AuthDeps {
  readonly ledger: Ledger;
  readonly security: SecurityServices;
  readonly settings: AuthSettings;
  /**
   * Whether the integrity watch found that the log lost entries (a rollback or a fork). Sessions, tokens and people
   * are held to the log (issue 12's outside attacker wrote their rows by hand); one the log does not know is
   * refused, unless the log lost entries: then it cannot tell them from ones made in what it lost, refusing them
   * would only lock out the defenders, and the rollback is what is alerted.
   */
  readonly logLostEntries?: () => boolean;
}

/** Where a request came from: recorded with every auth event. */
export interface RequestMeta {
  readonly ip: string;
  readonly userAgent: string;
}

export interface SessionView {
  readonly user: {
    userId: string;
    username: string;
    displayName: string;
    orgId: string;
    orgName: string;
    orgKind: string;
    roles: string[];
  };
  readonly csrfToken: string;
  readonly method: SessionRecord['method'];
  readonly stepUpUntil: string | null;
  readonly passkeyRequired: boolean;
  /** What the policy table lets this person do, so the console offers only those screens (the server decides). */
  readonly permissions: readonly string[];
  /** The kinds of hold this person places and lifts (`holdPolicy`: each authority its own), for the same reason. */
  readonly holdKinds: readonly HoldKind[];
}

export interface NewSession {
  /** The opaque session id for the cookie; the store keeps only its hash. */
  readonly sessionId: string;
  readonly view: SessionView;
  /** The session's absolute expiry: the cookie must not outlive it. */
  readonly expiresAt: string;
  /** When the session id was (re)issued: the cookie's lifetime is counted from here. */
  readonly issuedAt: string;
}

const userStream = (userId: string) => `user-${userId}`;
const authStream = (userId: string) => `auth-${userId}`;

/** The digest the log records of a passkey's public key: SHA-256 over a labelled base64url of its COSE bytes, hex. */
function publicKeyDigest(deps: AuthDeps, publicKey: Uint8Array): string {
  return encodeHex(
    deps.security.tokens.hash(`portledger passkey key v1\n${Buffer.from(publicKey).toString('base64url')}`),
  );
}

/**
 * The log's stream of one session, named by a hash of the session id's hash: the log never holds either, and a
 * session row written into the database by hand has no stream behind it (the outside attacker of issue 12 inserted
 * one with a fresh step-up and approved a two-person change with it).
 */
function sessionStream(deps: AuthDeps, idHash: Uint8Array): string {
  return `session-${encodeHex(deps.security.tokens.hash(`portledger session v1\n${encodeHex(idHash)}`)).slice(0, 32)}`;
}

/**
 * Puts a new session (a sign-in, or the renewed id of a step-up) and records in the log who it is for, how they
 * signed in, when they last proved it with a passkey and when it ends: what `authenticateSession` holds it to.
 */
export async function putNewSession(
  deps: AuthDeps,
  context: WriteContext,
  session: SessionRecord,
): Promise<void> {
  await context.tx.identity.putSession(session);
  await context.append(sessionStream(deps, session.idHash), 0, [
    {
      type: 'SessionStarted',
      data: {
        userId: session.userId,
        method: session.method,
        stepUpAt: session.stepUpAt,
        expiresAt: session.expiresAt,
        at: context.now.toISOString(),
      },
    },
  ]);
}

/**
 * What differs between a session row and its stream in the log, or `undefined` when the log backs it or cannot
 * judge (see `AuthDeps.logLostEntries`).
 */
async function sessionDiffersFromLog(
  deps: AuthDeps,
  session: SessionRecord,
): Promise<{ table: string; key: string; field: string; reason: string } | undefined> {
  const stream = sessionStream(deps, session.idHash);
  // Only how the session began is compared: its first event, not every step-up and sign-out since (issue 13).
  const [first] = await deps.ledger.store.readStreamRange(stream, { limit: 1 });
  const started = first?.data;
  const row = { table: 'session', key: stream };
  if (!started) {
    return deps.logLostEntries?.()
      ? undefined
      : { ...row, field: 'id_hash', reason: `a session of ${session.userId} the log never started` };
  }
  for (const field of ['userId', 'method', 'stepUpAt', 'expiresAt'] as const) {
    if ((started[field] ?? null) !== session[field]) {
      return {
        ...row,
        field,
        reason: `the log started it with ${field} ${String(started[field])}, the table has ${String(session[field])}`,
      };
    }
  }
  return undefined;
}

/**
 * Who someone is, as the log records it, set against the rows a sign-in reads. Every change of a person's roles,
 * organisation, lock or passkeys is an event of their `user-<id>` stream; a user row with no stream behind it,
 * roles or an organisation the log never gave, an unlock the log never saw, or a passkey it never confirmed were
 * written to the database by hand (the outside attacker of issue 12, as a careful DBA, inserted a user and a
 * passkey and approved two-person changes with them). Returns what differs, or `undefined` when the rows agree.
 */
async function identityDiffersFromLog(
  reads: LedgerReads,
  logLostEntries: boolean,
  user: UserRecord,
  org: OrganisationRecord | undefined,
  used?: { readonly credentialId: string; readonly publicKeyDigest: string },
): Promise<{ table: string; key: string; field: string; reason: string } | undefined> {
  const logged = foldUser(await reads.readStream(userStream(user.userId))).user;
  const row = { table: 'app_user', key: user.userId };
  if (!logged) {
    return logLostEntries
      ? undefined
      : { ...row, field: 'user_id', reason: `user ${user.userId} has no user stream in the log` };
  }
  if (logged.orgId !== user.orgId) {
    return { ...row, field: 'org_id', reason: `the log has ${logged.orgId}, the table ${user.orgId}` };
  }
  const roles = (list: readonly string[]) => [...list].sort().join(',');
  if (roles(logged.roles) !== roles(user.roles)) {
    return {
      ...row,
      field: 'roles',
      reason: `the log grants [${roles(logged.roles)}], the table [${roles(user.roles)}]`,
    };
  }
  if (org) {
    // An organisation is registered once; its kind and terminals are what its people may see and do. Its first event
    // says so: the stream's later events are not read (issue 13).
    const [registration] = await reads.readStreamRange(`org-${org.orgId}`, { limit: 1 });
    const registered = registration?.data;
    const terminals = (list: readonly unknown[]) => list.map(String).sort().join(',');
    if (
      !registered ||
      registered.kind !== org.kind ||
      terminals(Array.isArray(registered.terminals) ? registered.terminals : []) !== terminals(org.terminals)
    ) {
      return {
        table: 'organisation',
        key: org.orgId,
        field: 'kind',
        reason: `organisation ${org.orgId} is not registered in the log as the table has it`,
      };
    }
  }
  if (logged.locked !== null && !user.lockedAt) {
    return { ...row, field: 'locked_at', reason: `the log has the account locked since ${logged.locked.at}` };
  }
  if (used !== undefined) {
    const { credentialId } = used;
    const passkey = logged.passkeys.find((candidate) => candidate.credentialId === credentialId);
    if (!passkey || passkey.pending) {
      return {
        table: 'passkey',
        key: credentialId,
        field: 'credential_id',
        reason: `the log has no confirmed passkey ${credentialId} of user ${user.userId}`,
      };
    }
    // A passkey the log recorded with its key: the row's key must be that one (the outside attacker of issue 12
    // swapped a supervisor's public key for its own in the database and signed in as her).
    if (passkey.publicKeyDigest !== undefined && passkey.publicKeyDigest !== used.publicKeyDigest) {
      return {
        table: 'passkey',
        key: credentialId,
        field: 'public_key',
        reason: `the public key of passkey ${credentialId} of user ${user.userId} is not the one the log recorded`,
      };
    }
  }
  return undefined;
}

/**
 * Refuses a sign-in or step-up whose identity rows the log does not back (see `identityDiffersFromLog`), and
 * raises a critical read-model alert naming the row. The caller is answered as for a wrong credential: whoever
 * wrote the row learns nothing, the security staff learn everything.
 */
async function requireIdentityInLog(
  deps: AuthDeps,
  context: WriteContext,
  user: UserRecord,
  refusal: AppError,
  passkey?: PasskeyRecord,
): Promise<void> {
  const org = await context.tx.identity.getOrganisation(user.orgId);
  const used = passkey && {
    credentialId: passkey.credentialId,
    publicKeyDigest: publicKeyDigest(deps, passkey.publicKey),
  };
  const differs = await identityDiffersFromLog(context.tx, deps.logLostEntries?.() ?? false, user, org, used);
  if (!differs) return;
  await raiseReadModelAlert(context, { ...differs, code: 'auth.identity_not_in_log' });
  throw refusal;
}

/** Appends auth events to the user's auth stream: they go into the same audit log as cargo events. */
async function recordAuthEvent(
  context: WriteContext,
  userId: string,
  type: string,
  data: JsonObject,
): Promise<StoredEvent> {
  const [event] = await context.appendAtEnd(authStream(userId), [
    { type, data: { ...data, at: context.now.toISOString() } },
  ]);
  return event!;
}

/** A user's stream folded by the user decider. */
function foldUser(events: readonly StoredEvent[]): UserState {
  return events.reduce(
    (current, event) => userDecider.evolve(current, { ...event.data, type: event.type } as never),
    userDecider.initialState(),
  );
}

/** Runs one command of the user decider on the user's stream, inside the caller's transaction. */
export async function runUserCommand(
  context: WriteContext,
  userId: string,
  command: DistributiveOmit<UserCommand, 'at'>,
): Promise<UserState> {
  const stream = userStream(userId);
  const stored = await context.tx.readStream(stream);
  const state = foldUser(stored);
  const events = userDecider.decide({ ...command, at: context.now.toISOString() } as UserCommand, state);
  await context.append(
    stream,
    stored.length,
    events.map(({ type, ...data }) => ({ type, data: data as unknown as JsonObject })),
  );
  return events.reduce(userDecider.evolve, state);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The public id of an enrolment link: a prefix of its token's hash, never the token. */
const linkIdOf = (tokenHash: Uint8Array) => Buffer.from(tokenHash).toString('base64url').slice(0, 22);

const metaData = (meta: RequestMeta): JsonObject => ({
  ip: meta.ip,
  userAgent: meta.userAgent.slice(0, 300),
});

export function sessionView(args: {
  session: SessionRecord;
  user: UserRecord;
  org: OrganisationRecord;
  settings: AuthSettings;
}): SessionView {
  const { session, user, org, settings } = args;
  return {
    user: {
      userId: user.userId,
      username: user.username,
      displayName: user.displayName,
      orgId: org.orgId,
      orgName: org.name,
      orgKind: org.kind,
      roles: [...user.roles],
    },
    csrfToken: session.csrfToken,
    method: session.method,
    stepUpUntil: session.stepUpAt
      ? new Date(Date.parse(session.stepUpAt) + settings.stepUpMs).toISOString()
      : null,
    passkeyRequired: passkeyRequiredForAny(user.roles as Role[]),
    permissions: permissions.filter((permission) =>
      mayDo(
        { orgKind: org.kind as OrgKind, roles: user.roles as Role[], signedInWith: session.method },
        permission,
      ),
    ),
    holdKinds: (Object.keys(holdPolicy) as HoldKind[]).filter((kind) =>
      (user.roles as Role[]).some((role) => mayPlaceHold(role, kind, org.kind as OrgKind)),
    ),
  };
}

async function startSession(
  deps: AuthDeps,
  context: WriteContext,
  args: { user: UserRecord; method: SessionRecord['method']; meta: RequestMeta },
): Promise<NewSession> {
  const { tx, now } = context;
  const org = await tx.identity.getOrganisation(args.user.orgId);
  if (!org) throw new AppError('auth.user_unknown', 'the user has no organisation');
  const sessionId = deps.security.tokens.newToken();
  const session: SessionRecord = {
    idHash: deps.security.tokens.hash(sessionId),
    userId: args.user.userId,
    csrfToken: deps.security.tokens.newToken(),
    method: args.method,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.settings.sessionAbsoluteMs).toISOString(),
    // A passkey login is itself a fresh user-verified assertion.
    stepUpAt: args.method === 'passkey' ? now.toISOString() : null,
    securityEpoch: args.user.securityEpoch,
    revokedAt: null,
    ip: args.meta.ip,
    userAgent: args.meta.userAgent.slice(0, 300),
  };
  await putNewSession(deps, context, session);
  await tx.identity.clearLoginFailures(`user:${args.user.userId}`);
  await recordAuthEvent(context, args.user.userId, 'LoginSucceeded', {
    method: args.method,
    ...metaData(args.meta),
  });
  return {
    sessionId,
    view: sessionView({ session, user: args.user, org, settings: deps.settings }),
    expiresAt: session.expiresAt,
    issuedAt: now.toISOString(),
  };
}

/**
 * The user's passkeys that sign in: all but those registered through an enrolment link and not yet confirmed
 * (issue 10, row D).
 */
export async function activePasskeys(identity: IdentityReads, userId: string): Promise<PasskeyRecord[]> {
  const passkeys = await identity.listPasskeys(userId);
  const active: PasskeyRecord[] = [];
  for (const passkey of passkeys) {
    if ((await identity.findEnrolmentByCredential(passkey.credentialId))?.status !== 'pending')
      active.push(passkey);
  }
  return active;
}

/** Issues a one-time enrolment link for a user: it works once and expires. */
export async function issueEnrolmentLink(
  deps: AuthDeps,
  args: { userId: string; issuedBy: string },
): Promise<{ token: string; expiresAt: string }> {
  return deps.ledger.write(async (context) => {
    const user = await context.tx.identity.getUser(args.userId);
    if (!user) throw new AppError('auth.user_unknown', `no user ${args.userId}`);
    // A link enrols a first passkey. Were it issued to someone who has passkeys, one administrator could take
    // over any account with it; a lost passkey is replaced through a two-person passkey reset first.
    // A pending passkey does not count: it may be a thief's, and the person needs a link of their own meanwhile.
    if ((await activePasskeys(context.tx.identity, user.userId)).length > 0) {
      throw new AppError(
        'auth.enrolment_not_allowed',
        `${user.username} already has a passkey; a new link needs a two-person passkey reset first`,
      );
    }
    const token = deps.security.tokens.newToken();
    const expiresAt = new Date(context.now.getTime() + deps.settings.enrolmentLinkTtlMs).toISOString();
    const tokenHash = deps.security.tokens.hash(token);
    await context.tx.identity.putEnrolmentLink({
      tokenHash,
      userId: user.userId,
      expiresAt,
      usedAt: null,
      issuedBy: args.issuedBy,
    });
    await runUserCommand(context, user.userId, {
      type: 'IssueEnrolmentLink',
      linkId: linkIdOf(tokenHash),
      expiresAt,
    });
    return { token, expiresAt };
  });
}

async function newChallenge(
  deps: AuthDeps,
  purpose: 'register' | 'login' | 'step_up',
  userId: string | null,
  make: () => Promise<{ options: JsonObject; challenge: string }>,
): Promise<{ challengeId: string; options: JsonObject }> {
  const { options, challenge } = await make();
  const challengeId = deps.security.tokens.newToken(16);
  await deps.ledger.store.writeTransaction(async (tx) => {
    const now = deps.ledger.clock.now();
    await tx.identity.putChallenge({
      challengeId,
      challenge,
      purpose,
      userId,
      expiresAt: new Date(now.getTime() + deps.settings.challengeTtlMs).toISOString(),
    });
  });
  return { challengeId, options };
}

const LINK_INVALID = 'this enrolment link is unknown, used or expired';

/**
 * A used link presented again is a second enrolment attempt for its person: either the thief or the person came
 * second (issue 10, row D). It is recorded with where it came from and raises an alert, then refused like any
 * invalid link, so the caller learns nothing more.
 */
async function refuseUsedLink(deps: AuthDeps, link: EnrolmentLinkRecord, meta: RequestMeta): Promise<never> {
  await deps.ledger.write(async (context) => {
    const user = await context.tx.identity.getUser(link.userId);
    if (!user) return;
    const linkId = linkIdOf(link.tokenHash);
    await recordAuthEvent(context, user.userId, 'EnrolmentRefused', {
      reason: 'link_used',
      linkId,
      ...metaData(meta),
    });
    await raiseEnrolmentAlertOnce(context, {
      userId: user.userId,
      username: user.username,
      displayName: user.displayName,
      orgId: user.orgId,
      reason: 'link_reused',
      linkId,
      ...metaData(meta),
    });
  });
  throw new AppError('auth.enrolment_link_invalid', LINK_INVALID);
}

/**
 * Raises `auth.enrolment_repeated` about a person unless one about them is still unresolved: every attempt is an
 * auth event in the log anyway, and a thief replaying a link should not bury the alert inbox (issue 10, row G's
 * lesson). The newest page of the organisation's unresolved alerts is what is searched.
 */
async function raiseEnrolmentAlertOnce(
  context: WriteContext,
  data: JsonObject & { userId: string; orgId: string },
): Promise<void> {
  const unresolved = await context.tx.listAlertRecords({
    visibleTo: { rules: [], orgId: data.orgId, terminals: [] },
    statuses: ['open', 'acknowledged'],
    limit: 200,
  });
  if (unresolved.some((a) => a.rule === 'auth.enrolment_repeated' && a.subjectId === data.userId)) return;
  await raiseEnrolmentAlert(context, data);
}

async function liveLinkUser(deps: AuthDeps, token: string, meta: RequestMeta): Promise<UserRecord> {
  const hash = deps.security.tokens.hash(token);
  const link = await deps.ledger.store.identity.getEnrolmentLink(hash);
  const now = deps.ledger.clock.now().toISOString();
  if (link && link.usedAt !== null) await refuseUsedLink(deps, link, meta);
  if (!link || link.expiresAt <= now) throw new AppError('auth.enrolment_link_invalid', LINK_INVALID);
  const user = await deps.ledger.store.identity.getUser(link.userId);
  if (!user) throw new AppError('auth.enrolment_link_invalid', LINK_INVALID);
  return user;
}

export async function beginEnrolment(
  deps: AuthDeps,
  args: { token: string },
  meta: RequestMeta = { ip: 'unknown', userAgent: '' },
) {
  const user = await liveLinkUser(deps, args.token, meta);
  const org = await deps.ledger.store.identity.getOrganisation(user.orgId);
  const existing = await deps.ledger.store.identity.listPasskeys(user.userId);
  const challenge = await newChallenge(deps, 'register', user.userId, () =>
    deps.security.webauthn.registrationOptions({
      userId: user.userId,
      username: user.username,
      displayName: user.displayName,
      exclude: existing,
    }),
  );
  return {
    ...challenge,
    user: { username: user.username, displayName: user.displayName, orgName: org?.name ?? '' },
  };
}

/**
 * A registration whose credential id is already registered, for whoever (WebAuthn §7.1, "Verify that the
 * credentialId is not yet registered for any user"). Thrown out of the registration's transaction, which rolls
 * back (the link stays unused, nothing of the passkey's owner changes); {@link refusingTakenCredential} then records
 * it and answers 409 `auth.passkey_already_registered`.
 */
class CredentialTaken extends Error {
  constructor(
    readonly attempt: {
      readonly credentialId: string;
      readonly registrant: UserRecord;
      readonly challengeId: string;
      readonly via: 'enrolment_link' | 'my_passkeys';
      readonly linkId?: string;
    },
  ) {
    super('the credential id is already registered');
  }
}

/**
 * Runs a registration; one refused as {@link CredentialTaken} is recorded in a transaction of its own: a
 * `PasskeyRegistrationRefused` auth event of the person it was registered for, and an `auth.enrolment_repeated`
 * alert about the passkey's owner (once while one about them is unresolved): a credential id is not secret (an
 * office PC sees it at every sign-in), so whoever presents it again holds some enrolment link or session and is
 * trying to take the owner's passkey over or knock it out. Its challenge is used up.
 */
async function refusingTakenCredential<T>(
  deps: AuthDeps,
  meta: RequestMeta,
  register: () => Promise<T>,
): Promise<T> {
  try {
    return await register();
  } catch (error) {
    if (!(error instanceof CredentialTaken)) throw error;
    const { credentialId, registrant, challengeId, via, linkId } = error.attempt;
    await deps.ledger.write(async (context) => {
      const { tx, now } = context;
      await tx.identity.takeChallenge(challengeId, now.toISOString());
      const owned = await tx.identity.getPasskey(credentialId);
      const owner = (owned && (await tx.identity.getUser(owned.userId))) ?? registrant;
      const link: JsonObject = linkId === undefined ? {} : { linkId };
      await recordAuthEvent(context, registrant.userId, 'PasskeyRegistrationRefused', {
        reason: 'credential_already_registered',
        credentialId,
        via,
        ...link,
        ...metaData(meta),
      });
      await raiseEnrolmentAlertOnce(context, {
        userId: owner.userId,
        username: owner.username,
        displayName: owner.displayName,
        orgId: owner.orgId,
        reason: 'credential_taken',
        credentialId,
        via,
        registrantUserId: registrant.userId,
        registrantUsername: registrant.username,
        ...link,
        ...metaData(meta),
      });
    });
    throw new AppError(
      'auth.passkey_already_registered',
      'this passkey is already registered; a passkey is registered once, for one person: make a new one',
    );
  }
}

async function addPasskeyInTx(
  deps: AuthDeps,
  context: WriteContext,
  args: {
    user: UserRecord;
    challengeId: string;
    response: JsonObject;
    label: string;
    enrolmentLinkId?: string;
  },
): Promise<PasskeyRecord & { aaguid?: string }> {
  const { tx, now } = context;
  const challenge = await tx.identity.takeChallenge(args.challengeId, now.toISOString());
  if (challenge?.purpose !== 'register' || challenge.userId !== args.user.userId) {
    throw new AppError(
      'auth.challenge_invalid',
      'the registration challenge is unknown or expired; start again',
    );
  }
  const created = await deps.security.webauthn.verifyRegistration({
    response: args.response,
    expectedChallenge: challenge.challenge,
  });
  if (!created) throw new AppError('auth.passkey_invalid', 'the passkey could not be verified');
  // WebAuthn §7.1: a credential id already registered, for this person or another, is refused; never re-pointed to
  // another user, never given a new public key (the store refuses it too: `addPasskey` only inserts).
  if (await tx.identity.getPasskey(created.credentialId)) {
    throw new CredentialTaken({
      credentialId: created.credentialId,
      registrant: args.user,
      challengeId: args.challengeId,
      via: args.enrolmentLinkId === undefined ? 'my_passkeys' : 'enrolment_link',
      ...(args.enrolmentLinkId === undefined ? {} : { linkId: args.enrolmentLinkId }),
    });
  }
  const { aaguid, ...fields } = created;
  const passkey: PasskeyRecord = {
    ...fields,
    userId: args.user.userId,
    label: args.label.slice(0, 100) || 'Passkey',
    createdAt: now.toISOString(),
    lastUsedAt: now.toISOString(),
  };
  await tx.identity.addPasskey(passkey);
  // A change of credentials voids every session issued before it. A passkey from a link is pending: it changes
  // nothing for the person until it is confirmed (whoever holds a stolen link would otherwise end the person's
  // sessions at will); its confirmation does this instead (`decideEnrolment`).
  if (args.enrolmentLinkId === undefined) {
    await tx.identity.putUser({ ...args.user, securityEpoch: args.user.securityEpoch + 1 });
    await tx.identity.revokeUserSessions(args.user.userId, now.toISOString());
  }
  await runUserCommand(
    context,
    args.user.userId,
    args.enrolmentLinkId
      ? {
          type: 'EnrolWithLink',
          linkId: args.enrolmentLinkId,
          credentialId: passkey.credentialId,
          label: passkey.label,
          publicKeyDigest: publicKeyDigest(deps, passkey.publicKey),
        }
      : {
          type: 'AddPasskey',
          credentialId: passkey.credentialId,
          label: passkey.label,
          publicKeyDigest: publicKeyDigest(deps, passkey.publicKey),
        },
  );
  return aaguid === undefined ? passkey : { ...passkey, aaguid };
}

/** What a person who registered a passkey through a link is told: it waits, and whom to ask. */
export interface EnrolmentPending {
  readonly status: 'pending';
  readonly enrolmentId: string;
  readonly user: { readonly username: string; readonly displayName: string; readonly orgName: string };
  /** Who may confirm it, in words: "a terminal supervisor of North Quay Terminal or a port administrator". */
  readonly confirmers: string;
  readonly registeredAt: string;
  /**
   * The pairing code of the new passkey (`XXXX-XXXX`, from its credential id and public key): the person reads it
   * to their confirmer, who must type it to confirm. Shown here only, never in the confirmer's list.
   */
  readonly confirmationCode: string;
}

/** Who confirms a person's enrolment, in words (`enrolmentConfirmRefusal` decides it). */
export function confirmersOf(org: OrganisationRecord | undefined): string {
  return org?.kind === 'terminal_operator'
    ? `a terminal supervisor of ${org.name} or a port administrator`
    : 'a port administrator';
}

/**
 * Registers the passkey of a one-time link, pending: it signs nobody in until a confirmer (a supervisor of the
 * person's terminal organisation or a port administrator, never the person) confirms it, having seen its device,
 * time and network (issue 10, row D: the links of a secrets file are exactly what a thief holds). A link presented
 * again, and a link enrolment while the person already has a passkey, raise `auth.enrolment_repeated`.
 */
export async function finishEnrolment(
  deps: AuthDeps,
  args: { token: string; challengeId: string; response: JsonObject; label?: string },
  meta: RequestMeta,
): Promise<EnrolmentPending> {
  const tokenHash = deps.security.tokens.hash(args.token);
  const known = await deps.ledger.store.identity.getEnrolmentLink(tokenHash);
  if (known && known.usedAt !== null) await refuseUsedLink(deps, known, meta);
  return refusingTakenCredential(deps, meta, () =>
    deps.ledger.write(async (context) => {
      const { tx, now } = context;
      const link = await tx.identity.consumeEnrolmentLink(tokenHash, now.toISOString());
      if (!link) throw new AppError('auth.enrolment_link_invalid', LINK_INVALID);
      const user = await tx.identity.getUser(link.userId);
      if (!user) throw new AppError('auth.enrolment_link_invalid', LINK_INVALID);
      const before = await tx.identity.listPasskeys(user.userId);
      const linkId = linkIdOf(link.tokenHash);
      const passkey = await addPasskeyInTx(deps, context, {
        user,
        challengeId: args.challengeId,
        response: args.response,
        label: args.label ?? 'Passkey',
        enrolmentLinkId: linkId,
      });
      const enrolment: EnrolmentRecord = {
        enrolmentId: deps.security.tokens.newToken(12),
        userId: user.userId,
        orgId: user.orgId,
        credentialId: passkey.credentialId,
        linkId,
        status: 'pending',
        createdAt: now.toISOString(),
        ip: meta.ip,
        userAgent: meta.userAgent.slice(0, 300),
        aaguid: passkey.aaguid ?? UNKNOWN_AAGUID,
        decidedBy: null,
        decidedAt: null,
      };
      const pending = await recordAuthEvent(context, user.userId, 'EnrolmentPending', {
        enrolmentId: enrolment.enrolmentId,
        linkId,
        credentialId: passkey.credentialId,
        aaguid: enrolment.aaguid,
        ...metaData(meta),
      });
      // Where it began in the person's auth stream: its wrong codes are read from there (issue 13).
      await tx.identity.putEnrolment({ ...enrolment, beganAtAuthVersion: pending.streamVersion });
      if (before.length > 0) {
        await raiseEnrolmentAlertOnce(context, {
          userId: user.userId,
          username: user.username,
          displayName: user.displayName,
          orgId: user.orgId,
          reason: 'second_enrolment',
          linkId,
          enrolmentId: enrolment.enrolmentId,
          otherPasskeys: before.length,
          ...metaData(meta),
        });
      }
      const org = await tx.identity.getOrganisation(user.orgId);
      return {
        status: 'pending',
        enrolmentId: enrolment.enrolmentId,
        user: { username: user.username, displayName: user.displayName, orgName: org?.name ?? '' },
        confirmers: confirmersOf(org),
        registeredAt: enrolment.createdAt,
        confirmationCode: await enrolmentCode(passkey),
      };
    }),
  );
}

/** The AAGUID of an authenticator that does not say what it is (`none` attestation, WebAuthn L3 §6.5.1). */
export const UNKNOWN_AAGUID = '00000000-0000-0000-0000-000000000000';

export async function beginPasskeyLogin(deps: AuthDeps) {
  return newChallenge(deps, 'login', null, () => deps.security.webauthn.authenticationOptions({}));
}

/** Verifies an assertion against a stored passkey; returns the passkey's user, or throws. */
async function verifyAssertion(
  deps: AuthDeps,
  context: WriteContext,
  args: { challengeId: string; response: JsonObject; purpose: 'login' | 'step_up'; userId?: string },
  meta: RequestMeta,
): Promise<UserRecord> {
  const { tx, now } = context;
  const challenge = await tx.identity.takeChallenge(args.challengeId, now.toISOString());
  if (!challenge || challenge.purpose !== args.purpose || (args.userId && challenge.userId !== args.userId)) {
    throw new AppError('auth.challenge_invalid', 'the sign-in challenge is unknown or expired; start again');
  }
  const credentialId = typeof args.response.id === 'string' ? args.response.id : '';
  const passkey = await tx.identity.getPasskey(credentialId);
  const verified =
    passkey && (!args.userId || passkey.userId === args.userId)
      ? await deps.security.webauthn.verifyAuthentication({
          response: args.response,
          expectedChallenge: challenge.challenge,
          passkey,
        })
      : undefined;
  if (!passkey || !verified) {
    if (passkey) {
      await recordAuthEvent(context, passkey.userId, 'LoginFailed', {
        method: 'passkey',
        reason: 'assertion_invalid',
        ...metaData(meta),
      });
    }
    throw new AppError('auth.passkey_invalid', 'the passkey could not be verified');
  }
  const user = await tx.identity.getUser(passkey.userId);
  if (!user) throw new AppError('auth.passkey_invalid', 'the passkey could not be verified');
  // Checked after the signature, so that only the passkey's holder learns it waits (issue 10, row D).
  if ((await tx.identity.findEnrolmentByCredential(passkey.credentialId))?.status === 'pending') {
    await recordAuthEvent(context, user.userId, 'LoginFailed', {
      method: 'passkey',
      reason: 'passkey_pending',
      ...metaData(meta),
    });
    const org = await tx.identity.getOrganisation(user.orgId);
    throw new AppError(
      'auth.passkey_pending',
      `this passkey is registered but not confirmed yet: ${confirmersOf(org)} must confirm it before it signs you in`,
      { confirmers: confirmersOf(org) },
    );
  }
  if (user.lockedAt) {
    await recordAuthEvent(context, user.userId, 'LoginFailed', {
      method: 'passkey',
      reason: 'account_locked',
      ...metaData(meta),
    });
    throw new AppError('auth.account_locked', 'this account is locked; an administrator must unlock it');
  }
  await requireIdentityInLog(
    deps,
    context,
    user,
    new AppError('auth.passkey_invalid', 'the passkey could not be verified'),
    passkey,
  );
  await tx.identity.recordPasskeyUse(passkey.credentialId, {
    counter: verified.newCounter,
    lastUsedAt: now.toISOString(),
  });
  return user;
}

export async function finishPasskeyLogin(
  deps: AuthDeps,
  args: { challengeId: string; response: JsonObject },
  meta: RequestMeta,
): Promise<NewSession> {
  return failSoftly(deps, async (context) => {
    const user = await verifyAssertion(deps, context, { ...args, purpose: 'login' }, meta);
    return startSession(deps, context, { user, method: 'passkey', meta });
  });
}

/**
 * Runs a login step whose refusals must still leave their auth events: a refusal is committed (events only),
 * then thrown.
 */
async function failSoftly<T>(deps: AuthDeps, work: (context: WriteContext) => Promise<T>): Promise<T> {
  let refusal: AppError | undefined;
  const result = await deps.ledger.write(async (context) => {
    try {
      return await work(context);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refusal = error;
      return undefined;
    }
  });
  if (refusal) throw refusal;
  return result as T;
}

/**
 * Password + TOTP, only for roles that may use it. Checked in this order: throttles (per account and per IP), the
 * password (argon2id), the TOTP code (RFC 6238, ±1 step, each step once). A role that must use a passkey is
 * refused even with the right password and code — and that refusal is recorded, because it means someone holds
 * that person's password.
 */
export async function passwordLogin(
  deps: AuthDeps,
  args: { username: string; password: string; totp: string },
  meta: RequestMeta,
): Promise<NewSession> {
  const username = args.username.trim().toLowerCase();
  const reads = deps.ledger.store.identity;
  const user = await reads.findUserByUsername(username);
  const credential = user ? await reads.getPasswordCredential(user.userId) : undefined;
  // Hash even when the user is unknown, so that timing does not tell which usernames exist.
  const checked = await deps.security.passwords.verify(credential?.passwordHash ?? DUMMY_HASH, args.password);
  const passwordOk = credential !== undefined && checked;

  return failSoftly(deps, async (context) => {
    const { tx, now } = context;
    const at = now.toISOString();
    const ipKey = `ip:${meta.ip}`;
    const ipVerdict = loginThrottle({
      failures: (
        await tx.identity.loginFailures(ipKey, new Date(now.getTime() - 60 * 60_000).toISOString())
      ).map((a) => ({ at: a })),
      now: at,
      policy: IP_THROTTLE,
    });
    if (!ipVerdict.allowed) {
      throw new AppError('auth.throttled', 'too many failed sign-ins from this address; wait and try again', {
        retryAfterSeconds: Math.ceil(ipVerdict.retryAfterMs / 1000),
      });
    }
    if (!user || !credential) {
      await tx.identity.recordLoginFailure(ipKey, at);
      throw new AppError('auth.credentials_invalid', 'the username, password or code is wrong');
    }
    const accountKey = `user:${user.userId}`;
    if (user.lockedAt) {
      await recordAuthEvent(context, user.userId, 'LoginFailed', {
        method: 'password_totp',
        reason: 'account_locked',
        ...metaData(meta),
      });
      throw new AppError('auth.account_locked', 'this account is locked; an administrator must unlock it');
    }
    const verdict = loginThrottle({
      failures: (await tx.identity.loginFailures(accountKey, '0000')).map((a) => ({ at: a })),
      now: at,
      policy: ACCOUNT_THROTTLE,
    });
    if (!verdict.allowed) {
      throw new AppError('auth.throttled', 'too many failed sign-ins; wait and try again', {
        retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000),
      });
    }
    const step =
      passwordOk && credential.totpSecretSealed
        ? deps.security.totp.matchStep({
            secret: deps.security.sealer.open(credential.totpSecretSealed),
            code: args.totp.trim(),
            at: now,
          })
        : undefined;
    const fresh = step !== undefined && (await tx.identity.acceptTotpStep(user.userId, step));
    if (!passwordOk || !fresh) {
      const reason = !passwordOk ? 'password_wrong' : step === undefined ? 'totp_wrong' : 'totp_reused';
      await tx.identity.recordLoginFailure(accountKey, at);
      await tx.identity.recordLoginFailure(ipKey, at);
      await recordAuthEvent(context, user.userId, 'LoginFailed', {
        method: 'password_totp',
        reason,
        ...metaData(meta),
      });
      const after = loginThrottle({
        failures: (await tx.identity.loginFailures(accountKey, '0000')).map((a) => ({ at: a })),
        now: at,
        policy: ACCOUNT_THROTTLE,
      });
      if (after.lock) {
        await tx.identity.putUser({ ...user, lockedAt: at, securityEpoch: user.securityEpoch + 1 });
        await tx.identity.revokeUserSessions(user.userId, at);
        const [lockedOut] = await context.appendAtEnd(authStream(user.userId), [
          { type: 'AccountLockedOut', data: { failures: 20, ...metaData(meta), at } },
        ]);
        // The alert console's row, beside the event it derives from.
        await recordLockoutAlert(context, lockedOut!, user);
        await runUserCommand(context, user.userId, { type: 'LockAccount', reason: 'too_many_failures' });
        throw new AppError(
          'auth.account_locked',
          'this account is now locked after too many failed sign-ins',
        );
      }
      throw new AppError('auth.credentials_invalid', 'the username, password or code is wrong');
    }
    await requireIdentityInLog(
      deps,
      context,
      user,
      new AppError('auth.credentials_invalid', 'the username, password or code is wrong'),
    );
    if (passkeyRequiredForAny(user.roles as Role[])) {
      await recordAuthEvent(context, user.userId, 'LoginRefused', {
        method: 'password_totp',
        reason: 'passkey_required',
        credentialsValid: true,
        ...metaData(meta),
      });
      throw new AppError(
        'auth.passkey_required',
        'your role must sign in with a passkey; a password and code are not enough',
      );
    }
    return startSession(deps, context, { user, method: 'password_totp', meta });
  });
}

/** argon2id of a random password nobody knows: verified against when the username is unknown. */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3m0m3Zn2WbbUGuGQvqrj3Sbdk6MkGEHxNfBUk1l5ZyM';

/**
 * Checks a session id from a cookie: known, not revoked, within 12 hours of creation and 15 minutes of last use,
 * and issued under the user's current security epoch (a change of roles or passkeys voids older sessions).
 */
export async function authenticateSession(
  deps: AuthDeps,
  sessionId: string | undefined,
): Promise<Authenticated | undefined> {
  if (!sessionId || sessionId.length > 100) return undefined;
  const idHash = deps.security.tokens.hash(sessionId);
  const reads = deps.ledger.store.identity;
  const session = await reads.getSession(idHash);
  if (!session || session.revokedAt) return undefined;
  const now = deps.ledger.clock.now();
  if (session.expiresAt <= now.toISOString()) return undefined;
  if (Date.parse(session.lastSeenAt) + deps.settings.sessionIdleMs <= now.getTime()) return undefined;
  const user = await reads.getUser(session.userId);
  if (!user || user.lockedAt || user.securityEpoch !== session.securityEpoch) return undefined;
  const org = await reads.getOrganisation(user.orgId);
  if (!org) return undefined;
  // A session row, roles or an organisation edited in the database reach a live request too: the session ends,
  // and the staff are told.
  const differs =
    (await sessionDiffersFromLog(deps, session)) ??
    (await identityDiffersFromLog(deps.ledger.store, deps.logLostEntries?.() ?? false, user, org));
  if (differs) {
    await deps.ledger.write(async (context) => {
      await context.tx.identity.putSession({ ...session, revokedAt: context.now.toISOString() });
      await raiseReadModelAlert(context, { ...differs, code: 'auth.identity_not_in_log' });
    });
    return undefined;
  }
  let current = session;
  // Touch at most once a minute: the idle timeout needs no finer grain, and reads stay reads.
  if (now.getTime() - Date.parse(session.lastSeenAt) > 60_000) {
    current = { ...session, lastSeenAt: now.toISOString() };
    await deps.ledger.store.writeTransaction((tx) => tx.identity.putSession(current));
  }
  return { sessionIdHash: idHash, session: current, user, org };
}

export async function logout(deps: AuthDeps, auth: Authenticated, meta: RequestMeta): Promise<void> {
  await deps.ledger.write(async (context) => {
    await context.tx.identity.putSession({ ...auth.session, revokedAt: context.now.toISOString() });
    await recordAuthEvent(context, auth.user.userId, 'LoggedOut', metaData(meta));
  });
}

export async function beginStepUp(deps: AuthDeps, auth: Authenticated) {
  const passkeys = await activePasskeys(deps.ledger.store.identity, auth.user.userId);
  if (passkeys.length === 0) throw new AppError('auth.passkey_required', 'register a passkey first');
  return newChallenge(deps, 'step_up', auth.user.userId, () =>
    deps.security.webauthn.authenticationOptions({ allow: passkeys }),
  );
}

export async function finishStepUp(
  deps: AuthDeps,
  auth: Authenticated,
  args: { challengeId: string; response: JsonObject },
  meta: RequestMeta,
): Promise<NewSession> {
  return failSoftly(deps, async (context) => {
    await verifyAssertion(deps, context, { ...args, purpose: 'step_up', userId: auth.user.userId }, meta);
    const at = context.now.toISOString();
    // Re-authentication gets a new session id and ends the old one (OWASP ASVS 5.0 §7.2.4).
    const sessionId = deps.security.tokens.newToken();
    const session: SessionRecord = {
      ...auth.session,
      idHash: deps.security.tokens.hash(sessionId),
      csrfToken: deps.security.tokens.newToken(),
      stepUpAt: at,
      lastSeenAt: at,
    };
    await context.tx.identity.putSession({ ...auth.session, revokedAt: at });
    await putNewSession(deps, context, session);
    await recordAuthEvent(context, auth.user.userId, 'SteppedUp', metaData(meta));
    return {
      sessionId,
      view: sessionView({ session, user: auth.user, org: auth.org, settings: deps.settings }),
      // A step-up renews the id, not the lifetime: the new cookie ends when the session does.
      expiresAt: session.expiresAt,
      issuedAt: at,
    };
  });
}

/**
 * Records that a session opened with a password + TOTP tried a sensitive action only a passkey session may take
 * (lifting a hold, approving): someone who is not the person very likely holds their password and one-time codes
 * (issue 10, row B), as with a refused password sign-in of a passkey role (`LoginRefused`). The request is refused
 * by the caller either way.
 *
 * @example
 * ```ts
 * await recordPasswordSessionRefused(deps, auth, { permission: 'visit.hold.lift', route: 'POST /v1/…' }, meta);
 * ```
 */
export async function recordPasswordSessionRefused(
  deps: AuthDeps,
  auth: Authenticated,
  attempt: { permission: string; route: string },
  meta: RequestMeta,
): Promise<void> {
  await deps.ledger.write((context) =>
    recordAuthEvent(context, auth.user.userId, 'PasswordSessionRefused', {
      method: auth.session.method,
      reason: 'passkey_session_required',
      permission: attempt.permission,
      route: attempt.route.slice(0, 300),
      ...metaData(meta),
    }),
  );
}

/** Sensitive actions need a passkey assertion within the last 5 minutes. */
export function requireStepUp(deps: AuthDeps, auth: Authenticated): void {
  const at = auth.session.stepUpAt ? Date.parse(auth.session.stepUpAt) : Number.NEGATIVE_INFINITY;
  if (at + deps.settings.stepUpMs <= deps.ledger.clock.now().getTime()) {
    throw new AppError('auth.step_up_required', 'confirm it is you with your passkey first');
  }
}

/** The caller's passkeys; one registered through a link and not confirmed yet is `pending` (issue 10, row D). */
export async function listMyPasskeys(deps: AuthDeps, auth: Authenticated) {
  const identity = deps.ledger.store.identity;
  const passkeys = await identity.listPasskeys(auth.user.userId);
  return Promise.all(
    passkeys.map(async ({ credentialId, label, createdAt, lastUsedAt }) => ({
      credentialId,
      label,
      createdAt,
      lastUsedAt,
      status:
        (await identity.findEnrolmentByCredential(credentialId))?.status === 'pending'
          ? ('pending' as const)
          : ('active' as const),
    })),
  );
}

export async function beginAddPasskey(deps: AuthDeps, auth: Authenticated) {
  requireStepUp(deps, auth);
  const existing = await deps.ledger.store.identity.listPasskeys(auth.user.userId);
  return newChallenge(deps, 'register', auth.user.userId, () =>
    deps.security.webauthn.registrationOptions({
      userId: auth.user.userId,
      username: auth.user.username,
      displayName: auth.user.displayName,
      exclude: existing,
    }),
  );
}

export async function finishAddPasskey(
  deps: AuthDeps,
  auth: Authenticated,
  args: { challengeId: string; response: JsonObject; label: string },
  meta: RequestMeta = { ip: auth.session.ip, userAgent: auth.session.userAgent },
): Promise<{
  credentialId: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  status: 'active';
}> {
  requireStepUp(deps, auth);
  return refusingTakenCredential(deps, meta, () =>
    deps.ledger.write(async (context) => {
      const passkey = await addPasskeyInTx(deps, context, { user: auth.user, ...args });
      // The session that added the passkey stays valid under the new epoch.
      await context.tx.identity.putSession({
        ...auth.session,
        securityEpoch: auth.user.securityEpoch + 1,
        revokedAt: null,
      });
      return {
        credentialId: passkey.credentialId,
        label: passkey.label,
        createdAt: passkey.createdAt,
        lastUsedAt: passkey.lastUsedAt,
        // Added from a signed-in session with a step-up: no confirmation to wait for.
        status: 'active' as const,
      };
    }),
  );
}

export async function removeMyPasskey(
  deps: AuthDeps,
  auth: Authenticated,
  credentialId: string,
): Promise<void> {
  requireStepUp(deps, auth);
  await deps.ledger.write(async (context) => {
    const { tx, now } = context;
    const passkeys = await tx.identity.listPasskeys(auth.user.userId);
    if (!passkeys.some((p) => p.credentialId === credentialId)) {
      throw new AppError('auth.passkey_invalid', 'no such passkey of yours');
    }
    if (passkeys.length === 1) throw new AppError('auth.last_passkey', 'you cannot remove your only passkey');
    await tx.identity.removePasskey(credentialId);
    const epoch = auth.user.securityEpoch + 1;
    await tx.identity.putUser({ ...auth.user, securityEpoch: epoch });
    await tx.identity.revokeUserSessions(auth.user.userId, now.toISOString());
    await tx.identity.putSession({ ...auth.session, securityEpoch: epoch, revokedAt: null });
    await runUserCommand(context, auth.user.userId, { type: 'RemovePasskey', credentialId });
  });
}
