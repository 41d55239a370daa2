import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AuthDeps } from '../app/access/index.js';
import { PositionViewRecorder } from '../app/alerts/index.js';
import { type PickupDeps, pickupDepsFor } from '../app/appointments/index.js';
import { isHistoryBreak, type WitnessSubmitter } from '../app/audit/index.js';
import type { CosignatureStore } from '../app/audit/witness.ports.js';
import type { DetectionStatus } from '../app/detection/index.js';
import type { GateThrottle } from '../app/gate/index.js';
import type { LedgerReads } from '../app/ports.js';
import type { TerminalLayouts } from '../app/visits/index.js';
import type { SurveyWalkLimits } from '../domain/index.js';
import { adminRoutes } from './admin.routes.js';
import { alertRoutes } from './alert.routes.js';
import { appointmentRoutes } from './appointment.routes.js';
import { approvalRoutes } from './approval.routes.js';
import { auditRoutes } from './audit.routes.js';
import { authPlugin } from './auth.plugin.js';
import { authRoutes } from './auth.routes.js';
import { consoleRoutes } from './console.routes.js';
import { docsRoutes } from './docs.routes.js';
import { driverRoutes } from './driver.routes.js';
import { driverDeviceRoutes } from './driver-device.routes.js';
import { ediRoutes } from './edi.routes.js';
import { enrolmentRoutes } from './enrolment.routes.js';
import { gateRoutes } from './gate.routes.js';
import { healthRoutes, type IntegrityStatus } from './health.routes.js';
import { type MetricsScrapeAccess, metricsRoutes, type OutboxDepth } from './metrics.routes.js';
import { partyRoutes } from './party.routes.js';
import { clientErrorResponse, problemOf, sendProblem } from './problem.js';
import { queueRoutes } from './queue.routes.js';
import { releaseRoutes } from './release.routes.js';
import { ProblemSchema } from './schemas.js';
import { type CallbackGuard, subscriptionRoutes } from './subscription.routes.js';
import { surveyRoutes } from './survey.routes.js';
import { terminalRoutes } from './terminal.routes.js';
import { tileRoutes } from './tiles.routes.js';
import { tntRoutes } from './tnt.routes.js';
import { viewsRoutes } from './views.routes.js';
import { visitRoutes } from './visit.routes.js';
import { yardRoutes } from './yard.routes.js';

export interface ServerDeps {
  readonly reads: LedgerReads;
  readonly verifierKey: string;
  readonly logger?: FastifyBaseLogger;
  readonly version?: string;
  /** The identity layer; without it only the public audit and health routes exist. */
  readonly auth?: AuthDeps;
  /** Trust X-Forwarded-* from a TLS-terminating proxy, so cookies are Secure and IPs are the clients'. */
  readonly trustProxy?: boolean;
  /** The yards the port runs (for yard commands); required with `auth`. */
  readonly terminals?: TerminalLayouts;
  /** The URL people open (enrolment links); defaults to http://localhost. */
  readonly publicUrl?: string;
  /** Slot tables and pickup credential keys; defaults to the demo slots, credentials signed by the log key. */
  readonly pickup?: PickupDeps;
  /** The integrity watch: `/readyz` answers 503 while its last check failed. */
  readonly integrity?: IntegrityStatus;
  /** The detection engine's loop (issue 15): `/readyz` tells its place and lag. */
  readonly detection?: { status(): DetectionStatus };
  /**
   * Records the positions reads show people (issue 15), batched per person; the server closes it (writing what waits)
   * when it closes. Absent: one batching five seconds is made.
   */
  readonly positionViews?: PositionViewRecorder;
  /** The gate's rate limits per kiosk and per credential; without it, the gate answers every attempt. */
  readonly gateThrottle?: GateThrottle;
  /** Minutes early or late within which a refusal for timing alone raises no alert (issue 14); a default when absent. */
  readonly gateTimingLeadMinutes?: number;
  /** How long a yard survey's walk may take and how old its rows may be (issue 15); the domain's defaults when absent. */
  readonly surveyWalk?: SurveyWalkLimits;
  /** The witnesses' stored cosignatures: served with the checkpoints as extra signature lines. */
  readonly cosignatures?: CosignatureStore;
  /** The log's witnesses and how each stands (`GET /v1/audit/witnesses`); absent when none is configured. */
  readonly witnesses?: Pick<WitnessSubmitter, 'status' | 'quorumStatus'>;
  /** Who may scrape `/metrics` (issue 16): a token, client networks, or both; loopback only when absent. */
  readonly metricsScrape?: MetricsScrapeAccess;
  /** The subscriptions' outbox, for `/metrics`' depth and age gauges (issue 16); absent: those gauges are left out. */
  readonly outbox?: OutboxDepth;
  /**
   * Where subscription callbacks may go (issue 16): the host resolver and the ranges an administrator allows. Absent:
   * a callback URL must name a public address literally (no name is resolved).
   */
  readonly callbacks?: CallbackGuard;
}

/**
 * Builds the HTTP app without listening, so tests drive it with `inject()`. Every route declares its schema; the
 * OpenAPI document at `/openapi.json` is generated from them.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    trustProxy: deps.trustProxy ?? false,
    // The router's own refusals (a path that is not percent-encoding, a path parameter over maxParamLength) and
    // the HTTP parser's are problem details too, like every other error.
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, request, problemOf(error).problem);
    },
    clientErrorHandler: (error, socket) => {
      // A reset connection has no one left to answer (Fastify's default handler does the same).
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error));
      socket.destroy(error);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'PortLedger API',
        description:
          'Container tracking and release for a seaport, on a tamper-evident RFC 9162 audit log. Errors are RFC 9457 problem details with a stable `code`.',
        version: deps.version ?? '0.1.0',
      },
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'audit', description: 'Signed checkpoints, proofs and log entries' },
        {
          name: 'auth',
          description: 'Sign-in with passkeys (or password + TOTP where the role allows), sessions, step-up',
        },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  // Swagger UI at /docs (issue 16): before the auth plugin, so that it sees every route after it (see docsRoutes).
  await app.register(docsRoutes());

  app.setErrorHandler((error, request, reply) => {
    const { problem, known } = problemOf(error);
    if (!known) request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, {
      type: 'https://portledger.dev/problems/route.not_found',
      title: 'route.not_found',
      status: 404,
      detail: `no route ${request.method} ${request.url.split('?')[0]}`,
      code: 'route.not_found',
    }),
  );

  // Tokens, sessions and people the log does not know are refused, unless the log itself lost entries (a rollback):
  // then it cannot tell them from ones made in what it lost, and they may read the alerts and the audit (the auth
  // plugin's incident reads, AuthDeps.logLostEntries). A fork loses nothing at the log's end: no exception then.
  const { integrity } = deps;
  const auth: AuthDeps | undefined = deps.auth && {
    ...deps.auth,
    logLostEntries: () => {
      const latest = integrity?.latest();
      return isHistoryBreak(latest) && latest.code === 'integrity.rollback';
    },
  };
  if (auth) await app.register(authPlugin, { auth });
  await app.register(
    healthRoutes({
      reads: deps.reads,
      integrity: deps.integrity,
      integrityRoute: deps.auth !== undefined,
      ...(deps.detection ? { detection: deps.detection } : {}),
    }),
  );
  await app.register(
    metricsRoutes({
      reads: deps.reads,
      ...(deps.detection ? { detection: deps.detection } : {}),
      ...(auth ? { ledger: auth.ledger, alerts: auth.ledger.store.queueCounts } : {}),
      ...(deps.integrity ? { integrity: deps.integrity } : {}),
      ...(deps.witnesses ? { witnesses: deps.witnesses } : {}),
      ...(deps.outbox ? { outbox: deps.outbox } : {}),
      ...(deps.metricsScrape ? { scrape: deps.metricsScrape } : {}),
    }),
  );
  if (auth) {
    // Who looked at what (issue 15): the read never waits for the record, and a failure to write it is logged.
    const positionViews =
      deps.positionViews ??
      new PositionViewRecorder({
        ledger: auth.ledger,
        intervalMs: 5000,
        onError: (error, pending) =>
          app.log.error({ err: error, ...pending }, 'could not record the positions people were shown'),
      });
    app.addHook('onClose', () => positionViews.close());
    const http = {
      auth,
      terminals: deps.terminals ?? new Map(),
      publicUrl: deps.publicUrl ?? 'http://localhost',
      // Without slot tables no terminal takes appointments.
      pickup: deps.pickup ?? pickupDepsFor({ signer: auth.ledger.log.signer, slots: [] }),
      positionViews,
      ...(deps.gateThrottle ? { gateThrottle: deps.gateThrottle } : {}),
      ...(deps.gateTimingLeadMinutes === undefined
        ? {}
        : { gateTimingLeadMinutes: deps.gateTimingLeadMinutes }),
      ...(deps.surveyWalk ? { surveyWalk: deps.surveyWalk } : {}),
    };
    await app.register(authRoutes(auth));
    await app.register(visitRoutes(http));
    await app.register(releaseRoutes(http));
    await app.register(partyRoutes(http));
    await app.register(approvalRoutes(http));
    await app.register(adminRoutes(http));
    await app.register(appointmentRoutes(http));
    await app.register(terminalRoutes(http));
    await app.register(driverRoutes(http));
    await app.register(driverDeviceRoutes(http));
    await app.register(gateRoutes(http));
    await app.register(yardRoutes(http));
    await app.register(surveyRoutes(http));
    await app.register(alertRoutes(http));
    await app.register(enrolmentRoutes(http));
    await app.register(queueRoutes(http));
    await app.register(viewsRoutes(http));
    await app.register(tntRoutes(http));
    await app.register(ediRoutes(http));
    await app.register(
      subscriptionRoutes(
        http,
        deps.callbacks ?? {
          resolve: async (host) => {
            throw new Error(`no resolver to look up ${host}`);
          },
          allow: [],
        },
      ),
    );
  }
  await app.register(
    auditRoutes({
      reads: deps.reads,
      verifierKey: deps.verifierKey,
      cosignatures: deps.cosignatures,
      witnesses: deps.witnesses,
    }),
  );
  await app.register(tileRoutes({ reads: deps.reads, cosignatures: deps.cosignatures }));

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  // Last: the web console answers the GETs no API route claims (its routes are hidden from the OpenAPI document).
  await app.register(consoleRoutes());
  return app;
}
