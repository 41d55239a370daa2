import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type {
  ApiTokenSortColumn,
  OrganisationRecord,
  OrganisationSortColumn,
  UserRecord,
  UserSortColumn,
} from '../app/access/identity.ports.js';
import {
  API_TOKEN_DEFAULT_DAYS,
  API_TOKEN_MAX_DAYS,
  addOrganisation,
  addUser,
  createApiToken,
  issueEnrolmentLink,
  listApiTokens,
  type OrganisationNetworks,
  organisationNetworks,
  requestApproval,
  requireStepUp,
  revokeApiToken,
  setOrganisationNetworks,
} from '../app/access/index.js';
import { AppError } from '../app/errors.js';
import { checkRoles, MAX_DECLARED_NETWORKS, type OrgKind, orgKinds, roles } from '../domain/index.js';
import { ApprovalSchema, approvalView } from './approval.routes.js';
import { requireAuth } from './auth.plugin.js';
import { CsvFormat, sendCsv, wantsCsv } from './csv.js';
import type { HttpDeps } from './deps.js';
import { Contains, csvPages, listSortOf, sortedPageOf, sortQuery, YesNo, yesNo } from './list-sort.js';
import { NextCursor, pageQuery } from './page-cursor.js';
import { problemResponses } from './schemas.js';

/** Organisations, users and tokens per page when the caller names no limit, and the most one page holds (issue 13). */
export const DEFAULT_ADMIN_PAGE = 200;
export const MAX_ADMIN_PAGE = 500;

const Id = (description: string) =>
  Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:~-]+$', description });

const OrganisationSchema = Type.Object({
  orgId: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  code: Type.String(),
  terminals: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});

const NetworkSchema = Type.Object({
  cidr: Type.String({
    minLength: 1,
    maxLength: 60,
    description:
      'An IPv4 or IPv6 range in CIDR notation, no bits set past the prefix (192.0.2.0/24, 2001:db8:1::/48)',
  }),
  place: Type.String({ minLength: 1, maxLength: 100, description: 'Where the office is, in words' }),
  lat: Type.Number({ minimum: -90, maximum: 90, description: 'Latitude in degrees (WGS 84)' }),
  lon: Type.Number({ minimum: -180, maximum: 180, description: 'Longitude in degrees (WGS 84)' }),
});

const OrganisationNetworksSchema = Type.Object({
  orgId: Type.String(),
  networks: Type.Array(NetworkSchema),
  setBy: Type.Union([Type.String(), Type.Null()], { description: 'Who declared the list; null before any' }),
  setAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const UserSchema = Type.Object({
  userId: Type.String(),
  orgId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  lockedAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

const EnrolmentLinkSchema = Type.Object({
  url: Type.String({ description: 'One-time link `<public URL>/enrol#token=…`: hand it to the user only' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

const ApiTokenSchema = Type.Object({
  tokenId: Type.String(),
  orgId: Type.String(),
  permissions: Type.Array(Type.String()),
  label: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  422: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

const ORGANISATION_SORTS: readonly OrganisationSortColumn[] = ['code', 'name', 'createdAt'];
const USER_SORTS: readonly UserSortColumn[] = ['username', 'displayName', 'createdAt'];
const TOKEN_SORTS: readonly ApiTokenSortColumn[] = ['createdAt', 'expiresAt', 'label'];

const ORGANISATION_CSV_HEADER = ['orgId', 'code', 'name', 'kind', 'terminals', 'createdAt'];
const USER_CSV_HEADER = ['userId', 'username', 'displayName', 'orgId', 'roles', 'lockedAt', 'createdAt'];
const TOKEN_CSV_HEADER = [
  'tokenId',
  'orgId',
  'label',
  'permissions',
  'createdAt',
  'expiresAt',
  'revokedAt',
  'lastUsedAt',
];

const organisationView = (org: OrganisationRecord) => ({
  orgId: org.orgId,
  kind: org.kind,
  name: org.name,
  code: org.code,
  terminals: [...org.terminals],
  createdAt: org.createdAt,
});

const userView = (user: UserRecord) => ({
  userId: user.userId,
  orgId: user.orgId,
  username: user.username,
  displayName: user.displayName,
  roles: [...user.roles],
  lockedAt: user.lockedAt,
  createdAt: user.createdAt,
});

/**
 * Port administration: organisations, users, enrolment links, two-person role grants and passkey resets, API
 * tokens. Every route's access comes from the policy table; nothing here reads cargo data.
 */
export function adminRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const { auth } = deps;
  const identity = auth.ledger.store.identity;
  const enrolmentUrl = (token: string) => `${deps.publicUrl.replace(/\/+$/, '')}/enrol#token=${token}`;

  return async (app) => {
    app.get(
      '/v1/admin/orgs',
      {
        config: { access: 'org.manage' },
        schema: {
          tags: ['admin'],
          summary: 'Organisations, filtered and sorted (by code unless asked), one page at a time, or as CSV',
          querystring: Type.Object({
            kind: Type.Optional(Type.Union(orgKinds.map((kind) => Type.Literal(kind)))),
            name: Contains('Only organisations whose name or code contains this text (any case)'),
            ...sortQuery(ORGANISATION_SORTS, 'code'),
            ...pageQuery({ max: MAX_ADMIN_PAGE, default: DEFAULT_ADMIN_PAGE, rows: 'Organisations' }),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({ organisations: Type.Array(OrganisationSchema), nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { kind, name, limit = DEFAULT_ADMIN_PAGE } = request.query;
        const pageAfter = async (cursor: string | undefined) => {
          const sort = listSortOf<OrganisationSortColumn>({ ...request.query, cursor }, 'code');
          const rows = await identity.listOrganisations({
            ...(kind === undefined ? {} : { kind }),
            ...(name === undefined ? {} : { nameContains: name }),
            sort,
            limit: limit + 1,
          });
          return sortedPageOf(
            rows,
            limit,
            sort,
            (org, by) => org[by],
            (org) => org.orgId,
          );
        };
        const first = await pageAfter(request.query.cursor);
        if (!wantsCsv(request)) {
          return { organisations: first.page.map(organisationView), nextCursor: first.nextCursor };
        }
        return sendCsv(
          reply,
          'organisations.csv',
          ORGANISATION_CSV_HEADER,
          csvPages(first, pageAfter, (org) => [
            org.orgId,
            org.code,
            org.name,
            org.kind,
            org.terminals.join(' '),
            org.createdAt,
          ]),
        );
      },
    );

    app.post(
      '/v1/admin/orgs',
      {
        config: { access: 'org.manage' },
        schema: {
          tags: ['admin'],
          summary: 'Register an organisation',
          body: Type.Object({
            orgId: Id('Stable id of the organisation'),
            kind: Type.Union(orgKinds.map((kind) => Type.Literal(kind))),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            code: Type.String({
              minLength: 1,
              maxLength: 10,
              description: "Carrier code, SCAC or the party's own code",
            }),
            terminals: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 12 }), {
                maxItems: 50,
                description: 'Terminal codes a terminal operator runs',
              }),
            ),
          }),
          response: { 201: OrganisationSchema, ...errors },
        },
      },
      async (request, reply) => {
        requireAuth(request);
        const org = await addOrganisation(auth, request.body);
        return reply.code(201).send(organisationView(org));
      },
    );

    const networksOf = (value: OrganisationNetworks) => ({
      orgId: value.orgId,
      networks: value.networks.map((n) => ({ cidr: n.cidr, place: n.place, lat: n.lat, lon: n.lon })),
      setBy: value.setBy,
      setAt: value.setAt,
    });

    app.get(
      '/v1/admin/orgs/:orgId/networks',
      {
        config: { access: 'org.manage' },
        schema: {
          tags: ['admin'],
          summary:
            "The client networks the organisation declared (its offices' IP ranges and where they are), as the detection engine places sign-ins by them",
          params: Type.Object({ orgId: Id('The organisation') }),
          response: { 200: OrganisationNetworksSchema, ...errors },
        },
      },
      async (request) => networksOf(await organisationNetworks(auth, request.params.orgId)),
    );

    app.put(
      '/v1/admin/orgs/:orgId/networks',
      {
        config: { access: 'org.manage' },
        schema: {
          tags: ['admin'],
          summary:
            "Declare the organisation's client networks, replacing the list before (an OrganisationNetworksSet event): a sign-in from elsewhere is new to the detection engine, and two sign-ins from places farther apart than a plane flies in between are impossible travel (issue 15)",
          params: Type.Object({ orgId: Id('The organisation') }),
          body: Type.Object({
            networks: Type.Array(NetworkSchema, {
              maxItems: MAX_DECLARED_NETWORKS,
              description: 'The whole list; an empty list withdraws every declaration',
            }),
          }),
          response: { 200: OrganisationNetworksSchema, ...errors },
        },
      },
      async (request) => {
        const admin = requireAuth(request);
        // The list decides which sign-ins look like someone else's: a write as sensitive as a user's.
        requireStepUp(auth, admin);
        return networksOf(
          await setOrganisationNetworks(auth, {
            orgId: request.params.orgId,
            networks: request.body.networks,
            by: admin.user.userId,
          }),
        );
      },
    );

    app.get(
      '/v1/admin/users',
      {
        config: { access: 'user.manage' },
        schema: {
          tags: ['admin'],
          summary:
            'Users, of one organisation or all, filtered and sorted (by username unless asked), one page at a time, or as CSV',
          querystring: Type.Object({
            orgId: Type.Optional(Id('Only this organisation')),
            role: Type.Optional(Type.Union(roles.map((role) => Type.Literal(role)))),
            locked: YesNo('Only locked users (true) or only users who may log in (false)'),
            name: Contains('Only users whose username or display name contains this text (any case)'),
            ...sortQuery(USER_SORTS, 'username'),
            ...pageQuery({ max: MAX_ADMIN_PAGE, default: DEFAULT_ADMIN_PAGE, rows: 'Users' }),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({ users: Type.Array(UserSchema), nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { orgId, role, name, limit = DEFAULT_ADMIN_PAGE } = request.query;
        const locked = yesNo(request.query.locked);
        const pageAfter = async (cursor: string | undefined) => {
          const sort = listSortOf<UserSortColumn>({ ...request.query, cursor }, 'username');
          const rows = await identity.listUsers({
            ...(orgId === undefined ? {} : { orgId }),
            ...(role === undefined ? {} : { role }),
            ...(locked === undefined ? {} : { locked }),
            ...(name === undefined ? {} : { nameContains: name }),
            sort,
            limit: limit + 1,
          });
          return sortedPageOf(
            rows,
            limit,
            sort,
            (user, by) => user[by],
            (user) => user.userId,
          );
        };
        const first = await pageAfter(request.query.cursor);
        if (!wantsCsv(request)) return { users: first.page.map(userView), nextCursor: first.nextCursor };
        return sendCsv(
          reply,
          'users.csv',
          USER_CSV_HEADER,
          csvPages(first, pageAfter, (user) => [
            user.userId,
            user.username,
            user.displayName,
            user.orgId,
            user.roles.join(' '),
            user.lockedAt,
            user.createdAt,
          ]),
        );
      },
    );

    app.post(
      '/v1/admin/users',
      {
        config: { access: 'user.manage' },
        schema: {
          tags: ['admin'],
          summary: 'Register a user, issue their one-time enrolment link, and ask for their roles',
          description:
            'Granting a role needs two people, at registration too: the user is registered without roles and each role becomes a two-person role-grant request that another administrator approves. Roles must be ones the organisation kind may hold. Needs a passkey step-up.',
          body: Type.Object({
            userId: Type.Optional(Id('Defaults to a random id')),
            orgId: Id('The organisation the user belongs to'),
            username: Type.String({ minLength: 2, maxLength: 64 }),
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            roles: Type.Array(Type.Union(roles.map((role) => Type.Literal(role))), {
              minItems: 1,
              maxItems: 10,
            }),
          }),
          response: {
            201: Type.Object({
              user: UserSchema,
              enrolment: EnrolmentLinkSchema,
              roleRequests: Type.Array(Type.Object({ requestId: Type.String(), role: Type.String() })),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const admin = requireAuth(request);
        requireStepUp(auth, admin);
        const org = await identity.getOrganisation(request.body.orgId);
        if (!org) throw new AppError('input.invalid', `no organisation ${request.body.orgId}`);
        // Refuse roles the organisation may not hold before registering anyone.
        const wanted = checkRoles(org.kind as OrgKind, request.body.roles);
        const added = await addUser(auth, {
          ...request.body,
          roles: [],
          userId: request.body.userId ?? `u-${auth.security.tokens.newToken(9)}`,
          issuedBy: admin.user.userId,
        });
        const roleRequests = [];
        for (const role of wanted) {
          const requested = await requestApproval(auth, admin, {
            kind: 'role.grant',
            subject: added.user.userId,
            change: { role },
          });
          roleRequests.push({ requestId: requested.requestId, role });
        }
        return reply.code(201).send({
          user: userView(added.user),
          enrolment: { url: enrolmentUrl(added.enrolmentToken), expiresAt: added.enrolmentExpiresAt },
          roleRequests,
        });
      },
    );

    app.post(
      '/v1/admin/users/:userId/enrolment-link',
      {
        config: { access: 'user.manage' },
        schema: {
          tags: ['admin'],
          summary: 'Issue a new one-time enrolment link (it replaces the live one)',
          params: Type.Object({ userId: Id('The user') }),
          response: { 201: EnrolmentLinkSchema, ...errors },
        },
      },
      async (request, reply) => {
        const admin = requireAuth(request);
        const link = await issueEnrolmentLink(auth, {
          userId: request.params.userId,
          issuedBy: admin.user.userId,
        });
        return reply.code(201).send({ url: enrolmentUrl(link.token), expiresAt: link.expiresAt });
      },
    );

    app.post(
      '/v1/admin/users/:userId/role-grants',
      {
        config: { access: 'role.grant.request' },
        schema: {
          tags: ['admin'],
          summary: 'Ask for a role to be granted: applied only when a second administrator approves',
          params: Type.Object({ userId: Id('The user') }),
          body: Type.Object({ role: Type.Union(roles.map((role) => Type.Literal(role))) }),
          response: { 202: ApprovalSchema, ...errors },
        },
      },
      async (request, reply) => {
        const admin = requireAuth(request);
        // Asking for a two-person change is itself sensitive: it needs a fresh passkey assertion.
        requireStepUp(auth, admin);
        const requested = await requestApproval(auth, admin, {
          kind: 'role.grant',
          subject: request.params.userId,
          change: { role: request.body.role },
        });
        return reply.code(202).send(await approvalView(identity, requested, auth.ledger.clock.now()));
      },
    );

    app.post(
      '/v1/admin/users/:userId/passkey-resets',
      {
        config: { access: 'passkeys.reset.request' },
        schema: {
          tags: ['admin'],
          summary:
            'Ask for every passkey of a user to be removed: applied only when a second administrator approves',
          params: Type.Object({ userId: Id('The user') }),
          response: { 202: ApprovalSchema, ...errors },
        },
      },
      async (request, reply) => {
        const admin = requireAuth(request);
        // Asking for a two-person change is itself sensitive: it needs a fresh passkey assertion.
        requireStepUp(auth, admin);
        const requested = await requestApproval(auth, admin, {
          kind: 'passkeys.reset',
          subject: request.params.userId,
          change: {},
        });
        return reply.code(202).send(await approvalView(identity, requested, auth.ledger.clock.now()));
      },
    );

    app.get(
      '/v1/admin/tokens',
      {
        config: { access: 'token.manage' },
        schema: {
          tags: ['admin'],
          summary:
            'API tokens of machine clients, of one organisation or all (never the tokens themselves), filtered and sorted (oldest first unless asked), one page at a time, or as CSV: revoked and expired ones stay listed',
          querystring: Type.Object({
            orgId: Type.Optional(Id('Only this organisation')),
            revoked: YesNo('Only revoked tokens (true) or only tokens not revoked (false)'),
            permission: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 60,
                pattern: '^[A-Za-z0-9._:-]+$',
                description: 'Only tokens that hold this permission',
              }),
            ),
            ...sortQuery(TOKEN_SORTS, 'createdAt'),
            ...pageQuery({ max: MAX_ADMIN_PAGE, default: DEFAULT_ADMIN_PAGE, rows: 'Tokens' }),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({ tokens: Type.Array(ApiTokenSchema), nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { orgId, permission, limit = DEFAULT_ADMIN_PAGE } = request.query;
        const revoked = yesNo(request.query.revoked);
        const pageAfter = async (cursor: string | undefined) => {
          const sort = listSortOf<ApiTokenSortColumn>({ ...request.query, cursor }, 'createdAt');
          const rows = await listApiTokens(auth, {
            ...(orgId === undefined ? {} : { orgId }),
            ...(revoked === undefined ? {} : { revoked }),
            ...(permission === undefined ? {} : { permission }),
            sort,
            limit: limit + 1,
          });
          return sortedPageOf(
            rows,
            limit,
            sort,
            (token, by) => token[by],
            (token) => token.tokenId,
          );
        };
        const first = await pageAfter(request.query.cursor);
        if (!wantsCsv(request)) return { tokens: first.page, nextCursor: first.nextCursor };
        return sendCsv(
          reply,
          'api-tokens.csv',
          TOKEN_CSV_HEADER,
          csvPages(first, pageAfter, (token) => [
            token.tokenId,
            token.orgId,
            token.label,
            token.permissions.join(' '),
            token.createdAt,
            token.expiresAt,
            token.revokedAt,
            token.lastUsedAt,
          ]),
        );
      },
    );

    app.post(
      '/v1/admin/tokens',
      {
        config: { access: 'token.manage' },
        schema: {
          tags: ['admin'],
          summary: 'Create an API token; the answer is the only time the token is shown',
          description:
            "Each permission must be one the organisation's kind may hold through some role, and none that only a person may use (approvals, requests for a second person, administration, passkeys).",
          body: Type.Object({
            orgId: Id('The organisation the machine client acts for'),
            permissions: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), {
              minItems: 1,
              maxItems: 50,
            }),
            label: Type.Optional(Type.String({ maxLength: 100 })),
            expiresInDays: Type.Optional(
              Type.Integer({ minimum: 1, maximum: API_TOKEN_MAX_DAYS, default: API_TOKEN_DEFAULT_DAYS }),
            ),
          }),
          response: {
            201: Type.Object({
              token: Type.String({ description: '`plt_…`, sent as `Authorization: Bearer plt_…`' }),
              apiToken: ApiTokenSchema,
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const admin = requireAuth(request);
        const created = await createApiToken(auth, { ...request.body, createdBy: admin.user.userId });
        return reply.code(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.delete(
      '/v1/admin/tokens/:tokenId',
      {
        config: { access: 'token.manage' },
        schema: {
          tags: ['admin'],
          summary: 'Revoke an API token: its next request gets 401',
          params: Type.Object({ tokenId: Id('The token id (not the token)') }),
          response: { 200: ApiTokenSchema, ...errors },
        },
      },
      async (request) => {
        const admin = requireAuth(request);
        return revokeApiToken(auth, { tokenId: request.params.tokenId, revokedBy: admin.user.userId });
      },
    );
  };
}
