import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { decideEnrolment, listPendingEnrolments } from '../app/enrolments.usecases.js';
import { requestMeta, requireAuth } from './auth.plugin.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const EnrolmentSchema = Type.Object({
  enrolmentId: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('rejected')]),
  person: Type.Object({
    userId: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    orgId: Type.String(),
    orgName: Type.String(),
    roles: Type.Array(Type.String()),
  }),
  registeredAt: Type.String({ format: 'date-time', description: 'When the passkey was registered' }),
  ip: Type.String({ description: 'The network address it was registered from' }),
  device: Type.Object({
    userAgent: Type.String(),
    aaguid: Type.String({ description: "The authenticator's AAGUID; all zeros when it does not say" }),
    authenticator: Type.Union([Type.String(), Type.Null()], { description: 'Its name, when known' }),
  }),
  otherEnrolments: Type.Integer({
    description: 'Other link enrolments of the same person: more than none is a warning sign',
  }),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
});

const EnrolmentParams = Type.Object({ enrolmentId: Type.String({ minLength: 1, maxLength: 100 }) });

const errors = { 403: { $ref: 'Problem#' }, 409: { $ref: 'Problem#' }, ...problemResponses } as const;

/**
 * Pending passkeys (issue 10, row D): a passkey registered through an enrolment link signs in only once a
 * supervisor of the person's terminal organisation or a port administrator confirms it, with a passkey step-up,
 * having seen its device, time and network.
 */
export function enrolmentRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/enrolments',
      {
        config: { access: 'enrolment.confirm' },
        schema: {
          tags: ['auth'],
          summary: 'The passkeys waiting for the caller to confirm or reject them, oldest first',
          querystring: Type.Object({ status: Type.Optional(Type.Literal('pending')) }),
          response: { 200: Type.Object({ enrolments: Type.Array(EnrolmentSchema) }), ...errors },
        },
      },
      async (request) => ({ enrolments: await listPendingEnrolments(deps.auth, requireAuth(request)) }),
    );

    for (const decision of ['confirm', 'reject'] as const) {
      app.post(
        `/v1/enrolments/:enrolmentId/${decision}`,
        {
          config: { access: 'enrolment.confirm' },
          schema: {
            tags: ['auth'],
            summary:
              decision === 'confirm'
                ? 'Confirm a pending passkey: it signs its holder in from now on (needs a passkey step-up)'
                : 'Reject a pending passkey: it is removed and never signs in (needs a passkey step-up)',
            params: EnrolmentParams,
            body: Type.Object({}),
            response: { 200: EnrolmentSchema, ...errors },
          },
        },
        async (request) =>
          decideEnrolment(
            deps.auth,
            {
              enrolmentId: request.params.enrolmentId,
              decision,
              by: { kind: 'person', auth: requireAuth(request) },
            },
            requestMeta(request),
          ),
      );
    }
  };
}
