import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Authenticated } from '../app/access/index.js';
import { AppError } from '../app/errors.js';
import { QUEUE_COUNT_CAP, queueKinds, sameQueues, type WorkQueue, workQueues } from '../app/queues/index.js';
import { principalOf } from '../app/visits/index.js';
import { requireAuth } from './auth.plugin.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

const WorkQueueSchema = Type.Object(
  {
    kind: Type.Union(
      queueKinds.map((kind) => Type.Literal(kind)),
      {
        description:
          'release_offers: release offers awaiting your organisation; blocked_releases: your line’s blocked releases; approvals: two-person requests you may decide; open_alerts: alerts not yet acknowledged, within what you may see; trucks_due: booked slots at your terminals starting within the hour; pending_phones: your drivers’ phones awaiting confirmation; held_boxes: boxes on hold (at your terminals, of your line without police holds, or on your authority’s holds)',
      },
    ),
    count: Type.Integer({ minimum: 0, maximum: QUEUE_COUNT_CAP }),
    more: Type.Boolean({ description: 'More than `count` wait: counting stopped at the cap' }),
    link: Type.String({ description: 'The console page that lists them' }),
  },
  { additionalProperties: false },
);

const QueuesSchema = Type.Object({
  queues: Type.Array(WorkQueueSchema, {
    description: 'The queues your roles work on, in a fixed order; empty when none',
  }),
});

/** How the live streams behave; the defaults suit the console, tests may shorten them. */
export interface QueueStreamSettings {
  /** How often the log's size is read to learn that something was written (one read per process, not per stream). */
  readonly pollMs: number;
  /** How often each stream counts again even when nothing was written: trucks come due and requests expire. */
  readonly refreshMs: number;
  /** A comment line this often keeps proxies from closing a quiet stream. */
  readonly heartbeatMs: number;
  /** Live streams one session may hold open at once (a tab each). */
  readonly maxStreamsPerSession: number;
}

export const DEFAULT_QUEUE_STREAM_SETTINGS: QueueStreamSettings = {
  pollMs: 1_000,
  refreshMs: 30_000,
  heartbeatMs: 25_000,
  maxStreamsPerSession: 4,
};

/** One open stream, as the hub wakes and ends it. */
interface OpenStream {
  readonly sessionKey: string;
  /** The log's size when the stream last counted, or was last woken to. */
  seenSize: number;
  wake(): void;
  end(): void;
}

/**
 * The open streams of one server. The ledger tells no listener of each append, so one timer reads the log's size
 * (a single indexed read) while any stream is open, and wakes each stream that counted at another size; each then
 * counts its own queues again and sends them only if they changed.
 */
class QueueStreamHub {
  private readonly streams = new Set<OpenStream>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private reading = false;

  constructor(
    private readonly logSize: () => Promise<number>,
    private readonly pollMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  openFor(sessionKey: string): number {
    let n = 0;
    for (const stream of this.streams) if (stream.sessionKey === sessionKey) n += 1;
    return n;
  }

  add(stream: OpenStream): void {
    this.streams.add(stream);
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref?.();
  }

  remove(stream: OpenStream): void {
    this.streams.delete(stream);
    if (this.streams.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  endAll(): void {
    for (const stream of [...this.streams]) stream.end();
  }

  private async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const size = await this.logSize();
      for (const stream of this.streams) {
        if (stream.seenSize === size) continue;
        stream.seenSize = size;
        stream.wake();
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.reading = false;
    }
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * Work queues (issue 14): `GET /v1/queues` answers what waits for the signed-in person now; `GET /v1/queues/events`
 * is the same as server-sent events — the queues at once, then again whenever they change, with a heartbeat comment
 * in between — until the client goes, the session ends or the server closes.
 */
export function queueRoutes(
  deps: HttpDeps,
  settings: QueueStreamSettings = DEFAULT_QUEUE_STREAM_SETTINGS,
): FastifyPluginAsyncTypebox {
  const { ledger, settings: authSettings } = deps.auth;
  const store = ledger.store;
  const queuesOf = (auth: Authenticated) =>
    workQueues(store.queueCounts, principalOf(auth), ledger.clock.now());

  /** Whether the stream's session still stands: not revoked, expired or idle, its person's roles unchanged. */
  async function sessionStands(auth: Authenticated): Promise<boolean> {
    const session = await store.identity.getSession(auth.sessionIdHash);
    const now = ledger.clock.now();
    if (!session || session.revokedAt || session.expiresAt <= now.toISOString()) return false;
    if (Date.parse(session.lastSeenAt) + authSettings.sessionIdleMs <= now.getTime()) return false;
    const user = await store.identity.getUser(session.userId);
    return user !== undefined && !user.lockedAt && user.securityEpoch === auth.user.securityEpoch;
  }

  return async (app) => {
    const hub = new QueueStreamHub(
      () => store.logSize(),
      settings.pollMs,
      (error) => app.log.warn({ err: error }, 'work queue streams: reading the log size failed'),
    );
    // Before the server waits for open requests to finish: a live stream never would.
    app.addHook('preClose', async () => hub.endAll());

    app.get(
      '/v1/queues',
      {
        config: { access: 'session' },
        schema: {
          tags: ['queues'],
          summary: 'What waits for you: a count per work queue of your roles, within what you may see',
          description:
            'Each count stops at 999 (`more` tells that others wait). `GET /v1/queues/events` streams the same object as server-sent events (`event: queues`), sent at once and again whenever a count changes.',
          response: { 200: QueuesSchema, 401: { $ref: 'Problem#' }, ...problemResponses },
        },
      },
      async (request) => ({ queues: await queuesOf(requireAuth(request)) }),
    );

    app.get(
      '/v1/queues/events',
      {
        config: { access: 'session' },
        // An endless text/event-stream has no response schema to speak of; `GET /v1/queues` documents its events.
        schema: { hide: true },
        // No HEAD twin: a HEAD opened a stream that never sent its headers (issue 14's second outside attacker).
        exposeHeadRoute: false,
      },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const auth = requireAuth(request);
        const sessionKey = hex(auth.sessionIdHash);
        if (hub.openFor(sessionKey) >= settings.maxStreamsPerSession) {
          throw new AppError(
            'queues.too_many_streams',
            `at most ${settings.maxStreamsPerSession} live streams of work queues per session`,
            { retryAfterSeconds: Math.ceil(settings.heartbeatMs / 1000) },
          );
        }
        // Read before counting: whatever is written after this read wakes the stream.
        const seenSize = await store.logSize();
        const first = await queuesOf(auth);

        reply.hijack();
        const response = reply.raw;
        response.writeHead(200, {
          // What the hooks set before (a renewed session cookie): hijacked, the reply would not send it.
          ...Object.fromEntries(
            Object.entries(reply.getHeaders()).filter(([, value]) => value !== undefined),
          ),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          // nginx and the like would hold the events back in a buffer.
          'x-accel-buffering': 'no',
          // The connection ends with the stream: otherwise a closing server would wait for it to idle out.
          connection: 'close',
        });
        const send = (queues: readonly WorkQueue[]) =>
          response.write(`event: queues\ndata: ${JSON.stringify({ queues })}\n\n`);
        // How long a browser waits before it connects again after the stream dropped.
        response.write('retry: 5000\n\n');
        send(first);

        let last: readonly WorkQueue[] = first;
        let ended = false;
        let counting = false;
        let again = false;
        const stream: OpenStream = {
          sessionKey,
          seenSize,
          wake: () => void refresh(),
          end,
        };
        const heartbeat = setInterval(() => response.write(': still here\n\n'), settings.heartbeatMs);
        const periodic = setInterval(() => void refresh(), settings.refreshMs);
        heartbeat.unref?.();
        periodic.unref?.();

        function end(): void {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          clearInterval(periodic);
          hub.remove(stream);
          if (!response.writableEnded) response.end();
        }

        // One count at a time per stream; a wake during a count counts once more after it.
        async function refresh(): Promise<void> {
          if (ended) return;
          if (counting) {
            again = true;
            return;
          }
          counting = true;
          try {
            do {
              again = false;
              if (!(await sessionStands(auth))) return end();
              const queues = await queuesOf(auth);
              if (ended) return;
              if (!sameQueues(last, queues)) {
                last = queues;
                send(queues);
              }
            } while (again && !ended);
          } catch (error) {
            // The stream stays; the next wake or refresh counts again.
            request.log.warn({ err: error }, 'work queue stream: counting failed');
          } finally {
            counting = false;
          }
        }

        response.on('close', end);
        hub.add(stream);
      },
    );
  };
}
