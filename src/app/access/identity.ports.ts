/**
 * The identity side of the store: organisations, users and their credentials, sessions, enrolment links, API
 * tokens, WebAuthn challenges and login throttling. Every change of who someone is or what they may do is also an
 * event in the audit log (appended by the use cases through `WriteContext.append`); these tables are the read
 * models and the secrets that must never enter a leaf (password hashes, TOTP secrets, token and session hashes).
 *
 * Secrets are stored only as SHA-256 hashes (sessions, enrolment links, API tokens) or argon2id hashes
 * (passwords). TOTP secrets are stored encrypted by the caller (AES-256-GCM), as opaque bytes.
 */
import type { JsonObject } from '../../domain/index.js';

export interface OrganisationRecord {
  readonly orgId: string;
  readonly kind: string;
  readonly name: string;
  /** The party's own code: a line's carrier code, a terminal operator's name code, … Unique. */
  readonly code: string;
  /** Terminal codes a terminal operator runs; empty for other kinds. */
  readonly terminals: readonly string[];
  readonly createdAt: string;
}

export interface UserRecord {
  readonly userId: string;
  readonly orgId: string;
  /** Login name, unique, lower case. */
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  /** When set, no login succeeds until an administrator unlocks the account. */
  readonly lockedAt: string | null;
  readonly createdAt: string;
  /** Bumped whenever roles or passkeys change: sessions issued under an older epoch are void. */
  readonly securityEpoch: number;
}

export interface PasskeyRecord {
  /** base64url credential id, as WebAuthn reports it. */
  readonly credentialId: string;
  readonly userId: string;
  readonly publicKey: Uint8Array;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly label: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export interface PasswordCredential {
  readonly userId: string;
  /** argon2id PHC string. */
  readonly passwordHash: string;
  /** AES-256-GCM sealed TOTP secret, or null when TOTP is not enrolled. */
  readonly totpSecretSealed: Uint8Array | null;
  /** The last RFC 6238 time step accepted: a code for this step or an earlier one is refused (one use each). */
  readonly totpLastStep: number;
}

export interface SessionRecord {
  /** SHA-256 of the session id; the id itself only ever lives in the user's cookie. */
  readonly idHash: Uint8Array;
  readonly userId: string;
  /** Random token the client echoes in `X-CSRF-Token` on state-changing requests. */
  readonly csrfToken: string;
  readonly method: 'passkey' | 'password_totp';
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** Absolute end (12 hours after creation). */
  readonly expiresAt: string;
  /** Last passkey assertion (login or step-up); sensitive actions need one within 5 minutes. */
  readonly stepUpAt: string | null;
  readonly securityEpoch: number;
  readonly revokedAt: string | null;
  readonly ip: string;
  readonly userAgent: string;
}

export interface EnrolmentLinkRecord {
  readonly tokenHash: Uint8Array;
  readonly userId: string;
  readonly expiresAt: string;
  readonly usedAt: string | null;
  readonly issuedBy: string;
}

/**
 * A passkey registered through an enrolment link (issue 10, row D). It signs nobody in while `pending`: a confirmer
 * is shown the device (`aaguid`, `userAgent`), the time and the network (`ip`) it came from, and confirms or
 * rejects it. Never deleted.
 */
export interface EnrolmentRecord {
  readonly enrolmentId: string;
  readonly userId: string;
  readonly orgId: string;
  readonly credentialId: string;
  /** The public id of the link it came through (a prefix of the token's hash, never the token). */
  readonly linkId: string;
  readonly status: 'pending' | 'confirmed' | 'rejected';
  readonly createdAt: string;
  readonly ip: string;
  readonly userAgent: string;
  /** The authenticator's AAGUID (all zeros when it does not say, as with `none` attestation). */
  readonly aaguid: string;
  /** Who confirmed or rejected it: a user id, or `operator:<os user>` at the machine. */
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  /**
   * The version of the person's `auth-<userId>` stream at its `EnrolmentPending` event (issue 13): the wrong codes
   * typed for it are read from there on, not from the first login the person ever made. Absent on enrolments made
   * before it was recorded.
   */
  readonly beganAtAuthVersion?: number;
}

export interface ApiTokenRecord {
  readonly tokenId: string;
  readonly tokenHash: Uint8Array;
  readonly orgId: string;
  readonly permissions: readonly string[];
  readonly label: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  /** The last request made with it, to the minute: its `TokenUsed` auth events are at most one a minute. */
  readonly lastUsedAt: string | null;
}

export interface ChallengeRecord {
  readonly challengeId: string;
  /** base64url WebAuthn challenge. */
  readonly challenge: string;
  readonly purpose: 'register' | 'login' | 'step_up';
  readonly userId: string | null;
  readonly expiresAt: string;
}

export interface ApprovalRecord {
  readonly requestId: string;
  readonly kind: string;
  readonly subject: string;
  readonly status: string;
  readonly requestedBy: string;
  readonly orgId: string;
  readonly expiresAt: string;
  /** The domain's JSON view of the request, with the before/after an approver sees. */
  readonly view: JsonObject;
}

/**
 * The lists that grow with the port's history — every API token ever issued, every approval ever requested — are read
 * a page at a time (issue 13): at most `limit` rows, after the row the keyset `after` names, in the list's order.
 * Without `limit`, the whole list (for the callers that need all of it).
 */
/**
 * A list in the order a person picked (issue 14): by one column, either way, the row's id breaking ties, so that a
 * keyset page after `after` (the last row's column value and id) is exact whatever the rows share.
 */
export interface ListSort<By extends string> {
  readonly by: By;
  readonly direction: 'asc' | 'desc';
  readonly after?: { readonly key: string; readonly id: string };
}

export type UserSortColumn = 'username' | 'displayName' | 'createdAt';
export type ApiTokenSortColumn = 'createdAt' | 'expiresAt' | 'label';
export type OrganisationSortColumn = 'code' | 'name' | 'createdAt';
export type ApprovalSortColumn = 'expiresAt' | 'kind';

export interface UserQuery {
  readonly orgId?: string;
  /** Only users holding this role. */
  readonly role?: string;
  /** Only locked users (true) or only users who may log in (false). */
  readonly locked?: boolean;
  /** Only users whose username or display name contains this text, in any case (ASCII letters). */
  readonly nameContains?: string;
  /** The order of the list; it replaces `afterUsername`, which pages the default order by username. */
  readonly sort?: ListSort<UserSortColumn>;
  /** Only users whose username sorts after this one. */
  readonly afterUsername?: string;
  readonly limit?: number;
}

export interface ApiTokenQuery {
  readonly orgId?: string;
  /** The one token with this id, if any: a kiosk's `token:<tokenId>` operator, without reading every token. */
  readonly tokenId?: string;
  /** Only revoked tokens (true) or only tokens not revoked (false). */
  readonly revoked?: boolean;
  /** Only tokens that hold this permission. */
  readonly permission?: string;
  /** Only tokens after this one, in (created, id) order. */
  readonly after?: { readonly createdAt: string; readonly tokenId: string };
  /** The order of the list; it replaces `after`. */
  readonly sort?: ListSort<ApiTokenSortColumn>;
  readonly limit?: number;
}

export interface ApprovalQuery {
  readonly status?: string;
  readonly orgId?: string;
  /** Only the requests this user made. */
  readonly requestedBy?: string;
  /** Only requests that expire after this instant: a pending request nobody decided stays pending for ever. */
  readonly expiresAfter?: string;
  /** Only requests that expired at or before this instant (a pending one then reads as expired). */
  readonly expiresAtOrBefore?: string;
  /** Only requests of this kind. */
  readonly kind?: string;
  /** Only requests after this one, in (expiry, id) order. */
  readonly after?: { readonly expiresAt: string; readonly requestId: string };
  /** The order of the list; it replaces `after`. */
  readonly sort?: ListSort<ApprovalSortColumn>;
  readonly limit?: number;
}

/**
 * Organisations by code (the administrators' list), or by name then id (the party directory, of some kinds only);
 * with `limit`, one keyset page of them after the organisation `after` names in that order (issue 13).
 */
export type OrganisationQuery =
  | {
      readonly orderBy?: 'code';
      readonly after?: { readonly code: string };
      /** Only organisations of this kind. */
      readonly kind?: string;
      /** Only organisations whose name or code contains this text, in any case (ASCII letters). */
      readonly nameContains?: string;
      /** The order of the list; it replaces `after`. */
      readonly sort?: ListSort<OrganisationSortColumn>;
      readonly limit?: number;
    }
  | {
      readonly orderBy: 'name';
      /** Only organisations of these kinds. */
      readonly kinds?: readonly string[];
      /** Only organisations whose name contains this text, in any case (ASCII letters). */
      readonly nameContains?: string;
      /** Ascending (the default) or descending names; `after` is the row before the page in that direction. */
      readonly direction?: 'asc' | 'desc';
      readonly after?: { readonly name: string; readonly orgId: string };
      readonly limit?: number;
    };

export interface IdentityReads {
  getOrganisation(orgId: string): Promise<OrganisationRecord | undefined>;
  findOrganisationByCode(code: string): Promise<OrganisationRecord | undefined>;
  /** Every organisation by code; a page of them, or of some kinds by name, with `where` (issue 13). */
  listOrganisations(where?: OrganisationQuery): Promise<OrganisationRecord[]>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  /** Users by username; with `limit`, one keyset page of them after `afterUsername` (issue 13). */
  listUsers(where: UserQuery): Promise<UserRecord[]>;
  getPasswordCredential(userId: string): Promise<PasswordCredential | undefined>;
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  getPasskey(credentialId: string): Promise<PasskeyRecord | undefined>;
  getSession(idHash: Uint8Array): Promise<SessionRecord | undefined>;
  /** The link with this token hash, used or not (the caller checks `usedAt` and `expiresAt`). */
  getEnrolmentLink(tokenHash: Uint8Array): Promise<EnrolmentLinkRecord | undefined>;
  getEnrolment(enrolmentId: string): Promise<EnrolmentRecord | undefined>;
  /** The link enrolment that registered this passkey, if it came through a link. */
  findEnrolmentByCredential(credentialId: string): Promise<EnrolmentRecord | undefined>;
  /** Enrolments, oldest first. */
  listEnrolments(where: { status?: EnrolmentRecord['status']; userId?: string }): Promise<EnrolmentRecord[]>;
  getApiToken(tokenHash: Uint8Array): Promise<ApiTokenRecord | undefined>;
  /** API tokens, oldest first (revoked and expired ones too); with `limit`, one keyset page (issue 13). */
  listApiTokens(where: ApiTokenQuery): Promise<ApiTokenRecord[]>;
  getApproval(requestId: string): Promise<ApprovalRecord | undefined>;
  /** Approval requests, the soonest to expire first; with `limit`, one keyset page (issue 13). */
  listApprovals(where: ApprovalQuery): Promise<ApprovalRecord[]>;
  /** Failed login attempts recorded under `key` (an account or an IP) at or after `since`, oldest first. */
  loginFailures(key: string, since: string): Promise<string[]>;
}

/** Identity writes happen inside a ledger write transaction, beside the audit events that record them. */
export interface IdentityWrites extends IdentityReads {
  putOrganisation(org: OrganisationRecord): Promise<void>;
  putUser(user: UserRecord): Promise<void>;
  putPasswordCredential(credential: PasswordCredential): Promise<void>;
  /**
   * Accepts a TOTP time step only if it is later than the last accepted one (compare-and-set), so that each code
   * works once even under concurrent logins. Returns whether it was accepted.
   */
  acceptTotpStep(userId: string, step: number): Promise<boolean>;
  /**
   * Registers a new passkey. Never replaces one: a credential id already stored, for whoever, is `store.duplicate`
   * (WebAuthn §7.1: a credential id is registered once, for one user; re-pointing it would hand it to another).
   */
  addPasskey(passkey: PasskeyRecord): Promise<void>;
  /** After a verified assertion: the signature counter and the time of use, nothing else of the passkey. */
  recordPasskeyUse(credentialId: string, use: { counter: number; lastUsedAt: string }): Promise<void>;
  removePasskey(credentialId: string): Promise<void>;
  putSession(session: SessionRecord): Promise<void>;
  revokeUserSessions(userId: string, at: string): Promise<void>;
  putEnrolmentLink(link: EnrolmentLinkRecord): Promise<void>;
  /** Marks a live link used and returns it; undefined when it is unknown, used or expired. Works once. */
  consumeEnrolmentLink(tokenHash: Uint8Array, at: string): Promise<EnrolmentLinkRecord | undefined>;
  putEnrolment(enrolment: EnrolmentRecord): Promise<void>;
  putApiToken(token: ApiTokenRecord): Promise<void>;
  putChallenge(challenge: ChallengeRecord): Promise<void>;
  /** Returns and deletes a challenge, so that it is answered once; undefined when unknown or expired. */
  takeChallenge(challengeId: string, at: string): Promise<ChallengeRecord | undefined>;
  putApproval(approval: ApprovalRecord): Promise<void>;
  recordLoginFailure(key: string, at: string): Promise<void>;
  clearLoginFailures(key: string): Promise<void>;
}

/** A signed-in caller, as the HTTP edge sees it after checking the session: what every capability's use cases
 * are given to know who acts. */
export interface Authenticated {
  readonly sessionIdHash: Uint8Array;
  readonly session: SessionRecord;
  readonly user: UserRecord;
  readonly org: OrganisationRecord;
}
