import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type {
  ApiTokenQuery,
  ApiTokenRecord,
  ApiTokenSortColumn,
  ApprovalQuery,
  ApprovalRecord,
  ApprovalSortColumn,
  ChallengeRecord,
  EnrolmentLinkRecord,
  EnrolmentRecord,
  ListSort,
  OrganisationQuery,
  OrganisationRecord,
  OrganisationSortColumn,
  PasskeyRecord,
  PasswordCredential,
  SessionRecord,
  UserQuery,
  UserRecord,
  UserSortColumn,
} from '../app/access/identity.ports.js';
import type { JsonObject } from '../app/ports.js';
import { toBuffer, toBytes, toNumber } from './rows.js';
import type {
  ApiTokenTable,
  ApprovalTable,
  AppUserTable,
  Database,
  EnrolmentLinkTable,
  EnrolmentTable,
  OrganisationTable,
  PasskeyTable,
  PasswordCredentialTable,
  SessionTable,
  WebauthnChallengeTable,
} from './schema.js';

const jsonList = (text: string) => JSON.parse(text) as string[];

const toOrganisation = (row: Selectable<OrganisationTable>): OrganisationRecord => ({
  orgId: row.org_id,
  kind: row.kind,
  name: row.name,
  code: row.code,
  terminals: jsonList(row.terminals),
  createdAt: row.created_at,
});

const toUser = (row: Selectable<AppUserTable>): UserRecord => ({
  userId: row.user_id,
  orgId: row.org_id,
  username: row.username,
  displayName: row.display_name,
  roles: jsonList(row.roles),
  lockedAt: row.locked_at,
  createdAt: row.created_at,
  securityEpoch: row.security_epoch,
});

const toPasskey = (row: Selectable<PasskeyTable>): PasskeyRecord => ({
  credentialId: row.credential_id,
  userId: row.user_id,
  publicKey: toBytes(row.public_key),
  counter: toNumber(row.counter),
  transports: jsonList(row.transports),
  label: row.label,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

const toPasswordCredential = (row: Selectable<PasswordCredentialTable>): PasswordCredential => ({
  userId: row.user_id,
  passwordHash: row.password_hash,
  totpSecretSealed: row.totp_secret_sealed && toBytes(row.totp_secret_sealed),
  totpLastStep: toNumber(row.totp_last_step),
});

const toSession = (row: Selectable<SessionTable>): SessionRecord => ({
  idHash: toBytes(row.id_hash),
  userId: row.user_id,
  csrfToken: row.csrf_token,
  method: row.method,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
  stepUpAt: row.step_up_at,
  securityEpoch: row.security_epoch,
  revokedAt: row.revoked_at,
  ip: row.ip,
  userAgent: row.user_agent,
});

const toEnrolmentLink = (row: Selectable<EnrolmentLinkTable>): EnrolmentLinkRecord => ({
  tokenHash: toBytes(row.token_hash),
  userId: row.user_id,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
  issuedBy: row.issued_by,
});

const toEnrolment = (row: Selectable<EnrolmentTable>): EnrolmentRecord => ({
  enrolmentId: row.enrolment_id,
  userId: row.user_id,
  orgId: row.org_id,
  credentialId: row.credential_id,
  linkId: row.link_id,
  status: row.status,
  createdAt: row.created_at,
  ip: row.ip,
  userAgent: row.user_agent,
  aaguid: row.aaguid,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
  ...(row.began_at_auth_version === null ? {} : { beganAtAuthVersion: toNumber(row.began_at_auth_version) }),
});

const toApiToken = (row: Selectable<ApiTokenTable>): ApiTokenRecord => ({
  tokenId: row.token_id,
  tokenHash: toBytes(row.token_hash),
  orgId: row.org_id,
  permissions: jsonList(row.permissions),
  label: row.label,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

const toChallenge = (row: Selectable<WebauthnChallengeTable>): ChallengeRecord => ({
  challengeId: row.challenge_id,
  challenge: row.challenge,
  purpose: row.purpose,
  userId: row.user_id,
  expiresAt: row.expires_at,
});

const toApproval = (row: Selectable<ApprovalTable>): ApprovalRecord => ({
  requestId: row.request_id,
  kind: row.kind,
  subject: row.subject,
  status: row.status,
  requestedBy: row.requested_by,
  orgId: row.org_id,
  expiresAt: row.expires_at,
  view: JSON.parse(row.view) as JsonObject,
});

/** The order both databases sort paged text in (BINARY on SQLite, `collate "C"` on PostgreSQL): UTF-8 bytes. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** A page size, at least one row: a keyset page never reads the whole table (issue 13). */
const pageLimit = (limit: number) => Math.max(1, Math.trunc(limit));

/** The column each sortable list orders by (issue 14): every one backed by an index ending in the row's id. */
const USER_SORT: Record<UserSortColumn, string> = {
  username: 'username',
  displayName: 'display_name',
  createdAt: 'created_at',
};
const TOKEN_SORT: Record<ApiTokenSortColumn, string> = {
  createdAt: 'created_at',
  expiresAt: 'expires_at',
  label: 'label',
};
const ORGANISATION_SORT: Record<OrganisationSortColumn, string> = {
  code: 'code',
  name: 'name',
  createdAt: 'created_at',
};
const APPROVAL_SORT: Record<ApprovalSortColumn, string> = { expiresAt: 'expires_at', kind: 'kind' };

/** `text` as a LIKE pattern found anywhere in a value, its own `%`, `_` and `\` taken literally (escape `\`). */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Whether `column`, lower-cased, contains `text` lower-cased: the same on both databases for ASCII letters. */
const lowerContains = (column: string, text: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like ${containsPattern(text.toLowerCase())} escape '\\'`;

/** Whether a JSON list of names (roles, permissions) stored as text holds `name`. */
const jsonListHolds = (column: string, name: string) =>
  sql<boolean>`${sql.ref(column)} like ${containsPattern(JSON.stringify(name))} escape '\\'`;

/** The sort columns unique in their table (a username, an organisation's code). */
const UNIQUE_SORT_COLUMNS = new Set(['username', 'code']);

/**
 * One keyset page in a picked order (issue 14): by `column` then `idColumn`, both the same way, after the row
 * `sort.after` names, so that no row is skipped or shown twice whatever the rows share in that column.
 */
function sortedKeyset<DB, TB extends keyof DB, O>(
  select: SelectQueryBuilder<DB, TB, O>,
  column: string,
  idColumn: string,
  sort: ListSort<string>,
): SelectQueryBuilder<DB, TB, O> {
  const { after, direction } = sort;
  const op = sql.raw(direction === 'asc' ? '>' : '<');
  // A unique column orders the rows alone: its own unique index serves the page, the id adds nothing.
  const unique = UNIQUE_SORT_COLUMNS.has(column);
  if (after !== undefined) {
    select = select.where(
      unique
        ? sql<boolean>`${sql.ref(column)} ${op} ${after.key}`
        : sql<boolean>`(${sql.ref(column)}, ${sql.ref(idColumn)}) ${op} (${after.key}, ${after.id})`,
    );
  }
  select = select.orderBy(sql.ref(column), direction);
  return unique ? select : select.orderBy(sql.ref(idColumn), direction);
}

/**
 * SQL over the identity tables. Records are written with `put…` (insert, or replace the row of the same key); a
 * clash on another unique key (an organisation code, a username, a token hash) is the driver's unique violation,
 * which the store maps to `store.duplicate`. Passkeys are the exception: `addPasskey` only inserts (a credential id
 * is registered once, for one user), and `recordPasskeyUse` changes only the counter and time of use. The one-use operations are single conditional statements, so they
 * hold under concurrency without relying on the head lock. `db` may be a transaction.
 *
 * Listings are ordered: organisations by code, users by username, passkeys and API tokens by creation, approvals
 * by expiry (the most urgent first); ties by key.
 *
 * @example
 * const identity = createIdentityRepository({ db: trx });
 * if (await identity.acceptTotpStep('u-1', step)) { … }
 */
export function createIdentityRepository({ db }: { db: Kysely<Database> }) {
  return {
    async getOrganisation(orgId: string): Promise<OrganisationRecord | undefined> {
      const row = await db
        .selectFrom('organisation')
        .selectAll()
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return row && toOrganisation(row);
    },

    async findOrganisationByCode(code: string): Promise<OrganisationRecord | undefined> {
      const row = await db.selectFrom('organisation').selectAll().where('code', '=', code).executeTakeFirst();
      return row && toOrganisation(row);
    },

    async listOrganisations(where: OrganisationQuery = {}): Promise<OrganisationRecord[]> {
      if (where.orderBy === 'name' && where.kinds !== undefined && where.kinds.length > 1 && where.limit) {
        // A page of several kinds: one range of (kind, name, id) per kind, each stopped after the page, and the
        // first page of their union, rather than every organisation of those kinds sorted (issue 13).
        const pages = await Promise.all(
          where.kinds.map((kind) => this.listOrganisations({ ...where, kinds: [kind] })),
        );
        return pages
          .flat()
          .sort((a, b) => {
            const order = byteOrder(a.name, b.name) || byteOrder(a.orgId, b.orgId);
            return where.direction === 'desc' ? -order : order;
          })
          .slice(0, pageLimit(where.limit));
      }
      let select = db.selectFrom('organisation').selectAll();
      if (where.nameContains !== undefined) {
        const text = where.nameContains;
        select = select.where((eb) =>
          where.orderBy === 'name'
            ? lowerContains('name', text)
            : eb.or([lowerContains('name', text), lowerContains('code', text)]),
        );
      }
      if (where.orderBy === 'name') {
        if (where.kinds !== undefined) {
          if (where.kinds.length === 0) return [];
          select = select.where('kind', 'in', [...where.kinds]);
        }
        const { after } = where;
        select = sortedKeyset(select, 'name', 'org_id', {
          by: 'name',
          direction: where.direction ?? 'asc',
          ...(after === undefined ? {} : { after: { key: after.name, id: after.orgId } }),
        });
      } else {
        if (where.kind !== undefined) select = select.where('kind', '=', where.kind);
        if (where.sort !== undefined) {
          select = sortedKeyset(select, ORGANISATION_SORT[where.sort.by], 'org_id', where.sort);
        } else {
          // The code is unique: it orders the list alone.
          if (where.after !== undefined) select = select.where('code', '>', where.after.code);
          select = select.orderBy('code');
        }
      }
      if (where.limit !== undefined) select = select.limit(pageLimit(where.limit));
      const rows = await select.execute();
      return rows.map(toOrganisation);
    },

    async getUser(userId: string): Promise<UserRecord | undefined> {
      const row = await db
        .selectFrom('app_user')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && toUser(row);
    },

    async findUserByUsername(username: string): Promise<UserRecord | undefined> {
      const row = await db
        .selectFrom('app_user')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      return row && toUser(row);
    },

    async listUsers(where: UserQuery): Promise<UserRecord[]> {
      let select = db.selectFrom('app_user').selectAll();
      if (where.orgId !== undefined) select = select.where('org_id', '=', where.orgId);
      if (where.role !== undefined) select = select.where(jsonListHolds('roles', where.role));
      if (where.locked !== undefined) {
        select = select.where('locked_at', where.locked ? 'is not' : 'is', null);
      }
      if (where.nameContains !== undefined) {
        const text = where.nameContains;
        select = select.where((eb) =>
          eb.or([lowerContains('username', text), lowerContains('display_name', text)]),
        );
      }
      if (where.sort !== undefined) {
        select = sortedKeyset(select, USER_SORT[where.sort.by], 'user_id', where.sort);
      } else {
        if (where.afterUsername !== undefined) select = select.where('username', '>', where.afterUsername);
        select = select.orderBy('username');
      }
      if (where.limit !== undefined) select = select.limit(pageLimit(where.limit));
      return (await select.execute()).map(toUser);
    },

    async getPasswordCredential(userId: string): Promise<PasswordCredential | undefined> {
      const row = await db
        .selectFrom('password_credential')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && toPasswordCredential(row);
    },

    async listPasskeys(userId: string): Promise<PasskeyRecord[]> {
      const rows = await db
        .selectFrom('passkey')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('credential_id')
        .execute();
      return rows.map(toPasskey);
    },

    async getPasskey(credentialId: string): Promise<PasskeyRecord | undefined> {
      const row = await db
        .selectFrom('passkey')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return row && toPasskey(row);
    },

    async getSession(idHash: Uint8Array): Promise<SessionRecord | undefined> {
      const row = await db
        .selectFrom('session')
        .selectAll()
        .where('id_hash', '=', toBuffer(idHash))
        .executeTakeFirst();
      return row && toSession(row);
    },

    async getEnrolmentLink(tokenHash: Uint8Array): Promise<EnrolmentLinkRecord | undefined> {
      const row = await db
        .selectFrom('enrolment_link')
        .selectAll()
        .where('token_hash', '=', toBuffer(tokenHash))
        .executeTakeFirst();
      return row && toEnrolmentLink(row);
    },

    async getEnrolment(enrolmentId: string): Promise<EnrolmentRecord | undefined> {
      const row = await db
        .selectFrom('enrolment')
        .selectAll()
        .where('enrolment_id', '=', enrolmentId)
        .executeTakeFirst();
      return row && toEnrolment(row);
    },

    async findEnrolmentByCredential(credentialId: string): Promise<EnrolmentRecord | undefined> {
      const row = await db
        .selectFrom('enrolment')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row && toEnrolment(row);
    },

    async listEnrolments(where: {
      status?: EnrolmentRecord['status'];
      userId?: string;
    }): Promise<EnrolmentRecord[]> {
      let select = db.selectFrom('enrolment').selectAll();
      if (where.status !== undefined) select = select.where('status', '=', where.status);
      if (where.userId !== undefined) select = select.where('user_id', '=', where.userId);
      const rows = await select.orderBy('created_at').orderBy('enrolment_id').execute();
      return rows.map(toEnrolment);
    },

    async getApiToken(tokenHash: Uint8Array): Promise<ApiTokenRecord | undefined> {
      const row = await db
        .selectFrom('api_token')
        .selectAll()
        .where('token_hash', '=', toBuffer(tokenHash))
        .executeTakeFirst();
      return row && toApiToken(row);
    },

    async listApiTokens(where: ApiTokenQuery): Promise<ApiTokenRecord[]> {
      let select = db.selectFrom('api_token').selectAll();
      if (where.orgId !== undefined) select = select.where('org_id', '=', where.orgId);
      if (where.tokenId !== undefined) select = select.where('token_id', '=', where.tokenId);
      if (where.revoked !== undefined) {
        select = select.where('revoked_at', where.revoked ? 'is not' : 'is', null);
      }
      if (where.permission !== undefined)
        select = select.where(jsonListHolds('permissions', where.permission));
      const { after } = where;
      if (where.sort !== undefined) {
        select = sortedKeyset(select, TOKEN_SORT[where.sort.by], 'token_id', where.sort);
      } else {
        if (after !== undefined) {
          select = select.where(({ eb, refTuple, tuple }) =>
            eb(refTuple('created_at', 'token_id'), '>', tuple(after.createdAt, after.tokenId)),
          );
        }
        select = select.orderBy('created_at').orderBy('token_id');
      }
      if (where.limit !== undefined) select = select.limit(pageLimit(where.limit));
      return (await select.execute()).map(toApiToken);
    },

    async getApproval(requestId: string): Promise<ApprovalRecord | undefined> {
      const row = await db
        .selectFrom('approval')
        .selectAll()
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      return row && toApproval(row);
    },

    async listApprovals(where: ApprovalQuery): Promise<ApprovalRecord[]> {
      let select = db.selectFrom('approval').selectAll();
      if (where.status !== undefined) select = select.where('status', '=', where.status);
      if (where.orgId !== undefined) select = select.where('org_id', '=', where.orgId);
      if (where.requestedBy !== undefined) select = select.where('requested_by', '=', where.requestedBy);
      if (where.expiresAfter !== undefined) select = select.where('expires_at', '>', where.expiresAfter);
      if (where.expiresAtOrBefore !== undefined) {
        select = select.where('expires_at', '<=', where.expiresAtOrBefore);
      }
      if (where.kind !== undefined) select = select.where('kind', '=', where.kind);
      const { after } = where;
      if (where.sort !== undefined) {
        select = sortedKeyset(select, APPROVAL_SORT[where.sort.by], 'request_id', where.sort);
      } else {
        if (after !== undefined) {
          select = select.where(({ eb, refTuple, tuple }) =>
            eb(refTuple('expires_at', 'request_id'), '>', tuple(after.expiresAt, after.requestId)),
          );
        }
        select = select.orderBy('expires_at').orderBy('request_id');
      }
      if (where.limit !== undefined) select = select.limit(pageLimit(where.limit));
      return (await select.execute()).map(toApproval);
    },

    async loginFailures(key: string, since: string): Promise<string[]> {
      const rows = await db
        .selectFrom('login_failure')
        .select('at')
        .where('key', '=', key)
        .where('at', '>=', since)
        .orderBy('at')
        .execute();
      return rows.map((row) => row.at);
    },

    async putOrganisation(org: OrganisationRecord): Promise<void> {
      const values = {
        kind: org.kind,
        name: org.name,
        code: org.code,
        terminals: JSON.stringify(org.terminals),
        created_at: org.createdAt,
      };
      await db
        .insertInto('organisation')
        .values({ org_id: org.orgId, ...values })
        .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
        .execute();
    },

    async putUser(user: UserRecord): Promise<void> {
      const values = {
        org_id: user.orgId,
        username: user.username,
        display_name: user.displayName,
        roles: JSON.stringify(user.roles),
        locked_at: user.lockedAt,
        created_at: user.createdAt,
        security_epoch: user.securityEpoch,
      };
      await db
        .insertInto('app_user')
        .values({ user_id: user.userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    },

    async putPasswordCredential(credential: PasswordCredential): Promise<void> {
      const values = {
        password_hash: credential.passwordHash,
        totp_secret_sealed: credential.totpSecretSealed && toBuffer(credential.totpSecretSealed),
        totp_last_step: credential.totpLastStep,
      };
      await db
        .insertInto('password_credential')
        .values({ user_id: credential.userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    },

    /** Compare-and-set: one conditional update, accepted iff it changed the row. */
    async acceptTotpStep(userId: string, step: number): Promise<boolean> {
      const result = await db
        .updateTable('password_credential')
        .set({ totp_last_step: step })
        .where('user_id', '=', userId)
        .where('totp_last_step', '<', step)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /**
     * A plain insert: the credential id is the primary key, so a second registration of it (for the same user or
     * another) is the driver's unique violation, `store.duplicate`. It used to be an upsert, which let a second
     * registration re-point a credential id to another user and replace its public key.
     */
    async addPasskey(passkey: PasskeyRecord): Promise<void> {
      await db
        .insertInto('passkey')
        .values({
          credential_id: passkey.credentialId,
          user_id: passkey.userId,
          public_key: toBuffer(passkey.publicKey),
          counter: passkey.counter,
          transports: JSON.stringify(passkey.transports),
          label: passkey.label,
          created_at: passkey.createdAt,
          last_used_at: passkey.lastUsedAt,
        })
        .execute();
    },

    async recordPasskeyUse(
      credentialId: string,
      use: { counter: number; lastUsedAt: string },
    ): Promise<void> {
      await db
        .updateTable('passkey')
        .set({ counter: use.counter, last_used_at: use.lastUsedAt })
        .where('credential_id', '=', credentialId)
        .execute();
    },

    async removePasskey(credentialId: string): Promise<void> {
      await db.deleteFrom('passkey').where('credential_id', '=', credentialId).execute();
    },

    async putSession(session: SessionRecord): Promise<void> {
      const values = {
        user_id: session.userId,
        csrf_token: session.csrfToken,
        method: session.method,
        created_at: session.createdAt,
        last_seen_at: session.lastSeenAt,
        expires_at: session.expiresAt,
        step_up_at: session.stepUpAt,
        security_epoch: session.securityEpoch,
        revoked_at: session.revokedAt,
        ip: session.ip,
        user_agent: session.userAgent,
      };
      await db
        .insertInto('session')
        .values({ id_hash: toBuffer(session.idHash), ...values })
        .onConflict((oc) => oc.column('id_hash').doUpdateSet(values))
        .execute();
    },

    /** Revokes the user's live sessions; revoked and expired ones keep what they have. */
    async revokeUserSessions(userId: string, at: string): Promise<void> {
      await db
        .updateTable('session')
        .set({ revoked_at: at })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at)
        .execute();
    },

    async putEnrolmentLink(link: EnrolmentLinkRecord): Promise<void> {
      const values = {
        user_id: link.userId,
        expires_at: link.expiresAt,
        used_at: link.usedAt,
        issued_by: link.issuedBy,
      };
      await db
        .insertInto('enrolment_link')
        .values({ token_hash: toBuffer(link.tokenHash), ...values })
        .onConflict((oc) => oc.column('token_hash').doUpdateSet(values))
        .execute();
    },

    /** One conditional update: of two concurrent consumers, the second finds the link used. */
    async consumeEnrolmentLink(tokenHash: Uint8Array, at: string): Promise<EnrolmentLinkRecord | undefined> {
      const row = await db
        .updateTable('enrolment_link')
        .set({ used_at: at })
        .where('token_hash', '=', toBuffer(tokenHash))
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .returningAll()
        .executeTakeFirst();
      return row && toEnrolmentLink(row);
    },

    async putEnrolment(enrolment: EnrolmentRecord): Promise<void> {
      const values = {
        user_id: enrolment.userId,
        org_id: enrolment.orgId,
        credential_id: enrolment.credentialId,
        link_id: enrolment.linkId,
        status: enrolment.status,
        created_at: enrolment.createdAt,
        ip: enrolment.ip,
        user_agent: enrolment.userAgent,
        aaguid: enrolment.aaguid,
        decided_by: enrolment.decidedBy,
        decided_at: enrolment.decidedAt,
        began_at_auth_version: enrolment.beganAtAuthVersion ?? null,
      };
      await db
        .insertInto('enrolment')
        .values({ enrolment_id: enrolment.enrolmentId, ...values })
        .onConflict((oc) => oc.column('enrolment_id').doUpdateSet(values))
        .execute();
    },

    async putApiToken(token: ApiTokenRecord): Promise<void> {
      const values = {
        token_hash: toBuffer(token.tokenHash),
        org_id: token.orgId,
        permissions: JSON.stringify(token.permissions),
        label: token.label,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        revoked_at: token.revokedAt,
        last_used_at: token.lastUsedAt,
      };
      await db
        .insertInto('api_token')
        .values({ token_id: token.tokenId, ...values })
        .onConflict((oc) => oc.column('token_id').doUpdateSet(values))
        .execute();
    },

    async putChallenge(challenge: ChallengeRecord): Promise<void> {
      const values = {
        challenge: challenge.challenge,
        purpose: challenge.purpose,
        user_id: challenge.userId,
        expires_at: challenge.expiresAt,
      };
      await db
        .insertInto('webauthn_challenge')
        .values({ challenge_id: challenge.challengeId, ...values })
        .onConflict((oc) => oc.column('challenge_id').doUpdateSet(values))
        .execute();
    },

    /** Deletes the challenge whatever its age (an expired one is of no further use) and returns it if live. */
    async takeChallenge(challengeId: string, at: string): Promise<ChallengeRecord | undefined> {
      const row = await db
        .deleteFrom('webauthn_challenge')
        .where('challenge_id', '=', challengeId)
        .returningAll()
        .executeTakeFirst();
      return row && row.expires_at > at ? toChallenge(row) : undefined;
    },

    async putApproval(approval: ApprovalRecord): Promise<void> {
      const values = {
        kind: approval.kind,
        subject: approval.subject,
        status: approval.status,
        requested_by: approval.requestedBy,
        org_id: approval.orgId,
        expires_at: approval.expiresAt,
        view: JSON.stringify(approval.view),
      };
      await db
        .insertInto('approval')
        .values({ request_id: approval.requestId, ...values })
        .onConflict((oc) => oc.column('request_id').doUpdateSet(values))
        .execute();
    },

    async recordLoginFailure(key: string, at: string): Promise<void> {
      await db.insertInto('login_failure').values({ key, at }).execute();
    },

    async clearLoginFailures(key: string): Promise<void> {
      await db.deleteFrom('login_failure').where('key', '=', key).execute();
    },
  };
}

export type IdentityRepository = ReturnType<typeof createIdentityRepository>;
