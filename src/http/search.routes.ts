import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  SEARCH_PAGE_DEFAULT,
  SEARCH_PAGE_MAX,
  type SearchMatch,
  searchVisibleVisits,
  showsPosition,
} from '../app/visits/index.js';
import { MAX_SEARCH_TEXT, mayDo, SEARCH_KEYS } from '../domain/index.js';
import { callerOf } from './caller.js';
import { CsvFormat, sendCsv, wantsCsv } from './csv.js';
import type { HttpDeps } from './deps.js';
import { decodeCursor, encodeCursor, NextCursor, pageQuery } from './page-cursor.js';
import { problemResponses } from './schemas.js';
import { positionsShownNoter, VISIT_CSV_HEADER, VisitSchema, visitCsvRecord } from './visit-view.js';

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
            'Spaces, dashes, dots and slashes are ignored and letters compared in capitals, so `1-abc-123` finds the truck `1ABC123`. A container number matches only with its right ISO 6346 check digit. Each match names the keys that matched. A box you may not see is never in the answer. A page examines at most ten times its size of boxes: it may hold fewer matches than `limit` and still name a `nextCursor`. With `format=csv` (or `Accept: text/csv`), every page of the matches as one CSV file, streamed.',
          querystring: Type.Object({
            q: Type.String({ minLength: 1, maxLength: MAX_SEARCH_TEXT, description: 'What to look for' }),
            ...pageQuery({ max: SEARCH_PAGE_MAX, default: SEARCH_PAGE_DEFAULT, rows: 'Matches' }),
            format: CsvFormat,
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
      async (request, reply) => {
        const { q, limit, cursor } = request.query;
        const after = cursor === undefined ? undefined : decodeCursor(cursor, 1)[0];
        const caller = await callerOf(reads, request);
        // A machine client finds by truck plate only if its token may read appointments (pickup facts).
        const readsAppointments = request.apiToken
          ? request.apiToken.permissions.includes('appointment.read')
          : mayDo(caller, 'appointment.read');
        const pageAfter = (from: string | undefined) =>
          searchVisibleVisits(reads, caller, {
            query: q,
            readsAppointments,
            ...(limit === undefined ? {} : { limit }),
            ...(from === undefined ? {} : { after: from }),
          });
        const shown = (matches: readonly SearchMatch[]) =>
          noteShown(
            request,
            matches.filter((match) => showsPosition(match.visit)).map((match) => match.visit.visitRef),
            'visit.search',
          );
        const page = await pageAfter(after);
        await shown(page.matches);
        if (wantsCsv(request)) {
          const record = (match: SearchMatch) => [match.matched.join(' '), ...visitCsvRecord(match.visit)];
          async function* pages() {
            let current = page;
            yield current.matches.map(record);
            while (current.next !== null) {
              current = await pageAfter(current.next);
              await shown(current.matches);
              yield current.matches.map(record);
            }
          }
          return sendCsv(reply, 'search.csv', ['Found by', ...VISIT_CSV_HEADER], pages());
        }
        return {
          matches: page.matches,
          nextCursor: page.next === null ? null : encodeCursor([page.next]),
        };
      },
    );
  };
}
