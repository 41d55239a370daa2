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
import { bindDriverPhone, principal, releaseToHaulier, slotIdAt } from '../../test/support/pickup.js';
import { injectAs, type Session } from '../../test/support/route-examples.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { driversStreamId, pickupDepsFor } from '../app/appointments/index.js';
import { gateTransaction } from '../app/gate/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { computeCheckDigit, type OrgKind, type Role } from '../domain/index.js';
import { buildServer } from './server.js';

const LINE = { orgId: 'org-line', kind: 'shipping_line', code: 'MSCU' } as const;
const FWD = { orgId: 'org-fwd', kind: 'forwarder', code: 'FWDA' } as const;
const FWD2 = { orgId: 'org-fwd2', kind: 'forwarder', code: 'FWDB' } as const;
const HAUL = { orgId: 'org-haul', kind: 'haulier', code: 'HAUL' } as const;
const HAUL2 = { orgId: 'org-haul2', kind: 'haulier', code: 'HAUB' } as const;
const NQT = { orgId: 'org-nqt', kind: 'terminal_operator', code: 'NQT', terminals: ['T1'] } as const;

const pgReachable = await postgresReachable();
const kinds: StoreKind[] = pgReachable ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(kinds)('driver jobs and release inboxes over HTTP (%s)', (kind) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const sessions = new Map<string, Session>();
  let serial = 0;
  // Moved forward to a pickup slot days ahead, for the gate.
  let clockOffsetMs = 0;

  const as = async (userId: string) => {
    if (!sessions.has(userId)) sessions.set(userId, await mintSession(auth, userId));
    return sessions.get(userId)!;
  };
  const get = async (userId: string, url: string) => injectAs(app, await as(userId), { method: 'GET', url });
  const post = async (userId: string, url: string, payload: object = {}) =>
    injectAs(app, await as(userId), { method: 'POST', url, payload });

  const user = async (userId: string, org: { orgId: string }, roles: Role[]) =>
    addUser(auth, {
      userId,
      orgId: org.orgId,
      username: userId,
      displayName: userId,
      roles,
      issuedBy: 'test',
    });

  /** A box discharged into the yard of T1, announced under the line's code. */
  const visitInYard = async () => {
    const n = ++serial;
    const first10 = `DJTU${String(400_000 + n).padStart(6, '0')}`;
    const containerNumber = `${first10}${computeCheckDigit(first10)}`;
    const { visit } = await announceVisit(auth.ledger, testTerminals, {
      containerNumber,
      line: LINE.code,
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'DJ1' },
    });
    await runVisitCommand(auth.ledger, testTerminals, visit.visitRef, {
      type: 'DischargeContainer',
      vesselCall: 'DJ1',
      slot: { terminal: 'T1', block: 'B', bay: 2 * n + 1, row: 1, tier: 1 },
      operator: 'test',
    });
    return { visitRef: visit.visitRef, containerNumber };
  };

  const linePrincipal = principal({
    userId: 'line-desk',
    orgId: LINE.orgId,
    orgKind: 'shipping_line',
    orgCode: LINE.code,
    roles: ['release_desk'],
  });
  const haulierPrincipal = (org: { orgId: string; code: string }) =>
    principal({
      userId: 'planner',
      orgId: org.orgId,
      orgKind: 'haulier',
      orgCode: org.code,
      roles: ['haulier_planner'],
    });

  const validity = () => {
    const now = auth.ledger.clock.now().getTime();
    return {
      validFrom: new Date(now - 3_600_000).toISOString(),
      validUntil: new Date(now + 7 * 86_400_000).toISOString(),
    };
  };

  beforeAll(async () => {
    fixture = await openTestLedger(kind, { clock: { now: () => new Date(Date.now() + clockOffsetMs) } });
    auth = testAuthDeps(fixture.ledger);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
    });
    for (const org of [LINE, FWD, FWD2, HAUL, HAUL2]) {
      await addOrganisation(auth, { ...org, kind: org.kind as OrgKind, name: org.code });
    }
    // The gate is bound to its terminal: the clerk who lets the box out works for the operator of T1.
    await addOrganisation(auth, { ...NQT, terminals: [...NQT.terminals], name: NQT.code });
    await user('gate-clerk', NQT, ['gate_clerk']);
    await user('line-desk', LINE, ['release_desk']);
    await user('fwd-desk', FWD, ['release_desk']);
    await user('fwd2-desk', FWD2, ['release_desk']);
    await user('planner', HAUL, ['haulier_planner']);
    await user('planner2', HAUL2, ['haulier_planner']);
    await user('dirk', HAUL, ['driver']);
    await user('daan', HAUL, ['driver']);
    await user('other-driver', HAUL2, ['driver']);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('links a driver to his account, and shows him exactly his own jobs, never another driver’s', async () => {
    const driver = (name: string, badge: string, userId?: string) => ({
      name,
      badge,
      licence: `L-${badge}`,
      phone: '+32 470 00 00 00',
      ...(userId ? { userId } : {}),
    });

    // The account must be a driver of the planner's own haulier.
    const notDriver = await post('planner', '/v1/drivers', driver('Dirk', 'ANR-DJ-1', 'planner'));
    expect(notDriver.statusCode).toBe(400);
    expect(notDriver.json()).toMatchObject({ code: 'input.invalid' });
    expect(notDriver.json().detail).toContain('role driver');
    const otherHaulier = await post('planner', '/v1/drivers', driver('Dirk', 'ANR-DJ-1', 'other-driver'));
    expect(otherHaulier.statusCode).toBe(400);
    const unknown = await post('planner', '/v1/drivers', driver('Dirk', 'ANR-DJ-1', 'nobody'));
    expect(unknown.json().detail).toBe(otherHaulier.json().detail.replace('other-driver', 'nobody'));
    expect((await get('planner', '/v1/drivers')).json().drivers).toEqual([]);

    const dirk = await post('planner', '/v1/drivers', driver('Dirk Driver', 'ANR-DJ-1', 'dirk'));
    expect(dirk.statusCode, dirk.body).toBe(201);
    expect(dirk.json()).toMatchObject({ name: 'Dirk Driver', userId: 'dirk' });
    const daan = await post('planner', '/v1/drivers', driver('Daan Driver', 'ANR-DJ-2', 'daan'));
    expect(daan.statusCode, daan.body).toBe(201);
    // An update without an account keeps the one linked.
    const updated = await post('planner', '/v1/drivers', driver('Dirk Driver', 'ANR-DJ-1'));
    expect(updated.json()).toMatchObject({ userId: 'dirk', badgeRef: dirk.json().badgeRef });
    // The other haulier's driver record carries the same badge under its own haulier only.
    await post('planner2', '/v1/drivers', driver('Odo Other', 'ANR-DJ-9', 'other-driver'));

    // Events carry the account's id and the badge reference, never personal data.
    const events = await fixture.store.readStream(driversStreamId(HAUL.orgId));
    expect(events.map((e) => [e.type, e.data.userId])).toEqual([
      ['DriverRegistered', 'dirk'],
      ['DriverRegistered', 'daan'],
      ['DriverUpdated', 'dirk'],
    ]);
    expect(JSON.stringify(events.map((e) => e.data))).not.toMatch(/Dirk|ANR-DJ|L-ANR|\+32/);

    // Before any booking: nothing.
    expect((await get('dirk', '/v1/me/jobs')).json()).toEqual({ jobs: [] });

    const mine = await visitInYard();
    const theirs = await visitInYard();
    await releaseToHaulier(auth.ledger, mine.visitRef, {
      line: linePrincipal,
      haulier: haulierPrincipal(HAUL),
    });
    await releaseToHaulier(auth.ledger, theirs.visitRef, {
      line: linePrincipal,
      haulier: haulierPrincipal(HAUL),
    });
    const now = auth.ledger.clock.now();
    const slotId = slotIdAt(now, 3, 9);
    const booked = await post('planner', `/v1/visits/${mine.visitRef}/appointment`, {
      slotId,
      badge: 'ANR-DJ-1',
      truckPlate: '1DJK001',
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const daanBooked = await post('planner', `/v1/visits/${theirs.visitRef}/appointment`, {
      slotId: slotIdAt(now, 4, 10),
      badge: 'ANR-DJ-2',
      truckPlate: '1-DAA-002',
    });
    expect(daanBooked.statusCode, daanBooked.body).toBe(201);

    const jobs = await get('dirk', '/v1/me/jobs');
    expect(jobs.statusCode, jobs.body).toBe(200);
    expect(jobs.json().jobs).toEqual([
      {
        visitRef: mine.visitRef,
        containerNumber: mine.containerNumber,
        terminal: 'T1',
        slotId,
        slotStart: booked.json().appointment.slotStart,
        slotEnd: booked.json().appointment.slotEnd,
        graceBeforeMinutes: expect.any(Number),
        graceAfterMinutes: expect.any(Number),
        windowStart: booked.json().credential.windowStart,
        windowEnd: booked.json().credential.windowEnd,
        truckPlate: '1DJK001',
        state: 'booked',
        credential: { active: true, credentialId: booked.json().credential.credentialId },
        pass: {
          credentialId: booked.json().credential.credentialId,
          windowStart: booked.json().credential.windowStart,
          windowEnd: booked.json().credential.windowEnd,
          terminalTimeZone: 'Europe/Brussels',
        },
        updatedAt: expect.any(String),
      },
    ]);
    // Nothing secret, nothing of the yard.
    expect(jobs.body).not.toContain(booked.json().credential.token);
    expect(jobs.body).not.toMatch(/"(slot|position|block|bay|tier)"/);
    expect(
      (await get('daan', '/v1/me/jobs')).json().jobs.map((j: { visitRef: string }) => j.visitRef),
    ).toEqual([theirs.visitRef]);
    // Another haulier's driver, even with a record of his own, sees nothing of these.
    expect((await get('other-driver', '/v1/me/jobs')).json()).toEqual({ jobs: [] });
    // A planner is no driver: the route is not his.
    expect((await get('planner', '/v1/me/jobs')).statusCode).toBe(403);

    // The planner names Daan instead: the job moves to Daan, Dirk no longer sees it.
    const changed = await post('planner', `/v1/visits/${mine.visitRef}/appointment/driver`, {
      badge: 'ANR-DJ-2',
      truckPlate: '1-DJK-003',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await get('dirk', '/v1/me/jobs')).json()).toEqual({ jobs: [] });
    const daanJobs = (await get('daan', '/v1/me/jobs')).json().jobs;
    expect(daanJobs.map((j: { visitRef: string; truckPlate: string }) => [j.visitRef, j.truckPlate])).toEqual(
      [
        [mine.visitRef, '1DJK003'],
        [theirs.visitRef, '1DAA002'],
      ],
    );
    expect(daanJobs[0].credential).toEqual({
      active: true,
      credentialId: changed.json().credential.credentialId,
    });

    // Cancelled, the job stays in the list as cancelled, without a credential.
    await post('planner', `/v1/visits/${theirs.visitRef}/appointment/cancel`, { reason: 'ship delayed' });
    const afterCancel = (await get('daan', '/v1/me/jobs')).json().jobs;
    expect(afterCancel.find((j: { visitRef: string }) => j.visitRef === theirs.visitRef)).toMatchObject({
      state: 'cancelled',
      credential: { active: false, credentialId: null },
    });

    // Once the box left through the gate, the job says collected, and no pass is in force for it any more. Only
    // the gate lets a box out (issue 10): Daan presents his credential inside his slot's window.
    const pass = changed.json().credential;
    clockOffsetMs = Date.parse(pass.windowStart) + 31 * 60_000 - Date.now();
    sessions.clear();
    // Daan's phone, confirmed by his planner, signs the rotating pass the gate asks for (issue 10, row C).
    const phone = await bindDriverPhone(auth, {
      orgId: HAUL.orgId,
      badge: 'ANR-DJ-2',
      userId: 'daan',
      plannerUserId: 'planner',
    });
    const verdict = await gateTransaction(
      {
        ledger: auth.ledger,
        sealer: auth.security.sealer,
        pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
        terminals: testTerminals,
      },
      'gate-clerk',
      {
        credential: phone.passFor(pass.credentialId, auth.ledger.clock.now()),
        badge: 'ANR-DJ-2',
        truckPlate: '1-DJK-003',
      },
    );
    expect(verdict.checks.filter((c) => !c.passed)).toEqual([]);
    const afterGateOut = (await get('daan', '/v1/me/jobs')).json().jobs;
    expect(afterGateOut.find((j: { visitRef: string }) => j.visitRef === mine.visitRef)).toMatchObject({
      state: 'collected',
      credential: { active: false, credentialId: null },
    });
  });

  it('lists the offers awaiting a forwarder, what it holds and what the line issued, each to its own org', async () => {
    const a = await visitInYard();
    const b = await visitInYard();
    const c = await visitInYard();
    for (const visit of [a, b]) {
      const issued = await post('line-desk', `/v1/visits/${visit.visitRef}/release`, {
        firstParty: FWD.orgId,
        ...validity(),
      });
      expect(issued.statusCode, issued.body).toBe(201);
    }
    await post('line-desk', `/v1/visits/${c.visitRef}/release`, { firstParty: FWD2.orgId, ...validity() });

    const offers = await get('fwd-desk', '/v1/releases?view=offers');
    expect(offers.statusCode, offers.body).toBe(200);
    expect(
      offers
        .json()
        .items.map((i: { visitRef: string }) => i.visitRef)
        .sort(),
    ).toEqual([a.visitRef, b.visitRef].sort());
    const rowA = offers.json().items.find((i: { visitRef: string }) => i.visitRef === a.visitRef);
    expect(rowA).toMatchObject({
      containerNumber: a.containerNumber,
      state: 'offered',
      from: LINE.orgId,
      to: FWD.orgId,
      offeredAt: expect.any(String),
      acceptedAt: null,
      release: { visibility: 'neighbours', offer: { from: LINE.orgId, to: FWD.orgId } },
    });
    // Need-to-know: never where the box stands; only the caller's own.
    expect(offers.body).not.toMatch(/"(slot|position|block|bay|tier)"/);
    expect(offers.body).not.toContain(c.visitRef);
    const otherForwarder = (await get('fwd2-desk', '/v1/releases?view=offers')).json().items;
    expect(otherForwarder.map((i: { visitRef: string }) => i.visitRef)).toEqual([c.visitRef]);
    expect((await get('planner2', '/v1/releases?view=offers')).json().items).toEqual([]);
    expect((await get('fwd-desk', '/v1/releases?view=held')).json().items).toEqual([]);
    // A driver has no release.read at all.
    expect((await get('dirk', '/v1/releases?view=offers')).statusCode).toBe(403);

    // Accepting moves the row from the offers to the rights held.
    expect((await post('fwd-desk', `/v1/visits/${a.visitRef}/release/offers/accept`)).statusCode).toBe(200);
    const stillOffered = (await get('fwd-desk', '/v1/releases?view=offers')).json().items;
    expect(stillOffered.map((i: { visitRef: string }) => i.visitRef)).toEqual([b.visitRef]);
    const held = (await get('fwd-desk', '/v1/releases?view=held')).json().items;
    expect(held).toEqual([
      expect.objectContaining({
        visitRef: a.visitRef,
        state: 'held',
        from: LINE.orgId,
        to: null,
        acceptedAt: expect.any(String),
      }),
    ]);

    // The line sees what it issued, newest change first, a page at a time.
    const first = (await get('line-desk', '/v1/releases?view=issued&limit=2')).json();
    expect(first.items.map((i: { visitRef: string }) => i.visitRef)).toEqual([a.visitRef, c.visitRef]);
    expect(first.items[0]).toMatchObject({ from: LINE.orgId, to: FWD.orgId, state: 'held' });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await get(
        'line-desk',
        `/v1/releases?view=issued&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`,
      )
    ).json();
    expect(second.items.map((i: { visitRef: string }) => i.visitRef)).toContain(b.visitRef);
    expect(second.items.map((i: { visitRef: string }) => i.visitRef)).not.toContain(a.visitRef);
    // A forwarder issued nothing.
    expect((await get('fwd-desk', '/v1/releases?view=issued')).json().items).toEqual([]);

    // Bad paging is told so.
    expect((await get('fwd-desk', '/v1/releases?view=offers&cursor=bm9wZQ')).json().code).toBe(
      'input.invalid',
    );
    expect((await get('fwd-desk', '/v1/releases?view=offers&limit=0')).statusCode).toBe(400);
    expect((await get('fwd-desk', '/v1/releases?view=everything')).statusCode).toBe(400);
  });
});
