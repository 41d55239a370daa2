import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import type { Role } from '../domain/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const pgReachable = await postgresReachable();
const kinds: StoreKind[] = pgReachable ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * The party directory: a release desk or haulier planner lists the forwarders, hauliers and lines it can offer a
 * right to, by name; nothing about who works there or which terminals anyone runs leaves the server, and a driver,
 * a gate clerk or an administrator may not read it.
 */
describe.each(kinds)('party directory over HTTP (%s)', (kind) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const sessions: Record<string, Session> = {};

  const get = (who: string, url: string) =>
    app.inject({ method: 'GET', url, cookies: sessions[who]!.cookies, headers: sessions[who]!.headers });

  beforeAll(async () => {
    fixture = await openTestLedger(kind);
    auth = testAuthDeps(fixture.ledger);
    const orgs = [
      {
        orgId: 'org-nqt',
        kind: 'terminal_operator',
        name: 'North Quay Terminal',
        code: 'NQT',
        terminals: ['T1'],
      },
      { orgId: 'org-line', kind: 'shipping_line', name: 'Mediterranean Lines', code: 'MSCU' },
      { orgId: 'org-fwd', kind: 'forwarder', name: 'Fast Forwarding', code: 'FFWD' },
      { orgId: 'org-fwd2', kind: 'forwarder', name: 'Anchor Forwarders', code: 'ANCF' },
      { orgId: 'org-hau', kind: 'haulier', name: 'Delta Transport', code: 'DLTA' },
      { orgId: 'org-customs', kind: 'customs', name: 'Belgian Customs', code: 'BECUS' },
      { orgId: 'org-padm', kind: 'port_administration', name: 'Port Administration', code: 'PADM' },
    ];
    for (const org of orgs) await addOrganisation(auth, org);
    const people: [string, string, Role][] = [
      ['line-desk', 'org-line', 'release_desk'],
      ['fwd-desk', 'org-fwd', 'release_desk'],
      ['planner', 'org-hau', 'haulier_planner'],
      ['driver', 'org-hau', 'driver'],
      ['clerk', 'org-nqt', 'gate_clerk'],
      ['admin', 'org-padm', 'administrator'],
    ];
    for (const [userId, orgId, role] of people) {
      await addUser(auth, {
        userId,
        orgId,
        username: userId,
        displayName: `Person ${userId}`,
        roles: [role],
        issuedBy: 'test',
      });
      sessions[userId] = await mintSession(auth, userId);
    }
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('lists forwarders, hauliers and lines by name for a line release desk, with id, name, code and kind only', async () => {
    const response = await get('line-desk', '/v1/parties');
    expect(response.statusCode).toBe(200);
    const { parties } = response.json() as { parties: Record<string, unknown>[] };
    expect(parties).toEqual([
      { orgId: 'org-fwd2', name: 'Anchor Forwarders', code: 'ANCF', kind: 'forwarder' },
      { orgId: 'org-hau', name: 'Delta Transport', code: 'DLTA', kind: 'haulier' },
      { orgId: 'org-fwd', name: 'Fast Forwarding', code: 'FFWD', kind: 'forwarder' },
      { orgId: 'org-line', name: 'Mediterranean Lines', code: 'MSCU', kind: 'shipping_line' },
    ]);
    // No terminal operator, customs or administration; no users, terminals or dates.
    const text = response.body;
    for (const absent of [
      'org-nqt',
      'T1',
      'org-customs',
      'org-padm',
      'line-desk',
      'Person ',
      'createdAt',
      'terminals',
    ])
      expect(text).not.toContain(absent);
  });

  it('filters by kind, for a forwarder desk and a haulier planner alike', async () => {
    const hauliers = await get('fwd-desk', '/v1/parties?kind=haulier');
    expect(hauliers.statusCode).toBe(200);
    expect(hauliers.json()).toEqual({
      parties: [{ orgId: 'org-hau', name: 'Delta Transport', code: 'DLTA', kind: 'haulier' }],
      nextCursor: null,
    });
    const forwarders = await get('planner', '/v1/parties?kind=forwarder');
    expect(forwarders.statusCode).toBe(200);
    expect((forwarders.json() as { parties: { orgId: string }[] }).parties.map((p) => p.orgId)).toEqual([
      'org-fwd2',
      'org-fwd',
    ]);
  });

  it('pages the directory by name, and refuses a page larger than the maximum or a forged cursor (issue 13)', async () => {
    const all = (await get('line-desk', '/v1/parties')).json() as {
      parties: { orgId: string }[];
      nextCursor: string | null;
    };
    expect(all.nextCursor).toBeNull();
    const seen: string[] = [];
    let url = '/v1/parties?limit=1';
    for (;;) {
      const page = await get('line-desk', url);
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json() as { parties: { orgId: string }[]; nextCursor: string | null };
      expect(body.parties.length).toBeLessThanOrEqual(1);
      seen.push(...body.parties.map((party) => party.orgId));
      if (body.nextCursor === null) break;
      url = `/v1/parties?limit=1&cursor=${body.nextCursor}`;
    }
    expect(seen).toEqual(all.parties.map((party) => party.orgId));
    const forwarders = await get('line-desk', '/v1/parties?kind=forwarder&limit=1');
    const second = await get(
      'line-desk',
      `/v1/parties?kind=forwarder&limit=1&cursor=${forwarders.json().nextCursor}`,
    );
    expect(
      [...forwarders.json().parties, ...second.json().parties].map((p: { orgId: string }) => p.orgId),
    ).toEqual(['org-fwd2', 'org-fwd']);
    expect(second.json().nextCursor).toBeNull();

    const tooMany = await get('line-desk', '/v1/parties?limit=501');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.headers['content-type']).toContain('application/problem+json');
    expect(tooMany.json().code).toBe('request.invalid');
    const forged = await get('line-desk', '/v1/parties?cursor=bm90LWEtY3Vyc29y');
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toMatchObject({ code: 'input.invalid', detail: 'not a page cursor of this list' });
  });

  it('refuses a kind outside the directory with a problem', async () => {
    const response = await get('line-desk', '/v1/parties?kind=terminal_operator');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses a driver, a gate clerk and an administrator (403), and a caller without a session (401)', async () => {
    for (const who of ['driver', 'clerk', 'admin']) {
      const response = await get(who, '/v1/parties');
      expect(response.statusCode, who).toBe(403);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).not.toContain('Delta Transport');
    }
    const anonymous = await app.inject({ method: 'GET', url: '/v1/parties' });
    expect(anonymous.statusCode).toBe(401);
  });
});
