import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../app/visits/index.js';
import { yardBoxStates, yardMap } from '../app/yard/index.js';
import { requireAuth } from './auth.plugin.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const Ints = (description: string) => Type.Array(Type.Integer({ minimum: 0 }), { description });

const YardMapSchema = Type.Object(
  {
    terminal: Type.String(),
    at: Type.String({ format: 'date-time' }),
    blocks: Type.Array(
      Type.Object({
        id: Type.String(),
        bays: Type.Integer({ minimum: 1, description: 'Number of 20-ft ground bays, numbered 1, 3, …' }),
        rows: Type.Integer({ minimum: 1 }),
        tiers: Type.Integer({ minimum: 1 }),
      }),
    ),
    states: Type.Array(Type.Union(yardBoxStates.map((state) => Type.Literal(state))), {
      description:
        'Box states, least to most urgent (a stack shows its most urgent tier): in_yard; released (right in force, held by a haulier); held (a hold in force); frozen (a freeze in force); alert (an unresolved alert names the visit)',
    }),
    boxes: Type.Object(
      {
        count: Type.Integer({ minimum: 0 }),
        block: Ints('Index into `blocks`'),
        bay: Ints('Slot bay: odd for 20 ft, even for 40/45 ft (covering the odd bays either side)'),
        row: Ints('Row'),
        tier: Ints('Tier, 1 on the ground'),
        state: Ints('Index into `states`'),
        containerNumber: Type.Array(Type.String()),
      },
      { description: 'Box i is block[i], bay[i], row[i], tier[i], state[i], containerNumber[i]' },
    ),
  },
  { description: 'The layout of a terminal and every box in its yard, as parallel arrays' },
);

/** The yard map (issue 5): positions of every box at one terminal, for its own staff, customs and police. */
export function yardRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/terminals/:terminal/yard',
      {
        config: { access: 'yard.map.read' },
        schema: {
          tags: ['yard'],
          summary: 'The yard of a terminal: blocks (bays × rows × tiers) and the boxes in it, compactly',
          params: Type.Object({ terminal: Type.String({ minLength: 1, maxLength: 12 }) }),
          response: {
            200: YardMapSchema,
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        const map = await yardMap({
          reads: deps.auth.ledger.store,
          terminals: deps.terminals,
          principal: principalOf(auth),
          terminal: request.params.terminal,
          now: deps.auth.ledger.clock.now(),
        });
        // One view naming the terminal, not its thousands of boxes (issue 15): the map is the staff's daily tool.
        if (!request.apiToken) {
          deps.positionViews?.note(
            { userId: auth.user.userId, orgId: auth.user.orgId, ip: request.ip },
            { route: 'yard.map', terminal: request.params.terminal },
          );
        }
        return map;
      },
    );
  };
}
