import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { type Family, parsePrometheusText, sampleValue } from '../../test/support/prometheus-text.js';
import { type AuthDeps, addOrganisation, createApiToken } from '../app/access/index.js';
import { ALERTS_STREAM, severityOf, witnessLagAlertRecord } from '../app/alerts/index.js';
import type { IntegrityResult } from '../app/audit/index.js';
import { announceVisit } from '../app/visits/index.js';
import { parseMetricsScrapeAccess } from './metrics.routes.js';
import { buildServer, type ServerDeps } from './server.js';

const METRICS_TOKEN = 'a'.repeat(16) + 'b'.repeat(16);
const LATENCY = 'portledger_http_request_duration_seconds';

describe('/metrics and /docs (issue 16, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let token: string;
  const visitRefs: string[] = [];
  const integrity = { latest: (): IntegrityResult | undefined => undefined };
  const cosignedAt = new Date(Date.now() - 90_000).toISOString();

  const serverWith = (more: Partial<ServerDeps> = {}) =>
    buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      integrity,
      witnesses: {
        status: () => [
          {
            name: 'witness.example/one',
            vkey: 'witness.example/one+00000000+AAAA',
            url: 'http://witness.invalid',
            cosignedSize: 1,
            cosignedAt,
            knownSize: 1,
            lastError: null,
            lastAttemptAt: null,
            finding: null,
          },
        ],
        quorumStatus: () => ({ quorum: 1, cosignedSize: 1, waitingSince: null, lagging: false }),
      },
      outbox: {
        outboxDepth: async () => ({
          pending: 3,
          oldestCreatedAt: new Date(Date.now() - 60_000).toISOString(),
        }),
      },
      ...more,
    });

  const scrape = async (target = app): Promise<Map<string, Family>> => {
    const response = await target.inject('/metrics');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parsePrometheusText(response.body);
  };

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    token = (await createApiToken(auth, { orgId: 'msc', permissions: ['visit.read'], createdBy: 'test' }))
      .token;
    app = await serverWith();
    for (const containerNumber of ['CSQU3054383', 'MSCU1234566']) {
      const { visit } = await announceVisit(fixture.ledger, testTerminals, {
        containerNumber,
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      visitRefs.push(visit.visitRef);
    }
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('answers in the text format, every line as the format allows (read back strictly)', async () => {
    const families = await scrape();
    expect(families.get(LATENCY)?.type).toBe('histogram');
    expect(families.get('portledger_events_appended_total')?.type).toBe('counter');
    for (const gauge of [
      'portledger_log_size',
      'portledger_checkpoint_tree_size',
      'portledger_checkpoint_age_seconds',
      'portledger_witness_lag_events',
      'portledger_witness_cosignature_age_seconds',
      'portledger_witness_quorum_lag_events',
      'portledger_witness_quorum_lagging',
      'portledger_alerts_open',
      'portledger_integrity_ok',
      'portledger_outbox_depth',
      'portledger_outbox_oldest_age_seconds',
    ]) {
      expect(families.get(gauge)?.type, gauge).toBe('gauge');
      expect(families.get(gauge)?.help, gauge).toBeTruthy();
    }
    const logSize = await fixture.store.logSize();
    const checkpoint = await fixture.store.latestCheckpoint();
    expect(sampleValue(families, 'portledger_log_size')).toBe(logSize);
    expect(sampleValue(families, 'portledger_checkpoint_tree_size')).toBe(checkpoint?.treeSize);
    expect(sampleValue(families, 'portledger_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
    // The witness cosigned size 1 of a larger log, 90 s ago.
    expect(sampleValue(families, 'portledger_witness_lag_events', { witness: 'witness.example/one' })).toBe(
      (checkpoint?.treeSize ?? 0) - 1,
    );
    expect(
      sampleValue(families, 'portledger_witness_cosignature_age_seconds', { witness: 'witness.example/one' }),
    ).toBeGreaterThanOrEqual(89);
    expect(sampleValue(families, 'portledger_outbox_depth')).toBe(3);
    expect(sampleValue(families, 'portledger_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(59);
    // The integrity watch has not checked yet: not ok, as /readyz's 503 `verifying`.
    expect(sampleValue(families, 'portledger_integrity_ok')).toBe(0);
    // One series per alert rule.
    expect(
      families
        .get('portledger_alerts_open')
        ?.samples.map((s) => s.labels.rule)
        .sort(),
    ).toEqual(Object.keys(severityOf).sort());
  });

  it('moves the latency histogram by exactly the requests made, labelled by route pattern, never the URL', async () => {
    const before = await scrape();
    const labels = { route: '/v1/visits/:visitRef', method: 'GET', status_class: '2xx' };
    const countBefore = sampleValue(before, `${LATENCY}_count`, labels) ?? 0;
    const n = 25;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        app.inject({
          url: `/v1/visits/${visitRefs[i % visitRefs.length]}`,
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(n).fill(200));
    // A visit the token may not see and paths no route has: other series, the same few whatever the URL.
    await app.inject({ url: '/v1/visits/V-NOPE', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 5; i++) await app.inject(`/v1/no-such-thing-${i}`);

    const after = await scrape();
    expect(sampleValue(after, `${LATENCY}_count`, labels)).toBe(countBefore + n);
    expect(sampleValue(after, `${LATENCY}_bucket`, { ...labels, le: '+Inf' })).toBe(countBefore + n);
    expect(sampleValue(after, `${LATENCY}_sum`, labels)).toBeGreaterThan(0);
    expect(
      sampleValue(after, `${LATENCY}_count`, { route: '/v1/visits/:visitRef', status_class: '4xx' }),
    ).toBe(1);
    const routes = new Set(after.get(LATENCY)?.samples.map((s) => s.labels.route));
    expect(routes.has('unmatched')).toBe(true);
    for (const route of routes) {
      expect(route).not.toMatch(/no-such-thing|V-NOPE/);
      for (const ref of visitRefs) expect(route).not.toContain(ref);
    }
  });

  it('counts the events this process appends, and the open alerts per rule', async () => {
    const before = await scrape();
    const appendedBefore = sampleValue(before, 'portledger_events_appended_total') ?? 0;
    const sizeBefore = await fixture.store.logSize();
    await announceVisit(fixture.ledger, testTerminals, {
      containerNumber: 'TGHU1234567',
      line: 'MSCU',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    await fixture.ledger.write(async ({ appendAtEnd, tx }) => {
      const [raised] = await appendAtEnd(ALERTS_STREAM, [
        {
          type: 'WitnessLagAlertRaised',
          data: { treeSize: 9, cosignedSize: 1, quorum: 1, lagSeconds: 700 },
        },
      ]);
      await tx.putAlertRecord(witnessLagAlertRecord(raised!));
    });
    const appended = (await fixture.store.logSize()) - sizeBefore;
    const after = await scrape();
    expect(appended).toBeGreaterThanOrEqual(2);
    expect(sampleValue(after, 'portledger_events_appended_total')).toBe(appendedBefore + appended);
    expect(sampleValue(after, 'portledger_alerts_open', { rule: 'witness.lagging' })).toBe(1);
    expect(sampleValue(after, 'portledger_alerts_open', { rule: 'gate.refused' })).toBe(0);
  });

  it('tells the integrity state as /readyz does', async () => {
    integrity.latest = () =>
      ({ ok: true, checkedAt: new Date().toISOString(), logSize: 1 }) as unknown as IntegrityResult;
    expect(sampleValue(await scrape(), 'portledger_integrity_ok')).toBe(1);
    integrity.latest = () =>
      ({ ok: false, checkedAt: new Date().toISOString() }) as unknown as IntegrityResult;
    expect(sampleValue(await scrape(), 'portledger_integrity_ok')).toBe(0);
    integrity.latest = () => undefined;
  });

  describe('scrape protection', () => {
    it('by default lets only this machine scrape', async () => {
      for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
        expect((await app.inject({ url: '/metrics', remoteAddress })).statusCode, remoteAddress).toBe(200);
      }
      for (const remoteAddress of ['203.0.113.5', '10.0.0.1', '2001:db8::1']) {
        const refused = await app.inject({ url: '/metrics', remoteAddress });
        expect(refused.statusCode, remoteAddress).toBe(403);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.json()).toMatchObject({ status: 403, code: 'metrics.address_not_allowed' });
      }
    });

    it('with a token, refuses a scrape without it or with another, from anywhere; an API token is not it', async () => {
      const guarded = await serverWith({ metricsScrape: parseMetricsScrapeAccess(METRICS_TOKEN, undefined) });
      try {
        for (const authorization of [
          undefined,
          `Bearer ${METRICS_TOKEN}x`,
          `Bearer ${token}`,
          METRICS_TOKEN,
        ]) {
          const refused = await guarded.inject({
            url: '/metrics',
            remoteAddress: '198.51.100.7',
            headers: authorization === undefined ? {} : { authorization },
          });
          expect(refused.statusCode, authorization).toBe(401);
          expect(refused.json()).toMatchObject({ status: 401, code: 'metrics.token_invalid' });
          expect(refused.headers['www-authenticate']).toBe('Bearer realm="portledger-metrics"');
        }
        const allowed = await guarded.inject({
          url: '/metrics',
          remoteAddress: '198.51.100.7',
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
        expect(allowed.statusCode).toBe(200);
        parsePrometheusText(allowed.body);
        // The scrape token opens nothing else.
        const visit = await guarded.inject({
          url: `/v1/visits/${visitRefs[0]}`,
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
        expect(visit.statusCode).toBe(401);
      } finally {
        await guarded.close();
      }
    });

    it('with an allow-list, refuses addresses outside it; with both, needs both', async () => {
      const listed = await serverWith({
        metricsScrape: parseMetricsScrapeAccess(undefined, ' 10.0.0.0/8, fd00::/8,192.0.2.7'),
      });
      const both = await serverWith({ metricsScrape: parseMetricsScrapeAccess(METRICS_TOKEN, '10.0.0.0/8') });
      try {
        for (const remoteAddress of ['10.20.30.40', '::ffff:10.1.1.1', 'fd00::5', '192.0.2.7']) {
          expect((await listed.inject({ url: '/metrics', remoteAddress })).statusCode, remoteAddress).toBe(
            200,
          );
        }
        for (const remoteAddress of ['127.0.0.1', '192.0.2.8', '11.0.0.1', 'fe80::1']) {
          const refused = await listed.inject({ url: '/metrics', remoteAddress });
          expect(refused.statusCode, remoteAddress).toBe(403);
          expect(refused.json().code).toBe('metrics.address_not_allowed');
        }
        const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };
        expect((await both.inject({ url: '/metrics', remoteAddress: '10.0.0.9' })).statusCode).toBe(401);
        expect(
          (await both.inject({ url: '/metrics', remoteAddress: '192.0.2.1', headers: bearer })).statusCode,
        ).toBe(403);
        expect(
          (await both.inject({ url: '/metrics', remoteAddress: '10.0.0.9', headers: bearer })).statusCode,
        ).toBe(200);
      } finally {
        await listed.close();
        await both.close();
      }
    });

    it('refuses settings that would leave /metrics open or closed by surprise', () => {
      expect(() => parseMetricsScrapeAccess('short', undefined)).toThrow(/PORTLEDGER_METRICS_TOKEN/);
      expect(() => parseMetricsScrapeAccess(undefined, '10.0.0.0/33')).toThrow(/PORTLEDGER_METRICS_ALLOW/);
      expect(() => parseMetricsScrapeAccess(undefined, 'example.org')).toThrow(/PORTLEDGER_METRICS_ALLOW/);
      expect(parseMetricsScrapeAccess(undefined, ' , ')).toEqual({});
    });
  });

  describe('Swagger UI at /docs', () => {
    it('serves the page and its assets from this server, under a CSP of its own origin', async () => {
      const page = await app.inject({ url: '/docs', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('swagger-ui-bundle.js');
      // Nothing from a CDN: every script and stylesheet is a path of this server.
      const references = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
      expect(references.length).toBeGreaterThan(3);
      for (const reference of references) expect(reference).toMatch(/^\/docs\/static\//);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      // Scripts only from this origin, never inline or evaluated.
      expect(csp.split('; ').find((d) => d.startsWith('script-src'))).toBe("script-src 'self'");
      for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-initializer.js']) {
        const file = await app.inject(`/docs/static/${asset}`);
        expect(file.statusCode, asset).toBe(200);
        expect(file.body.length, asset).toBeGreaterThan(100);
      }
      expect((await app.inject('/docs/static/swagger-initializer.js')).body).toContain('validatorUrl');
      // A path under /docs that is none of its files is the API's 404, not the console.
      const missing = await app.inject({ url: '/docs/nothing-here', headers: { accept: 'text/html' } });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('route.not_found');
    });

    it("documents the API from the same OpenAPI document, less the console's private routes", async () => {
      const full = (await app.inject('/openapi.json')).json() as { paths: Record<string, object> };
      const shown = (await app.inject('/docs/json')).json() as {
        paths: Record<string, Record<string, unknown>>;
        tags: { name: string }[];
        info: unknown;
      };
      expect(shown.info).toEqual((full as unknown as { info: unknown }).info);
      // The console's own: signing in, a person's passkeys, their work queues.
      expect(Object.keys(full.paths)).toContain('/v1/auth/session');
      expect(Object.keys(full.paths)).toContain('/v1/me/passkeys');
      expect(Object.keys(full.paths)).toContain('/v1/queues');
      const paths = Object.keys(shown.paths);
      expect(paths.filter((path) => path.startsWith('/v1/auth/'))).toEqual([]);
      expect(paths).not.toContain('/v1/me/passkeys');
      expect(paths).not.toContain('/v1/queues');
      // Tags stay while an operation has them (`auth`: the enrolments an administrator confirms).
      expect(shown.tags.map((tag) => tag.name)).toEqual(expect.arrayContaining(['health', 'audit', 'auth']));
      // Everything else is there as /openapi.json has it.
      for (const path of ['/v1/visits', '/v1/visits/{visitRef}', '/metrics', '/v1/audit/checkpoint']) {
        expect(shown.paths[path], path).toEqual(full.paths[path]);
      }
      // Machine clients' own routes stay, /v1/me/jobs (a driver's phone, with its device key) among them.
      expect(paths).toContain('/v1/me/jobs');
    });
  });
});
