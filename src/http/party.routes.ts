import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listParties } from '../app/access/index.js';
import { CsvFormat, sendCsv, wantsCsv } from './csv.js';
import type { HttpDeps } from './deps.js';
import { Contains, csvPages, listSortOf, sortedPageOf, sortQuery } from './list-sort.js';
import { NextCursor, pageQuery } from './page-cursor.js';
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
            'Forwarders, hauliers and lines a release can be offered to, by name either way, one page at a time, or as CSV: id, name, code and kind only',
          querystring: Type.Object({
            kind: Type.Optional(PartyKindSchema),
            name: Contains('Only parties whose name contains this text (any case)'),
            ...sortQuery(['name'], 'name'),
            ...pageQuery({ max: MAX_PARTY_PAGE, default: DEFAULT_PARTY_PAGE, rows: 'Parties' }),
            format: CsvFormat,
          }),
          response: {
            200: Type.Object({ parties: Type.Array(PartySchema), nextCursor: NextCursor }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { kind, name, limit = DEFAULT_PARTY_PAGE } = request.query;
        const pageAfter = async (cursor: string | undefined) => {
          const sort = listSortOf({ ...request.query, cursor }, 'name');
          const { parties } = await listParties(reads, {
            ...(kind === undefined ? {} : { kind }),
            ...(name === undefined ? {} : { nameContains: name }),
            direction: sort.direction,
            ...(sort.after === undefined ? {} : { after: { name: sort.after.key, orgId: sort.after.id } }),
            limit: limit + 1,
          });
          return sortedPageOf(
            parties,
            limit,
            sort,
            (party) => party.name,
            (party) => party.orgId,
          );
        };
        const first = await pageAfter(request.query.cursor);
        if (!wantsCsv(request)) return { parties: first.page, nextCursor: first.nextCursor };
        return sendCsv(
          reply,
          'parties.csv',
          ['orgId', 'name', 'code', 'kind'],
          csvPages(first, pageAfter, (party) => [party.orgId, party.name, party.code, party.kind]),
        );
      },
    );
  };
}
