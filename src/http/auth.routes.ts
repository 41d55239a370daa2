import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  type AuthDeps,
  beginAddPasskey,
  beginEnrolment,
  beginPasskeyLogin,
  beginStepUp,
  finishAddPasskey,
  finishEnrolment,
  finishPasskeyLogin,
  finishStepUp,
  listMyPasskeys,
  logout,
  passwordLogin,
  removeMyPasskey,
  sessionView,
} from '../app/access/index.js';
import type { JsonObject } from '../app/ports.js';
import { clearSessionCookie, requestMeta, requireAuth, setSessionCookie } from './auth.plugin.js';
import { problemResponses } from './schemas.js';

const SessionViewSchema = Type.Object({
  user: Type.Object({
    userId: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    orgId: Type.String(),
    orgName: Type.String(),
    orgKind: Type.String(),
    roles: Type.Array(Type.String()),
  }),
  csrfToken: Type.String(),
  method: Type.Union([Type.Literal('passkey'), Type.Literal('password_totp')]),
  stepUpUntil: Type.Union([Type.String(), Type.Null()]),
  passkeyRequired: Type.Boolean(),
  permissions: Type.Array(Type.String(), {
    description: 'The permissions of the policy table this person holds; the console offers screens by them',
  }),
  holdKinds: Type.Array(Type.Union(['customs', 'line', 'terminal', 'police'].map((k) => Type.Literal(k))), {
    description: 'The kinds of hold this person places and lifts (each authority its own)',
  }),
});

const EnrolmentPendingSchema = Type.Object(
  {
    status: Type.Literal('pending'),
    enrolmentId: Type.String(),
    user: Type.Object({ username: Type.String(), displayName: Type.String(), orgName: Type.String() }),
    confirmers: Type.String({ description: 'Who may confirm it, in words' }),
    registeredAt: Type.String(),
    confirmationCode: Type.String({
      pattern: '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$',
      description:
        'The passkey’s confirmation code (from its credential id and public key): the person reads it out to their confirmer, who types it to confirm. Shown only here',
    }),
  },
  { description: 'The passkey is registered and waits for a second person to confirm it; no session yet' },
);

const ChallengeSchema = Type.Object({
  challengeId: Type.String(),
  options: Type.Record(Type.String(), Type.Unknown(), {
    description: 'WebAuthn options JSON (@simplewebauthn v14)',
  }),
});

const WebAuthnResponse = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The JSON a WebAuthn ceremony returns in the browser (@simplewebauthn/browser v14)',
});

const PasskeySchema = Type.Object({
  credentialId: Type.String(),
  label: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('active')], {
    description:
      'pending: registered through an enrolment link and waiting for a confirmer; it signs nobody in',
  }),
});

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  410: { $ref: 'Problem#' },
  423: { $ref: 'Problem#' },
  429: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

/** Sign-in, enrolment, step-up and passkey management (docs/auth-api.md). */
export function authRoutes(auth: AuthDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/auth/session',
      {
        config: { access: 'session' },
        schema: {
          tags: ['auth'],
          summary: 'The current session',
          response: { 200: SessionViewSchema, ...errors },
        },
      },
      async (request) => {
        const current = requireAuth(request);
        return sessionView({ ...current, settings: auth.settings });
      },
    );

    app.post(
      '/v1/auth/logout',
      {
        config: { access: 'session' },
        schema: { tags: ['auth'], summary: 'Sign out', response: { 204: Type.Null(), ...errors } },
      },
      async (request, reply) => {
        await logout(auth, requireAuth(request), requestMeta(request));
        clearSessionCookie(request, reply);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/v1/auth/enrolment/options',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Start enrolling a passkey from a one-time link',
          body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) }),
          response: {
            200: Type.Intersect([
              ChallengeSchema,
              Type.Object({
                user: Type.Object({
                  username: Type.String(),
                  displayName: Type.String(),
                  orgName: Type.String(),
                }),
              }),
            ]),
            ...errors,
          },
        },
      },
      async (request) => beginEnrolment(auth, request.body, requestMeta(request)),
    );

    app.post(
      '/v1/auth/enrolment/verify',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary:
            'Finish enrolment: register the passkey and use up the link. The passkey is pending, and signs in only once a supervisor of the same terminal organisation or a port administrator confirms it',
          body: Type.Object({
            token: Type.String({ minLength: 1, maxLength: 100 }),
            challengeId: Type.String({ maxLength: 100 }),
            response: WebAuthnResponse,
            label: Type.Optional(Type.String({ maxLength: 100 })),
          }),
          response: { 202: EnrolmentPendingSchema, ...errors },
        },
      },
      async (request, reply) => {
        const pending = await finishEnrolment(
          auth,
          { ...request.body, response: request.body.response as JsonObject },
          requestMeta(request),
        );
        return reply.code(202).send(pending);
      },
    );

    app.post(
      '/v1/auth/passkey/options',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Start a passkey sign-in',
          body: Type.Object({}),
          response: { 200: ChallengeSchema, ...errors },
        },
      },
      async () => beginPasskeyLogin(auth),
    );

    app.post(
      '/v1/auth/passkey/verify',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Finish a passkey sign-in',
          body: Type.Object({ challengeId: Type.String({ maxLength: 100 }), response: WebAuthnResponse }),
          response: { 200: SessionViewSchema, ...errors },
        },
      },
      async (request, reply) => {
        const session = await finishPasskeyLogin(
          auth,
          { challengeId: request.body.challengeId, response: request.body.response as JsonObject },
          requestMeta(request),
        );
        setSessionCookie(request, reply, session);
        return session.view;
      },
    );

    app.post(
      '/v1/auth/password',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with password and TOTP code (only roles that need no passkey)',
          body: Type.Object({
            username: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
            totp: Type.String({ minLength: 1, maxLength: 10 }),
          }),
          response: { 200: SessionViewSchema, ...errors },
        },
      },
      async (request, reply) => {
        const session = await passwordLogin(auth, request.body, requestMeta(request));
        setSessionCookie(request, reply, session);
        return session.view;
      },
    );

    app.post(
      '/v1/auth/step-up/options',
      {
        config: { access: 'session' },
        schema: {
          tags: ['auth'],
          summary: 'Start a step-up (confirm it is you)',
          body: Type.Object({}),
          response: { 200: ChallengeSchema, ...errors },
        },
      },
      async (request) => beginStepUp(auth, requireAuth(request)),
    );

    app.post(
      '/v1/auth/step-up/verify',
      {
        config: { access: 'session' },
        schema: {
          tags: ['auth'],
          summary:
            'Finish a step-up: sensitive actions are allowed for 5 minutes; the session id and CSRF token are renewed',
          body: Type.Object({ challengeId: Type.String({ maxLength: 100 }), response: WebAuthnResponse }),
          response: { 200: SessionViewSchema, ...errors },
        },
      },
      async (request, reply) => {
        const session = await finishStepUp(
          auth,
          requireAuth(request),
          { challengeId: request.body.challengeId, response: request.body.response as JsonObject },
          requestMeta(request),
        );
        setSessionCookie(request, reply, session);
        return session.view;
      },
    );

    app.get(
      '/v1/me/passkeys',
      {
        config: { access: 'session' },
        schema: {
          tags: ['auth'],
          summary: 'My passkeys',
          response: { 200: Type.Object({ passkeys: Type.Array(PasskeySchema) }), ...errors },
        },
      },
      async (request) => ({ passkeys: await listMyPasskeys(auth, requireAuth(request)) }),
    );

    app.post(
      '/v1/me/passkeys/options',
      {
        config: { access: 'session' },
        schema: {
          tags: ['auth'],
          summary: 'Start adding a passkey (needs a step-up)',
          body: Type.Object({}),
          response: { 200: ChallengeSchema, ...errors },
        },
      },
      async (request) => beginAddPasskey(auth, requireAuth(request)),
    );

    app.post(
      '/v1/me/passkeys/verify',
      {
        config: { access: 'session' },
        schema: {
          tags: ['auth'],
          summary: "Finish adding a passkey; the user's other sessions end",
          body: Type.Object({
            challengeId: Type.String({ maxLength: 100 }),
            response: WebAuthnResponse,
            label: Type.String({ maxLength: 100 }),
          }),
          response: { 201: PasskeySchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await finishAddPasskey(
            auth,
            requireAuth(request),
            {
              challengeId: request.body.challengeId,
              response: request.body.response as JsonObject,
              label: request.body.label,
            },
            requestMeta(request),
          ),
        ),
    );

    app.delete(
      '/v1/me/passkeys/:credentialId',
      {
        config: { access: 'session' },
        schema: {
          tags: ['auth'],
          summary: 'Remove one of my passkeys (needs a step-up; never the last)',
          params: Type.Object({ credentialId: Type.String({ maxLength: 400 }) }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await removeMyPasskey(auth, requireAuth(request), request.params.credentialId);
        return reply.code(204).send(null);
      },
    );
  };
}
