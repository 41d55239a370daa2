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
import { type AuthDeps, addOrganisation, addUser } from '../app/access/index.js';
import { makePasskey } from '../store/testing/identity-fixtures.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const kinds: StoreKind[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

/** The records of a CSV body without its header, each record split on commas (the test data has no quoting). */
const csvRows = (body: string) =>
  body
    .split('\r\n')
    .filter((line) => line !== '')
    .slice(1)
    .map((line) => line.split(','));

/**
 * Issue 14: the administrators' lists (organisations, users, API tokens), the party directory and my requests are
 * filtered and sorted on the server, either way; a page goes on in the order it was made in, however many rows share
 * a value; a cursor of another order is 400 input.invalid; and the CSV is every page of what the filter shows.
 */
describe.each(kinds)('lists filtered, sorted and exported (%s)', (kind) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let admin: Session;
  let desk: Session;

  const get = (who: Session, url: string) =>
    app.inject({ method: 'GET', url, cookies: who.cookies, headers: who.headers });
  const post = (who: Session, url: string, payload?: object) =>
    app.inject({
      method: 'POST',
      url,
      cookies: who.cookies,
      headers: who.headers,
      ...(payload ? { payload } : {}),
    });

  /** Every page of a list, following `nextCursor`, each no longer than `limit`, flattened. */
  async function everyPage<T>(who: Session, path: string, key: string, limit: number): Promise<T[]> {
    const rows: T[] = [];
    const join = path.includes('?') ? '&' : '?';
    let url = `${path}${join}limit=${limit}`;
    for (;;) {
      const response = await get(who, url);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as Record<string, unknown> & { nextCursor: string | null };
      const page = body[key] as T[];
      expect(page.length).toBeLessThanOrEqual(limit);
      rows.push(...page);
      if (body.nextCursor === null) return rows;
      url = `${path}${join}limit=${limit}&cursor=${body.nextCursor}`;
    }
  }

  beforeAll(async () => {
    fixture = await openTestLedger(kind);
    auth = testAuthDeps(fixture.ledger);
    for (const [orgId, orgKind, name, code] of [
      ['pit', 'port_administration', 'Port IT', 'PIT'],
      ['msc', 'shipping_line', 'Mediterranean Lines', 'MSCU'],
      ['fw1', 'forwarder', 'Delta Forwarding', 'DFW'],
      ['fw2', 'forwarder', 'Anchor Cargo', 'ANC'],
      ['hau', 'haulier', 'Delta Trucks', 'DLT'],
      ['hau2', 'haulier', 'Delta Trucks', 'DLT2'],
    ] as const) {
      await addOrganisation(auth, { orgId, kind: orgKind, name, code });
    }
    for (const [userId, orgId, displayName, role] of [
      ['u-admin', 'pit', 'An Admin', 'administrator'],
      ['u-admin2', 'pit', 'Bo Admin', 'administrator'],
      ['u-desk', 'msc', 'Anna Peeters', 'release_desk'],
      ['u-desk2', 'msc', 'Anna Peeters', 'release_desk'],
      ['u-desk3', 'msc', 'Cas Janssens', 'release_desk'],
      ['u-fw', 'fw1', 'Dirk Vos', 'release_desk'],
    ] as const) {
      await addUser(auth, { userId, orgId, username: userId, displayName, roles: [role], issuedBy: 'test' });
    }
    // One person is locked out: the store's own record, as a lock-out writes it.
    await fixture.store.writeTransaction(async (tx) => {
      const user = await tx.identity.getUser('u-desk3');
      await tx.identity.putUser({ ...user!, lockedAt: '2026-11-26T07:00:00.000Z' });
    });
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      publicUrl: 'https://port.example',
    });
    admin = await mintSession(auth, 'u-admin', { stepUp: true });
    desk = await mintSession(auth, 'u-desk');
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('filters users by organisation, role, lock and name, and sorts them by display name either way across pages', async () => {
    const ids = (body: { users: { userId: string }[] }) => body.users.map((u) => u.userId);
    expect(ids((await get(admin, '/v1/admin/users?orgId=msc&locked=false')).json())).toEqual([
      'u-desk',
      'u-desk2',
    ]);
    expect(ids((await get(admin, '/v1/admin/users?locked=true')).json())).toEqual(['u-desk3']);
    expect(ids((await get(admin, '/v1/admin/users?role=administrator')).json())).toEqual([
      'u-admin',
      'u-admin2',
    ]);
    expect(ids((await get(admin, '/v1/admin/users?name=anna%20p')).json())).toEqual(['u-desk', 'u-desk2']);

    const byNameDesc = await everyPage<{ userId: string }>(
      admin,
      '/v1/admin/users?sort=displayName&direction=desc',
      'users',
      1,
    );
    // Two people named alike: the id orders them, and a page of one goes from the first to the second.
    expect(byNameDesc.map((u) => u.userId)).toEqual([
      'u-fw',
      'u-desk3',
      'u-admin2',
      'u-desk2',
      'u-desk',
      'u-admin',
    ]);
    const ascending = await everyPage<{ userId: string }>(
      admin,
      '/v1/admin/users?sort=displayName',
      'users',
      2,
    );
    expect(ascending.map((u) => u.userId)).toEqual([...byNameDesc].reverse().map((u) => u.userId));
  });

  it('refuses a cursor of another order, and a sort or filter it does not know, changing nothing', async () => {
    const first = (await get(admin, '/v1/admin/users?sort=displayName&limit=1')).json() as {
      nextCursor: string;
    };
    const other = await get(admin, `/v1/admin/users?sort=createdAt&limit=1&cursor=${first.nextCursor}`);
    expect(other.statusCode).toBe(400);
    expect(other.json().code).toBe('input.invalid');
    const flipped = await get(
      admin,
      `/v1/admin/users?sort=displayName&direction=desc&limit=1&cursor=${first.nextCursor}`,
    );
    expect(flipped.json().code).toBe('input.invalid');
    for (const url of [
      '/v1/admin/users?sort=password',
      '/v1/admin/users?direction=up',
      '/v1/admin/users?locked=maybe',
      '/v1/admin/tokens?sort=token',
      '/v1/admin/orgs?kind=pirate',
      '/v1/parties?sort=code',
      '/v1/approvals?mine=1&state=lost',
    ]) {
      const refused = await get(
        url.startsWith('/v1/parties') || url.startsWith('/v1/approvals') ? desk : admin,
        url,
      );
      expect(refused.statusCode, url).toBe(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json().code, url).toBe('request.invalid');
    }
  });

  it('gives as CSV every page of what the filter shows, in its order', async () => {
    const csv = await get(
      admin,
      '/v1/admin/users?orgId=msc&sort=displayName&direction=desc&limit=1&format=csv',
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('userId,username,displayName,orgId,roles,lockedAt,createdAt');
    expect(csvRows(csv.body).map((row) => row[0])).toEqual(['u-desk3', 'u-desk2', 'u-desk']);
  });

  it('filters organisations by kind and name, sorts them by name either way, and gives them as CSV', async () => {
    const ids = (body: { organisations: { orgId: string }[] }) => body.organisations.map((o) => o.orgId);
    expect(ids((await get(admin, '/v1/admin/orgs?kind=forwarder')).json())).toEqual(['fw2', 'fw1']);
    expect(ids((await get(admin, '/v1/admin/orgs?name=delta&sort=name')).json())).toEqual([
      'fw1',
      'hau',
      'hau2',
    ]);
    const byName = await everyPage<{ orgId: string }>(
      admin,
      '/v1/admin/orgs?sort=name&direction=desc',
      'organisations',
      2,
    );
    expect(byName.map((o) => o.orgId)).toEqual(['pit', 'msc', 'hau2', 'hau', 'fw1', 'fw2']);
    const csv = await get(admin, '/v1/admin/orgs?name=delta&sort=name&direction=desc&limit=1&format=csv');
    expect(csvRows(csv.body).map((row) => row[0])).toEqual(['hau2', 'hau', 'fw1']);
  });

  it('filters API tokens by revocation and permission, sorts them by label, and gives them as CSV', async () => {
    const created: string[] = [];
    for (const [label, permissions] of [
      ['kiosk b', ['visit.read']],
      ['kiosk a', ['visit.read', 'visit.announce']],
      ['edi', ['visit.announce']],
    ] as const) {
      const response = await post(admin, '/v1/admin/tokens', {
        orgId: 'msc',
        label,
        permissions: [...permissions],
      });
      expect(response.statusCode, response.body).toBe(201);
      created.push(response.json().apiToken.tokenId);
    }
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/admin/tokens/${created[0]}`,
      cookies: admin.cookies,
      headers: admin.headers,
    });
    expect(revoked.statusCode).toBe(200);
    const labels = (body: { tokens: { label: string }[] }) => body.tokens.map((t) => t.label);
    expect(labels((await get(admin, '/v1/admin/tokens?revoked=false&sort=label')).json())).toEqual([
      'edi',
      'kiosk a',
    ]);
    expect(labels((await get(admin, '/v1/admin/tokens?revoked=true')).json())).toEqual(['kiosk b']);
    expect(
      labels((await get(admin, '/v1/admin/tokens?permission=visit.read&sort=label&direction=desc')).json()),
    ).toEqual(['kiosk b', 'kiosk a']);
    const paged = await everyPage<{ label: string }>(
      admin,
      '/v1/admin/tokens?sort=label&direction=desc',
      'tokens',
      1,
    );
    expect(paged.map((t) => t.label)).toEqual(['kiosk b', 'kiosk a', 'edi']);
    const csv = await get(admin, '/v1/admin/tokens?revoked=false&sort=label&limit=1&format=csv');
    expect(csvRows(csv.body).map((row) => row[2])).toEqual(['edi', 'kiosk a']);
  });

  it('filters the party directory by kind and name, pages it by name either way, and gives it as CSV', async () => {
    const parties = await everyPage<{ orgId: string }>(desk, '/v1/parties?direction=desc', 'parties', 2);
    expect(parties.map((p) => p.orgId)).toEqual(['msc', 'hau2', 'hau', 'fw1', 'fw2']);
    const deltas = await everyPage<{ orgId: string }>(
      desk,
      '/v1/parties?name=DELTA&kind=haulier',
      'parties',
      1,
    );
    expect(deltas.map((p) => p.orgId)).toEqual(['hau', 'hau2']);
    const csv = await get(desk, '/v1/parties?name=delta&direction=desc&limit=1&format=csv');
    expect(csv.body.split('\r\n')[0]).toBe('orgId,name,code,kind');
    expect(csvRows(csv.body).map((row) => row[0])).toEqual(['hau2', 'hau', 'fw1']);
  });

  it('filters my requests by kind and state, sorts them by kind either way across pages, and gives them as CSV', async () => {
    for (const userId of ['u-new1', 'u-new2']) {
      await addUser(auth, {
        userId,
        orgId: 'hau',
        username: userId,
        displayName: userId,
        roles: [],
        issuedBy: 'test',
      });
      const granted = await post(admin, `/v1/admin/users/${userId}/role-grants`, { role: 'driver' });
      expect(granted.statusCode, granted.body).toBe(202);
    }
    await fixture.store.writeTransaction((tx) =>
      tx.identity.addPasskey(makePasskey({ credentialId: 'cred-fw', userId: 'u-fw' })),
    );
    const reset = await post(admin, '/v1/admin/users/u-fw/passkey-resets');
    expect(reset.statusCode, reset.body).toBe(202);
    const kindsOf = (rows: { kind: string; subject: string }[]) => rows.map((r) => `${r.kind} ${r.subject}`);
    const grants = (await get(admin, '/v1/approvals?mine=1&kind=role.grant&state=pending')).json().requests;
    expect(kindsOf(grants).sort()).toEqual(['role.grant u-new1', 'role.grant u-new2']);
    expect((await get(admin, '/v1/approvals?mine=1&state=granted')).json().requests).toEqual([]);
    const byKind = await everyPage<{ kind: string; requestId: string }>(
      admin,
      '/v1/approvals?mine=1&sort=kind&direction=desc',
      'requests',
      1,
    );
    expect(byKind.map((r) => r.kind)).toEqual(['role.grant', 'role.grant', 'passkeys.reset']);
    expect(byKind[0]!.requestId > byKind[1]!.requestId).toBe(true);
    const csv = await get(admin, '/v1/approvals?mine=1&kind=role.grant&limit=1&format=csv');
    expect(csvRows(csv.body).map((row) => row[1])).toEqual(['role.grant', 'role.grant']);
  });
});
