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
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const ANTWERP = { cidr: '192.0.2.0/24', place: 'Antwerp', lat: 51.2194, lon: 4.4025 };
const SINGAPORE = { cidr: '2001:DB8:1::/48', place: 'Singapore', lat: 1.3521, lon: 103.8198 };

describe.each(['sqlite', 'postgres'] as const)(
  "an organisation's declared client networks (issue 15, %s)",
  (kind) => {
    let fixture: TestLedger;
    let auth: AuthDeps;
    let app: FastifyInstance;
    let admin: Session;
    let staleAdmin: Session;
    let clerk: Session;

    beforeAll(async () => {
      fixture = await openTestLedger(kind);
      auth = testAuthDeps(fixture.ledger);
      await addOrganisation(auth, {
        orgId: 'pit',
        kind: 'port_administration',
        name: 'Port IT',
        code: 'PIT',
      });
      await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
      for (const [userId, orgId, roles] of [
        ['u-admin', 'pit', ['administrator']],
        ['u-clerk', 'msc', ['release_desk']],
      ] as const) {
        await addUser(auth, {
          userId,
          orgId,
          username: userId,
          displayName: userId,
          roles,
          issuedBy: 'test',
        });
      }
      app = await buildServer({
        reads: fixture.store,
        verifierKey: testVerifierKey,
        auth,
        terminals: testTerminals,
        publicUrl: 'https://port.example',
      });
      admin = await mintSession(auth, 'u-admin');
      staleAdmin = await mintSession(auth, 'u-admin', { stepUp: false });
      clerk = await mintSession(auth, 'u-clerk');
    });

    afterAll(async () => {
      await app.close();
      await fixture.cleanup();
    });

    const call = (who: Session, method: 'GET' | 'PUT', url: string, payload?: object) =>
      app.inject({
        method,
        url,
        cookies: who.cookies,
        headers: who.headers,
        ...(payload ? { payload } : {}),
      });
    const declarations = async () =>
      (await fixture.store.readStream('org-msc')).filter((e) => e.type === 'OrganisationNetworksSet');

    it('declares the networks as one event on the organisation stream and reads them back', async () => {
      expect((await call(admin, 'GET', '/v1/admin/orgs/msc/networks')).json()).toEqual({
        orgId: 'msc',
        networks: [],
        setBy: null,
        setAt: null,
      });
      const put = await call(admin, 'PUT', '/v1/admin/orgs/msc/networks', { networks: [ANTWERP, SINGAPORE] });
      expect(put.statusCode).toBe(200);
      const expected = {
        orgId: 'msc',
        networks: [ANTWERP, { ...SINGAPORE, cidr: '2001:db8:1::/48' }],
        setBy: 'u-admin',
        setAt: expect.any(String),
      };
      expect(put.json()).toEqual(expected);
      expect((await call(admin, 'GET', '/v1/admin/orgs/msc/networks')).json()).toEqual(expected);
      const [event] = await declarations();
      expect(event?.data).toEqual({
        orgId: 'msc',
        networks: expected.networks,
        by: 'u-admin',
        at: put.json().setAt,
      });
      // A new list replaces the old one whole; the old one stays in the log.
      await call(admin, 'PUT', '/v1/admin/orgs/msc/networks', { networks: [ANTWERP] });
      expect((await call(admin, 'GET', '/v1/admin/orgs/msc/networks')).json().networks).toEqual([ANTWERP]);
      expect(await declarations()).toHaveLength(2);
    });

    it('refuses a bad list whole, naming the entry, and writes nothing', async () => {
      const before = (await declarations()).length;
      for (const [networks, field] of [
        [[ANTWERP, { ...ANTWERP, cidr: '192.0.2.1/24' }], 'networks[1].cidr'],
        [[{ ...ANTWERP, cidr: '192.0.2.0/33' }], 'networks[0].cidr'],
        [[{ ...ANTWERP, cidr: 'antwerp' }], 'networks[0].cidr'],
        [[ANTWERP, ANTWERP], 'networks[1].cidr'],
      ] as const) {
        const refused = await call(admin, 'PUT', '/v1/admin/orgs/msc/networks', { networks });
        expect(refused.statusCode, field).toBe(400);
        expect(refused.json()).toMatchObject({ code: 'input.invalid' });
        expect(refused.json().detail).toContain(field);
      }
      // Out-of-range coordinates are refused by the schema before the use case sees them.
      for (const bad of [
        { ...ANTWERP, lat: 91 },
        { ...ANTWERP, lon: -181 },
        { ...ANTWERP, place: '' },
      ]) {
        expect(
          (await call(admin, 'PUT', '/v1/admin/orgs/msc/networks', { networks: [bad] })).statusCode,
        ).toBe(400);
      }
      expect(await declarations()).toHaveLength(before);
    });

    it('answers 404 for an organisation that does not exist', async () => {
      const missing = await call(admin, 'PUT', '/v1/admin/orgs/nope/networks', { networks: [ANTWERP] });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'org.not_found' });
      expect((await call(admin, 'GET', '/v1/admin/orgs/nope/networks')).statusCode).toBe(404);
    });

    it('is for administrators only, and a declaration needs a fresh passkey step-up', async () => {
      const before = (await declarations()).length;
      expect((await call(clerk, 'GET', '/v1/admin/orgs/msc/networks')).statusCode).toBe(403);
      expect((await call(clerk, 'PUT', '/v1/admin/orgs/msc/networks', { networks: [] })).statusCode).toBe(
        403,
      );
      const stale = await call(staleAdmin, 'PUT', '/v1/admin/orgs/msc/networks', { networks: [] });
      expect(stale.statusCode).toBe(403);
      expect(stale.json()).toMatchObject({ code: 'auth.step_up_required' });
      expect((await app.inject({ method: 'GET', url: '/v1/admin/orgs/msc/networks' })).statusCode).toBe(401);
      expect(await declarations()).toHaveLength(before);
    });
  },
);
