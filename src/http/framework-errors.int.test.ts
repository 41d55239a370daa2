import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { clientErrorResponse } from './problem.js';
import { buildServer } from './server.js';

/** Sends raw bytes to the server and reads the whole answer, until the server closes the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.end(request);
  });
}

/** Status line, headers (lower-cased names) and parsed JSON body of a raw HTTP/1.1 answer. */
function parseAnswer(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: JSON.parse(body) as Record<string, unknown>,
  };
}

/**
 * Errors Fastify and Node raise before any route runs answer with RFC 9457 problem details and a stable code, like
 * every other error: a path that is not percent-encoding, a path parameter over `maxParamLength`, and a connection
 * whose bytes are not HTTP at all.
 */
describe("Fastify's and Node's own errors as problem details (HTTP, SQLite)", () => {
  let fixture: TestLedger;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth: testAuthDeps(fixture.ledger),
      terminals: testTerminals,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('answers a path parameter longer than maxParamLength with 414 request.path_parameter_too_long', async () => {
    // A POST: GETs that no API route matches fall through to the console's catch-all route (a 404 problem).
    const response = await app.inject({
      method: 'POST',
      url: `/v1/visits/${'A'.repeat(101)}/gate-out`,
      payload: {},
    });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      type: 'https://portledger.dev/problems/request.path_parameter_too_long',
      title: 'request.path_parameter_too_long',
      status: 414,
      code: 'request.path_parameter_too_long',
    });
    // The detail does not echo the caller's long input back.
    expect(response.json().detail).not.toContain('AAAA');
  });

  it('answers a path that is not percent-encoding with 400 request.url_malformed', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/visits/%zz' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'request.url_malformed' });
  });

  it('answers the same over a real socket, before authentication runs', async () => {
    const answer = parseAnswer(
      await rawExchange(port, 'GET /v1/visits/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'request.url_malformed' });
  });

  it('answers malformed HTTP on the socket with 400 request.malformed and closes the connection', async () => {
    const answer = parseAnswer(
      await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nthis is no header\r\n\r\n'),
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers.connection).toBe('close');
    expect(answer.body).toEqual({
      type: 'https://portledger.dev/problems/request.malformed',
      title: 'request.malformed',
      status: 400,
      detail: 'the request is not well-formed HTTP/1.1',
      code: 'request.malformed',
    });
  });

  it('answers headers over the size limit with 431 request.headers_too_large', async () => {
    const answer = parseAnswer(
      await rawExchange(
        port,
        `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`,
      ),
    );
    expect(answer.status).toBe(431);
    expect(answer.body).toMatchObject({ status: 431, code: 'request.headers_too_large' });
  });

  it('answers a request too slow to arrive with 408 request.timeout', () => {
    // Node raises ERR_HTTP_REQUEST_TIMEOUT after `requestTimeout`; the answer is built the same way as above.
    const answer = parseAnswer(clientErrorResponse({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }));
    expect(answer.status).toBe(408);
    expect(answer.body).toMatchObject({ status: 408, code: 'request.timeout' });
  });

  it('keeps the problem details of a route that exists for a well-formed request', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/visits/unknown-visit' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'auth.unauthenticated' });
  });
});
