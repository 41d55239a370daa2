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
import { addDriver, bindDriverPhone, principal, releaseToHaulier } from '../../test/support/pickup.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { PositionViewRecorder } from '../app/alerts/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import { detectionEngine, runDetectionOnce } from '../app/detection/index.js';
import { runReleaseCommand } from '../app/releases/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { computeCheckDigit, DETECTION_RULE_SET, type OrgKind, type Role } from '../domain/index.js';
import { buildServer } from './server.js';

const NQT = { orgId: 'org-nqt', kind: 'terminal_operator', code: 'NQT', terminals: ['T1'] } as const;
const LINE = { orgId: 'org-line', kind: 'shipping_line', code: 'MSCU' } as const;
const FWD = { orgId: 'org-fwd', kind: 'forwarder', code: 'FWDA' } as const;
const HAUL = { orgId: 'org-haul', kind: 'haulier', code: 'HAUL' } as const;
const HAUL2 = { orgId: 'org-haul2', kind: 'haulier', code: 'HAUB' } as const;
const CUSTOMS = { orgId: 'org-customs', kind: 'customs', code: 'BECUS' } as const;

const BADGE = 'ANR-AR-0001';
const PLATE = '1-ARD-001';

const pgReachable = await postgresReachable();
const kinds: StoreKind[] = pgReachable ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Issue 5: the container page shows the appointment. `GET /v1/visits/:visitRef/appointment` answers whoever may
 * see the visit (terminal staff of its terminal, customs, its line, the parties of its release chain) with the
 * slot, the gate window, the truck, whether a driver is nominated and the credential's state; only the haulier
 * that employs the driver learns his name. Anyone else is told the visit does not exist.
 */
describe.each(kinds)('reading the appointment of a visit (%s)', (kind) => {
  let nowMs = Date.parse('2030-03-04T07:00:00Z');
  const clock = { now: () => new Date(nowMs) };
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let serial = 0;
  let chained: string;
  let unbooked: string;
  /** Visits whose appointment a person may be shown (booked at some point). */
  const bookedVisits: string[] = [];

  // The clock moves between calls: a fresh session each time, as a real shift would sign in.
  const get = async (userId: string, url: string) => {
    const session = await mintSession(auth, userId);
    return app.inject({ method: 'GET', url, cookies: session.cookies, headers: session.headers });
  };
  const post = async (userId: string, url: string, payload: object) => {
    const session = await mintSession(auth, userId);
    return app.inject({ method: 'POST', url, payload, cookies: session.cookies, headers: session.headers });
  };
  const appointmentOf = (userId: string, visitRef: string) =>
    get(userId, `/v1/visits/${encodeURIComponent(visitRef)}/appointment`);

  const user = (userId: string, org: { orgId: string }, roles: Role[]) =>
    addUser(auth, {
      userId,
      orgId: org.orgId,
      username: userId,
      displayName: userId,
      roles,
      issuedBy: 'test',
    });
  const desk = (userId: string, org: { orgId: string; kind: string; code: string }, role: Role) =>
    principal({ userId, orgId: org.orgId, orgKind: org.kind as OrgKind, orgCode: org.code, roles: [role] });

  /** A box gated in at T1, announced under the line's code. */
  const visitInYard = async () => {
    const n = ++serial;
    const first10 = `ARTU${String(500_000 + n).padStart(6, '0')}`;
    const { visit } = await announceVisit(auth.ledger, testTerminals, {
      containerNumber: `${first10}${computeCheckDigit(first10)}`,
      line: LINE.code,
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    await runVisitCommand(auth.ledger, testTerminals, visit.visitRef, {
      type: 'GateInContainer',
      slot: { terminal: 'T1', block: 'C', bay: 2 * n + 1, row: 1, tier: 1 },
    });
    return visit.visitRef;
  };

  beforeAll(async () => {
    fixture = await openTestLedger(kind, { clock });
    auth = testAuthDeps(fixture.ledger);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
    });
    for (const org of [NQT, LINE, FWD, HAUL, HAUL2, CUSTOMS]) {
      await addOrganisation(auth, { ...org, kind: org.kind as OrgKind, name: org.code });
    }
    await user('clerk', NQT, ['gate_clerk']);
    await user('line-desk', LINE, ['release_desk']);
    await user('fwd-desk', FWD, ['release_desk']);
    await user('planner', HAUL, ['haulier_planner']);
    await user('planner2', HAUL2, ['haulier_planner']);
    await user('dirk', HAUL, ['driver']);
    await user('officer', CUSTOMS, ['customs_officer']);

    // The chain line → forwarder → haulier, each accepting.
    chained = await visitInYard();
    const line = desk('line-desk', LINE, 'release_desk');
    const forwarder = desk('fwd-desk', FWD, 'release_desk');
    const haulier = desk('planner', HAUL, 'haulier_planner');
    await runReleaseCommand(auth.ledger, line, chained, {
      type: 'IssueRelease',
      releaseId: `R-AR-${kind}`,
      visitRef: chained,
      line: LINE.code,
      validFrom: new Date(nowMs - 3_600_000).toISOString(),
      validUntil: new Date(nowMs + 30 * 86_400_000).toISOString(),
      firstParty: FWD.orgId,
    });
    await runReleaseCommand(auth.ledger, forwarder, chained, { type: 'AcceptTransfer' });
    await runReleaseCommand(auth.ledger, forwarder, chained, { type: 'OfferTransfer', to: HAUL.orgId });
    await runReleaseCommand(auth.ledger, haulier, chained, { type: 'AcceptTransfer' });

    unbooked = await visitInYard();
    await releaseToHaulier(auth.ledger, unbooked, { line, haulier });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('answers { appointment: null } before any booking, to the haulier and the terminal alike', async () => {
    for (const reader of ['planner', 'clerk', 'line-desk']) {
      const response = await appointmentOf(reader, chained);
      expect(response.statusCode, `${reader}: ${response.body}`).toBe(200);
      expect(response.json()).toEqual({ appointment: null });
    }
  });

  it('shows the haulier its booking with the driver’s name, and the credential by id, never its token', async () => {
    const registered = await post('planner', '/v1/drivers', {
      name: 'Jan Peeters',
      badge: BADGE,
      licence: 'B-1234567',
      phone: '+32 470 12 34 56',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const booked = await post('planner', `/v1/visits/${chained}/appointment`, {
      slotId: 'T1@20300304T0900Z',
      badge: BADGE,
      truckPlate: PLATE,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const { credentialId, token } = booked.json().credential;
    bookedVisits.push(chained);

    nowMs = Date.parse('2030-03-04T07:20:00Z');
    const response = await appointmentOf('planner', chained);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      appointment: {
        visitRef: chained,
        status: 'booked',
        terminal: 'T1',
        timeZone: 'Europe/Brussels',
        slotId: 'T1@20300304T0900Z',
        slotStart: '2030-03-04T09:00:00.000Z',
        slotEnd: '2030-03-04T09:30:00.000Z',
        graceBeforeMinutes: 30,
        graceAfterMinutes: 30,
        windowStart: '2030-03-04T08:30:00.000Z',
        windowEnd: '2030-03-04T10:00:00.000Z',
        truckPlate: booked.json().appointment.truckPlate,
        driver: { nominated: true, name: 'Jan Peeters' },
        credential: {
          state: 'active',
          issuedAt: '2030-03-04T07:00:00.000Z',
          closedAt: null,
        },
        bookedAt: '2030-03-04T07:00:00.000Z',
        updatedAt: '2030-03-04T07:00:00.000Z',
      },
    });
    expect(response.body).not.toContain(token);
    expect(response.body).not.toContain('plc1.');
    // Gate issue 2: nor the credential's id, with which junk passes could be aimed at the box.
    expect(response.body).not.toContain(credentialId);
    // The badge, even hashed, is not part of the answer.
    expect(response.body).not.toContain(BADGE);
    expect(response.body).not.toContain(booked.json().appointment.driverBadgeRef);
  });

  it('shows the terminal, customs, the line and the forwarder the same booking, without the driver’s name', async () => {
    const own = (await appointmentOf('planner', chained)).json().appointment;
    for (const reader of ['clerk', 'officer', 'line-desk', 'fwd-desk']) {
      const response = await appointmentOf(reader, chained);
      expect(response.statusCode, `${reader}: ${response.body}`).toBe(200);
      expect(response.json(), reader).toEqual({
        appointment: { ...own, driver: { nominated: true, name: null } },
      });
      expect(response.body, reader).not.toContain('Jan Peeters');
    }
  });

  it('tells another haulier the visit does not exist, and refuses a driver by the policy table', async () => {
    const other = await appointmentOf('planner2', chained);
    expect(other.statusCode, other.body).toBe(404);
    expect(other.json()).toMatchObject({ code: 'visit.not_found' });
    const nothing = await appointmentOf('planner2', 'V-DOES-NOT-EXIST');
    expect(nothing.statusCode).toBe(404);
    expect(Object.keys(nothing.json()).sort()).toEqual(Object.keys(other.json()).sort());
    expect(nothing.json().code).toBe(other.json().code);

    const driver = await appointmentOf('dirk', chained);
    expect(driver.statusCode, driver.body).toBe(403);
    expect(driver.json()).toMatchObject({ code: 'auth.forbidden' });
  });

  it('answers { appointment: null } for a released box nobody booked yet', async () => {
    for (const reader of ['planner', 'clerk', 'officer']) {
      const response = await appointmentOf(reader, unbooked);
      expect(response.statusCode, `${reader}: ${response.body}`).toBe(200);
      expect(response.json()).toEqual({ appointment: null });
    }
  });

  it('shows a cancelled booking as cancelled, with no driver nominated and its credential void', async () => {
    const booked = await post('planner', `/v1/visits/${unbooked}/appointment`, {
      slotId: 'T1@20300306T1000Z',
      badge: BADGE,
      truckPlate: PLATE,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    nowMs = Date.parse('2030-03-04T07:40:00Z');
    const cancelled = await post('planner', `/v1/visits/${unbooked}/appointment/cancel`, {
      reason: 'ship delayed',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    for (const reader of ['planner', 'clerk']) {
      const { appointment } = (await appointmentOf(reader, unbooked)).json();
      expect(appointment, reader).toMatchObject({
        status: 'cancelled',
        slotId: 'T1@20300306T1000Z',
        driver: { nominated: false, name: null },
        credential: {
          state: 'void',
          closedAt: '2030-03-04T07:40:00.000Z',
        },
        bookedAt: '2030-03-04T07:20:00.000Z',
        updatedAt: '2030-03-04T07:40:00.000Z',
      });
    }
  });

  it('shows the credential used once the driver has collected the box', async () => {
    const collected = await visitInYard();
    bookedVisits.push(collected);
    await releaseToHaulier(auth.ledger, collected, {
      line: desk('line-desk', LINE, 'release_desk'),
      haulier: desk('planner', HAUL, 'haulier_planner'),
    });
    await addDriver({ ledger: auth.ledger, sealer: auth.security.sealer }, HAUL.orgId, 'ANR-AR-0002');
    const booked = await post('planner', `/v1/visits/${collected}/appointment`, {
      slotId: 'T1@20300304T0900Z',
      badge: 'ANR-AR-0002',
      truckPlate: '1-ARD-002',
    });
    expect(booked.statusCode, booked.body).toBe(201);

    // The driver's confirmed phone signs the rotating pass the gate asks for (issue 10, row C).
    const phone = await bindDriverPhone(auth, {
      orgId: HAUL.orgId,
      badge: 'ANR-AR-0002',
      plannerUserId: 'planner',
    });
    nowMs = Date.parse('2030-03-04T08:50:00Z');
    const gate = await post('clerk', '/v1/gate/transactions', {
      credential: phone.passFor(booked.json().credential.credentialId, new Date(nowMs)),
      badge: 'ANR-AR-0002',
      truckPlate: '1-ARD-002',
    });
    expect(gate.json().accepted, gate.body).toBe(true);
    // Gone from the yard, the box still belongs to T1 for its staff, and to its haulier.
    for (const reader of ['clerk', 'planner']) {
      const { appointment } = (await appointmentOf(reader, collected)).json();
      expect(appointment, reader).toMatchObject({
        status: 'booked',
        credential: {
          state: 'used',
          closedAt: '2030-03-04T08:50:00.000Z',
        },
      });
    }
    expect((await appointmentOf('planner', collected)).json().appointment.driver.name).toBe(
      'Driver ANR-AR-0002',
    );
  });
  it('counts the appointments a person is shown for the bulk look-up rule, as positions are (issue 13, 15)', async () => {
    expect(bookedVisits.length).toBeGreaterThanOrEqual(2);
    const views = new PositionViewRecorder({
      ledger: auth.ledger,
      intervalMs: 3_600_000,
      onError: (error) => {
        throw error;
      },
    });
    const watched = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
      positionViews: views,
    });
    try {
      const lookupAlerts = async () =>
        (await fixture.store.listAlertRecords({ limit: 50 })).filter(
          (alert) => alert.rule === 'lookup.bulk' && alert.subjectId === 'officer',
        );
      const before = (await lookupAlerts()).length;
      for (const visitRef of bookedVisits) {
        const session = await mintSession(auth, 'officer');
        const response = await watched.inject({
          method: 'GET',
          url: `/v1/visits/${encodeURIComponent(visitRef)}/appointment`,
          cookies: session.cookies,
          headers: session.headers,
        });
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json().appointment).not.toBeNull();
      }
      // The reads are recorded as views of the boxes, through their pickup; the engine counts them as positions.
      await views.flush();
      const viewers = await fixture.store.positionViews.viewersOf({
        kind: 'visit',
        subject: bookedVisits[0]!,
        since: '2000-01-01T00:00:00.000Z',
        limit: 10,
      });
      expect(
        viewers.some((row) => row.userId === 'officer' && row.routes.includes('visit.appointment')),
      ).toBe(true);
      const engine = detectionEngine({
        rules: DETECTION_RULE_SET,
        settings: { 'lookup.bulk': { severity: 'high', limit: bookedVisits.length - 1, windowMinutes: 10 } },
        dwellNormHours: 240,
      });
      while ((await runDetectionOnce({ ledger: auth.ledger, engine })).applied > 0) {}
      expect((await lookupAlerts()).length).toBe(before + 1);
    } finally {
      await watched.close();
    }
  });
});
