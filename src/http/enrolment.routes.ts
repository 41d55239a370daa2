import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { decideEnrolment, listPendingEnrolments } from '../app/access/index.js';
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
  wrongCodes: Type.Integer({ description: 'Wrong confirmation codes typed for it so far' }),
  locked: Type.Boolean({
    description: 'Five wrong confirmation codes were typed: it can only be rejected',
  }),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
});

const EnrolmentParams = Type.Object({ enrolmentId: Type.String({ minLength: 1, maxLength: 100 }) });

const ConfirmBody = Type.Object({
  code: Type.String({
    minLength: 1,
    maxLength: 40,
    description:
      'The confirmation code the enrolment page showed the person (XXXX-XXXX), which they read out to the confirmer; any case, I/L for 1 and O for 0',
  }),
});

const errors = { 403: { $ref: 'Problem#' }, 409: { $ref: 'Problem#' }, ...problemResponses } as const;

/**
 * Pending passkeys (issue 10, row D): a passkey registered through an enrolment link signs in only once a
 * supervisor of the person's terminal organisation or a port administrator confirms it, with a passkey step-up,
 * having seen its device, time and network, and typing the confirmation code the person's enrolment page showed
 * them (the list never shows it). A wrong code is refused and recorded; after five, it can only be rejected.
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
                ? 'Confirm a pending passkey with the confirmation code its holder reads out: it signs them in from now on (needs a passkey step-up; a wrong code is 409 enrolment.code_mismatch, and after five only a rejection is possible: 409 enrolment.locked)'
                : 'Reject a pending passkey: it is removed and never signs in (needs a passkey step-up)',
            params: EnrolmentParams,
            body: decision === 'confirm' ? ConfirmBody : Type.Object({}),
            response: { 200: EnrolmentSchema, ...errors },
          },
        },
        async (request) => {
          const body = request.body as { code?: string };
          return decideEnrolment(
            deps.auth,
            {
              ...(decision === 'confirm' ? { decision, code: body.code ?? '' } : { decision }),
              enrolmentId: request.params.enrolmentId,
              by: { kind: 'person', auth: requireAuth(request) },
            },
            requestMeta(request),
          );
        },
      );
    }
  };
}
