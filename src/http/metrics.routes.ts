import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Type } from 'typebox';
import { type AlertRule, severityOf } from '../app/alerts/index.js';
import type { WitnessSubmitter } from '../app/audit/index.js';
import type { DetectionStatus } from '../app/detection/index.js';
import { AppError } from '../app/errors.js';
import type { Ledger } from '../app/ledger/index.js';
import type { LedgerReads } from '../app/ports.js';
import type { QueueCountReads } from '../app/queues/queue.ports.js';
import type { IntegrityStatus } from './health.routes.js';

/**
 * Who may scrape `GET /metrics` (issue 16): a bearer token (`PORTLEDGER_METRICS_TOKEN`), a list of client networks
 * (`PORTLEDGER_METRICS_ALLOW`), or both, when both are given. With neither, only this machine: the metrics say how
 * far behind the witnesses and the detection engine are, and how many alerts of which kind wait — worth knowing
 * to someone planning to go unseen, so nothing is open to the network by default.
 */
export interface MetricsScrapeAccess {
  readonly token?: string;
  /** CIDR blocks or single addresses (IPv4 or IPv6). */
  readonly allow?: readonly string[];
}

const problemContent = { 'application/problem+json': { schema: { $ref: 'Problem#' } } };

/** Loopback, in both families: the scrape access when neither a token nor an allow-list is set. */
export const LOOPBACK_ONLY: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** The shortest scrape token accepted: 32 characters, e.g. 16 random bytes in hex (`openssl rand -hex 16`). */
export const MIN_METRICS_TOKEN_LENGTH = 32;

/**
 * The scrape access from the settings' text, checked at start: a bad entry stops the server naming the variable,
 * rather than leaving `/metrics` open or closed by surprise.
 */
export function parseMetricsScrapeAccess(
  token: string | undefined,
  allow: string | undefined,
): MetricsScrapeAccess {
  if (token !== undefined && (token.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(token))) {
    throw new Error(
      `PORTLEDGER_METRICS_TOKEN must be ${MIN_METRICS_TOKEN_LENGTH} characters at least, without spaces (e.g. openssl rand -hex 16)`,
    );
  }
  const blocks = allow
    ?.split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (blocks) {
    for (const block of blocks) {
      try {
        addressList([block]);
      } catch {
        throw new Error(
          `PORTLEDGER_METRICS_ALLOW: ${JSON.stringify(block)} is not a CIDR block or an IP address (e.g. 10.0.0.0/8,fd00::/8)`,
        );
      }
    }
  }
  return {
    ...(token === undefined ? {} : { token }),
    ...(blocks && blocks.length > 0 ? { allow: blocks } : {}),
  };
}

function addressList(blocks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const block of blocks) {
    const [address = '', prefix, extra] = block.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) throw new Error(`not an address: ${block}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      throw new Error(`not a prefix length: ${block}`);
    }
    list.addSubnet(address, bits, type);
  }
  return list;
}

/** An IPv4 client of a dual-stack socket shows as `::ffff:a.b.c.d`: judged as the IPv4 address it is. */
function clientAddress(ip: string): { address: string; type: 'ipv4' | 'ipv6' } | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped?.[1] ?? ip;
  const family = isIP(address);
  if (family === 0) return undefined;
  return { address, type: family === 4 ? 'ipv4' : 'ipv6' };
}

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/** Equal or not, in time that does not depend on where they differ (both are hashed to one length first). */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** How many deliveries wait in the outbox and since when the oldest (issue 16, Task B's subscriptions). */
export interface OutboxDepth {
  outboxDepth(): Promise<{ readonly pending: number; readonly oldestCreatedAt: string | null }>;
}

export interface MetricsDeps {
  readonly reads: LedgerReads;
  readonly detection?: { status(): DetectionStatus };
  /** This process's commits: `portledger_events_appended_total`. */
  readonly ledger?: Pick<Ledger, 'onEventsCommitted'>;
  /** The integrity watch: `portledger_integrity_ok`, as `/readyz` judges it. */
  readonly integrity?: IntegrityStatus;
  /** The log's witnesses, when configured: their lag behind the latest checkpoint. */
  readonly witnesses?: Pick<WitnessSubmitter, 'status' | 'quorumStatus'>;
  /** The bounded open-alert counts of the work queues: `portledger_alerts_open` per rule. */
  readonly alerts?: Pick<QueueCountReads, 'countOpenAlerts'>;
  /**
   * The subscriptions' outbox (issue 16, `src/app/partners/`): `portledger_outbox_depth` and
   * `portledger_outbox_oldest_age_seconds`. Absent until the outbox exists; the gauges are left out then.
   */
  readonly outbox?: OutboxDepth;
  /** Who may scrape; loopback only when absent (`LOOPBACK_ONLY`). */
  readonly scrape?: MetricsScrapeAccess;
  readonly now?: () => Date;
}

/** Each rule's open alerts are counted up to this many: a gauge at the cap means "this many or more". */
export const OPEN_ALERTS_CAP = 10_000;

/** Request latency buckets in seconds: a gate transaction in tens of ms, a survey upload in seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * `GET /metrics` in the Prometheus text format (issues 15 and 16), through prom-client, with a registry of its own per
 * server and no process metrics: what the port's operators need, nothing about the host.
 *
 * - `portledger_http_request_duration_seconds{route,method,status_class}`: every request's latency, labelled by the
 *   route's URL pattern (`/v1/visits/:visitRef`, never the URL asked for: one series per route, however many boxes),
 *   `unmatched` for a path no route has;
 * - `portledger_events_appended_total`: events this process committed to the log;
 * - `portledger_log_size`, `portledger_checkpoint_tree_size`, `portledger_checkpoint_age_seconds`;
 * - `portledger_witness_*` when witnesses are configured: each one's lag behind the latest checkpoint and the age of
 *   its latest cosignature, and the quorum's lag;
 * - `portledger_alerts_open{rule}`: open alerts per rule, each an index range count stopped at `OPEN_ALERTS_CAP`;
 * - `portledger_integrity_ok`: 1 when the integrity watch's last check passed, 0 when it failed or has not run;
 * - `portledger_outbox_depth`, `portledger_outbox_oldest_age_seconds` once the outbox is given;
 * - `portledger_detection_*` when this server runs the detection engine.
 *
 * Wrapped with fastify-plugin: its latency hook sees every route of the server.
 */
export function metricsRoutes(deps: MetricsDeps) {
  return fp(async (app: FastifyInstance) => metricsPlugin(app, deps), { name: 'portledger-metrics' });
}

async function metricsPlugin(app: FastifyInstance, deps: MetricsDeps): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const registry = new Registry();
  const seconds = (iso: string) => Math.max(0, (now().getTime() - Date.parse(iso)) / 1000);
  /** A gauge read at scrape time; a read that fails leaves the gauge out of this scrape, and is logged. */
  const gaugeOf = <L extends string>(
    options: { name: string; help: string; labelNames?: readonly L[] },
    read: (gauge: Gauge<L>) => Promise<void> | void,
  ) =>
    new Gauge<L>({
      ...options,
      registers: [registry],
      async collect() {
        try {
          this.reset();
          await read(this);
        } catch (error) {
          this.reset();
          app.log.warn({ err: error, metric: options.name }, 'could not read a metric');
        }
      },
    });

  const latency = new Histogram({
    name: 'portledger_http_request_duration_seconds',
    help: "HTTP request latency, by the route's URL pattern, method and status class",
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      {
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status_class: `${Math.floor(reply.statusCode / 100)}xx`,
      },
      reply.elapsedTime / 1000,
    );
  });

  if (deps.ledger) {
    const appended = new Counter({
      name: 'portledger_events_appended_total',
      help: 'Events this process appended to the log (committed)',
      registers: [registry],
    });
    const stop = deps.ledger.onEventsCommitted((events) => appended.inc(events));
    app.addHook('onClose', async () => {
      stop();
    });
  }

  gaugeOf({ name: 'portledger_log_size', help: 'Events (audit leaves) in the log' }, async (gauge) => {
    gauge.set(await deps.reads.logSize());
  });
  gaugeOf(
    { name: 'portledger_checkpoint_tree_size', help: 'The tree size of the latest signed checkpoint' },
    async (gauge) => {
      const latest = await deps.reads.latestCheckpoint();
      if (latest) gauge.set(latest.treeSize);
    },
  );
  gaugeOf(
    {
      name: 'portledger_checkpoint_age_seconds',
      help: 'Seconds since the latest checkpoint was signed (absent before the first)',
    },
    async (gauge) => {
      const latest = await deps.reads.latestCheckpoint();
      if (latest) gauge.set(seconds(latest.signedAt));
    },
  );

  const witnesses = deps.witnesses;
  if (witnesses) {
    gaugeOf(
      {
        name: 'portledger_witness_lag_events',
        help: 'Entries of the latest checkpoint the witness has not cosigned (its whole size before its first cosignature)',
        labelNames: ['witness'] as const,
      },
      async (gauge) => {
        const latest = await deps.reads.latestCheckpoint();
        if (!latest) return;
        for (const witness of witnesses.status()) {
          gauge.set({ witness: witness.name }, Math.max(0, latest.treeSize - (witness.cosignedSize ?? 0)));
        }
      },
    );
    gaugeOf(
      {
        name: 'portledger_witness_cosignature_age_seconds',
        help: "Seconds since the log received the witness's latest cosignature (absent before its first)",
        labelNames: ['witness'] as const,
      },
      (gauge) => {
        for (const witness of witnesses.status()) {
          if (witness.cosignedAt !== null) gauge.set({ witness: witness.name }, seconds(witness.cosignedAt));
        }
      },
    );
    gaugeOf(
      {
        name: 'portledger_witness_quorum_lag_events',
        help: 'Entries of the latest checkpoint no quorum of witnesses has cosigned yet',
      },
      async (gauge) => {
        const latest = await deps.reads.latestCheckpoint();
        if (!latest) return;
        gauge.set(Math.max(0, latest.treeSize - (witnesses.quorumStatus().cosignedSize ?? 0)));
      },
    );
    gaugeOf(
      {
        name: 'portledger_witness_quorum_lagging',
        help: '1 while no quorum has cosigned for longer than PORTLEDGER_WITNESS_MAX_LAG_SECONDS (the witness.lagging alert)',
      },
      (gauge) => {
        gauge.set(witnesses.quorumStatus().lagging ? 1 : 0);
      },
    );
  }

  const alerts = deps.alerts;
  if (alerts) {
    const rules = Object.keys(severityOf) as AlertRule[];
    gaugeOf(
      {
        name: 'portledger_alerts_open',
        help: `Open (not yet acknowledged) alerts per rule, counted up to ${OPEN_ALERTS_CAP}`,
        labelNames: ['rule'] as const,
      },
      async (gauge) => {
        // The work queues' bounded count, one rule at a time: a range of the (rule, status) index, never a pass over
        // every alert ever raised. The organisation '' is no organisation's, so only the rule's branch counts.
        const counts = await Promise.all(
          rules.map((rule) =>
            alerts.countOpenAlerts({ rules: [rule], orgId: '', terminals: [] }, OPEN_ALERTS_CAP),
          ),
        );
        rules.forEach((rule, i) => {
          gauge.set({ rule }, counts[i] ?? 0);
        });
      },
    );
  }

  const integrity = deps.integrity;
  if (integrity) {
    gaugeOf(
      {
        name: 'portledger_integrity_ok',
        help: "1 when the integrity watch's last check found the log and read models sound, 0 when it failed or has not run yet (/readyz)",
      },
      (gauge) => {
        gauge.set(integrity.latest()?.ok === true ? 1 : 0);
      },
    );
  }

  const outbox = deps.outbox;
  if (outbox) {
    let reading: ReturnType<OutboxDepth['outboxDepth']> | undefined;
    // Both gauges from one read per scrape.
    const depthOnce = () => {
      reading ??= outbox.outboxDepth().finally(() => {
        setImmediate(() => {
          reading = undefined;
        });
      });
      return reading;
    };
    gaugeOf(
      { name: 'portledger_outbox_depth', help: 'Callback deliveries waiting in the outbox' },
      async (gauge) => {
        gauge.set((await depthOnce()).pending);
      },
    );
    gaugeOf(
      {
        name: 'portledger_outbox_oldest_age_seconds',
        help: 'Seconds the oldest waiting delivery has waited (0 when none waits)',
      },
      async (gauge) => {
        const { oldestCreatedAt } = await depthOnce();
        gauge.set(oldestCreatedAt === null ? 0 : seconds(oldestCreatedAt));
      },
    );
  }

  const detection = deps.detection;
  if (detection) {
    const gauge = (name: string, help: string, value: (status: DetectionStatus) => number | null) =>
      gaugeOf({ name, help }, (g) => {
        const current = value(detection.status());
        if (current !== null) g.set(current);
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

  const scrape = deps.scrape ?? {};
  const allowed = addressList(
    scrape.allow ?? (scrape.token === undefined ? LOOPBACK_ONLY : ['0.0.0.0/0', '::/0']),
  );

  app.get(
    '/metrics',
    {
      // Its own bearer token, not an API token: the auth plugin leaves the Authorization header to this route.
      config: { access: 'public', ownAuthorization: true },
      // Scrapes every few seconds: Fastify's per-request log lines only at warn.
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary:
          'Prometheus metrics: request latency per route, events appended, checkpoint and witness lag, open alerts per rule, integrity, outbox, detection',
        description:
          'Text exposition format 0.0.4. Only for scrapers: PORTLEDGER_METRICS_TOKEN (a bearer token) and PORTLEDGER_METRICS_ALLOW (client networks) say who; with neither set, loopback only. Refused: 401 `metrics.token_invalid`, 403 `metrics.address_not_allowed`.',
        response: {
          200: {
            description: 'Prometheus text exposition format 0.0.4',
            content: { 'text/plain': { schema: Type.String() } },
          },
          401: { description: 'No or a wrong scrape token', content: problemContent },
          403: { description: 'A client address outside the allow-list', content: problemContent },
        },
      },
      onRequest: async (request, reply) => {
        const client = clientAddress(request.ip);
        if (!client || !allowed.check(client.address, client.type)) {
          throw new AppError(
            'metrics.address_not_allowed',
            `${request.ip} may not scrape /metrics (PORTLEDGER_METRICS_ALLOW)`,
          );
        }
        if (scrape.token === undefined) return;
        const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
        if (presented === undefined || !sameSecret(presented, scrape.token)) {
          reply.header('www-authenticate', 'Bearer realm="portledger-metrics"');
          throw new AppError(
            'metrics.token_invalid',
            'scraping /metrics needs the bearer token PORTLEDGER_METRICS_TOKEN',
          );
        }
      },
    },
    async (_request, reply) => {
      reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
      return registry.metrics();
    },
  );
}
