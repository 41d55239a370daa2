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
import { pickupReadyNow, principal } from '../../test/support/pickup.js';
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

const kinds: StoreKind[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Issue 14: one search box finds a box by each of its five keys, and never one outside the caller's need-to-know.
 * A party outside the box's release chain, another line and another terminal's staff get, for every key, the very
 * answer a search for no box gets.
 */
describe.each(kinds)('GET /v1/search (%s)', (kind) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let world: World;
  const sessions = new Map<string, Session>();
  let otherLine: WorldUser;
  let otherTerminalClerk: WorldUser;
  let outsideHaulier: WorldUser;
  let released: string;
  let byTruck: string;

  const caller = (role: Role, orgKind?: OrgKind): Caller =>
    world.callers.find((c) => c.role === role && (orgKind === undefined || c.orgKind === orgKind))!;
  const as = async (who: WorldUser) => {
    const key = who.user.userId;
    if (!sessions.has(key)) sessions.set(key, await world.session(who));
    return sessions.get(key)!;
  };
  const get = async (who: WorldUser, url: string) => injectAs(app, await as(who), { method: 'GET', url });
  const post = async (who: WorldUser, url: string, payload: object) =>
    injectAs(app, await as(who), { method: 'POST', url, payload });
  const search = async (who: WorldUser, q: string, more = '') => {
    const response = await get(who, `/v1/search?q=${encodeURIComponent(q)}${more}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      matches: { matched: string[]; visit: Record<string, unknown> }[];
      nextCursor: string | null;
    };
  };
  const found = async (who: WorldUser, q: string) =>
    (await search(who, q)).matches.map((match) => `${match.visit.visitRef}:${match.matched.join('+')}`);

  // The five keys of the released box, each as a person would type it.
  const keys = {
    containerNumber: 'mscu 123456-6',
    transportDocumentReference: 'mscub 0001',
    carrierBookingReference: 'BKG-0001',
    vesselCall: 'MSC Anna 042',
    truckPlate: '1-abc-123',
  } as const;

  beforeAll(async () => {
    fixture = await openTestLedger(kind);
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
    await addOrganisation(auth, { orgId: 'org-haul2', kind: 'haulier', name: 'Other Haulage', code: 'HAUB' });
    otherLine = await world.enrolUser({ orgId: 'org-maeu', roles: ['release_desk'] });
    otherTerminalClerk = await world.enrolUser({ orgId: 'org-sqt', roles: ['gate_clerk'] });
    outsideHaulier = await world.enrolUser({ orgId: 'org-haul2', roles: ['haulier_planner'] });

    const line = caller('release_desk', 'shipping_line');
    const announced = await post(line, '/v1/visits', {
      containerNumber: 'MSCU1234566',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'MSC-ANNA-042' },
      transportDocumentReference: 'MSCUB0001',
      carrierBookingReference: 'BKG-0001',
    });
    expect(announced.statusCode, announced.body).toBe(201);
    expect(announced.json()).toMatchObject({
      transportDocumentReference: 'MSCUB0001',
      carrierBookingReference: 'BKG-0001',
    });
    released = announced.json().visitRef;
    const discharged = await post(caller('equipment_operator'), `/v1/visits/${released}/discharge`, {
      vesselCall: 'MSC-ANNA-042',
      slot: { terminal: 'T1', block: 'Z', bay: 1, row: 1, tier: 1 },
    });
    expect(discharged.statusCode, discharged.body).toBe(200);
    const partyOf = (who: WorldUser, orgKind: OrgKind, role: Role) =>
      principal({
        userId: who.user.userId,
        orgId: who.org.orgId,
        orgKind,
        orgCode: who.org.code,
        roles: [role],
      });
    await pickupReadyNow(
      { ledger: fixture.ledger, sealer: auth.security.sealer, auth },
      {
        visitRef: released,
        line: partyOf(line, 'shipping_line', 'release_desk'),
        haulier: partyOf(caller('haulier_planner'), 'haulier', 'haulier_planner'),
        badge: 'ANR-SRCH-01',
        truckPlate: '1-ABC-123',
      },
    );

    const export_ = await post(line, '/v1/visits', {
      containerNumber: 'TGHU0000008',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    byTruck = export_.json().visitRef;
    const gatedIn = await post(caller('gate_clerk'), `/v1/visits/${byTruck}/gate-in`, {
      slot: { terminal: 'T1', block: 'Z', bay: 3, row: 1, tier: 1 },
      truckPlate: '2-XYZ-987',
    });
    expect(gatedIn.statusCode, gatedIn.body).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('finds the box by each of its five keys, naming the key, for its line, its terminal and its haulier', async () => {
    for (const [key, q] of Object.entries(keys)) {
      for (const who of [
        caller('release_desk', 'shipping_line'),
        caller('gate_clerk'),
        caller('haulier_planner', 'haulier'),
        caller('customs_officer'),
      ]) {
        expect(await found(who, q), `${key} as ${who.role}`).toEqual([`${released}:${key}`]);
      }
    }
  });

  it('shows each match as a read of the box shows it: the yard position only to the terminal', async () => {
    const [asLine] = (await search(caller('release_desk', 'shipping_line'), keys.vesselCall)).matches;
    expect(asLine?.visit).not.toHaveProperty('slot');
    expect(asLine?.visit).toMatchObject({
      containerNumber: 'MSCU1234566',
      transportDocumentReference: 'MSCUB0001',
    });
    const [asTerminal] = (await search(caller('gate_clerk'), keys.vesselCall)).matches;
    expect(asTerminal?.visit).toMatchObject({ slot: { terminal: 'T1', block: 'Z' } });
  });

  it('finds a box by the truck that brought it in', async () => {
    expect(await found(caller('gate_clerk'), '2xyz987')).toEqual([`${byTruck}:truckPlate`]);
    expect(await found(caller('release_desk', 'shipping_line'), '2 XYZ 987')).toEqual([
      `${byTruck}:truckPlate`,
    ]);
  });

  it('never finds a box outside the need-to-know: for every key, the answer a search for no box gets', async () => {
    const nothing = await search(caller('gate_clerk'), 'NO-SUCH-BOX');
    expect(nothing).toEqual({ matches: [], nextCursor: null });
    for (const [key, q] of Object.entries(keys)) {
      for (const who of [
        otherLine,
        otherTerminalClerk,
        outsideHaulier,
        caller('release_desk', 'forwarder'),
      ]) {
        expect(await search(who, q), `${key} as ${who.user.userId}`).toEqual(nothing);
      }
    }
    // The gate-in truck of a box at T1 is not the other terminal's either.
    expect(await search(otherTerminalClerk, '2-XYZ-987')).toEqual(nothing);
  });

  it('pages the boxes of one vessel call by an opaque cursor', async () => {
    const line = caller('release_desk', 'shipping_line');
    for (const containerNumber of ['CSQU3054383', 'TGHU0000013']) {
      const response = await post(line, '/v1/visits', {
        containerNumber,
        sizeType: '22G1',
        fullEmpty: 'empty',
        arrival: { mode: 'vessel', vesselCall: 'ONE-CALL-7' },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    const first = await search(line, 'one call 7', '&limit=1');
    expect(first.matches).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await search(line, 'one call 7', `&limit=1&cursor=${first.nextCursor}`);
    expect(second.matches).toHaveLength(1);
    expect(second.matches[0]?.visit.visitRef).not.toBe(first.matches[0]?.visit.visitRef);
    const last = await search(line, 'one call 7', `&limit=1&cursor=${second.nextCursor}`);
    expect(last).toEqual({ matches: [], nextCursor: null });
  });

  it('exports what the search and the visit list show as CSV, streamed, within the same need-to-know', async () => {
    const line = caller('release_desk', 'shipping_line');
    const csv = async (who: WorldUser, url: string, accept?: string) => {
      const response = await injectAs(app, await as(who), {
        method: 'GET',
        url,
        ...(accept ? { headers: { accept } } : {}),
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="\w+\.csv"$/);
      return response.body.split('\r\n').filter(Boolean);
    };
    const found = await csv(line, `/v1/search?q=${encodeURIComponent(keys.vesselCall)}&format=csv`);
    expect(found[0]).toBe(
      'Found by,Container,Visit,Status,Line,Size and type,Full or empty,Arrives by,Vessel call,Bill of lading,Booking,Yard position,On hold,Announced at,Arrived at,Departed at',
    );
    // A visit reference may end in `$` (its Crockford check symbol): compared as text, not as a pattern.
    expect(found).toHaveLength(2);
    expect(found[1]?.split(',').slice(0, 13)).toEqual([
      'vesselCall',
      'MSCU1234566',
      released,
      'in_yard',
      'MSCU',
      '22G1',
      'full',
      'vessel',
      'MSC-ANNA-042',
      'MSCUB0001',
      'BKG-0001',
      '',
      'no',
    ]);
    // The terminal sees the yard position; another line gets the header alone, as for no box.
    const atTerminal = await csv(
      caller('gate_clerk'),
      `/v1/search?q=${encodeURIComponent(keys.vesselCall)}`,
      'text/csv',
    );
    expect(atTerminal[1]).toContain(',T1/Z/');
    expect(await csv(otherLine, `/v1/search?q=${encodeURIComponent(keys.vesselCall)}&format=csv`)).toEqual([
      found[0],
    ]);

    // Every page of the visit list, one page at a time: the line's own boxes only.
    const visits = await csv(line, '/v1/visits?limit=1&format=csv');
    const json = (await get(line, '/v1/visits?limit=200')).json() as { visits: { visitRef: string }[] };
    expect(visits.slice(1).map((row) => row.split(',')[1])).toEqual(
      json.visits.map((visit) => visit.visitRef),
    );
    expect(json.visits.length).toBeGreaterThan(1);
    expect(await csv(otherLine, '/v1/visits?format=csv')).toHaveLength(1);
  });

  it('finds nothing by truck plate, and shows no appointment, to a keylogged password session', async () => {
    // Issue 14's outside attacker found the boxes a truck would collect, and their pickup slots, with a customs
    // password + TOTP session: the truck and the slot are what the gang needed to collect first.
    const customs = caller('customs_officer');
    const password = await mintSession(auth, customs.user.userId, { method: 'password_totp', stepUp: false });
    const asPassword = async (url: string) => injectAs(app, password, { method: 'GET', url });
    const byPlate = await asPassword(`/v1/search?q=${encodeURIComponent(keys.truckPlate)}`);
    expect(byPlate.statusCode, byPlate.body).toBe(200);
    expect(byPlate.json()).toEqual({ matches: [], nextCursor: null });
    const byNumber = await asPassword(`/v1/search?q=${encodeURIComponent(keys.containerNumber)}`);
    expect(byNumber.json().matches.map((m: { matched: string[] }) => m.matched)).toEqual([
      ['containerNumber'],
    ]);
    const appointment = await asPassword(`/v1/visits/${released}/appointment`);
    expect(appointment.statusCode, appointment.body).toBe(403);
    expect(appointment.json()).toMatchObject({ code: 'auth.passkey_session_required' });
    // The same officer with a passkey finds it by its truck, as above.
    expect(await found(customs, keys.truckPlate)).toEqual([`${released}:truckPlate`]);
  });

  it('refuses a query with nothing to search, a forged cursor and a role without the permission, as problem+json', async () => {
    const blank = await get(caller('gate_clerk'), `/v1/search?q=${encodeURIComponent(' - / ')}`);
    expect(blank.statusCode).toBe(400);
    expect(blank.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blank.json()).toMatchObject({ code: 'input.invalid' });
    const missing = await get(caller('gate_clerk'), '/v1/search');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'request.invalid' });
    const tooLong = await get(caller('gate_clerk'), `/v1/search?q=${'A'.repeat(65)}`);
    expect(tooLong.json()).toMatchObject({ status: 400, code: 'request.invalid' });
    const forged = await get(caller('gate_clerk'), '/v1/search?q=ABC&cursor=bm90LWEtY3Vyc29y');
    expect(forged.json()).toMatchObject({ status: 400, code: 'input.invalid' });
    const driver = await get(caller('driver'), '/v1/search?q=MSCU1234566');
    expect(driver.statusCode).toBe(403);
    expect(driver.json()).toMatchObject({ code: 'auth.forbidden' });
  });
});
