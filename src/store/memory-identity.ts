import type {
  ApiTokenRecord,
  ApprovalRecord,
  ChallengeRecord,
  EnrolmentLinkRecord,
  EnrolmentRecord,
  IdentityReads,
  IdentityWrites,
  ListSort,
  OrganisationRecord,
  PasskeyRecord,
  PasswordCredential,
  SessionRecord,
  UserRecord,
} from '../app/access/identity.ports.js';
import { type JsonObject, StoreIntegrityError } from '../app/ports.js';

/** Code-unit order, as the SQL stores sort keys and compare times (BINARY on SQLite, `collate "C"` on PostgreSQL). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Whether `value` contains `text`, ASCII letters in any case, as the SQL stores' `lower(…) like` compares. */
const containsText = (value: string, text: string) => asciiLower(value).includes(asciiLower(text));
const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Rows in a picked order (issue 14): by the sort column then the id, both the same way, after the row `sort.after`
 * names, as the SQL stores' keyset pages.
 */
function sortedRows<T>(
  rows: readonly T[],
  sort: ListSort<string>,
  keyOf: (row: T) => string,
  idOf: (row: T) => string,
): T[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const order = (a: { key: string; id: string }, b: { key: string; id: string }) =>
    sign * (compareText(a.key, b.key) || compareText(a.id, b.id));
  const keyed = (row: T) => ({ key: keyOf(row), id: idOf(row) });
  const { after } = sort;
  return rows
    .filter((row) => after === undefined || order(keyed(row), after) > 0)
    .sort((a, b) => order(keyed(a), keyed(b)));
}

/** The first `limit` rows (at least one) when a page is asked for, as the SQL stores page them. */
const page = <T>(rows: T[], limit: number | undefined): T[] =>
  limit === undefined ? rows : rows.slice(0, Math.max(1, Math.trunc(limit)));
const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

// Stored and returned as copies, as the SQL stores do, so that callers can mutate neither.
const copyOrganisation = (o: OrganisationRecord): OrganisationRecord => ({
  ...o,
  terminals: [...o.terminals],
});
const copyUser = (u: UserRecord): UserRecord => ({ ...u, roles: [...u.roles] });
const copyPasskey = (p: PasskeyRecord): PasskeyRecord => ({
  ...p,
  publicKey: p.publicKey.slice(),
  transports: [...p.transports],
});
const copyPassword = (c: PasswordCredential): PasswordCredential => ({
  ...c,
  totpSecretSealed: c.totpSecretSealed === null ? null : c.totpSecretSealed.slice(),
});
const copySession = (s: SessionRecord): SessionRecord => ({ ...s, idHash: s.idHash.slice() });
const copyLink = (l: EnrolmentLinkRecord): EnrolmentLinkRecord => ({ ...l, tokenHash: l.tokenHash.slice() });
const copyToken = (t: ApiTokenRecord): ApiTokenRecord => ({
  ...t,
  tokenHash: t.tokenHash.slice(),
  permissions: [...t.permissions],
});
const copyChallenge = (c: ChallengeRecord): ChallengeRecord => ({ ...c });
const copyApproval = (a: ApprovalRecord): ApprovalRecord => ({
  ...a,
  view: JSON.parse(JSON.stringify(a.view)) as JsonObject,
});

/** Every identity record the memory store holds. Records inside are never mutated, only replaced. */
export interface IdentityState {
  readonly organisations: Map<string, OrganisationRecord>;
  readonly users: Map<string, UserRecord>;
  readonly passwords: Map<string, PasswordCredential>;
  readonly passkeys: Map<string, PasskeyRecord>;
  /** By the hex of the id hash. */
  readonly sessions: Map<string, SessionRecord>;
  /** By the hex of the token hash. */
  readonly enrolmentLinks: Map<string, EnrolmentLinkRecord>;
  readonly enrolments: Map<string, EnrolmentRecord>;
  readonly apiTokens: Map<string, ApiTokenRecord>;
  readonly challenges: Map<string, ChallengeRecord>;
  readonly approvals: Map<string, ApprovalRecord>;
  /** Failure times by key, in the order recorded. */
  readonly loginFailures: Map<string, readonly string[]>;
}

export function emptyIdentityState(): IdentityState {
  return {
    organisations: new Map(),
    users: new Map(),
    passwords: new Map(),
    passkeys: new Map(),
    sessions: new Map(),
    enrolmentLinks: new Map(),
    enrolments: new Map(),
    apiTokens: new Map(),
    challenges: new Map(),
    approvals: new Map(),
    loginFailures: new Map(),
  };
}

/** A copy a transaction may change without touching `state`: the maps are new, the records shared. */
export function cloneIdentityState(state: IdentityState): IdentityState {
  return {
    organisations: new Map(state.organisations),
    users: new Map(state.users),
    passwords: new Map(state.passwords),
    passkeys: new Map(state.passkeys),
    sessions: new Map(state.sessions),
    enrolmentLinks: new Map(state.enrolmentLinks),
    enrolments: new Map(state.enrolments),
    apiTokens: new Map(state.apiTokens),
    challenges: new Map(state.challenges),
    approvals: new Map(state.approvals),
    loginFailures: new Map(state.loginFailures),
  };
}

/** Identity reads over whatever state `current` returns (the committed one, or a transaction's staged copy). */
export function memoryIdentityReads(current: () => IdentityState): IdentityReads {
  const get = <T>(map: Map<string, T>, key: string, copy: (value: T) => T) => {
    const found = map.get(key);
    return found && copy(found);
  };
  return {
    async getOrganisation(orgId) {
      return get(current().organisations, orgId, copyOrganisation);
    },
    async findOrganisationByCode(code) {
      const found = [...current().organisations.values()].find((o) => o.code === code);
      return found && copyOrganisation(found);
    },
    async listOrganisations(where = {}) {
      const organisations = [...current().organisations.values()];
      if (where.orderBy === 'name') {
        const { after, kinds } = where;
        const { nameContains } = where;
        return page(
          sortedRows(
            organisations.filter(
              (o) =>
                (kinds === undefined || kinds.includes(o.kind)) &&
                (nameContains === undefined || containsText(o.name, nameContains)),
            ),
            {
              by: 'name',
              direction: where.direction ?? 'asc',
              ...(after === undefined ? {} : { after: { key: after.name, id: after.orgId } }),
            },
            (o) => o.name,
            (o) => o.orgId,
          ),
          where.limit,
        ).map(copyOrganisation);
      }
      const { after, kind, nameContains, sort } = where;
      const matching = organisations.filter(
        (o) =>
          (kind === undefined || o.kind === kind) &&
          (nameContains === undefined ||
            containsText(o.name, nameContains) ||
            containsText(o.code, nameContains)),
      );
      if (sort !== undefined) {
        return page(
          sortedRows(
            matching,
            sort,
            (o) => o[sort.by],
            (o) => o.orgId,
          ),
          where.limit,
        ).map(copyOrganisation);
      }
      return page(
        matching
          .filter((o) => after === undefined || o.code > after.code)
          .sort((a, b) => compareText(a.code, b.code)),
        where.limit,
      ).map(copyOrganisation);
    },
    async getUser(userId) {
      return get(current().users, userId, copyUser);
    },
    async findUserByUsername(username) {
      const found = [...current().users.values()].find((u) => u.username === username);
      return found && copyUser(found);
    },
    async listUsers(where) {
      const { afterUsername, sort, nameContains } = where;
      const matching = [...current().users.values()].filter(
        (u) =>
          (where.orgId === undefined || u.orgId === where.orgId) &&
          (where.role === undefined || u.roles.includes(where.role)) &&
          (where.locked === undefined || (u.lockedAt !== null) === where.locked) &&
          (nameContains === undefined ||
            containsText(u.username, nameContains) ||
            containsText(u.displayName, nameContains)),
      );
      if (sort !== undefined) {
        return page(
          sortedRows(
            matching,
            sort,
            (u) => u[sort.by],
            (u) => u.userId,
          ),
          where.limit,
        ).map(copyUser);
      }
      return page(
        matching
          .filter((u) => afterUsername === undefined || u.username > afterUsername)
          .sort((a, b) => compareText(a.username, b.username)),
        where.limit,
      ).map(copyUser);
    },
    async getPasswordCredential(userId) {
      return get(current().passwords, userId, copyPassword);
    },
    async listPasskeys(userId) {
      return [...current().passkeys.values()]
        .filter((p) => p.userId === userId)
        .sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.credentialId, b.credentialId))
        .map(copyPasskey);
    },
    async getPasskey(credentialId) {
      return get(current().passkeys, credentialId, copyPasskey);
    },
    async getSession(idHash) {
      return get(current().sessions, hex(idHash), copySession);
    },
    async getEnrolmentLink(tokenHash) {
      return get(current().enrolmentLinks, hex(tokenHash), copyLink);
    },
    async getEnrolment(enrolmentId) {
      return get(current().enrolments, enrolmentId, (e) => ({ ...e }));
    },
    async findEnrolmentByCredential(credentialId) {
      const found = [...current().enrolments.values()]
        .filter((e) => e.credentialId === credentialId)
        .sort((a, b) => compareText(b.createdAt, a.createdAt))[0];
      return found && { ...found };
    },
    async listEnrolments(where) {
      return [...current().enrolments.values()]
        .filter((e) => where.status === undefined || e.status === where.status)
        .filter((e) => where.userId === undefined || e.userId === where.userId)
        .sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.enrolmentId, b.enrolmentId))
        .map((e) => ({ ...e }));
    },
    async getApiToken(tokenHash) {
      const key = hex(tokenHash);
      const found = [...current().apiTokens.values()].find((t) => hex(t.tokenHash) === key);
      return found && copyToken(found);
    },
    async listApiTokens(where) {
      const order = (a: { createdAt: string; tokenId: string }, b: { createdAt: string; tokenId: string }) =>
        compareText(a.createdAt, b.createdAt) || compareText(a.tokenId, b.tokenId);
      const { after, sort } = where;
      const matching = [...current().apiTokens.values()].filter(
        (t) =>
          (where.orgId === undefined || t.orgId === where.orgId) &&
          (where.tokenId === undefined || t.tokenId === where.tokenId) &&
          (where.revoked === undefined || (t.revokedAt !== null) === where.revoked) &&
          (where.permission === undefined || t.permissions.includes(where.permission)),
      );
      if (sort !== undefined) {
        return page(
          sortedRows(
            matching,
            sort,
            (t) => t[sort.by],
            (t) => t.tokenId,
          ),
          where.limit,
        ).map(copyToken);
      }
      return page(
        matching.filter((t) => after === undefined || order(t, after) > 0).sort(order),
        where.limit,
      ).map(copyToken);
    },
    async getApproval(requestId) {
      return get(current().approvals, requestId, copyApproval);
    },
    async listApprovals(where) {
      const order = (
        a: { expiresAt: string; requestId: string },
        b: { expiresAt: string; requestId: string },
      ) => compareText(a.expiresAt, b.expiresAt) || compareText(a.requestId, b.requestId);
      const { after, expiresAfter, expiresAtOrBefore, sort } = where;
      const matching = [...current().approvals.values()].filter(
        (a) =>
          (where.status === undefined || a.status === where.status) &&
          (where.orgId === undefined || a.orgId === where.orgId) &&
          (where.requestedBy === undefined || a.requestedBy === where.requestedBy) &&
          (where.kind === undefined || a.kind === where.kind) &&
          (expiresAfter === undefined || a.expiresAt > expiresAfter) &&
          (expiresAtOrBefore === undefined || a.expiresAt <= expiresAtOrBefore),
      );
      if (sort !== undefined) {
        return page(
          sortedRows(
            matching,
            sort,
            (a) => a[sort.by],
            (a) => a.requestId,
          ),
          where.limit,
        ).map(copyApproval);
      }
      return page(
        matching.filter((a) => after === undefined || order(a, after) > 0).sort(order),
        where.limit,
      ).map(copyApproval);
    },
    async loginFailures(key, since) {
      return (current().loginFailures.get(key) ?? []).filter((at) => at >= since).sort(compareText);
    },
  };
}

/**
 * Identity writes on a transaction's staged state, with the SQL stores' semantics: `put…` inserts or replaces by
 * key, a clash on another unique key (organisation code, username, token hash) is `store.duplicate`, and so is
 * `addPasskey` of a credential id already stored.
 */
export function memoryIdentityWrites(staged: () => IdentityState): Omit<IdentityWrites, keyof IdentityReads> {
  const duplicate = (what: string) => new StoreIntegrityError('store.duplicate', `already stored: ${what}`);
  return {
    async putOrganisation(org) {
      const { organisations } = staged();
      for (const other of organisations.values()) {
        if (other.code === org.code && other.orgId !== org.orgId)
          throw duplicate(`organisation code ${org.code}`);
      }
      organisations.set(org.orgId, copyOrganisation(org));
    },
    async putUser(user) {
      const { users } = staged();
      for (const other of users.values()) {
        if (other.username === user.username && other.userId !== user.userId) {
          throw duplicate(`username ${user.username}`);
        }
      }
      users.set(user.userId, copyUser(user));
    },
    async putPasswordCredential(credential) {
      staged().passwords.set(credential.userId, copyPassword(credential));
    },
    async acceptTotpStep(userId, step) {
      const { passwords } = staged();
      const credential = passwords.get(userId);
      if (!credential || !(credential.totpLastStep < step)) return false;
      passwords.set(userId, { ...credential, totpLastStep: step });
      return true;
    },
    async addPasskey(passkey) {
      const { passkeys } = staged();
      if (passkeys.has(passkey.credentialId))
        throw duplicate(`passkey credential id ${passkey.credentialId}`);
      passkeys.set(passkey.credentialId, copyPasskey(passkey));
    },
    async recordPasskeyUse(credentialId, use) {
      const { passkeys } = staged();
      const passkey = passkeys.get(credentialId);
      if (passkey)
        passkeys.set(credentialId, { ...passkey, counter: use.counter, lastUsedAt: use.lastUsedAt });
    },
    async removePasskey(credentialId) {
      staged().passkeys.delete(credentialId);
    },
    async putSession(session) {
      staged().sessions.set(hex(session.idHash), copySession(session));
    },
    async revokeUserSessions(userId, at) {
      const { sessions } = staged();
      for (const [key, s] of sessions) {
        if (s.userId === userId && s.revokedAt === null && s.expiresAt > at)
          sessions.set(key, { ...s, revokedAt: at });
      }
    },
    async putEnrolment(enrolment) {
      staged().enrolments.set(enrolment.enrolmentId, { ...enrolment });
    },
    async putEnrolmentLink(link) {
      staged().enrolmentLinks.set(hex(link.tokenHash), copyLink(link));
    },
    async consumeEnrolmentLink(tokenHash, at) {
      const { enrolmentLinks } = staged();
      const key = hex(tokenHash);
      const link = enrolmentLinks.get(key);
      if (!link || link.usedAt !== null || !(link.expiresAt > at)) return undefined;
      const used = { ...link, usedAt: at };
      enrolmentLinks.set(key, used);
      return copyLink(used);
    },
    async putApiToken(token) {
      const { apiTokens } = staged();
      const key = hex(token.tokenHash);
      for (const other of apiTokens.values()) {
        if (other.tokenId !== token.tokenId && hex(other.tokenHash) === key)
          throw duplicate('API token hash');
      }
      apiTokens.set(token.tokenId, copyToken(token));
    },
    async putChallenge(challenge) {
      staged().challenges.set(challenge.challengeId, copyChallenge(challenge));
    },
    async takeChallenge(challengeId, at) {
      const { challenges } = staged();
      const challenge = challenges.get(challengeId);
      challenges.delete(challengeId);
      return challenge && challenge.expiresAt > at ? copyChallenge(challenge) : undefined;
    },
    async putApproval(approval) {
      staged().approvals.set(approval.requestId, copyApproval(approval));
    },
    async recordLoginFailure(key, at) {
      const { loginFailures } = staged();
      loginFailures.set(key, [...(loginFailures.get(key) ?? []), at]);
    },
    async clearLoginFailures(key) {
      staged().loginFailures.delete(key);
    },
  };
}
