import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  type AuthDeps,
  type Authenticated,
  authenticateSession,
  type NewSession,
  type RequestMeta,
} from '../app/auth.usecases.js';
import { AppError } from '../app/errors.js';
import { mayDo, type OrgKind, type Permission, type Role } from '../domain/index.js';

export const SESSION_COOKIE = 'pl_session';

/**
 * What a route needs: `public` (anyone), `session` (any signed-in user), or a permission from the policy table
 * (`src/domain/access/policy.ts`). Every route declares one; the matrix test reads them.
 */
export type RouteAccess = 'public' | 'session' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    auth: Authenticated | undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '') };
}

/** The signed-in caller, or a 401 problem. */
export function requireAuth(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new AppError('auth.unauthenticated', 'sign in first');
  return request.auth;
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure whenever the request came over TLS. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  reply.setCookie(SESSION_COOKIE, session.sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    maxAge: 12 * 60 * 60,
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
 * Authenticates every request from its session cookie, refuses state-changing requests without the session's
 * CSRF token, and enforces each route's declared access against the policy table.
 */
export const authPlugin = fp(async (app: FastifyInstance, options: { auth: AuthDeps }) => {
  await app.register(cookie);
  app.decorateRequest('auth', undefined);
  app.addHook('onRequest', async (request) => {
    request.auth = await authenticateSession(options.auth, request.cookies[SESSION_COOKIE]);
    // SameSite=Strict already keeps other sites' requests from carrying the cookie; the token is the second lock.
    if (request.auth && !SAFE_METHODS.has(request.method)) {
      const token = request.headers['x-csrf-token'];
      if (token !== request.auth.session.csrfToken) {
        throw new AppError('auth.csrf', "this request lacks the session's X-CSRF-Token header");
      }
    }
  });
  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const auth = requireAuth(request);
    if (access === 'session') return;
    const principal = { orgKind: auth.org.kind as OrgKind, roles: auth.user.roles as Role[] };
    if (!mayDo(principal, access)) {
      throw new AppError('auth.forbidden', `your role may not ${access}`);
    }
  });
});
