import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { requirePrincipal } from './auth.plugin.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

function movableClock(start: string) {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('admin routes and API tokens (HTTP, SQLite)', () => {
  const clock = movableClock('2026-11-26T08:00:00Z');
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let admin: Session;
  let clerk: Session;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite', { clock });
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'pit', kind: 'port_administration', name: 'Port IT', code: 'PIT' });
    await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'cus', kind: 'customs', name: 'Customs', code: 'BECUS' });
    await addUser(auth, {
      userId: 'u-admin',
      orgId: 'pit',
      username: 'admin.an',
      displayName: 'An Admin',
      roles: ['administrator'],
      issuedBy: 'test',
    });
    await addUser(auth, {
      userId: 'u-clerk',
      orgId: 'msc',
      username: 'clerk.bo',
      displayName: 'Bo Clerk',
      roles: ['release_desk'],
      issuedBy: 'test',
    });
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      publicUrl: 'https://port.example',
    });
    // A state-changing route a line's token may call, to show bearer requests need no CSRF token.
    app.post('/test/announce-probe', { config: { access: 'visit.announce' } }, async (request) => {
      const principal = requirePrincipal(request);
      return { kind: principal.kind, orgId: principal.orgId };
    });
    admin = await mintSession(auth, 'u-admin');
    clerk = await mintSession(auth, 'u-clerk');
  });

  afterAll(async () => {
    await app.close();
    await fixture.cleanup();
  });

  const call = (who: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, cookies: who.cookies, headers: who.headers, ...(payload ? { payload } : {}) });
  const bearer = (token: string, method: 'GET' | 'POST', url: string, extra: object = {}) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...extra });

  it('registers and lists organisations', async () => {
    const created = await call(admin, 'POST', '/v1/admin/orgs', {
      orgId: 'nqt',
      kind: 'terminal_operator',
      name: 'North Quay',
      code: 'nqt',
      terminals: ['T1'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ orgId: 'nqt', code: 'NQT', terminals: ['T1'] });
    const listed = await call(admin, 'GET', '/v1/admin/orgs');
    expect(listed.json().organisations.map((o: { orgId: string }) => o.orgId)).toContain('nqt');
    const clash = await call(admin, 'POST', '/v1/admin/orgs', {
      orgId: 'nqt2',
      kind: 'haulier',
      name: 'Other',
      code: 'NQT',
    });
    expect(clash.statusCode).toBe(400);
    expect(
      (await call(admin, 'POST', '/v1/admin/orgs', { orgId: 'x', kind: 'bank', name: 'B', code: 'BK' }))
        .statusCode,
    ).toBe(400);
  });

  it('registers a user and answers the one-time enrolment link, and issues a new one', async () => {
    const created = await call(admin, 'POST', '/v1/admin/users', {
      orgId: 'msc',
      username: 'Desk.Cas',
      displayName: 'Cas Desk',
      roles: ['release_desk'],
    });
    expect(created.statusCode).toBe(201);
    const { user, enrolment, roleRequests } = created.json();
    // Granting a role needs two people at registration too: the user starts without roles.
    expect(user).toMatchObject({ orgId: 'msc', username: 'desk.cas', roles: [], lockedAt: null });
    expect(roleRequests).toEqual([{ requestId: expect.any(String), role: 'release_desk' }]);
    const request = await call(admin, 'GET', `/v1/approvals/${roleRequests[0].requestId}`);
    expect(request.json()).toMatchObject({ kind: 'role.grant', subject: user.userId, status: 'pending' });
    expect(user.userId).toMatch(/^u-/);
    expect(enrolment.url).toMatch(/^https:\/\/port\.example\/enrol#token=[A-Za-z0-9_-]{43}$/);
    const token = enrolment.url.split('#token=')[1];
    const opened = await app.inject({
      method: 'POST',
      url: '/v1/auth/enrolment/options',
      payload: { token },
    });
    expect(opened.statusCode).toBe(200);
    expect(opened.json().user).toMatchObject({ username: 'desk.cas', orgName: 'MSC' });

    const relinked = await call(admin, 'POST', `/v1/admin/users/${user.userId}/enrolment-link`);
    expect(relinked.statusCode).toBe(201);
    expect(relinked.json().url).not.toBe(enrolment.url);
    expect((await call(admin, 'POST', '/v1/admin/users/u-nobody/enrolment-link')).statusCode).toBe(404);

    const listed = await call(admin, 'GET', '/v1/admin/users?orgId=msc');
    expect(listed.json().users.map((u: { username: string }) => u.username)).toEqual([
      'clerk.bo',
      'desk.cas',
    ]);

    const wrongRole = await call(admin, 'POST', '/v1/admin/users', {
      orgId: 'msc',
      username: 'planner.x',
      displayName: 'X',
      roles: ['yard_planner'],
    });
    expect(wrongRole.statusCode).toBe(422);
    expect(wrongRole.json().code).toBe('access.role_not_allowed');
  });

  it('keeps administration to administrators, and administrators away from cargo data', async () => {
    for (const url of ['/v1/admin/orgs', '/v1/admin/users', '/v1/admin/tokens']) {
      expect((await app.inject({ url })).statusCode).toBe(401);
      const refused = await call(clerk, 'GET', url);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('auth.forbidden');
    }
    expect(
      (await call(clerk, 'POST', '/v1/admin/users/u-clerk/role-grants', { role: 'release_desk' })).statusCode,
    ).toBe(403);
    const noCsrf = await app.inject({
      method: 'POST',
      url: '/v1/admin/orgs',
      cookies: admin.cookies,
      payload: { orgId: 'h', kind: 'haulier', name: 'H', code: 'HH' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('auth.csrf');
    expect((await call(admin, 'GET', '/v1/audit/entries?start=0')).statusCode).toBe(403);
  });

  it('creates a token shown once, authenticates Bearer requests with exactly its permissions, and revokes it', async () => {
    const created = await call(admin, 'POST', '/v1/admin/tokens', {
      orgId: 'cus',
      permissions: ['audit.entries.read', 'visit.read'],
      label: 'risk engine',
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { token, apiToken } = created.json();
    expect(token).toMatch(/^plt_/);
    expect(apiToken).toMatchObject({ orgId: 'cus', label: 'risk engine', revokedAt: null });

    const listed = await call(admin, 'GET', '/v1/admin/tokens?orgId=cus');
    expect(listed.json().tokens).toHaveLength(1);
    expect(listed.payload).not.toContain(token.slice(4));

    const entries = await bearer(token, 'GET', '/v1/audit/entries?start=0&limit=1');
    expect(entries.statusCode).toBe(200);
    const used = (await fixture.store.readEvents(0, await fixture.store.logSize())).filter(
      (e) => e.type === 'TokenUsed',
    );
    expect(used.at(-1)?.data).toMatchObject({
      tokenId: apiToken.tokenId,
      route: 'GET /v1/audit/entries',
      ip: '127.0.0.1',
    });

    // A token is no person: no session routes, no administration, no approvals.
    for (const url of ['/v1/auth/session', '/v1/admin/orgs', '/v1/approvals']) {
      const refused = await bearer(token, 'GET', url);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('auth.forbidden');
    }

    const revoked = await call(admin, 'DELETE', `/v1/admin/tokens/${apiToken.tokenId}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toBe(clock.now().toISOString());
    const after = await bearer(token, 'GET', '/v1/audit/entries?start=0&limit=1');
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('auth.token_invalid');
    expect(after.headers['www-authenticate']).toContain('invalid_token');
    expect((await call(admin, 'DELETE', `/v1/admin/tokens/${apiToken.tokenId}`)).statusCode).toBe(409);
    expect((await call(admin, 'DELETE', '/v1/admin/tokens/tok_nope')).statusCode).toBe(404);
  });

  it('needs no CSRF token for a Bearer request, ignores any cookie beside it, and refuses an expired token', async () => {
    const created = await call(admin, 'POST', '/v1/admin/tokens', {
      orgId: 'msc',
      permissions: ['visit.announce'],
      expiresInDays: 1,
    });
    expect(created.statusCode).toBe(201);
    const { token } = created.json();
    const probe = await bearer(token, 'POST', '/test/announce-probe', { cookies: admin.cookies });
    expect(probe.statusCode).toBe(200);
    expect(probe.json()).toEqual({ kind: 'token', orgId: 'msc' });
    const forbidden = await bearer(token, 'GET', '/v1/audit/entries?start=0');
    expect(forbidden.statusCode).toBe(403);

    expect(
      (await app.inject({ url: '/v1/audit/key', headers: { authorization: 'Basic YTpi' } })).statusCode,
    ).toBe(401);
    expect((await bearer('plt_forged', 'GET', '/v1/audit/key')).statusCode).toBe(401);

    clock.advance(24 * 60 * 60_000);
    const expired = await bearer(token, 'POST', '/test/announce-probe');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('auth.token_invalid');
  });

  it('documents the admin and approval routes in the OpenAPI document', async () => {
    const document = (await app.inject('/openapi.json')).json();
    expect(document.paths['/v1/admin/tokens/{tokenId}'].delete.tags).toEqual(['admin']);
    expect(document.paths['/v1/admin/users/{userId}/role-grants'].post.responses).toHaveProperty('202');
    expect(document.paths['/v1/approvals/{requestId}/approve'].post.tags).toEqual(['approvals']);
  });

  it('refuses a token permission the organisation’s kind may not hold', async () => {
    admin = await mintSession(auth, 'u-admin');
    const refused = await call(admin, 'POST', '/v1/admin/tokens', {
      orgId: 'msc',
      permissions: ['visit.move'],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('token.permission_not_allowed');
    const tooLong = await call(admin, 'POST', '/v1/admin/tokens', {
      orgId: 'msc',
      permissions: ['visit.read'],
      expiresInDays: 400,
    });
    expect(tooLong.statusCode).toBe(400);
  });
  it('lists API tokens, users and organisations one keyset page at a time, and refuses a page larger than the maximum (issue 13)', async () => {
    clock.advance(60_000);
    await addOrganisation(auth, { orgId: 'hlc', kind: 'shipping_line', name: 'Hapag', code: 'HLCU' });
    const labels = ['tos 1', 'tos 2', 'tos 3', 'tos 4', 'tos 5'];
    for (const label of labels) {
      const created = await call(admin, 'POST', '/v1/admin/tokens', {
        orgId: 'hlc',
        permissions: ['visit.read'],
        label,
      });
      expect(created.statusCode, created.body).toBe(201);
      clock.advance(1000);
    }
    // Oldest first, as before, two at a time: every token once, then no next page.
    const seen: string[] = [];
    let url = '/v1/admin/tokens?orgId=hlc&limit=2';
    for (;;) {
      const page = await call(admin, 'GET', url);
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json() as { tokens: { label: string }[]; nextCursor: string | null };
      expect(body.tokens.length).toBeLessThanOrEqual(2);
      seen.push(...body.tokens.map((t) => t.label));
      if (body.nextCursor === null) break;
      url = `/v1/admin/tokens?orgId=hlc&limit=2&cursor=${body.nextCursor}`;
    }
    expect(seen).toEqual(labels);
    const all = (await call(admin, 'GET', '/v1/admin/tokens?orgId=hlc')).json();
    expect(all.tokens.map((t: { label: string }) => t.label)).toEqual(labels);
    expect(all.nextCursor).toBeNull();

    const users = await call(admin, 'GET', '/v1/admin/users?limit=1');
    expect(users.json().users).toHaveLength(1);
    const next = await call(admin, 'GET', `/v1/admin/users?limit=1&cursor=${users.json().nextCursor}`);
    expect(next.json().users[0].username > users.json().users[0].username).toBe(true);

    // Organisations by code, a page at a time: every one once.
    const everyOrg = (await call(admin, 'GET', '/v1/admin/orgs')).json();
    expect(everyOrg.nextCursor).toBeNull();
    const codes: string[] = [];
    let orgsUrl = '/v1/admin/orgs?limit=1';
    for (;;) {
      const page = (await call(admin, 'GET', orgsUrl)).json();
      expect(page.organisations.length).toBeLessThanOrEqual(1);
      codes.push(...page.organisations.map((org: { code: string }) => org.code));
      if (page.nextCursor === null) break;
      orgsUrl = `/v1/admin/orgs?limit=1&cursor=${page.nextCursor}`;
    }
    expect(codes).toEqual(everyOrg.organisations.map((org: { code: string }) => org.code));
    expect(codes.length).toBeGreaterThan(1);
    expect([...codes].sort()).toEqual(codes);

    for (const tooMany of [
      '/v1/admin/tokens?limit=501',
      '/v1/admin/users?limit=501',
      '/v1/admin/orgs?limit=501',
    ]) {
      const refused = await call(admin, 'GET', tooMany);
      expect(refused.statusCode).toBe(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json().code).toBe('request.invalid');
    }
    for (const list of ['tokens', 'orgs']) {
      const forged = await call(admin, 'GET', `/v1/admin/${list}?cursor=bm90LWEtY3Vyc29y`);
      expect(forged.statusCode).toBe(400);
      expect(forged.json()).toMatchObject({
        code: 'input.invalid',
        detail: 'not a page cursor of this list',
      });
    }
  });
});
