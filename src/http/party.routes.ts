import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listParties } from '../app/access/index.js';
import type { HttpDeps } from './deps.js';
import { decodeCursor, NextCursor, pageOf, pageQuery } from './page-cursor.js';
import { problemResponses } from './schemas.js';

/** Parties per page when the caller names no limit, and the most one page holds (issue 13). */
export const DEFAULT_PARTY_PAGE = 200;
export const MAX_PARTY_PAGE = 500;

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
          summary:
            'Forwarders, hauliers and lines a release can be offered to, by name, one page at a time: id, name, code and kind only',
          querystring: Type.Object({
            kind: Type.Optional(PartyKindSchema),
            ...pageQuery({ max: MAX_PARTY_PAGE, default: DEFAULT_PARTY_PAGE, rows: 'Parties' }),
          }),
          response: {
            200: Type.Object({ parties: Type.Array(PartySchema), nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { kind, cursor, limit = DEFAULT_PARTY_PAGE } = request.query;
        const after = cursor === undefined ? undefined : decodeCursor(cursor, 2);
        const { parties } = await listParties(reads, {
          ...(kind === undefined ? {} : { kind }),
          ...(after === undefined ? {} : { after: { name: after[0]!, orgId: after[1]! } }),
          limit: limit + 1,
        });
        const { page, nextCursor } = pageOf(parties, limit, (party) => [party.name, party.orgId]);
        return { parties: page, nextCursor };
      },
    );
  };
}
