import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPeople, testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testSlots,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import {
  addDriver,
  addGateWorldOrganisations,
  bindDriverPhone,
  gateWorldHaulier,
  gateWorldLine,
  releaseToHaulier,
  type TestPhone,
} from '../../test/support/pickup.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation } from '../app/access/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import { announceVisit, runVisitCommand, visitStreamId } from '../app/visits/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

/**
 * Issue 5: a refused gate attempt raises an alert; a supervisor freezes the box from it at once; the right driver
 * is then refused too (`visit.not_frozen`) until a second supervisor of the terminal approves an unfreeze; the
 * yard map colours the box by alert, frozen and released along the way.
 */
describe.each(['sqlite', 'postgres'] as const)('freeze and two-person unfreeze (HTTP, %s)', (dialect) => {
  let nowMs = Date.parse('2030-03-04T07:00:00Z');
  const clock = { now: () => new Date(nowMs) };
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let visitRef: string;
  let credentialId: string;
  let phone: TestPhone;
  let alertId: string;
  let requestId: string;
  const line = gateWorldLine;
  const haulier = gateWorldHaulier;
  const BADGE = 'ANR-000123';
  const PLATE = '1-ABC-123';

  beforeAll(async () => {
    fixture = await openTestLedger(dialect, { clock });
    auth = testAuthDeps(fixture.ledger);
    await addGateWorldOrganisations(auth);
    await addOrganisation(auth, { orgId: 'org-cus', kind: 'customs', name: 'Customs', code: 'BECUS' });
    await addOrganisation(auth, { orgId: 'org-pol', kind: 'port_police', name: 'Police', code: 'POL' });
    await addPeople(auth, [
      ['sup-a', 'org-nqt', 'terminal_supervisor'],
      ['sup-b', 'org-nqt', 'terminal_supervisor'],
      ['clerk', 'org-nqt', 'gate_clerk'],
      ['hp-1', 'org-hau', 'haulier_planner'],
      ['cus-1', 'org-cus', 'customs_officer'],
      ['pol-1', 'org-pol', 'investigator'],
    ]);
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
    });
    visitRef = await boxInYard('CSQU3054383', 1);
    await releaseToHaulier(fixture.ledger, visitRef, { line, haulier });
    await addDriver({ ledger: fixture.ledger, sealer: auth.security.sealer }, 'org-hau', BADGE);
    // The driver's phone, confirmed by his planner: it signs the rotating pass the gate asks for (issue 10, row C).
    phone = await bindDriverPhone(auth, { orgId: 'org-hau', badge: BADGE, plannerUserId: 'hp-1' });
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  async function boxInYard(containerNumber: string, bay: number) {
    const ref = (
      await announceVisit(fixture.ledger, testTerminals, {
        containerNumber,
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      })
    ).visit.visitRef;
    await runVisitCommand(fixture.ledger, testTerminals, ref, {
      type: 'GateInContainer',
      slot: { terminal: 'T1', block: 'A', bay, row: 1, tier: 1 },
    });
    return ref;
  }

  // The clock jumps between calls: a fresh session each time, as a real shift would sign in.
  const as = async (userId: string) => mintSession(auth, userId);
  const post = async (userId: string, url: string, payload: object) => {
    const who: Session = await as(userId);
    return app.inject({ method: 'POST', url, payload, cookies: who.cookies, headers: who.headers });
  };
  const get = async (userId: string, url: string) => {
    const who = await as(userId);
    return app.inject({ method: 'GET', url, cookies: who.cookies });
  };
  /** At the gate with the rotating pass the driver's phone signs now for the booked credential. */
  const gate = (payload: { badge: string; truckPlate: string }) =>
    post('clerk', '/v1/gate/transactions', {
      credential: phone.passFor(credentialId, clock.now()),
      ...payload,
    });
  const failedChecks = (body: { checks: { check: string; passed: boolean }[] }) =>
    body.checks.filter((c) => !c.passed).map((c) => c.check);
  const mapStateOf = async (containerNumber: string) => {
    const map = (await get('sup-a', '/v1/terminals/T1/yard')).json();
    const i = map.boxes.containerNumber.indexOf(containerNumber);
    return map.states[map.boxes.state[i]];
  };

  it('shows a box released to a haulier as released on the yard map', async () => {
    const booked = await post('hp-1', `/v1/visits/${visitRef}/appointment`, {
      slotId: 'T1@20300304T0900Z',
      badge: BADGE,
      truckPlate: PLATE,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    credentialId = booked.json().credential.credentialId;
    expect(await mapStateOf('CSQU3054383')).toBe('released');
  });

  it('a refused attempt raises an alert that colours the box on the map', async () => {
    nowMs = Date.parse('2030-03-04T08:45:00Z');
    const refused = await gate({ badge: 'ANR-666666', truckPlate: '2-GNG-666' });
    expect(refused.json().accepted).toBe(false);
    const alerts = (await get('sup-a', '/v1/alerts?status=open')).json().alerts;
    const alert = alerts.find((a: { subject: { id: string } }) => a.subject.id === visitRef);
    expect(alert).toMatchObject({ rule: 'gate.refused', frozen: null });
    alertId = alert.alertId;
    expect(await mapStateOf('CSQU3054383')).toBe('alert');
  });

  it('refuses bad freezes with clear problems and changes nothing', async () => {
    const before = (await fixture.store.readStream(visitStreamId(visitRef))).length;
    const empty = await post('sup-a', `/v1/visits/${visitRef}/freeze`, { reason: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.headers['content-type']).toContain('application/problem+json');
    expect(empty.json().code).toBe('request.invalid');
    const other = await boxInYard('MSCU1234566', 3);
    const wrongAlert = await post('sup-a', `/v1/visits/${other}/freeze`, { reason: 'suspect', alertId });
    expect(wrongAlert.statusCode).toBe(400);
    expect(wrongAlert.json().code).toBe('input.invalid');
    const noAlert = await post('sup-a', `/v1/visits/${visitRef}/freeze`, {
      reason: 'suspect',
      alertId: '999999',
    });
    expect(noAlert.statusCode).toBe(404);
    expect(noAlert.json().code).toBe('alert.not_found');
    const unknown = await post('sup-a', '/v1/visits/V-NOSUCHVISIT/freeze', { reason: 'suspect' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('visit.not_found');
    const haulierTry = await post('hp-1', `/v1/visits/${visitRef}/freeze`, { reason: 'mine' });
    expect(haulierTry.statusCode).toBe(403);
    expect((await fixture.store.readStream(visitStreamId(visitRef))).length).toBe(before);
  });

  it('a supervisor freezes the box from the alert, at once; a second freeze is a clear error', async () => {
    const frozen = await post('sup-a', `/v1/visits/${visitRef}/freeze`, {
      reason: 'driver was not the nominated one',
      alertId,
    });
    expect(frozen.statusCode, frozen.body).toBe(200);
    expect(frozen.json().frozen).toMatchObject({
      reason: 'driver was not the nominated one',
      by: 'sup-a',
      alertId,
    });
    const stream = await fixture.store.readStream(visitStreamId(visitRef));
    expect(stream.at(-1)).toMatchObject({ type: 'VisitFrozen', data: { by: 'sup-a', alertId } });
    const again = await post('sup-a', `/v1/visits/${visitRef}/freeze`, { reason: 'again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('visit.already_frozen');
    const alert = (await get('sup-a', `/v1/alerts/${alertId}`)).json();
    expect(alert.frozen).toMatchObject({ by: 'sup-a', reason: 'driver was not the nominated one' });
    // The haulier, who may be the suspect, is not told.
    expect((await get('hp-1', `/v1/visits/${visitRef}`)).json().frozen).toBeNull();
  });

  it('customs and port police freeze too', async () => {
    const a = await boxInYard('TGHU0000008', 5);
    const b = await boxInYard('TCLU1234568', 7);
    expect((await post('cus-1', `/v1/visits/${a}/freeze`, { reason: 'scan anomaly' })).statusCode).toBe(200);
    expect((await post('pol-1', `/v1/visits/${b}/freeze`, { reason: 'case 2030/17' })).statusCode).toBe(200);
    expect(await mapStateOf('TGHU0000008')).toBe('frozen');
  });

  it('a password + TOTP session of customs or police is told it needs a passkey session to freeze or read alerts', async () => {
    // Outside attacker, issues 3 and 4: keylogged password + TOTP sessions of a customs officer and an investigator.
    const box = await boxInYard('MSKU0000006', 9);
    for (const userId of ['cus-1', 'pol-1']) {
      const session = await mintSession(auth, userId, { method: 'password_totp', stepUp: false });
      const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
        app.inject({
          method,
          url,
          cookies: session.cookies,
          headers: session.headers,
          ...(payload ? { payload } : {}),
        });
      // The box is one the session sees (its status): the freeze is refused for the session, not as unknown.
      expect((await call('GET', `/v1/visits/${box}`)).statusCode).toBe(200);
      const freeze = await call('POST', `/v1/visits/${box}/freeze`, { reason: 'the gang wants to know' });
      expect(freeze.statusCode, freeze.body).toBe(403);
      expect(freeze.json().code).toBe('auth.passkey_session_required');
      // The alert inbox would tell the gang which of its attempts were detected.
      for (const url of ['/v1/alerts', `/v1/alerts/${alertId}`]) {
        const alerts = await call('GET', url);
        expect(alerts.statusCode, url).toBe(403);
        expect(alerts.json().code).toBe('auth.passkey_session_required');
        expect(alerts.body).not.toContain('gate.refused');
      }
      // The console offers neither: its menu follows the session's permissions.
      const view = (await call('GET', '/v1/auth/session')).json();
      expect(view.permissions).not.toContain('alert.read');
      expect(view.permissions).not.toContain('visit.freeze');
      expect(view.permissions).toContain('visit.read');
    }
    const stream = await fixture.store.readStream(visitStreamId(box));
    expect(stream.map((e) => e.type)).not.toContain('VisitFrozen');
    // The same people in a passkey session read the inbox (and froze boxes above).
    expect((await get('cus-1', '/v1/alerts')).statusCode).toBe(200);
    expect((await get('pol-1', '/v1/alerts')).statusCode).toBe(200);
  });

  it('the nominated driver is refused while the box is frozen (visit.not_frozen)', async () => {
    nowMs = Date.parse('2030-03-04T08:50:00Z');
    const refused = await gate({ badge: BADGE, truckPlate: PLATE });
    expect(refused.json().accepted).toBe(false);
    expect(failedChecks(refused.json())).toEqual(['visit.not_frozen']);
    expect((await fixture.store.getVisit(visitRef))?.status).toBe('in_yard');
  });

  it('once its alerts are resolved, the map shows the box frozen', async () => {
    const alerts = (await get('sup-a', '/v1/alerts?status=unresolved')).json().alerts;
    for (const alert of alerts.filter((a: { subject: { id: string } }) => a.subject.id === visitRef)) {
      const resolved = await post('sup-a', `/v1/alerts/${alert.alertId}/resolve`, { note: 'box frozen' });
      expect(resolved.statusCode, resolved.body).toBe(200);
    }
    expect(await mapStateOf('CSQU3054383')).toBe('frozen');
  });

  it('an unfreeze is a request: it changes nothing until another supervisor approves', async () => {
    const asked = await post('sup-a', `/v1/visits/${visitRef}/unfreeze-requests`, {
      reason: 'police cleared the box',
    });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json()).toMatchObject({
      kind: 'visit.unfreeze',
      subject: visitRef,
      status: 'pending',
      terminal: 'T1',
      change: {
        reason: 'police cleared the box',
        before: { frozen: true, frozenBy: 'sup-a', frozenReason: 'driver was not the nominated one' },
        after: { frozen: false },
      },
    });
    requestId = asked.json().requestId;
    expect((await fixture.store.getVisit(visitRef))?.view.frozen).not.toBeNull();

    const self = await post('sup-a', `/v1/approvals/${requestId}/approve`, {});
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('approval.self_approval');
    const clerk = await post('clerk', `/v1/approvals/${requestId}/approve`, {});
    expect(clerk.statusCode).toBe(403);
    expect((await fixture.store.getVisit(visitRef))?.view.frozen).not.toBeNull();
  });

  it('refuses unfreeze requests for a box that is not frozen, or without a reason', async () => {
    const other = (await fixture.store.findActiveVisit('MSCU1234566'))!.visitRef;
    const notFrozen = await post('sup-a', `/v1/visits/${other}/unfreeze-requests`, { reason: 'x' });
    expect(notFrozen.statusCode).toBe(409);
    expect(notFrozen.json().code).toBe('visit.not_frozen');
    const noReason = await post('sup-a', `/v1/visits/${visitRef}/unfreeze-requests`, {});
    expect(noReason.statusCode).toBe(400);
    const customs = await post('cus-1', `/v1/visits/${visitRef}/unfreeze-requests`, { reason: 'x' });
    expect(customs.statusCode).toBe(403);
  });

  it('a second supervisor approves; the unfreeze names both; the driver then collects the box', async () => {
    const approved = await post('sup-b', `/v1/approvals/${requestId}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().status).toBe('granted');
    const stream = await fixture.store.readStream(visitStreamId(visitRef));
    expect(stream.at(-1)).toMatchObject({
      type: 'VisitUnfrozen',
      data: { requestedBy: 'sup-a', approvedBy: 'sup-b', approvalId: requestId, frozenBy: 'sup-a' },
    });
    expect((await get('sup-a', `/v1/visits/${visitRef}`)).json().frozen).toBeNull();
    expect(await mapStateOf('CSQU3054383')).toBe('released');

    nowMs = Date.parse('2030-03-04T08:55:00Z');
    const out = await gate({ badge: BADGE, truckPlate: PLATE });
    expect(out.json().accepted, out.body).toBe(true);
    expect((await fixture.store.getVisit(visitRef))?.status).toBe('gated_out');
  });
});
