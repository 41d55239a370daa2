import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LedgerReads } from '../app/ports.js';

export function healthRoutes(deps: { reads: LedgerReads }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          summary: 'Liveness: the process answers',
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          summary: 'Readiness: the database answers and the log has a signed head',
          response: {
            200: Type.Object({
              status: Type.Literal('ready'),
              logSize: Type.Integer(),
              checkpointSize: Type.Union([Type.Integer(), Type.Null()]),
            }),
            503: Type.Object({ status: Type.Literal('unavailable'), reason: Type.String() }),
          },
        },
      },
      async (_request, reply) => {
        try {
          const [logSize, checkpoint] = await Promise.all([
            deps.reads.logSize(),
            deps.reads.latestCheckpoint(),
          ]);
          return { status: 'ready' as const, logSize, checkpointSize: checkpoint?.treeSize ?? null };
        } catch (error) {
          return reply.code(503).send({ status: 'unavailable' as const, reason: (error as Error).message });
        }
      },
    );
  };
}
