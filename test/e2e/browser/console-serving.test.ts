/** How the server serves the console beside the API (no browser needed). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../../src/http/console.routes.js';
import { ensureConsoleBuilt } from '../../support/browser.js';
import { type ConsoleServer, startConsoleServer } from './console-server.js';

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the console beside the API', () => {
  let server: ConsoleServer;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startConsoleServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers client-side routes with index.html, uncached and with a strict CSP', async () => {
    for (const url of ['/', '/login', '/enrol', '/me/passkeys', '/some/unknown/page?x=1']) {
      const response = await server.app.inject({ url, headers: html });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expect(response.body, url).toContain('<div id="root"></div>');
      expect(response.headers['cache-control'], url).toBe('no-cache');
      expect(response.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
    }
  });

  it('serves the hashed assets as immutable files', async () => {
    const index = (await server.app.inject({ url: '/', headers: html })).body;
    const script = index.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const response = await server.app.inject({ url: script! });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('leaves the API paths to the API, even when a browser asks for HTML', async () => {
    expect((await server.app.inject({ url: '/healthz', headers: html })).json()).toEqual({ status: 'ok' });
    expect((await server.app.inject({ url: '/readyz', headers: html })).statusCode).toBe(200);
    const openapi = await server.app.inject({ url: '/openapi.json', headers: html });
    expect(openapi.json().openapi).toBe('3.1.0');
    for (const url of ['/v1/nothing-here', '/v1', '/openapi.json/x']) {
      const response = await server.app.inject({ url, headers: html });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(response.json().code, url).toBe('route.not_found');
    }
  });

  it('answers a missing file that is not a page with the API 404, and never serves outside dist/web', async () => {
    for (const url of ['/assets/missing.js', '/favicon.ico', '/../package.json', '/%2e%2e/package.json']) {
      const response = await server.app.inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().code, url).toBe('route.not_found');
    }
    const traversal = await server.app.inject({ url: '/%2e%2e/%2e%2e/package.json', headers: html });
    expect(traversal.body).not.toContain('"name": "portledger"');
  });

  it('keeps its routes out of the OpenAPI document', async () => {
    const document = (await server.app.inject('/openapi.json')).json() as { paths: Record<string, unknown> };
    expect(
      Object.keys(document.paths).filter(
        // The API: /v1/…, the health checks and Prometheus' /metrics (issue 15), the C2SP tlog-tiles resources,
        // whose paths the spec fixes, and DCSA Track & Trace 2.2 and 3.0 under /v2/ and /v3/ (issue 16), whose
        // paths DCSA fixes.
        (path) =>
          !path.startsWith('/v1/') &&
          !path.startsWith('/v2/') &&
          !path.startsWith('/v3/') &&
          !path.startsWith('/tile/') &&
          !/^\/(healthz|readyz|metrics|checkpoint)$/.test(path),
      ),
    ).toEqual([]);
  });

  it('serves a plain "not built" page, with a warning, when dist/web is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'portledger-noweb-'));
    const warnings: string[] = [];
    const app = Fastify({
      loggerInstance: {
        level: 'warn',
        warn: (_obj: unknown, message?: string) => warnings.push(String(message)),
        info() {},
        error() {},
        debug() {},
        fatal() {},
        trace() {},
        silent() {},
        child() {
          return this;
        },
      } as never,
    });
    try {
      await app.register(consoleRoutes({ root: join(empty, 'web') }));
      const page = await app.inject({ url: '/login', headers: html });
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain('The console is not built');
      expect(warnings.some((message) => message.includes('not built'))).toBe(true);
      expect((await app.inject({ url: '/v1/x', headers: html })).statusCode).toBe(404);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
