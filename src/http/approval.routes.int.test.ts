import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import { confirmEnrolment } from '../../test/support/enrolment.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import { softPasskey } from '../../test/support/soft-authenticator.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

/** Two-person approval over HTTP, end to end: request, refusals, approval with step-up, and the applied change. */
describe('approvals (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let admin1: Session;
  let admin2: Session;
  let admin2NoStepUp: Session;
  let planner: Session;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'pit', kind: 'port_administration', name: 'Port IT', code: 'PIT' });
    await addOrganisation(auth, {
      orgId: 'nqt',
      kind: 'terminal_operator',
      name: 'North Quay',
      code: 'NQT',
      terminals: ['T1'],
    });
    const person = (userId: string, orgId: string, role: string) =>
      addUser(auth, {
        userId,
        orgId,
        username: userId,
        displayName: `${userId} name`,
        roles: [role],
        issuedBy: 'test',
      });
    await person('u-admin1', 'pit', 'administrator');
    await person('u-admin2', 'pit', 'administrator');
    await person('u-planner', 'nqt', 'yard_planner');
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
    admin1 = await mintSession(auth, 'u-admin1');
    admin2 = await mintSession(auth, 'u-admin2');
    admin2NoStepUp = await mintSession(auth, 'u-admin2', { stepUp: false });
    planner = await mintSession(auth, 'u-planner');
  });

  afterAll(async () => {
    await app.close();
    await fixture.cleanup();
  });

  const call = (who: Session, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, cookies: who.cookies, headers: who.headers, ...(payload ? { payload } : {}) });

  it('grants a role only when a second administrator approves with a fresh step-up, and ends the user’s sessions', async () => {
    const requested = await call(admin1, 'POST', '/v1/admin/users/u-planner/role-grants', {
      role: 'gate_clerk',
    });
    expect(requested.statusCode).toBe(202);
    const request = requested.json();
    expect(request).toMatchObject({
      kind: 'role.grant',
      subject: 'u-planner',
      status: 'pending',
      change: { role: 'gate_clerk', rolesBefore: ['yard_planner'] },
      requestedBy: { userId: 'u-admin1', orgId: 'pit', displayName: 'u-admin1 name' },
    });
    const url = `/v1/approvals/${request.requestId}`;

    // Nothing changed yet.
    expect((await fixture.store.identity.getUser('u-planner'))?.roles).toEqual(['yard_planner']);

    const inbox2 = await call(admin2, 'GET', '/v1/approvals');
    expect(inbox2.json().requests.map((r: { requestId: string }) => r.requestId)).toContain(
      request.requestId,
    );
    const inbox1 = await call(admin1, 'GET', '/v1/approvals');
    expect(inbox1.json().requests.map((r: { requestId: string }) => r.requestId)).not.toContain(
      request.requestId,
    );
    const mine = await call(admin1, 'GET', '/v1/approvals?mine=1');
    expect(mine.json().requests.map((r: { requestId: string }) => r.requestId)).toContain(request.requestId);

    const shown = await call(admin2, 'GET', url);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ change: { role: 'gate_clerk', rolesBefore: ['yard_planner'] } });
    // Another organisation does not learn that the request exists.
    expect((await call(planner, 'GET', url)).statusCode).toBe(404);

    const self = await call(admin1, 'POST', `${url}/approve`);
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('approval.self_approval');

    const stale = await call(admin2NoStepUp, 'POST', `${url}/approve`);
    expect(stale.statusCode).toBe(403);
    expect(stale.json().code).toBe('auth.step_up_required');
    expect((await fixture.store.identity.getUser('u-planner'))?.roles).toEqual(['yard_planner']);

    expect((await call(planner, 'GET', '/v1/auth/session')).statusCode).toBe(200);
    const approved = await call(admin2, 'POST', `${url}/approve`);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'granted', decidedBy: 'u-admin2' });

    expect((await fixture.store.identity.getUser('u-planner'))?.roles).toEqual([
      'yard_planner',
      'gate_clerk',
    ]);
    const userEvents = await fixture.store.readStream('user-u-planner');
    expect(userEvents.at(-1)).toMatchObject({
      type: 'RoleGranted',
      data: { role: 'gate_clerk', approvalId: request.requestId },
    });
    expect((await call(planner, 'GET', '/v1/auth/session')).statusCode).toBe(401);
    planner = await mintSession(auth, 'u-planner');

    const again = await call(admin2, 'POST', `${url}/approve`);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('approval.not_pending');
  });

  it('resets a user’s passkeys only when a second administrator approves', async () => {
    const created = await call(admin1, 'POST', '/v1/admin/users', {
      userId: 'u-sup',
      orgId: 'nqt',
      username: 'sup.els',
      displayName: 'Els Janssens',
      roles: ['terminal_supervisor'],
    });
    expect(created.statusCode).toBe(201);
    const token = new URL(created.json().enrolment.url).hash.replace('#token=', '');
    const passkey = softPasskey();
    const options = await app.inject({
      method: 'POST',
      url: '/v1/auth/enrolment/options',
      payload: { token },
    });
    expect(options.statusCode).toBe(200);
    const enrolled = await app.inject({
      method: 'POST',
      url: '/v1/auth/enrolment/verify',
      payload: {
        token,
        challengeId: options.json().challengeId,
        response: passkey.register({ challenge: options.json().options.challenge }),
        label: 'Laptop',
      },
    });
    expect(enrolled.statusCode).toBe(202);
    // A link's passkey signs in once confirmed (issue 10, row D); then Els signs in with it.
    await confirmEnrolment(auth, 'sup.els');
    const loginOptions = await app.inject({ method: 'POST', url: '/v1/auth/passkey/options', payload: {} });
    const signedIn = await app.inject({
      method: 'POST',
      url: '/v1/auth/passkey/verify',
      payload: {
        challengeId: loginOptions.json().challengeId,
        response: passkey.assert({ challenge: loginOptions.json().options.challenge }, 'u-sup'),
      },
    });
    expect(signedIn.statusCode).toBe(200);
    const supCookie = signedIn.cookies.find((c) => c.name === 'pl_session')!.value;
    expect(await fixture.store.identity.listPasskeys('u-sup')).toHaveLength(1);

    const requested = await call(admin1, 'POST', '/v1/admin/users/u-sup/passkey-resets');
    expect(requested.statusCode).toBe(202);
    const request = requested.json();
    expect(request).toMatchObject({
      kind: 'passkeys.reset',
      status: 'pending',
      change: { passkeysBefore: 1 },
    });
    expect((await call(admin1, 'POST', `/v1/approvals/${request.requestId}/approve`)).json().code).toBe(
      'approval.self_approval',
    );
    expect(await fixture.store.identity.listPasskeys('u-sup')).toHaveLength(1);

    const approved = await call(admin2, 'POST', `/v1/approvals/${request.requestId}/approve`);
    expect(approved.statusCode).toBe(200);
    expect(await fixture.store.identity.listPasskeys('u-sup')).toEqual([]);
    expect((await fixture.store.readStream('user-u-sup')).at(-1)).toMatchObject({
      type: 'PasskeyRemoved',
      data: { credentialId: passkey.credentialId, approvalId: request.requestId },
    });
    const after = await app.inject({ url: '/v1/auth/session', cookies: { pl_session: supCookie } });
    expect(after.statusCode).toBe(401);

    // With no passkey left there is nothing to reset: refused at once, not after a second person's approval.
    const empty = await call(admin1, 'POST', '/v1/admin/users/u-sup/passkey-resets');
    expect(empty.statusCode).toBe(409);
    expect(empty.json().code).toBe('user.passkey_not_found');
  });

  it('rejects with a reason, and lets only the requester withdraw', async () => {
    const ask = async () =>
      (
        await call(admin1, 'POST', '/v1/admin/users/u-planner/role-grants', { role: 'terminal_supervisor' })
      ).json();
    const first = await ask();
    const rejected = await call(admin2, 'POST', `/v1/approvals/${first.requestId}/reject`, {
      reason: 'not on the roster',
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', decidedBy: 'u-admin2' });
    expect((await fixture.store.identity.getUser('u-planner'))?.roles).not.toContain('terminal_supervisor');

    const second = await ask();
    const byOther = await call(admin2, 'POST', `/v1/approvals/${second.requestId}/withdraw`);
    expect(byOther.statusCode).toBe(403);
    expect(byOther.json().code).toBe('approval.not_requester');
    const withdrawn = await call(admin1, 'POST', `/v1/approvals/${second.requestId}/withdraw`);
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', decidedBy: 'u-admin1' });
    expect((await call(admin2, 'POST', `/v1/approvals/${second.requestId}/approve`)).statusCode).toBe(409);
  });

  it('refuses a role the user’s organisation may not hold, or already holds, before anyone approves', async () => {
    const foreign = await call(admin1, 'POST', '/v1/admin/users/u-planner/role-grants', { role: 'driver' });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().code).toBe('access.role_not_allowed');
    const held = await call(admin1, 'POST', '/v1/admin/users/u-planner/role-grants', {
      role: 'yard_planner',
    });
    expect(held.statusCode).toBe(409);
    expect(held.json().code).toBe('user.role_already_held');
    const nobody = await call(admin1, 'POST', '/v1/admin/users/u-nobody/role-grants', { role: 'gate_clerk' });
    expect(nobody.statusCode).toBe(404);
  });

  it('keeps the approval routes to those the policy table lets read or decide', async () => {
    expect((await app.inject({ url: '/v1/approvals' })).statusCode).toBe(401);
    expect((await call(planner, 'GET', '/v1/approvals')).statusCode).toBe(200);
    expect((await call(planner, 'POST', '/v1/approvals/nope/approve')).statusCode).toBe(404);
    expect((await call(admin2, 'GET', '/v1/approvals/nope')).statusCode).toBe(404);
    const noCsrf = await app.inject({
      method: 'POST',
      url: '/v1/approvals/nope/approve',
      cookies: admin2.cookies,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('auth.csrf');
  });
});

/** Issue 13: the requests a person ever made pile up, and a request nobody decided stays pending after it expired. */
describe('approval lists bounded by what is live (HTTP, SQLite)', () => {
  let nowMs = Date.parse('2030-02-03T08:00:00.000Z');
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite', { clock: { now: () => new Date(nowMs) } });
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'pit', kind: 'port_administration', name: 'Port IT', code: 'PIT' });
    await addOrganisation(auth, {
      orgId: 'nqt',
      kind: 'terminal_operator',
      name: 'North Quay',
      code: 'NQT',
      terminals: ['T1'],
    });
    const people: [string, string, string][] = [
      ['u-admin1', 'pit', 'administrator'],
      ['u-admin2', 'pit', 'administrator'],
      ...['a', 'b', 'c', 'd', 'e'].map((x): [string, string, string] => [`u-${x}`, 'nqt', 'yard_planner']),
    ];
    for (const [userId, orgId, role] of people) {
      await addUser(auth, {
        userId,
        orgId,
        username: userId,
        displayName: userId,
        roles: [role as 'administrator'],
        issuedBy: 'test',
      });
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

  const get = async (userId: string, url: string) => {
    const who = await mintSession(auth, userId);
    return app.inject({ method: 'GET', url, cookies: who.cookies, headers: who.headers });
  };
  const ids = (answer: { json(): { requests: { requestId: string }[] } }) =>
    answer.json().requests.map((r) => r.requestId);

  it('pages my requests, and leaves expired requests out of the inbox', async () => {
    const requested: string[] = [];
    for (const user of ['u-a', 'u-b', 'u-c', 'u-d', 'u-e']) {
      const who = await mintSession(auth, 'u-admin1');
      const answer = await app.inject({
        method: 'POST',
        url: `/v1/admin/users/${user}/role-grants`,
        cookies: who.cookies,
        headers: who.headers,
        payload: { role: 'gate_clerk' },
      });
      expect(answer.statusCode, answer.body).toBe(202);
      requested.push(answer.json().requestId);
      nowMs += 60_000;
    }

    const seen: string[] = [];
    let url = '/v1/approvals?mine=1&limit=2';
    for (;;) {
      const page = await get('u-admin1', url);
      expect(page.statusCode, page.body).toBe(200);
      expect(ids(page).length).toBeLessThanOrEqual(2);
      seen.push(...ids(page));
      const next = page.json().nextCursor as string | null;
      if (next === null) break;
      url = `/v1/approvals?mine=1&limit=2&cursor=${next}`;
    }
    expect(seen).toEqual(requested);
    expect(ids(await get('u-admin2', '/v1/approvals'))).toEqual(requested);
    expect(ids(await get('u-admin2', '/v1/approvals?mine=1'))).toEqual([]);

    // A day later the first ones expired undecided: still the requester's history, no longer anyone's inbox.
    nowMs += 24 * 60 * 60_000 - 2 * 60_000 - 1;
    expect(ids(await get('u-admin2', '/v1/approvals'))).toEqual(requested.slice(3));
    expect(ids(await get('u-admin1', '/v1/approvals?mine=1'))).toEqual(requested);

    const tooMany = await get('u-admin1', '/v1/approvals?mine=1&limit=201');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().code).toBe('request.invalid');
  });
});
