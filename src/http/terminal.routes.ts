import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listTerminals } from '../app/appointments/index.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const TerminalSchema = Type.Object(
  {
    terminal: Type.String({ description: 'Terminal code, as in slot ids and yard slots, e.g. `T1`' }),
    name: Type.String({ description: 'The name of the terminal operator that runs it' }),
    timeZone: Type.String({
      description:
        "IANA time zone of the terminal's clocks: slots and gate windows are shown in it, with the zone named",
    }),
  },
  { additionalProperties: false },
);

const errors = { 401: { $ref: 'Problem#' }, 403: { $ref: 'Problem#' }, ...problemResponses } as const;

/** The terminals of the port and their clocks' zones (issue 14: one clock rule on every screen). */
export function terminalRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  const reads = deps.auth.ledger.store;
  return async (app) => {
    app.get(
      '/v1/terminals',
      {
        config: { access: 'terminal.read' },
        schema: {
          tags: ['appointments'],
          summary:
            "The terminals that take pickups: code, operator's name and the IANA time zone of their clocks",
          response: { 200: Type.Object({ terminals: Type.Array(TerminalSchema) }), ...errors },
        },
      },
      async () => listTerminals(reads, deps.pickup.slots),
    );
  };
}
