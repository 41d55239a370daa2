import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type IntegrityResult, integritySummary } from '../app/audit/index.js';
import type { DetectionStatus } from '../app/detection/index.js';
import type { LedgerReads } from '../app/ports.js';
import { problemResponses } from './schemas.js';

/** What the health routes read of the integrity watch: its last finished check. */
export interface IntegrityStatus {
  latest(): IntegrityResult | undefined;
}

const IntegritySummarySchema = Type.Union(
  [
    Type.Object({
      ok: Type.Literal(true),
      checkedAt: Type.String(),
      logSize: Type.Integer(),
      checkpointsChecked: Type.Integer(),
      verifiedTreeSize: Type.Union([Type.Integer(), Type.Null()]),
      readModelWatermark: Type.Optional(
        Type.Integer({
          description: 'The read models were compared with the log folded up to this many events',
        }),
      ),
    }),
    Type.Object({
      ok: Type.Literal(false),
      checkedAt: Type.String(),
      code: Type.String(),
      firstBadIndex: Type.Integer(),
      checkpointSize: Type.Union([Type.Integer(), Type.Null()]),
      reason: Type.String(),
      readModel: Type.Optional(
        Type.Object(
          {
            table: Type.String(),
            key: Type.String(),
            field: Type.Union([Type.String(), Type.Null()]),
          },
          { description: 'For integrity.read_model_mismatch: the read-model row that differs from the log' },
        ),
      ),
    }),
  ],
  { $id: 'IntegritySummary' },
);

/** How the detection engine stands (issue 15): told by `/readyz`, never a reason to be unready. */
const DetectionSchema = Type.Object(
  {
    active: Type.Boolean({
      description: 'This server runs the engine now (it holds the detection-engine role)',
    }),
    position: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The next audit index the engine reads; null before its first run',
    }),
    logSize: Type.Union([Type.Integer(), Type.Null()]),
    lag: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Events appended that the engine had not seen yet, at its last run',
    }),
    lastRunAt: Type.Union([Type.String(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'The detection engine, when this server runs one (PORTLEDGER_DETECTION=on)' },
);

export function healthRoutes(deps: {
  reads: LedgerReads;
  integrity?: IntegrityStatus;
  /** The detection engine's loop, when this server runs one. */
  detection?: { status(): DetectionStatus };
  /** Registers `GET /v1/audit/integrity`; only with the auth plugin, which enforces its access. */
  integrityRoute?: boolean;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(IntegritySummarySchema);
    const summary = Type.Ref('IntegritySummary');

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
          summary:
            'Readiness: the database answers, the log has a signed head, and the last integrity check found nothing',
          response: {
            200: Type.Object({
              status: Type.Literal('ready'),
              logSize: Type.Integer(),
              checkpointSize: Type.Union([Type.Integer(), Type.Null()]),
              integrity: Type.Optional(Type.Union([summary, Type.Null()])),
              detection: Type.Optional(DetectionSchema),
            }),
            503: Type.Object({
              status: Type.Union([Type.Literal('unavailable'), Type.Literal('verifying')]),
              reason: Type.Optional(Type.String()),
              integrity: Type.Optional(summary),
            }),
          },
        },
      },
      async (_request, reply) => {
        // A failed integrity check is a critical alert: it holds the server unready whether or not the database
        // still answers, and it does not depend on the alert event having been written.
        const integrity = deps.integrity?.latest();
        // Until the watch's first cycle has checked what was appended since the kept checkpoint (issue 13).
        if (deps.integrity && !integrity) return reply.code(503).send({ status: 'verifying' as const });
        if (integrity && !integrity.ok) {
          return reply
            .code(503)
            .send({ status: 'unavailable' as const, integrity: integritySummary(integrity) });
        }
        try {
          const [logSize, checkpoint] = await Promise.all([
            deps.reads.logSize(),
            deps.reads.latestCheckpoint(),
          ]);
          return {
            status: 'ready' as const,
            logSize,
            checkpointSize: checkpoint?.treeSize ?? null,
            ...(deps.integrity ? { integrity: integrity ? integritySummary(integrity) : null } : {}),
            ...(deps.detection ? { detection: detectionSummary(deps.detection.status()) } : {}),
          };
        } catch (error) {
          return reply.code(503).send({ status: 'unavailable' as const, reason: (error as Error).message });
        }
      },
    );

    if (deps.integrityRoute) {
      const watch = deps.integrity;
      app.get(
        '/v1/audit/integrity',
        {
          config: { access: 'audit.read' },
          schema: {
            tags: ['audit'],
            summary:
              "The server's last check of its own log: recomputed tree, leaf hashes and every signed checkpoint (null before the first)",
            response: { 200: Type.Union([summary, Type.Null()]), ...problemResponses },
          },
        },
        async () => {
          const latest = watch?.latest();
          return latest ? integritySummary(latest) : null;
        },
      );
    }
  };
}

/** The engine's status as `/readyz` tells it (without its running count). */
function detectionSummary(status: DetectionStatus) {
  const { active, position, logSize, lag, lastRunAt, lastError } = status;
  return { active, position, logSize, lag, lastRunAt, lastError };
}
