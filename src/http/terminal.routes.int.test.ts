import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testSlots,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser, createApiToken } from '../app/access/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import type { Role } from '../domain/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const pgReachable = await postgresReachable();
const kinds: StoreKind[] = pgReachable ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * The terminals and their clocks' zones (issue 14, one clock rule): every screen that shows a slot or a gate window
 * shows it in the terminal's zone, so every person who may see one, and a kiosk's API token, reads the list.
 */
describe.each(kinds)('GET /v1/terminals (%s)', (kind) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const sessions: Record<string, Session> = {};

  const get = (who: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/terminals',
      cookies: sessions[who]!.cookies,
      headers: sessions[who]!.headers,
    });

  beforeAll(async () => {
    fixture = await openTestLedger(kind);
    auth = testAuthDeps(fixture.ledger);
    for (const org of [
      {
        orgId: 'org-nqt',
        kind: 'terminal_operator',
        name: 'North Quay Terminal',
        code: 'NQT',
        terminals: ['T1'],
      },
      { orgId: 'org-hau', kind: 'haulier', name: 'Delta Transport', code: 'DLTA' },
      { orgId: 'org-padm', kind: 'port_administration', name: 'Port Administration', code: 'PADM' },
    ])
      await addOrganisation(auth, org);
    const people: [string, string, Role][] = [
      ['driver', 'org-hau', 'driver'],
      ['planner', 'org-hau', 'haulier_planner'],
      ['clerk', 'org-nqt', 'gate_clerk'],
      ['admin', 'org-padm', 'administrator'],
    ];
    for (const [userId, orgId, role] of people) {
      await addUser(auth, {
        userId,
        orgId,
        username: userId,
        displayName: userId,
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
      pickup: pickupDepsFor({
        signer: auth.ledger.log.signer,
        // A second terminal no operator has registered yet: listed under its code.
        slots: [...testSlots, { ...testSlots[0]!, terminal: 'T9', timeZone: 'America/New_York' }],
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it("lists each terminal's code, its operator's name and its clocks' zone, to a driver, a planner and a clerk", async () => {
    for (const who of ['driver', 'planner', 'clerk']) {
      const response = await get(who);
      expect(response.statusCode, who).toBe(200);
      expect(response.json()).toEqual({
        terminals: [
          { terminal: 'T1', name: 'North Quay Terminal', timeZone: 'Europe/Brussels' },
          { terminal: 'T9', name: 'T9', timeZone: 'America/New_York' },
        ],
      });
    }
  });

  it('answers an API token that carries terminal.read, and refuses a caller without a session (401)', async () => {
    const { token } = await createApiToken(auth, {
      orgId: 'org-nqt',
      permissions: ['visit.gate_out', 'terminal.read'],
      label: 'Gate kiosk lane 1',
      createdBy: 'test',
    });
    const kiosk = await app.inject({
      method: 'GET',
      url: '/v1/terminals',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(kiosk.statusCode).toBe(200);
    expect((kiosk.json() as { terminals: unknown[] }).terminals).toHaveLength(2);
    const anonymous = await app.inject({ method: 'GET', url: '/v1/terminals' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses an administrator, who schedules nothing (403)', async () => {
    const response = await get('admin');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'auth.forbidden' });
  });
});
