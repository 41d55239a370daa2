import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
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
  worldOrganisations,
} from '../../test/support/route-examples.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation } from '../app/access/index.js';
import { releaseStreamId } from '../app/releases/index.js';
import type { Role } from '../domain/index.js';
import { buildServer } from './server.js';

const F1 = worldOrganisations.forwarder.orgId;
const H1 = worldOrganisations.haulier.orgId;
const LINE = worldOrganisations.shipping_line.orgId;

describe('release routes: the chain from line to haulier, need-to-know and step-up (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let world: World;
  const sessions = new Map<string, Session>();
  let f2: WorldUser;
  let h2: WorldUser;

  const caller = (role: Role, orgKind?: string): Caller =>
    world.callers.find((c) => c.role === role && (orgKind === undefined || c.orgKind === orgKind))!;
  const line = () => caller('release_desk', 'shipping_line');
  const f1 = () => caller('release_desk', 'forwarder');
  const h1 = () => caller('haulier_planner', 'haulier');
  const as = async (who: WorldUser) => {
    const key = who.user.userId;
    if (!sessions.has(key)) sessions.set(key, await world.session(who));
    return sessions.get(key)!;
  };
  const get = async (who: WorldUser, url: string) => injectAs(app, await as(who), { method: 'GET', url });
  const post = async (who: WorldUser, url: string, payload: object = {}) =>
    injectAs(app, await as(who), { method: 'POST', url, payload });
  const validity = () => {
    const now = auth.ledger.clock.now().getTime();
    return {
      validFrom: new Date(now - 3_600_000).toISOString(),
      validUntil: new Date(now + 7 * 86_400_000).toISOString(),
    };
  };

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    auth = testAuthDeps(fixture.ledger);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
    world = await buildWorld({ app, auth, terminals: testTerminals });
    await addOrganisation(auth, { orgId: 'org-fwd2', kind: 'forwarder', name: 'Second Fwd', code: 'FWDB' });
    await addOrganisation(auth, { orgId: 'org-haul2', kind: 'haulier', name: 'Other Haul', code: 'HAUB' });
    f2 = await world.enrolUser({ orgId: 'org-fwd2', roles: ['release_desk'] });
    h2 = await world.enrolUser({ orgId: 'org-haul2', roles: ['haulier_planner'] });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('passes the right line → forwarder → forwarder → haulier, each accepting, and the line revokes it', async () => {
    const { visitRef: ref } = await world.visit({ inYard: true });
    const base = `/v1/visits/${ref}/release`;

    // Before any release, a forwarder or haulier sees nothing of the box.
    expect((await get(f1(), `/v1/visits/${ref}`)).statusCode).toBe(404);
    expect((await get(f1(), base)).statusCode).toBe(404);
    expect((await get(line(), base)).json().code).toBe('release.not_found');

    const issued = await post(line(), base, { firstParty: F1, ...validity() });
    expect(issued.statusCode, issued.body).toBe(201);
    expect(issued.json().release).toMatchObject({
      visibility: 'full',
      rightVersion: 1,
      chain: [],
      holder: null,
      offer: { from: LINE, to: F1 },
    });
    expect(issued.json().events.map((e: { type: string }) => e.type)).toEqual([
      'ReleaseIssued',
      'ReleaseTransferOffered',
      'ChainNotified',
    ]);
    // Issued once only.
    expect((await post(line(), base, { firstParty: F1, ...validity() })).json().code).toBe(
      'release.already_issued',
    );

    // The offeree sees the chain to decide, not the box until it holds the right.
    expect((await get(f1(), base)).json()).toMatchObject({ visibility: 'neighbours', offer: { to: F1 } });
    expect((await get(f1(), `/v1/visits/${ref}`)).statusCode).toBe(404);

    const accepted = await post(f1(), `${base}/offers/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().release).toMatchObject({ holder: F1, rightVersion: 2 });
    const seen = await get(f1(), `/v1/visits/${ref}`);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json()).not.toHaveProperty('slot');

    // A non-holder cannot pass the right on: the line no longer holds it, a stranger does not see it.
    const byLine = await post(line(), `${base}/offers`, { to: H1 });
    expect(byLine.statusCode).toBe(403);
    expect(byLine.json().code).toBe('release.not_holder');
    expect((await post(f2, `${base}/offers`, { to: H1 })).statusCode).toBe(404);
    // Only forwarders and hauliers receive a right.
    expect((await post(f1(), `${base}/offers`, { to: LINE })).json().code).toBe('release.command_invalid');

    expect((await post(f1(), `${base}/offers`, { to: 'org-fwd2' })).statusCode).toBe(200);
    expect((await post(f2, `${base}/offers/accept`)).statusCode).toBe(200);
    // F1 held it: it still sees the box, but it can no longer pass it on.
    expect((await get(f1(), `/v1/visits/${ref}`)).statusCode).toBe(200);
    expect((await post(f1(), `${base}/offers`, { to: H1 })).json().code).toBe('release.not_holder');

    expect((await post(f2, `${base}/offers`, { to: H1 })).statusCode).toBe(200);
    // The haulier may not be offered twice, and a wrong party may not accept.
    expect((await post(h2, `${base}/offers/accept`)).statusCode).toBe(404);
    const taken = await post(h1(), `${base}/offers/accept`);
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json().release).toMatchObject({ holder: H1, rightVersion: 4 });

    // Need-to-know: the haulier sees its predecessor F2 and itself, not F1; the line sees it all.
    const byHaulier = (await get(h1(), base)).json();
    expect(byHaulier.chain.map((link: { orgId: string }) => link.orgId)).toEqual(['org-fwd2', H1]);
    expect(byHaulier.chain.map((link: { position: number }) => link.position)).toEqual([2, 3]);
    const byLineView = (await get(line(), base)).json();
    expect(byLineView.chain.map((link: { orgId: string }) => link.orgId)).toEqual([F1, 'org-fwd2', H1]);
    // The haulier sees its box now; another haulier does not.
    expect((await get(h1(), `/v1/visits/${ref}`)).statusCode).toBe(200);
    expect((await get(h2, `/v1/visits/${ref}`)).statusCode).toBe(404);
    expect((await get(h2, `/v1/visits/${ref}/lights`)).statusCode).toBe(404);
    const listed = (await get(h1(), '/v1/visits?limit=200')).json();
    expect(listed.visits.map((v: { visitRef: string }) => v.visitRef)).toContain(ref);

    const lights = await get(h1(), `/v1/visits/${ref}/lights`);
    expect(lights.statusCode, lights.body).toBe(200);
    expect(lights.json()).toMatchObject({ allGreen: true, dcsaCodes: ['AVPU'] });

    // The line revokes: the haulier is cut off, the right version moves on, nothing more happens.
    const revoked = await post(line(), `${base}/revoke`, { reason: 'cargo owner has not paid freight' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().release).toMatchObject({
      revoked: true,
      holder: null,
      cutOff: [H1],
      rightVersion: 5,
    });
    const afterRevoke = (await get(h1(), base)).json();
    expect(afterRevoke).toMatchObject({ revoked: true, holder: null, cutOff: [H1] });
    expect(afterRevoke).not.toHaveProperty('revokeReason');
    expect((await post(h1(), `${base}/offers/accept`)).json().code).toBe('release.revoked');
    const red = (await get(h1(), `/v1/visits/${ref}/lights`)).json();
    expect(red.allGreen).toBe(false);
    expect(red.lights[0]).toMatchObject({ light: 'commercial_release', green: false });

    // Every change told the chain who it concerns.
    const stream = await fixture.store.readStream(releaseStreamId(ref));
    const last = stream.at(-1)!;
    expect(last.type).toBe('ChainNotified');
    expect(last.data).toMatchObject({ visitRef: ref, what: ['ReleaseRevoked'] });
    expect(last.data.parties).toEqual(expect.arrayContaining([LINE, F1, 'org-fwd2', H1]));
    expect(stream.filter((e) => e.type === 'ChainNotified')).toHaveLength(7);
  });

  it('lets the offeree deny and the sender withdraw; the line blocks, unblocks and changes the validity', async () => {
    const { visitRef: ref } = await world.visit();
    const base = `/v1/visits/${ref}/release`;
    expect((await post(line(), base, { firstParty: F1, ...validity() })).statusCode).toBe(201);
    const denied = await post(f1(), `${base}/offers/deny`, { reason: 'not our customer' });
    expect(denied.statusCode, denied.body).toBe(200);
    // The denier was only offered it: it sees nothing any more.
    expect(denied.json().release).toBeNull();
    expect((await get(f1(), base)).statusCode).toBe(404);

    expect((await post(line(), `${base}/offers`, { to: 'org-fwd2' })).statusCode).toBe(200);
    const withdrawn = await post(line(), `${base}/offers/withdraw`);
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json().release.offer).toBeNull();

    expect((await post(line(), `${base}/offers`, { to: F1 })).statusCode).toBe(200);
    expect((await post(f1(), `${base}/offers/accept`)).statusCode).toBe(200);
    const blocked = await post(line(), `${base}/block`, { reason: 'documents missing' });
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect((await post(f1(), `${base}/offers`, { to: H1 })).json().code).toBe('release.blocked');
    const lights = (await get(f1(), `/v1/visits/${ref}/lights`)).json();
    expect(lights.lights.find((l: { light: string }) => l.light === 'no_hold_or_block').green).toBe(false);
    expect((await post(line(), `${base}/unblock`)).statusCode).toBe(200);

    // A forwarder's "revoke" takes back its own pending offer.
    expect((await post(f1(), `${base}/offers`, { to: H1 })).statusCode).toBe(200);
    const takenBack = await post(f1(), `${base}/revoke`, { reason: 'wrong haulier' });
    expect(takenBack.statusCode, takenBack.body).toBe(200);
    expect(takenBack.json().events[0].type).toBe('ReleaseOfferWithdrawn');

    const now = auth.ledger.clock.now().getTime();
    const changed = await post(line(), `${base}/validity`, {
      validFrom: new Date(now).toISOString(),
      validUntil: new Date(now + 86_400_000).toISOString(),
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const invalid = await post(line(), `${base}/validity`, {
      validFrom: new Date(now + 86_400_000).toISOString(),
      validUntil: new Date(now).toISOString(),
    });
    expect(invalid.statusCode).toBe(422);
  });

  it("refuses another line's box, and handing over a right without a fresh passkey step-up", async () => {
    const { visitRef: ref } = await world.visit({ line: 'OTHR' });
    expect(
      (await post(line(), `/v1/visits/${ref}/release`, { firstParty: F1, ...validity() })).statusCode,
    ).toBe(404);

    const own = await world.visit();
    const stale = await mintSession(auth, line().user.userId, { stepUp: false });
    const refused = await injectAs(app, stale, {
      method: 'POST',
      url: `/v1/visits/${own.visitRef}/release`,
      payload: { firstParty: F1, ...validity() },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('auth.step_up_required');
  });
});
