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
import { pickupReadyNow, principal } from '../../test/support/pickup.js';
import {
  buildWorld,
  type Caller,
  injectAs,
  type Session,
  type World,
  type WorldUser,
} from '../../test/support/route-examples.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation } from '../app/access/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import type { OrgKind, Role } from '../domain/index.js';
import { buildServer } from './server.js';

describe('visit routes: commands, need-to-know and scope (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let world: World;
  const sessions = new Map<string, Session>();
  let otherLine: WorldUser;
  let otherGateClerk: WorldUser;

  const caller = (role: Role, orgKind?: string): Caller =>
    world.callers.find((c) => c.role === role && (orgKind === undefined || c.orgKind === orgKind))!;
  const as = async (who: WorldUser) => {
    const key = who.user.userId;
    if (!sessions.has(key)) sessions.set(key, await world.session(who));
    return sessions.get(key)!;
  };
  const get = async (who: WorldUser, url: string) => injectAs(app, await as(who), { method: 'GET', url });
  const post = async (who: WorldUser, url: string, payload: object = {}) =>
    injectAs(app, await as(who), { method: 'POST', url, payload });

  const failedChecks = (verdict: { checks: { check: string; passed: boolean }[] }) =>
    verdict.checks.filter((c) => !c.passed).map((c) => c.check);
  const partyOf = (who: WorldUser, orgKind: OrgKind, role: Role) =>
    principal({
      userId: who.user.userId,
      orgId: who.org.orgId,
      orgKind,
      orgCode: who.org.code,
      roles: [role],
    });

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
    await addOrganisation(auth, {
      orgId: 'org-sqt',
      kind: 'terminal_operator',
      name: 'South Quay',
      code: 'SQT',
      terminals: ['T2'],
    });
    otherLine = await world.enrolUser({ orgId: 'org-maeu', roles: ['release_desk'] });
    otherGateClerk = await world.enrolUser({ orgId: 'org-sqt', roles: ['gate_clerk'] });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('runs a box through its life, each step by the role that does it', async () => {
    const line = caller('release_desk', 'shipping_line');
    const announced = await post(line, '/v1/visits', {
      containerNumber: 'MSCU 123456 6',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'MSC-ANNA-042' },
    });
    expect(announced.statusCode, announced.body).toBe(201);
    const visit = announced.json();
    // The line is the caller's own code, never one it names; a line never sees a slot.
    expect(visit).toMatchObject({ line: 'MSCU', status: 'announced', containerNumber: 'MSCU1234566' });
    expect(visit).not.toHaveProperty('slot');
    expect(announced.headers.location).toBe(`/v1/visits/${visit.visitRef}`);
    const ref = visit.visitRef as string;

    const slot = { terminal: 'T1', block: 'Z', bay: 1, row: 1, tier: 1 };
    const discharged = await post(caller('equipment_operator'), `/v1/visits/${ref}/discharge`, {
      vesselCall: 'MSC-ANNA-042',
      slot,
      equipment: 'STS-04',
    });
    expect(discharged.statusCode, discharged.body).toBe(200);
    expect(discharged.json()).toMatchObject({ status: 'in_yard', slot, slotText: expect.any(String) });

    const to = { terminal: 'T1', block: 'Z', bay: 3, row: 1, tier: 1 };
    const moved = await post(caller('equipment_operator'), `/v1/visits/${ref}/moves`, {
      from: slot,
      to,
      equipment: 'RTG-12',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().slot).toEqual(to);

    const held = await post(caller('terminal_supervisor'), `/v1/visits/${ref}/holds`, {
      kind: 'terminal',
      reason: 'damaged door',
      reference: 'DMG-7',
    });
    expect(held.statusCode, held.body).toBe(200);
    const hold = held.json().holds[0];
    expect(hold).toMatchObject({ kind: 'terminal', reason: 'damaged door', reference: 'DMG-7' });

    // Only the gate lets a box out (issue 10): there is no bare gate-out route, and the gate refuses a held box.
    const bare = await post(caller('gate_clerk'), `/v1/visits/${ref}/gate-out`, { truckPlate: '1-ABC-123' });
    expect(bare.statusCode).toBe(404);
    // The driver's confirmed phone signs the rotating pass the gate asks for (issue 10, row C).
    const pickup = await pickupReadyNow(
      { ledger: fixture.ledger, sealer: auth.security.sealer, auth },
      {
        visitRef: ref,
        line: partyOf(line, 'shipping_line', 'release_desk'),
        haulier: partyOf(caller('haulier_planner'), 'haulier', 'haulier_planner'),
        badge: 'ANR-LIFE-01',
        truckPlate: '1-ABC-123',
      },
    );
    const atGate = { credential: pickup.credential, badge: 'ANR-LIFE-01', truckPlate: '1-ABC-123' };
    const blocked = await post(caller('gate_clerk'), '/v1/gate/transactions', atGate);
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect(blocked.json().accepted).toBe(false);
    expect(failedChecks(blocked.json())).toEqual(['lights.green']);

    const lifted = await post(caller('yard_planner'), `/v1/visits/${ref}/holds/${hold.holdId}/lift`, {
      reason: 'door repaired',
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json().onHold).toBe(false);

    const out = await post(caller('gate_clerk'), '/v1/gate/transactions', atGate);
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json().accepted, out.body).toBe(true);
    expect((await get(caller('gate_clerk'), `/v1/visits/${ref}`)).json()).toMatchObject({
      status: 'gated_out',
      departure: { mode: 'truck', truckPlate: '1ABC123' },
    });

    // The history has every step with its audit index; the operator is the signed-in user, not a typed name.
    const history = await get(caller('customs_officer'), `/v1/visits/${ref}/history`);
    expect(history.statusCode).toBe(200);
    const events = history.json().events as { index: number; type: string; data: Record<string, unknown> }[];
    expect(events.map((e) => e.type)).toEqual([
      'VisitAnnounced',
      'ContainerDischarged',
      'ContainerMoved',
      'HoldPlaced',
      'HoldLifted',
      'ContainerGatedOut',
    ]);
    expect(events[2]!.data).toMatchObject({ operator: caller('equipment_operator').user.userId });
    const entry = await get(caller('customs_officer'), `/v1/audit/entries?start=${events[5]!.index}&limit=1`);
    expect(entry.json().entries[0]).toMatchObject({ index: events[5]!.index, type: 'ContainerGatedOut' });

    // The terminal still sees the box that left from its yard.
    expect((await get(caller('gate_clerk'), `/v1/visits/${ref}`)).statusCode).toBe(200);
  });

  it('gates a box in by truck, loads it, and takes a void request for a second person', async () => {
    const line = caller('release_desk', 'shipping_line');
    const ref = (
      await post(line, '/v1/visits', {
        containerNumber: 'MSCU 654321 2',
        sizeType: '45G1',
        fullEmpty: 'empty',
        arrival: { mode: 'truck' },
      })
    ).json().visitRef as string;
    const slot = { terminal: 'T1', block: 'Z', bay: 10, row: 2, tier: 1 };
    const gatedIn = await post(caller('gate_clerk'), `/v1/visits/${ref}/gate-in`, {
      slot,
      truckPlate: '2-DEF-456',
    });
    expect(gatedIn.statusCode, gatedIn.body).toBe(200);

    const voidRequest = await post(caller('terminal_supervisor'), `/v1/visits/${ref}/void-requests`, {
      voidedVersion: 2,
      reason: 'gated in at the wrong slot',
    });
    expect(voidRequest.statusCode, voidRequest.body).toBe(202);
    expect(voidRequest.json()).toMatchObject({
      kind: 'visit.void',
      subject: ref,
      status: 'pending',
      terminal: 'T1',
    });
    // Nothing changes until someone else approves it.
    expect((await get(caller('gate_clerk'), `/v1/visits/${ref}`)).json().slot).toEqual(slot);

    const loaded = await post(caller('equipment_operator'), `/v1/visits/${ref}/load`, {
      vesselCall: 'MAERSK-7',
    });
    expect(loaded.statusCode, loaded.body).toBe(200);
    expect(loaded.json()).toMatchObject({
      status: 'loaded',
      departure: { mode: 'vessel', vesselCall: 'MAERSK-7' },
    });
  });

  it("shows a line clerk its own box without the yard slot, and answers 404 for another line's box", async () => {
    const line = caller('release_desk', 'shipping_line');
    const own = await world.visit({ line: 'MSCU', inYard: true, hold: 'police' });
    const shown = await get(line, `/v1/visits/${own.visitRef}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ visitRef: own.visitRef, status: 'in_yard', line: 'MSCU' });
    expect(shown.json()).not.toHaveProperty('slot');
    expect(shown.json()).not.toHaveProperty('slotText');
    // A police hold must not tip off a party who may be the suspect.
    expect(shown.json()).toMatchObject({ holds: [], onHold: false });

    const theirs = await get(otherLine, `/v1/visits/${own.visitRef}`);
    const missing = await get(otherLine, '/v1/visits/V-0000-0000-0000-0000-0000-0');
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('visit.not_found');
    // Same answer as a visit that does not exist, so existence does not leak.
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('visit.not_found');

    const list = await get(otherLine, '/v1/visits?limit=200');
    expect(list.statusCode).toBe(200);
    expect(list.json().visits.some((v: { visitRef: string }) => v.visitRef === own.visitRef)).toBe(false);
    const ownList = await get(line, '/v1/visits?status=in_yard&limit=200');
    const listed = ownList.json().visits as Record<string, unknown>[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((v) => v.line === 'MSCU' && !('slot' in v))).toBe(true);

    // Customs sees the same box with its slot; the history is not the line's to read.
    expect((await get(caller('customs_officer'), `/v1/visits/${own.visitRef}`)).json().slot).toEqual(
      own.slot,
    );
    expect((await get(line, `/v1/visits/${own.visitRef}/history`)).statusCode).toBe(403);
  });

  it('lets a customs officer place a customs hold but not a police hold', async () => {
    const { visitRef } = await world.visit({ inYard: true });
    const customs = caller('customs_officer');
    const placed = await post(customs, `/v1/visits/${visitRef}/holds`, {
      kind: 'customs',
      reason: 'selected for scan',
      reference: 'MRN 26BE000000001',
    });
    expect(placed.statusCode, placed.body).toBe(200);
    expect(placed.json().holds).toMatchObject([{ kind: 'customs', reason: 'selected for scan' }]);

    const police = await post(customs, `/v1/visits/${visitRef}/holds`, {
      kind: 'police',
      reason: 'case',
      reference: 'PV-1',
    });
    expect(police.statusCode).toBe(403);
    expect(police.json().code).toBe('auth.forbidden');

    // Nor may the terminal lift the customs hold.
    const holdId = placed.json().holds[0].holdId;
    const lift = await post(caller('yard_planner'), `/v1/visits/${visitRef}/holds/${holdId}/lift`, {
      reason: 'we want it gone',
    });
    expect(lift.statusCode).toBe(403);
  });

  it('does not let a gate clerk of another terminal gate out the box, nor even see it', async () => {
    const { visitRef } = await world.visit({ inYard: true });
    const refused = await post(otherGateClerk, `/v1/visits/${visitRef}/gate-out`, { truckPlate: '9-EVIL-1' });
    expect(refused.statusCode).toBe(404);
    expect((await get(otherGateClerk, `/v1/visits/${visitRef}`)).statusCode).toBe(404);

    // Nor gate a box into another terminal's yard.
    const announced = await world.visit({ arrival: 'truck' });
    const intoT1 = await post(otherGateClerk, `/v1/visits/${announced.visitRef}/gate-in`, {
      slot: world.freeSlot(),
    });
    expect(intoT1.statusCode).toBe(404);

    const still = await get(caller('gate_clerk'), `/v1/visits/${visitRef}`);
    expect(still.json().status).toBe('in_yard');
  });

  it('keeps a line to its own containers when it announces, places holds or asks for voids', async () => {
    const line = caller('release_desk', 'shipping_line');
    const theirs = await world.visit({ line: 'MAEU', inYard: true });
    const hold = await post(line, `/v1/visits/${theirs.visitRef}/holds`, {
      kind: 'line',
      reason: 'unpaid freight',
      reference: 'INV-1',
    });
    expect(hold.statusCode).toBe(404);

    // On its own box, a line asks to void only its own data, never the terminal's record of the yard.
    const own = await world.visit({ line: 'MSCU', inYard: true });
    const discharge = await post(line, `/v1/visits/${own.visitRef}/void-requests`, {
      voidedVersion: 2,
      reason: 'not there',
    });
    expect(discharge.statusCode).toBe(403);
  });

  it('refuses the audit entries to a line and serves them to customs', async () => {
    const line = await get(caller('release_desk', 'shipping_line'), '/v1/audit/entries?start=0&limit=3');
    expect(line.statusCode).toBe(403);
    const customs = await get(caller('customs_officer'), '/v1/audit/entries?start=0&limit=3');
    expect(customs.statusCode).toBe(200);
    expect(customs.json().entries).toHaveLength(3);
    const anonymous = await app.inject('/v1/audit/entries?start=0&limit=3');
    expect(anonymous.statusCode).toBe(401);
    // Checkpoints stay public: witnesses need them, and they carry only hashes.
    expect((await app.inject('/v1/audit/checkpoint')).statusCode).toBe(200);
  });
});
