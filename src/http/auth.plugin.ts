import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  type ApiTokenPrincipal,
  type AuthDeps,
  type Authenticated,
  authenticateApiToken,
  authenticateSession,
  type NewSession,
  type RequestMeta,
  recordPasswordSessionRefused,
} from '../app/access/index.js';
import { AppError } from '../app/errors.js';
import { isSensitive, mayDo, type OrgKind, type Permission, policy, type Role } from '../domain/index.js';

export const SESSION_COOKIE = 'pl_session';

/**
 * What a route needs: `public` (anyone), `session` (any signed-in user), or a permission from the policy table
 * (`src/domain/access/policy.ts`). Every route declares one; the matrix test reads them.
 */
export type RouteAccess = 'public' | 'session' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /**
     * The route reads its `Authorization` header itself, and it is not an API token: the Prometheus scrape token of
     * `GET /metrics` (issue 16). Only for `public` routes.
     */
    ownAuthorization?: boolean;
  }
  interface FastifyRequest {
    /** The signed-in person (session cookie); undefined for bearer requests. */
    auth: Authenticated | undefined;
    /** The machine client (`Authorization: Bearer plt_…`); undefined for everyone else. */
    apiToken: ApiTokenPrincipal | undefined;
  }
}

/** Whoever makes the request: a signed-in person or a machine client with an API token. */
export type Principal =
  | { readonly kind: 'user'; readonly orgId: string; readonly orgKind: OrgKind; readonly auth: Authenticated }
  | {
      readonly kind: 'token';
      readonly orgId: string;
      readonly orgKind: OrgKind;
      readonly token: ApiTokenPrincipal;
    };

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '') };
}

/** The signed-in caller, or a 401 problem. */
export function requireAuth(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new AppError('auth.unauthenticated', 'sign in first');
  return request.auth;
}

/** The person or machine client making the request, or a 401 problem. For routes open to both. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.apiToken) {
    const token = request.apiToken;
    return { kind: 'token', orgId: token.orgId, orgKind: token.orgKind, token };
  }
  const auth = requireAuth(request);
  return { kind: 'user', orgId: auth.org.orgId, orgKind: auth.org.kind as OrgKind, auth };
}

/** No session cookie lives longer than 12 hours, whatever the session's settings say. */
export const SESSION_COOKIE_MAX_SECONDS = 12 * 60 * 60;

/**
 * The cookie's lifetime: until the session's absolute expiry, 12 hours at most, counted from when the id was issued.
 * A cookie that outlives its session only carries a dead id about; one renewed by a step-up keeps the first expiry
 * (OWASP ASVS 5.0 §7.3.2: an absolute lifetime that re-authentication does not extend).
 */
export function sessionCookieLifetime(session: Pick<NewSession, 'expiresAt' | 'issuedAt'>): {
  maxAge: number;
  expires: Date;
} {
  const issuedAt = Date.parse(session.issuedAt);
  const remaining = Math.floor((Date.parse(session.expiresAt) - issuedAt) / 1000);
  const maxAge = Math.min(Math.max(remaining, 0), SESSION_COOKIE_MAX_SECONDS);
  return { maxAge, expires: new Date(issuedAt + maxAge * 1000) };
}

/**
 * Sets the session cookie: HttpOnly, SameSite=Strict, Secure whenever the request came over TLS, and gone when the
 * session ends (`Max-Age` for browsers, `Expires` for older clients; RFC 6265 §5.3 prefers `Max-Age`).
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  reply.setCookie(SESSION_COOKIE, session.sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    ...sessionCookieLifetime(session),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
  });
}

/**
 * Authenticates every request from its API token or else its session cookie, refuses state-changing session
 * requests without the session's CSRF token, and enforces each route's declared access against the policy table.
 *
 * A request with an `Authorization` header is a machine client's: only its bearer token counts and the cookie is
 * ignored, so it needs no CSRF token (a browser never adds that header to another site's request on its own). A
 * token that is malformed, unknown, expired or revoked gets 401 on every route (RFC 6750 §3.1 `invalid_token`).
 */
/**
 * While the log has lost entries (a rollback, `AuthDeps.logLostEntries`), sessions, tokens and people it does not
 * know may be ones made in what it lost, the defenders' among them: they may still read the alerts and the audit
 * routes, the incident's work, and nothing else. A database administrator who cuts the log to get that far can use
 * rows written by hand to read, never to act (issue 13's outside attacker).
 */
const INCIDENT_READS = /^\/v1\/(alerts|audit)(\/|\?|$)/;
function incidentRead(request: FastifyRequest): boolean {
  return SAFE_METHODS.has(request.method) && INCIDENT_READS.test(request.url);
}

export const authPlugin = fp(async (app: FastifyInstance, options: { auth: AuthDeps }) => {
  await app.register(cookie);
  app.decorateRequest('auth', undefined);
  app.decorateRequest('apiToken', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const { config } = request.routeOptions;
    if (config.ownAuthorization && config.access === 'public') return;
    const auth = incidentRead(request) ? options.auth : { ...options.auth, logLostEntries: undefined };
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const presented = BEARER.exec(authorization)?.[1];
      request.apiToken = presented
        ? await authenticateApiToken(auth, {
            token: presented,
            route: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
            meta: requestMeta(request),
          })
        : undefined;
      if (!request.apiToken) {
        reply.header('www-authenticate', 'Bearer realm="portledger", error="invalid_token"');
        throw new AppError('auth.token_invalid', 'the API token is malformed, unknown, expired or revoked');
      }
      return;
    }
    request.auth = await authenticateSession(auth, request.cookies[SESSION_COOKIE]);
    // SameSite=Strict already keeps other sites' requests from carrying the cookie; the token is the second lock.
    if (request.auth && !SAFE_METHODS.has(request.method)) {
      const token = request.headers['x-csrf-token'];
      if (token !== request.auth.session.csrfToken) {
        throw new AppError('auth.csrf', "this request lacks the session's X-CSRF-Token header");
      }
    }
  });
  // Fail closed: a route that does not say who may call it is a programming error, caught when it is registered.
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (access === undefined) {
      throw new Error(
        `route ${route.method} ${route.url} declares no access (public, session or a permission)`,
      );
    }
  });
  // Before validation: a caller who may not call a route learns 401/403, not what a valid request looks like.
  app.addHook('preValidation', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === 'public') return;
    if (access === undefined) throw new AppError('auth.forbidden', 'this route declares no access');
    const token = request.apiToken;
    if (token) {
      // A token is allowed exactly its permissions; `session` routes are a person's own (passkeys, sign-out).
      if (access === 'session' || !token.permissions.includes(access)) {
        throw new AppError(
          'auth.forbidden',
          access === 'session'
            ? 'this route is for signed-in people, not API tokens'
            : `this token may not ${access}`,
        );
      }
      return;
    }
    const auth = requireAuth(request);
    if (access === 'session') return;
    const principal = { orgKind: auth.org.kind as OrgKind, roles: auth.user.roles as Role[] };
    if (!mayDo(principal, access)) {
      throw new AppError('auth.forbidden', `your role may not ${access}`);
    }
    if (!mayDo({ ...principal, signedInWith: auth.session.method }, access)) {
      // A password session reaching for a sensitive permission (lifting a hold, approving) means the password and
      // one-time codes are probably in someone else's hands: recorded, like a refused password sign-in.
      if (isSensitive(access)) {
        await recordPasswordSessionRefused(
          options.auth,
          auth,
          { permission: access, route: `${request.method} ${request.routeOptions.url ?? ''}` },
          requestMeta(request),
        );
      }
      throw new AppError(
        'auth.passkey_session_required',
        policy[access].kind === 'command'
          ? `${access} is done only in a session opened with a passkey: sign in with your passkey`
          : `${access} is shown only in a session opened with a passkey: sign in with your passkey`,
      );
    }
  });
});
