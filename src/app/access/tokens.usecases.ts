import { encodeHex } from '../../audit/index.js';
/**
 * API tokens of machine clients: EDI feeds (COPARN, COARRI, CODECO, COPINO) and DCSA subscribers (issue 3,
 * machine clients). A token belongs to one organisation and carries a list of permissions from the policy table,
 * never roles; it is shown once, stored as its SHA-256, expires and can be revoked. Creating, revoking and using
 * one are auth events in the audit log.
 */
import {
  approvalPolicy,
  isPermission,
  mayRoleDo,
  type OrgKind,
  type Permission,
  permissions,
  rolesFor,
} from '../../domain/index.js';
import { raiseReadModelAlert } from '../alerts/index.js';
import { AppError } from '../errors.js';
import type { WriteContext } from '../ledger/index.js';
import type { JsonObject, StoredEvent } from '../ports.js';
import type { AuthDeps, RequestMeta } from './auth.usecases.js';
import type { ApiTokenQuery, ApiTokenRecord } from './identity.ports.js';

/** Every token starts with this, so that secret scanners and log filters recognise a leaked one. */
export const API_TOKEN_PREFIX = 'plt_';

export const API_TOKEN_DEFAULT_DAYS = 90;
export const API_TOKEN_MAX_DAYS = 365;

/** A use is recorded at most once per token per minute: a feed polling every second must not flood the log. */
const USE_RECORD_INTERVAL_MS = 60_000;

const DAY_MS = 24 * 60 * 60_000;

// 32 random bytes are 43 base64url characters.
const TOKEN_SHAPE = /^plt_[A-Za-z0-9_-]{43}$/;

/**
 * Permissions no token carries, whatever its organisation's roles could do: a machine cannot step up with a
 * passkey, so it cannot approve; it is no person, so it cannot ask a second person for anything (a request names
 * its requester, who alone may withdraw it) nor manage its own passkeys; and it does not administer, because a
 * leaked token must not mint organisations, users or further tokens.
 */
const PERSON_ONLY: ReadonlySet<Permission> = new Set<Permission>([
  'approval.read',
  'approval.decide',
  'account.passkeys.manage',
  'org.manage',
  'user.manage',
  'token.manage',
  // A driver's phone is a person's: a machine neither enrols one nor, without a passkey step-up, confirms one.
  'driver.device.enrol',
  'driver.device.confirm',
  // Confirming a passkey enrolment vouches for a person, with the code they read out and a step-up.
  'enrolment.confirm',
  ...Object.values(approvalPolicy).map((rule) => rule.requestPermission),
]);

/**
 * The permissions a token of an organisation of `orgKind` may carry: those some role the kind may hold is granted
 * by the policy table (`mayRoleDo`), less the {@link PERSON_ONLY} ones.
 *
 * @example
 * ```ts
 * tokenPermissionsFor('shipping_line').includes('visit.announce'); // true
 * tokenPermissionsFor('shipping_line').includes('visit.position.read'); // false: terminal staff only
 * ```
 */
export function tokenPermissionsFor(orgKind: OrgKind): Permission[] {
  const roles = rolesFor(orgKind);
  return permissions.filter(
    (permission) =>
      !PERSON_ONLY.has(permission) && roles.some((role) => mayRoleDo(role, permission, orgKind)),
  );
}

/** A token as administrators see it: never the token, never its hash. */
export interface ApiTokenView {
  readonly tokenId: string;
  readonly orgId: string;
  readonly permissions: string[];
  readonly label: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** Who a bearer request is: an organisation and the permissions of its token. */
export interface ApiTokenPrincipal {
  readonly tokenId: string;
  readonly orgId: string;
  readonly orgKind: OrgKind;
  /** Terminals the organisation runs (terminal operators only). */
  readonly terminals: readonly string[];
  readonly permissions: readonly Permission[];
}

const tokenStream = (tokenId: string) => `token-${tokenId}`;

/**
 * What the log records of a token's secret: a digest of the stored hash under its own label, so that the log
 * never holds the hash the store looks tokens up by, yet a hash swapped in the database no longer matches.
 */
function tokenHashDigest(deps: AuthDeps, tokenHash: Uint8Array): string {
  return encodeHex(deps.security.tokens.hash(`portledger api token v1\n${encodeHex(tokenHash)}`));
}
// One stream per token and minute: the store refuses a second `TokenUsed` in the same minute by construction.
const tokenUseStream = (tokenId: string, at: Date) =>
  `token-${tokenId}-used-${at.toISOString().slice(0, 16)}`;

export const apiTokenView = (record: ApiTokenRecord): ApiTokenView => ({
  tokenId: record.tokenId,
  orgId: record.orgId,
  permissions: [...record.permissions],
  label: record.label,
  createdAt: record.createdAt,
  expiresAt: record.expiresAt,
  revokedAt: record.revokedAt,
  lastUsedAt: record.lastUsedAt,
});

function checkPermissions(orgKind: OrgKind, requested: readonly string[]): Permission[] {
  if (requested.length === 0) throw new AppError('input.invalid', 'a token needs at least one permission');
  if (new Set(requested).size !== requested.length) {
    throw new AppError('input.invalid', 'a permission is listed twice');
  }
  const allowed = tokenPermissionsFor(orgKind);
  for (const permission of requested) {
    if (!isPermission(permission) || !allowed.includes(permission)) {
      throw new AppError(
        'token.permission_not_allowed',
        isPermission(permission)
          ? `a token of a ${orgKind} may not carry ${permission}`
          : `no such permission: ${permission.slice(0, 60)}`,
        { permission: permission.slice(0, 60), allowed },
      );
    }
  }
  return requested as Permission[];
}

function checkDays(value: number | undefined): number {
  const days = value ?? API_TOKEN_DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > API_TOKEN_MAX_DAYS) {
    throw new AppError('input.invalid', `a token lives 1 to ${API_TOKEN_MAX_DAYS} days`, { days });
  }
  return days;
}

/**
 * Creates a token for one organisation. The returned `token` is the only copy: the store keeps its SHA-256.
 *
 * @example
 * ```ts
 * const { token } = await createApiToken(auth, {
 *   orgId: 'msc', permissions: ['visit.announce', 'visit.read'], label: 'COPARN feed', createdBy: 'u-admin',
 * });
 * // token === 'plt_…', sent as `Authorization: Bearer plt_…`
 * ```
 */
export async function createApiToken(
  deps: AuthDeps,
  input: {
    orgId: string;
    permissions: readonly string[];
    label?: string;
    expiresInDays?: number;
    createdBy: string;
  },
): Promise<{ token: string; apiToken: ApiTokenView }> {
  const days = checkDays(input.expiresInDays);
  const label = (input.label ?? '').trim().slice(0, 100) || 'API token';
  const token = `${API_TOKEN_PREFIX}${deps.security.tokens.newToken(32)}`;
  const tokenId = `tok_${deps.security.tokens.newToken(12)}`;
  return deps.ledger.write(async (context) => {
    const { tx, now } = context;
    const org = await tx.identity.getOrganisation(input.orgId);
    if (!org) throw new AppError('input.invalid', `no organisation ${input.orgId}`);
    const granted = checkPermissions(org.kind as OrgKind, input.permissions);
    const record: ApiTokenRecord = {
      tokenId,
      tokenHash: deps.security.tokens.hash(token),
      orgId: org.orgId,
      permissions: granted,
      label,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await tx.identity.putApiToken(record);
    await context.append(tokenStream(tokenId), 0, [
      {
        type: 'TokenCreated',
        data: {
          tokenId,
          orgId: org.orgId,
          permissions: [...granted],
          label,
          hashDigest: tokenHashDigest(deps, record.tokenHash),
          expiresAt: record.expiresAt,
          createdBy: input.createdBy,
          at: record.createdAt,
        },
      },
    ]);
    return { token, apiToken: apiTokenView(record) };
  });
}

/**
 * Revokes a token at once: its next request gets 401.
 *
 * @example
 * ```ts
 * await revokeApiToken(auth, { tokenId: 'tok_x1', revokedBy: 'u-admin' });
 * ```
 */
export async function revokeApiToken(
  deps: AuthDeps,
  input: { tokenId: string; revokedBy: string },
): Promise<ApiTokenView> {
  return deps.ledger.write(async (context) => {
    const { tx, now } = context;
    // By id: reading every token ever issued to find one grew with the history (issue 13).
    const [record] = await tx.identity.listApiTokens({ tokenId: input.tokenId });
    if (!record) throw new AppError('token.not_found', `no API token ${input.tokenId}`);
    if (record.revokedAt !== null) {
      throw new AppError(
        'token.already_revoked',
        `API token ${input.tokenId} was revoked at ${record.revokedAt}`,
      );
    }
    const revoked = { ...record, revokedAt: now.toISOString() };
    await tx.identity.putApiToken(revoked);
    const stream = tokenStream(record.tokenId);
    const version = (await tx.readStream(stream)).length;
    await context.append(stream, version, [
      {
        type: 'TokenRevoked',
        data: {
          tokenId: record.tokenId,
          orgId: record.orgId,
          revokedBy: input.revokedBy,
          at: revoked.revokedAt,
        },
      },
    ]);
    return apiTokenView(revoked);
  });
}

/**
 * The tokens, of one organisation or all, oldest first.
 *
 * @example
 * ```ts
 * const live = (await listApiTokens(auth, { orgId: 'msc' })).filter((t) => t.revokedAt === null);
 * ```
 */
export async function listApiTokens(deps: AuthDeps, where: ApiTokenQuery): Promise<ApiTokenView[]> {
  return (await deps.ledger.store.identity.listApiTokens(where)).map(apiTokenView);
}

/**
 * Checks the token of an `Authorization: Bearer` header: well-formed, known, not revoked, not expired, of an
 * organisation that exists. Returns the principal, or `undefined` for every kind of refusal alike. A use is
 * recorded as a `TokenUsed` auth event at most once per token per minute, with the route, IP and user agent.
 *
 * The permissions are those the token was given that its organisation's kind may still carry, so that a
 * narrower policy table takes effect on live tokens too.
 *
 * @example
 * ```ts
 * const principal = await authenticateApiToken(auth, { token, route: 'GET /v1/visits', meta });
 * ```
 */
export async function authenticateApiToken(
  deps: AuthDeps,
  input: {
    token: string;
    route: string;
    meta: RequestMeta;
  },
): Promise<ApiTokenPrincipal | undefined> {
  if (!TOKEN_SHAPE.test(input.token)) return undefined;
  const tokenHash = deps.security.tokens.hash(input.token);
  const reads = deps.ledger.store.identity;
  const record = await reads.getApiToken(tokenHash);
  const now = deps.ledger.clock.now();
  if (!record || record.revokedAt !== null || record.expiresAt <= now.toISOString()) return undefined;
  const org = await reads.getOrganisation(record.orgId);
  if (!org) return undefined;
  const differs = tokenDiffersFromLog(
    record,
    await deps.ledger.store.readStream(tokenStream(record.tokenId)),
    tokenHashDigest(deps, record.tokenHash),
    deps.logLostEntries?.() ?? false,
  );
  if (differs) {
    // Refused as an unknown token; the security staff are told which row the log does not back.
    await deps.ledger.write((context) =>
      raiseReadModelAlert(context, {
        table: 'api_token',
        key: record.tokenId,
        field: differs.field,
        reason: differs.reason,
        code: 'auth.token_not_in_log',
      }),
    );
    return undefined;
  }
  if (isUseDue(record, now)) {
    await deps.ledger.write((context) => recordUse(context, tokenHash, input));
  }
  const allowed = tokenPermissionsFor(org.kind as OrgKind);
  return {
    tokenId: record.tokenId,
    orgId: org.orgId,
    orgKind: org.kind as OrgKind,
    terminals: [...org.terminals],
    permissions: allowed.filter((permission) => record.permissions.includes(permission)),
  };
}

/**
 * The token row set against its `token-<id>` stream. A row whose organisation, permissions, secret or expiry
 * differ from what the log created, or that the log revoked, was edited by hand. A row the log never created was inserted by
 * hand (the outside attacker of issue 12 inserted one), unless the integrity watch found that the log lost entries
 * (a rollback or a fork, which it, the monitor and the witnesses name): then the log cannot say which tokens were
 * made in what it lost, and refusing them would only blind the defenders' own tools, such as the alert.read token
 * they read the rollback's alert with. Returns what differs, or `undefined` when the row stands.
 */
function tokenDiffersFromLog(
  record: ApiTokenRecord,
  stream: readonly StoredEvent[],
  hashDigest: string,
  logLostEntries: boolean,
): { field: string; reason: string } | undefined {
  const created = stream.find((event) => event.type === 'TokenCreated')?.data;
  if (!created) {
    return logLostEntries
      ? undefined
      : { field: 'token_id', reason: `token ${record.tokenId} was never created in the log` };
  }
  if (created.orgId !== record.orgId) {
    return {
      field: 'org_id',
      reason: `the log created it for ${String(created.orgId)}, the table has ${record.orgId}`,
    };
  }
  const logged = new Set(Array.isArray(created.permissions) ? created.permissions.map(String) : []);
  const added = record.permissions.filter((permission) => !logged.has(permission));
  if (added.length > 0) {
    return {
      field: 'permissions',
      reason: `the table adds ${added.join(', ')}, which the log never granted`,
    };
  }
  // Tokens made before the log recorded the digest have none to compare.
  if (created.hashDigest !== undefined && created.hashDigest !== hashDigest) {
    return {
      field: 'token_hash',
      reason: `the secret of token ${record.tokenId} is not the one the log created`,
    };
  }
  if (created.expiresAt !== record.expiresAt) {
    return { field: 'expires_at', reason: `the log has it expire at ${String(created.expiresAt)}` };
  }
  if (stream.some((event) => event.type === 'TokenRevoked')) {
    return { field: 'revoked_at', reason: `the log revoked token ${record.tokenId}` };
  }
  return undefined;
}

const isUseDue = (record: ApiTokenRecord, now: Date) =>
  record.lastUsedAt === null || Date.parse(record.lastUsedAt) + USE_RECORD_INTERVAL_MS <= now.getTime();

async function recordUse(
  context: WriteContext,
  tokenHash: Uint8Array,
  input: { route: string; meta: RequestMeta },
): Promise<void> {
  const { tx, now } = context;
  // Read again under the write lock: another request may have recorded this minute's use meanwhile.
  const record = await tx.identity.getApiToken(tokenHash);
  if (!record || record.revokedAt !== null || !isUseDue(record, now)) return;
  await tx.identity.putApiToken({ ...record, lastUsedAt: now.toISOString() });
  const data: JsonObject = {
    tokenId: record.tokenId,
    orgId: record.orgId,
    route: input.route.slice(0, 200),
    ip: input.meta.ip,
    userAgent: input.meta.userAgent.slice(0, 300),
    at: now.toISOString(),
  };
  await context.append(tokenUseStream(record.tokenId, now), 0, [{ type: 'TokenUsed', data }]);
}
