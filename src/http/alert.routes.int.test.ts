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
import { addOrganisation, addUser, createApiToken } from '../app/access/index.js';
import { alertStream, MAX_ALERT_LIMIT } from '../app/alerts/index.js';
import type { Role } from '../domain/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

/**
 * The alert console: a refused gate attempt at T1 is listed for T1's supervisor (not for another terminal's),
 * customs sees it too; the supervisor acknowledges, assigns and resolves it, each an event on `alert-<id>`; a line's
 * release desk may not read alerts at all.
 */
describe('alerts (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const sessions: Record<string, Session> = {};
  let alertId: string;

  const as = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      cookies: sessions[who]!.cookies,
      headers: sessions[who]!.headers,
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, {
      orgId: 'org-nqt',
      kind: 'terminal_operator',
      name: 'NQT',
      code: 'NQT',
      terminals: ['T1'],
    });
    await addOrganisation(auth, {
      orgId: 'org-sqt',
      kind: 'terminal_operator',
      name: 'SQT',
      code: 'SQT',
      terminals: ['T2'],
    });
    await addOrganisation(auth, { orgId: 'org-line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'org-customs', kind: 'customs', name: 'Customs', code: 'BECUS' });
    const people: [string, string, Role][] = [
      ['clerk', 'org-nqt', 'gate_clerk'],
      ['sup', 'org-nqt', 'terminal_supervisor'],
      ['planner', 'org-nqt', 'yard_planner'],
      ['sup2', 'org-sqt', 'terminal_supervisor'],
      ['desk', 'org-line', 'release_desk'],
      ['officer', 'org-customs', 'customs_officer'],
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
    });
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('lists a refused gate attempt for the supervisor of that terminal, and for customs', async () => {
    const refused = await as('clerk', 'POST', '/v1/gate/transactions', {
      credential: 'plc1.copied-and-edited',
      badge: 'ANR-666666',
      truckPlate: '1-GNG-666',
    });
    expect(refused.statusCode).toBe(200);
    expect(refused.json().accepted).toBe(false);

    const listed = await as('sup', 'GET', '/v1/alerts');
    expect(listed.statusCode).toBe(200);
    const alerts = listed.json().alerts as {
      alertId: string;
      rule: string;
      severity: string;
      terminal: string;
    }[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: 'gate.refused',
      severity: 'high',
      terminal: 'T1',
      status: 'open',
    });
    alertId = alerts[0]!.alertId;
    expect(
      listed.json().alerts[0].evidence.some((e: { index: number | null }) => e.index === Number(alertId)),
    ).toBe(true);

    expect((await as('officer', 'GET', '/v1/alerts')).json().alerts).toHaveLength(1);
    // Another terminal's supervisor neither lists nor reads it.
    expect((await as('sup2', 'GET', '/v1/alerts')).json().alerts).toHaveLength(0);
    expect((await as('sup2', 'GET', `/v1/alerts/${alertId}`)).statusCode).toBe(404);
  });

  it('refuses a page larger than the maximum with 400 problem+json, rather than answer a shorter one (issue 13)', async () => {
    const refused = await as('sup', 'GET', `/v1/alerts?limit=${MAX_ALERT_LIMIT + 1}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('request.invalid');
    expect((await as('sup', 'GET', `/v1/alerts?limit=${MAX_ALERT_LIMIT}&status=unresolved`)).statusCode).toBe(
      200,
    );
  });

  it('acknowledges, assigns and resolves the alert, each an event on its stream', async () => {
    const ack = await as('sup', 'POST', `/v1/alerts/${alertId}/acknowledge`, {});
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'sup' });

    expect((await as('sup', 'POST', `/v1/alerts/${alertId}/assign`, { userId: 'sup2' })).statusCode).toBe(
      400,
    );
    const assigned = await as('sup', 'POST', `/v1/alerts/${alertId}/assign`, { userId: 'planner' });
    expect(assigned.json()).toMatchObject({ assignedTo: 'planner', status: 'acknowledged' });

    const resolved = await as('sup', 'POST', `/v1/alerts/${alertId}/resolve`, {
      note: 'Gang driver turned away; police told',
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({
      status: 'resolved',
      resolvedBy: 'sup',
      resolution: 'Gang driver turned away; police told',
    });
    // Resolved is final.
    expect((await as('sup', 'POST', `/v1/alerts/${alertId}/acknowledge`, {})).statusCode).toBe(409);
    expect((await as('sup', 'GET', '/v1/alerts?status=unresolved')).json().alerts).toHaveLength(0);

    const events = await fixture.store.readStream(alertStream(alertId));
    expect(events.map((e) => e.type)).toEqual(['AlertAcknowledged', 'AlertAssigned', 'AlertResolved']);
  });

  it('lets a yard planner read but not manage, and refuses a line clerk outright', async () => {
    expect((await as('planner', 'GET', `/v1/alerts/${alertId}`)).statusCode).toBe(200);
    expect((await as('planner', 'POST', `/v1/alerts/${alertId}/acknowledge`, {})).statusCode).toBe(403);
    expect((await as('desk', 'GET', '/v1/alerts')).statusCode).toBe(403);
    expect((await as('desk', 'POST', `/v1/alerts/${alertId}/resolve`, { note: 'x' })).statusCode).toBe(403);
  });

  it('lets an API token granted alert.read read alerts as a person of its organisation would, and nothing more', async () => {
    const tokenOf = async (orgId: string, permissions: string[]) =>
      (await createApiToken(auth, { orgId, permissions, createdBy: 'test' })).token;
    const bearer = (token: string, method: 'GET' | 'POST', url: string) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(method === 'POST' ? { payload: {} } : {}),
      });
    const nqtFeed = await tokenOf('org-nqt', ['alert.read']);
    const sqtFeed = await tokenOf('org-sqt', ['alert.read']);
    const customsFeed = await tokenOf('org-customs', ['alert.read']);
    const nqtVisitsFeed = await tokenOf('org-nqt', ['visit.read']);

    // T1's terminal feed sees T1's gate refusal, list and detail, like T1's supervisor does.
    const listed = await bearer(nqtFeed, 'GET', '/v1/alerts');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().alerts.map((a: { alertId: string }) => a.alertId)).toEqual([alertId]);
    const one = await bearer(nqtFeed, 'GET', `/v1/alerts/${alertId}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ alertId, rule: 'gate.refused', terminal: 'T1' });
    // Customs reads everything; another terminal's feed neither lists nor reads it.
    expect((await bearer(customsFeed, 'GET', '/v1/alerts')).json().alerts).toHaveLength(1);
    expect((await bearer(sqtFeed, 'GET', '/v1/alerts')).json().alerts).toHaveLength(0);
    const hidden = await bearer(sqtFeed, 'GET', `/v1/alerts/${alertId}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('alert.not_found');
    // A token without alert.read is refused, and alert.read does not let a token act on alerts.
    const refused = await bearer(nqtVisitsFeed, 'GET', '/v1/alerts');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((await bearer(nqtFeed, 'POST', `/v1/alerts/${alertId}/acknowledge`)).statusCode).toBe(403);
  });
});
