import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type EdiImportAnswer, type EdiInterchangeRecord, importInterchange } from '../app/edi/index.js';
import { AppError } from '../app/errors.js';
import type { Principal } from '../domain/index.js';
import { callerOf } from './caller.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

/** The full 2,799-box BAPLIE is 384 KB; a whole 24,000-box vessel about 3.5 MB. */
const INTERCHANGE_BODY_LIMIT = 16 * 1024 * 1024;
const LIST_DEFAULT = 50;
const LIST_MAX = 200;

const Refusal = Type.Object({
  code: Type.String(),
  reason: Type.String(),
  segment: Type.Optional(
    Type.Integer({ description: 'Ordinal of the segment in the interchange (UNB = 1)' }),
  ),
  offset: Type.Optional(Type.Integer({ description: 'Byte offset of the segment in the interchange' })),
  tag: Type.Optional(Type.String()),
});

const MessageAnswer = Type.Object({
  ref: Type.String({ description: 'UNH 0062' }),
  type: Type.String({ description: 'UNH S009 0065, e.g. BAPLIE' }),
  outcome: Type.Union([Type.Literal('applied'), Type.Literal('refused'), Type.Literal('not_applied')]),
  summary: Type.String(),
  eventIndexes: Type.Array(Type.Integer(), { description: 'Audit indexes of the events the message caused' }),
  refusal: Type.Optional(Refusal),
});

const ImportAnswer = Type.Object({
  outcome: Type.Union([Type.Literal('applied'), Type.Literal('duplicate')]),
  interchangeId: Type.String(),
  sender: Type.String(),
  controlRef: Type.String(),
  sha256: Type.String(),
  receiptIndex: Type.Integer({ description: 'Audit index of the EdiInterchangeReceived event' }),
  receivedAt: Type.String({ format: 'date-time' }),
  orgId: Type.String(),
  refusal: Type.Optional(Refusal),
  messages: Type.Array(MessageAnswer),
  contrl: Type.String({ description: 'The CONTRL acknowledgement (UN/EDIFACT CONTRL D:3)' }),
});

const InterchangeRecord = Type.Object({
  interchangeId: Type.String(),
  sender: Type.String(),
  recipient: Type.String(),
  controlRef: Type.String(),
  orgId: Type.String(),
  receivedBy: Type.String(),
  sha256: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  auditIndex: Type.Integer(),
  messages: Type.Array(
    Type.Object({
      ref: Type.String(),
      type: Type.String(),
      eventIndexes: Type.Array(Type.Integer()),
      summary: Type.String(),
    }),
  ),
});

/** Customs and the police see every interchange (they read everything, MISSION §2); everyone else their organisation's. */
function seesAll(principal: Principal): boolean {
  return principal.roles.some((role) => role === 'investigator' || role === 'customs_officer');
}

const recordJson = (record: EdiInterchangeRecord) => ({
  ...record,
  messages: record.messages.map((message) => ({ ...message, eventIndexes: [...message.eventIndexes] })),
});

/** A refused interchange as RFC 9457 problem details: its code's status, with the per-message answer and CONTRL. */
function refusalError(answer: EdiImportAnswer): AppError {
  const code =
    answer.refusal?.code === 'edi.syntax_invalid' ||
    answer.refusal?.code === 'edi.sender_unknown' ||
    answer.refusal?.code === 'auth.forbidden'
      ? answer.refusal.code
      : 'edi.interchange_refused';
  return new AppError(code, answer.refusal?.reason ?? 'the interchange was refused', {
    sender: answer.sender,
    controlRef: answer.controlRef,
    sha256: answer.sha256,
    ...(answer.refusal?.segment === undefined ? {} : { segment: answer.refusal.segment }),
    ...(answer.refusal?.offset === undefined ? {} : { offset: answer.refusal.offset }),
    ...(answer.syntaxErrors ? { syntaxErrors: answer.syntaxErrors.map((error) => ({ ...error })) } : {}),
    messages: answer.messages.map((message) => ({ ...message, eventIndexes: [...message.eventIndexes] })),
    contrl: answer.contrl,
  });
}

/**
 * UN/EDIFACT interchanges (issue 17): `POST /v1/edi/interchanges` applies one, whole or not at all, for the caller's
 * organisation (an API token's, or a person's), through the same use case as `portledger edi import`; the GETs list
 * what was received for the console.
 */
export function ediRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Only within this plugin. Bytes as sent: the reader's offsets are byte offsets (one latin1 character per byte).
    app.addContentTypeParser(
      'application/edifact',
      { parseAs: 'buffer', bodyLimit: INTERCHANGE_BODY_LIMIT },
      (_request, body, done) => done(null, (body as Buffer).toString('latin1')),
    );
    app.post(
      '/v1/edi/interchanges',
      {
        bodyLimit: INTERCHANGE_BODY_LIMIT,
        config: { access: 'edi.import' },
        schema: {
          tags: ['edi'],
          summary: 'Apply a UN/EDIFACT interchange for the caller’s organisation, whole or not at all',
          description:
            'The body is the interchange as sent (`application/edifact`, or `text/plain` in UTF-8). It is read (ISO 9735 syntax), each message mapped (BAPLIE, COPARN, COREOR, COPINO, COARRI, CODECO per the SMDG guides) and applied through the same commands as the console, in ONE transaction with an `EdiInterchangeReceived` event on the `edi-<sender>` stream: any refusal refuses the whole interchange and nothing is written. A message may speak only for the caller’s organisation: a line announces and releases only its own boxes (a BAPLIE’s boxes of other lines are left out and counted), a terminal operator loads only at its own terminals. 201: applied, each message with the audit indexes of its events, and the CONTRL acknowledgement. 200: the same sender and UNB reference was received before; nothing changed, the answer points at the first receipt. Refusals are problem details carrying `details.messages` and `details.contrl`: 400 `edi.syntax_invalid` (with segment and byte offset), 422 `edi.sender_unknown` or `edi.interchange_refused`, 403 `auth.forbidden` (another party’s box).',
          body: {
            content: {
              'application/edifact': { schema: Type.String({ minLength: 1 }) },
              'text/plain': { schema: Type.String({ minLength: 1 }) },
            },
          } as unknown as ReturnType<typeof Type.String>,
          response: {
            200: ImportAnswer,
            201: ImportAnswer,
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            413: { $ref: 'Problem#' },
            415: { $ref: 'Problem#' },
            422: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = await callerOf(deps.auth.ledger.store, request);
        const body = request.body as unknown;
        if (typeof body !== 'string' || body.length === 0) {
          throw new AppError('edi.syntax_invalid', 'the body must be the interchange text');
        }
        const contentType = String(request.headers['content-type'] ?? '');
        // text/plain arrives decoded as UTF-8: back to one character per byte for the reader.
        const text = contentType.startsWith('application/edifact')
          ? body
          : Buffer.from(body, 'utf8').toString('latin1');
        const answer = await importInterchange(
          { ledger: deps.auth.ledger, terminals: deps.terminals },
          { text, as: principal.orgId, by: principal.userId },
        );
        if (answer.outcome === 'refused') throw refusalError(answer);
        return reply.code(answer.outcome === 'applied' ? 201 : 200).send({
          ...answer,
          messages: answer.messages.map((message) => ({
            ...message,
            eventIndexes: [...message.eventIndexes],
          })),
        } as never);
      },
    );

    app.get(
      '/v1/edi/interchanges',
      {
        config: { access: 'edi.read' },
        schema: {
          tags: ['edi'],
          summary: 'The interchanges received, newest first',
          description:
            'Those received for the caller’s organisation; customs and the police see every one. Keyset pages: pass `next` back as `before`.',
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_MAX, default: LIST_DEFAULT })),
            before: Type.Optional(
              Type.String({ maxLength: 200, description: 'The `next` of the previous page' }),
            ),
          }),
          response: {
            200: Type.Object({
              interchanges: Type.Array(InterchangeRecord),
              next: Type.Union([Type.String(), Type.Null()]),
            }),
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const principal = await callerOf(deps.auth.ledger.store, request);
        const limit = request.query.limit ?? LIST_DEFAULT;
        const [receivedAt, interchangeId] = (request.query.before ?? '').split('|');
        const records = await deps.auth.ledger.store.edi.listEdiInterchanges({
          ...(seesAll(principal) ? {} : { orgId: principal.orgId }),
          limit,
          ...(receivedAt && interchangeId ? { before: { receivedAt, interchangeId } } : {}),
        });
        const last = records.at(-1);
        return {
          interchanges: records.map(recordJson),
          next: records.length === limit && last ? `${last.receivedAt}|${last.interchangeId}` : null,
        };
      },
    );

    app.get(
      '/v1/edi/interchanges/:interchangeId',
      {
        config: { access: 'edi.read' },
        schema: {
          tags: ['edi'],
          summary: 'One interchange received, with its messages and the audit indexes of their events',
          params: Type.Object({ interchangeId: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: {
            200: InterchangeRecord,
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const principal = await callerOf(deps.auth.ledger.store, request);
        const record = await deps.auth.ledger.store.edi.getEdiInterchange(request.params.interchangeId);
        // Another organisation's interchange is answered like one that does not exist.
        if (!record || (!seesAll(principal) && record.orgId !== principal.orgId)) {
          throw new AppError('edi.interchange_not_found', `no interchange ${request.params.interchangeId}`);
        }
        return recordJson(record);
      },
    );
  };
}
