import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Gauge, Registry } from 'prom-client';
import { Type } from 'typebox';
import type { DetectionStatus } from '../app/detection/index.js';
import type { LedgerReads } from '../app/ports.js';

/**
 * `GET /metrics` in the Prometheus text format (issue 15): the log's size and, when this server runs the detection
 * engine, its place and lag, so that an operator's alerting sees an engine falling behind. A registry of its own
 * per server, with no process metrics: only what the port's operators need, nothing about the host.
 */
export function metricsRoutes(deps: {
  reads: LedgerReads;
  detection?: { status(): DetectionStatus };
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    const registry = new Registry();
    new Gauge({
      name: 'portledger_log_size',
      help: 'Events (audit leaves) in the log',
      registers: [registry],
      async collect() {
        this.set(await deps.reads.logSize());
      },
    });
    const detection = deps.detection;
    if (detection) {
      const gauge = (name: string, help: string, value: (status: DetectionStatus) => number | null) =>
        new Gauge({
          name,
          help,
          registers: [registry],
          collect() {
            const current = value(detection.status());
            if (current === null) this.reset();
            else this.set(current);
          },
        });
      gauge(
        'portledger_detection_active',
        '1 while this server runs the detection engine (holds its role)',
        (s) => (s.active ? 1 : 0),
      );
      gauge(
        'portledger_detection_position',
        'The next audit index the detection engine reads',
        (s) => s.position,
      );
      gauge(
        'portledger_detection_lag_events',
        'Events appended that the detection engine had not seen at its last run',
        (s) => s.lag,
      );
      gauge(
        'portledger_detection_alerts_raised',
        'Alerts the detection engine raised since this server started',
        (s) => s.alertsRaised,
      );
    }

    app.get(
      '/metrics',
      {
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          summary:
            "Prometheus metrics: the log's size, and the detection engine's place and lag when this server runs it",
          produces: ['text/plain'],
          response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }) },
        },
      },
      async (_request, reply) => {
        reply.header('content-type', registry.contentType);
        return registry.metrics();
      },
    );
  };
}
