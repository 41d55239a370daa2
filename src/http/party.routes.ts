import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listParties } from '../app/access/index.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const PartyKindSchema = Type.Union(
  [Type.Literal('forwarder'), Type.Literal('haulier'), Type.Literal('shipping_line')],
  { description: 'The kind of organisation a release right can be issued or offered to' },
);

/** Only these four fields leave the server; the serializer drops anything else an organisation record holds. */
const PartySchema = Type.Object(
  {
    orgId: Type.String({ description: 'Pass as `firstParty` or `to` when issuing or offering a release' }),
    name: Type.String(),
    code: Type.String(),
    kind: PartyKindSchema,
  },
  { additionalProperties: false },
);

const errors = { 401: { $ref: 'Problem#' }, 403: { $ref: 'Problem#' }, ...problemResponses } as const;

/** The party directory: whom a release desk or haulier planner can name as the next holder of a right. */
export function partyRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const reads = deps.auth.ledger.store;
  return async (app) => {
    app.get(
      '/v1/parties',
      {
        config: { access: 'party.directory.read' },
        schema: {
          tags: ['releases'],
          summary: 'Forwarders, hauliers and lines a release can be offered to: id, name, code and kind only',
          querystring: Type.Object({ kind: Type.Optional(PartyKindSchema) }),
          response: { 200: Type.Object({ parties: Type.Array(PartySchema) }), ...errors },
        },
      },
      async (request) =>
        listParties(reads, request.query.kind === undefined ? {} : { kind: request.query.kind }),
    );
  };
}
