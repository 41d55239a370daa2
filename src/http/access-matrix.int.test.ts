/**
 * THE matrix test (issue 3, acceptance): every (role, organisation kind) × every API route, derived from the
 * policy table and from the running server's own route table, so that neither a new route nor a new permission
 * can escape it.
 *
 * - allowed by the table: never 401, 403 or 5xx, and the route's example succeeds (2xx), or answers the status
 *   its example names with a reason (e.g. 404 when need-to-know leaves the caller nothing to see yet);
 * - forbidden by the table: 403;
 * - without a session: 401, except on public routes, which behave as for anyone.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testSlots,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import {
  buildWorld,
  type Caller,
  injectAs,
  type RouteExample,
  routeExamples,
  type Session,
  type World,
} from '../../test/support/route-examples.js';
import type { AuthDeps } from '../app/access/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import { mayDo } from '../domain/index.js';
import type { RouteAccess } from './auth.plugin.js';
import { buildServer } from './server.js';

// The route table as Fastify builds it: an `onRoute` hook on every instance `buildServer` creates, from its start.
const captured = vi.hoisted(() => [] as { method: string; url: string; access: unknown; hidden: boolean }[]);
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fastify')>();
  const wrapped = ((options?: Parameters<typeof actual.default>[0]) => {
    const app = actual.default(options);
    app.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        captured.push({
          method: String(method),
          url: route.url,
          access: route.config?.access,
          hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true,
        });
      }
    });
    return app;
  }) as unknown as typeof actual.default;
  return { ...actual, default: wrapped, fastify: wrapped };
});

interface ApiRoute {
  /** `METHOD /path/{param}`, as in the OpenAPI document and the examples table. */
  readonly key: string;
  readonly access: RouteAccess | undefined;
}

// @fastify/swagger writes a wildcard `*` (the tlog-tiles index, several path elements) as `{*}`.
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{*}');

function isAllowed(caller: Pick<Caller, 'role' | 'orgKind'>, access: RouteAccess | undefined): boolean {
  if (access === undefined || access === 'public' || access === 'session') return true;
  return mayDo({ orgKind: caller.orgKind, roles: [caller.role] }, access);
}

/** What went wrong with one call, or undefined when it answered as the table says. */
function verdict(args: {
  allowed: boolean;
  signedIn: boolean;
  access: RouteAccess | undefined;
  example: RouteExample;
  status: number;
}): string | undefined {
  const { allowed, signedIn, access, example, status } = args;
  const isPublic = access === undefined || access === 'public';
  if (!signedIn && !isPublic) return status === 401 ? undefined : `expected 401 without a session`;
  if (!allowed) return status === 403 ? undefined : 'forbidden by the policy table: expected 403';
  if (status === 401 || status === 403 || status >= 500) return 'allowed by the policy table';
  if (example.expect) {
    return status === example.expect.status
      ? undefined
      : `expected ${example.expect.status} (${example.expect.why})`;
  }
  return status >= 200 && status < 300 ? undefined : 'allowed with a valid example: expected 2xx';
}

describe('the role × route matrix (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let world: World;
  let routes: ApiRoute[];

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    auth = testAuthDeps(fixture.ledger);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
    });
    await app.ready();
    world = await buildWorld({ app, auth, terminals: testTerminals });
    // A box in the log before the first call, so that proofs and entries have something to show.
    await world.visit({ inYard: true });

    const document = (await app.inject('/openapi.json')).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => {
        const key = `${method.toUpperCase()} ${path}`;
        const route = captured.find((r) => `${r.method} ${openApiPath(r.url)}` === key);
        return { key, access: route?.access as RouteAccess | undefined };
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('reads the route table from the server: every documented route was registered, and vice versa', () => {
    expect(routes.length).toBeGreaterThan(40);
    const registered = captured
      .filter((r) => !r.hidden && r.method !== 'HEAD')
      .map((r) => `${r.method} ${openApiPath(r.url)}`);
    expect(new Set(registered)).toEqual(new Set(routes.map((r) => r.key)));
  });

  it('has an example for every route', () => {
    const missing = routes.filter((r) => !(r.key in routeExamples)).map((r) => r.key);
    expect(missing, `routes without an example in test/support/route-examples.ts`).toEqual([]);
    const stale = Object.keys(routeExamples).filter((key) => !routes.some((r) => r.key === key));
    expect(stale, 'examples of routes that no longer exist').toEqual([]);
  });

  it('has every route declare its access (public, session or a permission of the policy table)', () => {
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => r.key);
    expect(undeclared, 'routes without config.access').toEqual([]);
  });

  const rows = () => world.callers.map((caller) => [`${caller.role} @ ${caller.orgKind}`, caller] as const);

  const tally = { calls: 0, succeeded: 0, expected: 0, forbidden: 0, unauthenticated: 0 };

  async function callAll(caller: Caller, session: Session | undefined): Promise<string[]> {
    const failures: string[] = [];
    const setupSession = session ?? (await world.session(caller));
    for (const route of routes) {
      const build = routeExamples[route.key];
      if (!build) continue;
      let example: RouteExample;
      try {
        example = await build({ world, caller, session: setupSession });
      } catch (error) {
        failures.push(`${route.key}: the example could not be built: ${String(error)}`);
        continue;
      }
      const response = await injectAs(app, session ? (example.session ?? session) : undefined, {
        method: example.method,
        url: example.url,
        ...(example.payload === undefined ? {} : { payload: example.payload }),
      });
      const allowed = isAllowed(caller, route.access);
      const problem = verdict({
        allowed,
        signedIn: session !== undefined,
        access: route.access,
        example,
        status: response.statusCode,
      });
      tally.calls += 1;
      if (response.statusCode === 401) tally.unauthenticated += 1;
      else if (response.statusCode === 403) tally.forbidden += 1;
      else if (example.expect && response.statusCode === example.expect.status) tally.expected += 1;
      else if (response.statusCode < 300) tally.succeeded += 1;
      if (problem) {
        failures.push(
          `${route.key} [${String(route.access)}] → ${response.statusCode}: ${problem}; ${response.body.slice(0, 200)}`,
        );
      }
    }
    return failures;
  }

  it('answers 401 to every non-public route without a session, and public routes to anyone', async () => {
    const customs = world.callers.find((c) => c.role === 'customs_officer')!;
    expect(await callAll(customs, undefined)).toEqual([]);
  }, 120_000);

  it('enforces the policy table for every role and organisation kind', async () => {
    const summary: string[] = [];
    Object.assign(tally, { calls: 0, succeeded: 0, expected: 0, forbidden: 0, unauthenticated: 0 });
    for (const [name, caller] of rows()) {
      const failures = await callAll(caller, await world.session(caller));
      summary.push(...failures.map((failure) => `${name}: ${failure}`));
    }
    expect(summary).toEqual([]);
    // Not vacuous: every cell was called, and each kind of answer occurs.
    expect(tally.calls).toBe(routes.length * world.callers.length);
    expect(tally.forbidden).toBeGreaterThan(100);
    expect(tally.succeeded).toBeGreaterThan(200);
    console.info(
      `matrix: ${world.callers.length} (role, organisation kind) rows × ${routes.length} routes`,
      tally,
    );
  }, 600_000);
});
