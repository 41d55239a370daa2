import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  SEARCH_PAGE_DEFAULT,
  SEARCH_PAGE_MAX,
  searchVisibleVisits,
  showsPosition,
} from '../app/visits/index.js';
import { MAX_SEARCH_TEXT, SEARCH_KEYS } from '../domain/index.js';
import { callerOf } from './caller.js';
import type { HttpDeps } from './deps.js';
import { decodeCursor, encodeCursor, NextCursor, pageQuery } from './page-cursor.js';
import { problemResponses } from './schemas.js';
import { positionsShownNoter, VisitSchema } from './visit-view.js';

const SearchKeySchema = Type.Union(
  SEARCH_KEYS.map((key) => Type.Literal(key)),
  { description: 'A key a box is found by' },
);

/**
 * One search box (issue 14): `GET /v1/search?q=` finds a box by its container number, bill of lading
 * (`transportDocumentReference`), carrier booking (`carrierBookingReference`), vessel call or truck plate, within the
 * caller's need-to-know (`visit-search.usecases.ts`): a box the caller may not see is not in the answer, which is
 * then the answer for no box at all.
 */
export function searchRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const reads = deps.auth.ledger.store;
  return async (app) => {
    const noteShown = positionsShownNoter(deps);
    app.get(
      '/v1/search',
      {
        config: { access: 'visit.search' },
        schema: {
          tags: ['visits'],
          summary:
            'Find a box by container number, bill of lading, carrier booking, vessel call or truck plate, among the boxes you may see',
          description:
            'Spaces, dashes, dots and slashes are ignored and letters compared in capitals, so `1-abc-123` finds the truck `1ABC123`. A container number matches only with its right ISO 6346 check digit. Each match names the keys that matched. A box you may not see is never in the answer. A page examines at most ten times its size of boxes: it may hold fewer matches than `limit` and still name a `nextCursor`.',
          querystring: Type.Object({
            q: Type.String({ minLength: 1, maxLength: MAX_SEARCH_TEXT, description: 'What to look for' }),
            ...pageQuery({ max: SEARCH_PAGE_MAX, default: SEARCH_PAGE_DEFAULT, rows: 'Matches' }),
          }),
          response: {
            200: Type.Object({
              matches: Type.Array(
                Type.Object({
                  matched: Type.Array(SearchKeySchema, { minItems: 1 }),
                  visit: VisitSchema,
                }),
              ),
              nextCursor: NextCursor,
            }),
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { q, limit, cursor } = request.query;
        const after = cursor === undefined ? undefined : decodeCursor(cursor, 1)[0];
        const page = await searchVisibleVisits(reads, await callerOf(reads, request), {
          query: q,
          ...(limit === undefined ? {} : { limit }),
          ...(after === undefined ? {} : { after }),
        });
        await noteShown(
          request,
          page.matches.filter((match) => showsPosition(match.visit)).map((match) => match.visit.visitRef),
        );
        return {
          matches: page.matches,
          nextCursor: page.next === null ? null : encodeCursor([page.next]),
        };
      },
    );
  };
}
