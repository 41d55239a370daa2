import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { POSITION_VIEW_PAGE_MAX, type PositionViewCursor } from '../app/alerts/index.js';
import {
  VIEWS_DAYS_DEFAULT,
  VIEWS_DAYS_MAX,
  VIEWS_PAGE_DEFAULT,
  type ViewsPage,
  viewsOfPerson,
  visitViewers,
} from '../app/audit/index.js';
import { AppError } from '../app/errors.js';
import { callerOf } from './caller.js';
import type { HttpDeps } from './deps.js';
import { decodeCursor, encodeCursor, NextCursor, pageQuery } from './page-cursor.js';
import { problemResponses } from './schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const ViewSchema = Type.Object(
  {
    auditIndex: Type.Integer({
      minimum: 0,
      description:
        'The audit index of the `PositionsViewed` event that recorded the view: `GET /v1/audit/proof/inclusion?index=` proves it is in the signed log',
    }),
    kind: Type.Union([Type.Literal('visit'), Type.Literal('terminal')], {
      description: '`visit`: the position of one box; `terminal`: a load of the yard map of a terminal',
    }),
    subject: Type.String({ description: 'The visit reference, or the terminal code for a yard map load' }),
    containerNumber: Nullable(Type.String()),
    userId: Type.String(),
    displayName: Nullable(Type.String()),
    orgId: Type.String(),
    orgName: Nullable(Type.String()),
    orgKind: Nullable(Type.String()),
    routes: Type.Array(Type.String(), {
      description:
        'What showed it: visit, visit.list, visit.history, visit.search, visit.appointment, yard.map',
    }),
    viewedAt: Type.String({ format: 'date-time', description: 'The last view the event covers' }),
  },
  { description: 'One recorded view of yard positions (issue 15)' },
);

const ViewsPageSchema = Type.Object({ views: Type.Array(ViewSchema), nextCursor: NextCursor });

const ViewsQuery = {
  days: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: VIEWS_DAYS_MAX,
      default: VIEWS_DAYS_DEFAULT,
      description: 'How many days back',
    }),
  ),
  ...pageQuery({ max: POSITION_VIEW_PAGE_MAX, default: VIEWS_PAGE_DEFAULT, rows: 'Views' }),
};

const errors = {
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  ...problemResponses,
} as const;

function afterOf(cursor: string | undefined): PositionViewCursor | undefined {
  if (cursor === undefined) return undefined;
  const [viewedAt, auditIndex, kind, subject] = decodeCursor(cursor, 4) as [string, string, string, string];
  if ((kind !== 'visit' && kind !== 'terminal') || !/^\d+$/.test(auditIndex)) {
    throw new AppError('input.invalid', 'not a page cursor of this list', { cursor });
  }
  return { viewedAt, auditIndex: Number(auditIndex), kind, subject };
}

const pageBody = (page: ViewsPage) => ({
  views: page.views,
  nextCursor:
    page.next === null
      ? null
      : encodeCursor([page.next.viewedAt, String(page.next.auditIndex), page.next.kind, page.next.subject]),
});

/**
 * Who looked at what (issue 15): "who looked at this box" for the box's terminal staff, customs and police, and
 * "which boxes did this person look at" for investigators. Each row links the audit index of the event that
 * recorded it, so the answer is evidence that can be proven against a signed checkpoint.
 */
export function viewsRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const store = deps.auth.ledger.store;
  const now = () => deps.auth.ledger.clock.now();
  return async (app) => {
    app.get(
      '/v1/visits/:visitRef/viewers',
      {
        config: { access: 'visit.viewers.read' },
        schema: {
          tags: ['visits'],
          summary: "Who was shown this box's yard position or history, newest first",
          description:
            "For the staff of the box's terminal, customs and the police, in a passkey session; 404 `visit.not_found` for a box you do not see in full, as for no box. Views by customs and the police are listed to customs and the police only (a tip-off otherwise). A page may hold fewer than `limit` views and still name a `nextCursor`.",
          params: Type.Object({ visitRef: Type.String({ minLength: 1, maxLength: 64 }) }),
          querystring: Type.Object(ViewsQuery),
          response: { 200: ViewsPageSchema, ...errors },
        },
      },
      async (request) => {
        const { days, limit, cursor } = request.query;
        const after = afterOf(cursor);
        const page = await visitViewers(store, await callerOf(store, request), request.params.visitRef, {
          now: now(),
          ...(days === undefined ? {} : { days }),
          ...(limit === undefined ? {} : { limit }),
          ...(after ? { after } : {}),
        });
        return pageBody(page);
      },
    );

    app.get(
      '/v1/audit/views',
      {
        config: { access: 'audit.views.read' },
        schema: {
          tags: ['audit'],
          summary: 'Which boxes (and which yard maps) one person was shown, newest first',
          description:
            'For customs officers and investigators, in a passkey session. An unknown person has no views: the answer is empty.',
          querystring: Type.Object({
            userId: Type.String({ minLength: 1, maxLength: 100 }),
            ...ViewsQuery,
          }),
          response: { 200: ViewsPageSchema, ...errors },
        },
      },
      async (request) => {
        const { userId, days, limit, cursor } = request.query;
        const after = afterOf(cursor);
        const page = await viewsOfPerson(store, userId, {
          now: now(),
          ...(days === undefined ? {} : { days }),
          ...(limit === undefined ? {} : { limit }),
          ...(after ? { after } : {}),
        });
        return pageBody(page);
      },
    );
  };
}
