import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type Session,
  type World,
  type WorldUser,
} from '../../test/support/route-examples.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation } from '../app/access/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import type { OrgKind, Role } from '../domain/index.js';
import { buildServer } from './server.js';

/**
 * Issue 14: the line blocks or revokes several releases at once. Each visit's release changes as its single route
 * changes it — one event on its own release stream — with the same permission, and the revocation with the same
 * passkey step-up; a visit that is not the caller's to change is reported, and the others go on.
 */
describe('bulk block and revoke of releases (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let world: World;
  const sessions = new Map<string, Session>();
  let otherLine: WorldUser;
  const refs: string[] = [];

  const caller = (role: Role, orgKind?: OrgKind): Caller =>
    world.callers.find((c) => c.role === role && (orgKind === undefined || c.orgKind === orgKind))!;
  const as = async (who: WorldUser) => {
    const key = who.user.userId;
    if (!sessions.has(key)) sessions.set(key, await world.session(who));
    return sessions.get(key)!;
  };
  const post = async (who: WorldUser, url: string, payload: object) =>
    injectAs(app, await as(who), { method: 'POST', url, payload });
  const outcomes = (body: { results: { visitRef: string; outcome: string; code?: string }[] }) =>
    body.results.map((r) => [r.visitRef, r.outcome, r.code ?? null]);

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
    world = await buildWorld({ app, auth, terminals: testTerminals });
    await addOrganisation(auth, { orgId: 'org-maeu', kind: 'shipping_line', name: 'Maersk', code: 'MAEU' });
    otherLine = await world.enrolUser({ orgId: 'org-maeu', roles: ['release_desk'] });
    const line = caller('release_desk', 'shipping_line');
    const now = fixture.ledger.clock.now().getTime();
    for (const containerNumber of ['MSCU1234566', 'CSQU3054383', 'TGHU0000008']) {
      const announced = await post(line, '/v1/visits', {
        containerNumber,
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      const visitRef = announced.json().visitRef as string;
      const issued = await post(line, `/v1/visits/${visitRef}/release`, {
        firstParty: caller('release_desk', 'forwarder').org.orgId,
        validFrom: new Date(now - 3_600_000).toISOString(),
        validUntil: new Date(now + 7 * 86_400_000).toISOString(),
      });
      expect(issued.statusCode, issued.body).toBe(201);
      refs.push(visitRef);
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('blocks several releases, one event each on its own stream, and reports a visit it cannot', async () => {
    const [first, second] = refs as [string, string];
    const before = await fixture.store.logSize();
    const blocked = await post(caller('release_desk', 'shipping_line'), '/v1/releases/blocks', {
      visitRefs: [first, second, 'V-NO-SUCH-VISIT'],
      reason: 'payment not received',
    });
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect(outcomes(blocked.json())).toEqual([
      [first, 'changed', null],
      [second, 'changed', null],
      ['V-NO-SUCH-VISIT', 'refused', 'visit.not_found'],
    ]);
    // One block on each release's own stream, with the chain notified as a single block notifies it.
    const events = await fixture.store.readEvents(before, 10);
    expect(events.map((event) => [event.streamId, event.type])).toEqual([
      [`release-${first}`, 'ReleaseBlocked'],
      [`release-${first}`, 'ChainNotified'],
      [`release-${second}`, 'ReleaseBlocked'],
      [`release-${second}`, 'ChainNotified'],
    ]);
    // The line's list filters by state, on the server.
    const listed = async (state: string) => {
      const response = await injectAs(app, await as(caller('release_desk', 'shipping_line')), {
        method: 'GET',
        url: `/v1/releases?view=issued&state=${state}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().items as { visitRef: string }[]).map((item) => item.visitRef).sort();
    };
    expect(await listed('blocked')).toEqual([first, second].sort());
    expect(await listed('in_force')).toEqual([refs[2]]);
    expect(await listed('revoked')).toEqual([]);
    // The filtered list as CSV, every page (one release a page here).
    const csv = await injectAs(app, await as(caller('release_desk', 'shipping_line')), {
      method: 'GET',
      url: '/v1/releases?view=issued&state=blocked&limit=1&format=csv',
    });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csv.body.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe(
      'Container,Visit,Release,Line,State,From,To,Offered at,Accepted at,Valid from,Valid until,Last change',
    );
    expect(
      rows
        .slice(1)
        .map((row) => row.split(',')[1])
        .sort(),
    ).toEqual([first, second].sort());
    expect(rows.slice(1).every((row) => row.split(',')[4] === 'blocked')).toBe(true);
    // Blocking again is refused for each, as the single route refuses it.
    const again = await post(caller('release_desk', 'shipping_line'), '/v1/releases/blocks', {
      visitRefs: [first],
      reason: 'twice',
    });
    expect(again.json().results[0]).toMatchObject({ visitRef: first, outcome: 'refused' });
  });

  it("changes nothing of another line's releases, whatever it asks", async () => {
    await as(otherLine);
    const before = await fixture.store.logSize();
    for (const url of ['/v1/releases/blocks', '/v1/releases/revocations']) {
      const answer = await post(otherLine, url, { visitRefs: refs, reason: 'not mine' });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json().results.every((r: { outcome: string }) => r.outcome === 'refused')).toBe(true);
    }
    expect(await fixture.store.logSize()).toBe(before);
  });

  it('revokes several releases only with a passkey step-up, as one revocation needs', async () => {
    const line = caller('release_desk', 'shipping_line');
    const stale = await mintSession(auth, line.user.userId, { stepUp: false });
    const refused = await injectAs(app, stale, {
      method: 'POST',
      url: '/v1/releases/revocations',
      payload: { visitRefs: refs, reason: 'cargo seized' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'auth.step_up_required' });
    const revoked = await post(line, '/v1/releases/revocations', { visitRefs: refs, reason: 'cargo seized' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(outcomes(revoked.json()).map(([, outcome]) => outcome)).toEqual(['changed', 'changed', 'changed']);
    const tooMany = await post(line, '/v1/releases/revocations', {
      visitRefs: Array.from({ length: 101 }, (_, i) => `V-${i}`),
      reason: 'too many',
    });
    expect(tooMany.json()).toMatchObject({ status: 400, code: 'request.invalid' });
  });
});
