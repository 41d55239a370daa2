import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { allDaySlotConfig, pickupReadyNow, principal, releaseToHaulier } from '../../test/support/pickup.js';
import { mintSession } from '../../test/support/sessions.js';
import { addOrganisation, addUser } from '../app/admin.usecases.js';
import { ALERTS_STREAM, foldGateAlertGroups } from '../app/alert-records.js';
import { pickupDepsFor } from '../app/appointments.usecases.js';
import type { AuthDeps } from '../app/auth.usecases.js';
import { InProcessGateThrottle } from '../app/gate-throttle.js';
import { releaseStreamId, runReleaseCommand } from '../app/releases.usecases.js';
import { createApiToken } from '../app/tokens.usecases.js';
import { readVisit } from '../app/visit-access.usecases.js';
import { announceVisit, runVisitCommand } from '../app/visits.usecases.js';
import { computeCheckDigit, newVisitReference } from '../domain/index.js';
import { buildServer } from './server.js';

const kinds: StoreKind[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Issue 10, rows A, F and G: an outside attacker holding what the 2013 gang held — and the gate kiosk's API token —
 * goes at the gate and the command routes. Each attack is made exactly as the attacker made it, and must be
 * blocked or detected.
 */
describe.each(kinds)('the gate and command routes under attack (HTTP, %s)', (kind) => {
  let nowMs = Date.parse('2030-05-06T08:07:00.000Z');
  const clock = { now: () => new Date(nowMs) };
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let kioskToken: string;
  let serial = 0;
  const KIOSK_LIMIT = 10;
  const line = principal({
    userId: 'line-1',
    orgId: 'org-line',
    orgKind: 'shipping_line',
    orgCode: 'MSCU',
    roles: ['release_desk'],
  });
  const haulier = principal({
    userId: 'hp-1',
    orgId: 'org-hau',
    orgKind: 'haulier',
    orgCode: 'HAU',
    roles: ['haulier_planner'],
  });

  beforeAll(async () => {
    fixture = await openTestLedger(kind, { clock });
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, {
      orgId: 'org-nqt',
      kind: 'terminal_operator',
      name: 'NQT',
      code: 'NQT',
      terminals: ['T1'],
    });
    await addOrganisation(auth, { orgId: 'org-line', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'org-hau', kind: 'haulier', name: 'Delta', code: 'HAU' });
    await addOrganisation(auth, { orgId: 'org-customs', kind: 'customs', name: 'Customs', code: 'BECUS' });
    for (const [userId, orgId, role] of [
      ['sup', 'org-nqt', 'terminal_supervisor'],
      ['hp-1', 'org-hau', 'haulier_planner'],
    ] as const) {
      await addUser(auth, {
        userId,
        orgId,
        username: userId,
        displayName: userId,
        roles: [role],
        issuedBy: 'test',
      });
    }
    // The gate kiosk's machine token: exactly what the attacker stole.
    kioskToken = (
      await createApiToken(auth, {
        orgId: 'org-nqt',
        permissions: ['visit.gate_out'],
        label: 'gate kiosk lane 3',
        createdBy: 'sup',
      })
    ).token;
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      // Slots around the clock, and the printed credential still allowed, so that a genuine credential opens.
      pickup: pickupDepsFor({
        signer: fixture.ledger.log.signer,
        slots: [allDaySlotConfig],
        printedPass: true,
      }),
      gateThrottle: new InProcessGateThrottle({
        kioskLimit: KIOSK_LIMIT,
        credentialLimit: 3,
        windowSeconds: 60,
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  const asKiosk = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${kioskToken}` },
      ...(payload ? { payload } : {}),
    });

  async function boxInYard(): Promise<string> {
    const n = ++serial;
    const first10 = `GTAU${String(100_000 + n).padStart(6, '0')}`;
    const { visit } = await announceVisit(fixture.ledger, testTerminals, {
      containerNumber: `${first10}${computeCheckDigit(first10)}`,
      line: 'MSCU',
      sizeType: '22G1',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
    });
    await runVisitCommand(fixture.ledger, testTerminals, visit.visitRef, {
      type: 'GateInContainer',
      slot: { terminal: 'T1', block: 'C', bay: 2 * n - 1, row: 1, tier: 1 },
    });
    return visit.visitRef;
  }

  /** Each attack starts with the gate's rate windows empty, as if the attacker came back an hour later. */
  const laterOn = () => {
    nowMs += 3_600_000;
  };

  it('row A: the kiosk token on the bare gate-out route, for a box with no release, booking or credential → 404, nothing changes', async () => {
    laterOn();
    const visitRef = await boxInYard();
    const size = await fixture.store.logSize();
    const before = await fixture.store.getVisit(visitRef);

    const response = await asKiosk('POST', `/v1/visits/${visitRef}/gate-out`, { truckPlate: '1-GNG-666' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    // Only the token's use is recorded (an auth event, at most one a minute): no cargo event, no verdict.
    const appended = await fixture.store.readEvents(size, 100);
    expect(appended.map((e) => e.type).filter((type) => type !== 'TokenUsed')).toEqual([]);
    expect(await fixture.store.getVisit(visitRef)).toEqual(before);
    expect(before?.status).toBe('in_yard');

    // Nor does the gate let it out to the same truck with a made-up credential: refused and recorded, still in yard.
    const atGate = await asKiosk('POST', '/v1/gate/transactions', {
      credential: 'plc1.made-up',
      badge: 'ANR-666666',
      truckPlate: '1-GNG-666',
    });
    expect(atGate.statusCode, atGate.body).toBe(200);
    expect(atGate.json().accepted).toBe(false);
    expect((await fixture.store.getVisit(visitRef))?.status).toBe('in_yard');
  });

  it('row F: the kiosk token on a police-held box learns no hold kind, and an existing box answers like a missing one', async () => {
    laterOn();
    const visitRef = await boxInYard();
    const BADGE = 'ANR-F00001';
    const PLATE = '1-DRV-001';
    const { credential, credentialId } = await pickupReadyNow(
      { ledger: fixture.ledger, sealer: auth.security.sealer },
      { visitRef, line, haulier, badge: BADGE, truckPlate: PLATE },
    );
    await runVisitCommand(fixture.ledger, testTerminals, visitRef, {
      type: 'PlaceHold',
      holdId: 'POL-4711',
      kind: 'police',
      reason: 'case 2030/17: cocaine expected in this box',
      reference: 'PV-2030-17',
    });
    // Customs' own password + TOTP view of the box shows no hold: the kiosk must not learn more than that.
    const customsView = await readVisit(
      fixture.store,
      {
        userId: 'cus-1',
        orgId: 'org-customs',
        orgKind: 'customs',
        orgCode: 'BECUS',
        roles: ['customs_officer'],
        signedInWith: 'password_totp',
      },
      visitRef,
    );
    expect(customsView.holds).toEqual([]);

    // The attack as made: the bare route, for the held box and for one that does not exist.
    const held = await asKiosk('POST', `/v1/visits/${visitRef}/gate-out`, { truckPlate: '1-GNG-666' });
    const missingRef = newVisitReference(new Uint8Array(13).fill(0x77));
    const missing = await asKiosk('POST', `/v1/visits/${missingRef}/gate-out`, { truckPlate: '1-GNG-666' });
    expect(held.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    const sameBut = (body: string, ref: string) => body.replaceAll(ref, '{visitRef}');
    expect(sameBut(held.body, visitRef)).toBe(sameBut(missing.body, missingRef));
    expect(held.body).not.toMatch(/police|POL-4711|hold/i);
    // Nor does any other command route tell the two apart.
    for (const [route, payload] of [
      ['load', { vesselCall: 'GANG-1' }],
      [
        'moves',
        {
          from: { terminal: 'T1', block: 'C', bay: 1, row: 1, tier: 1 },
          to: { terminal: 'T1', block: 'C', bay: 3, row: 1, tier: 1 },
          equipment: 'RTG-1',
        },
      ],
    ] as const) {
      const a = await asKiosk('POST', `/v1/visits/${visitRef}/${route}`, payload);
      const b = await asKiosk('POST', `/v1/visits/${missingRef}/${route}`, payload);
      expect(a.statusCode).toBe(b.statusCode);
      expect(sameBut(a.body, visitRef)).toBe(sameBut(b.body, missingRef));
    }

    // At the gate, with the genuine credential, the right driver and truck: refused, and no hold kind in the answer.
    const genuine = await asKiosk('POST', '/v1/gate/transactions', {
      credential,
      badge: BADGE,
      truckPlate: PLATE,
    });
    expect(genuine.statusCode, genuine.body).toBe(200);
    expect(genuine.json().accepted).toBe(false);
    expect(genuine.body).not.toMatch(/police|POL-4711|PV-2030|case 2030/i);
    const lights = genuine.json().checks.find((c: { check: string }) => c.check === 'lights.green');
    expect(lights).toEqual({
      check: 'lights.green',
      passed: false,
      reason: 'the box is not released for pickup: the terminal office will tell the driver why',
    });
    expect((await fixture.store.getVisit(visitRef))?.status).toBe('in_yard');
    // The log keeps the whole verdict for the investigators.
    const verdict = (await fixture.store.readEvents(genuine.json().index, 1))[0]!;
    expect(JSON.stringify(verdict.data)).toContain('police hold POL-4711');

    // The terminal's crane feed (a token with `visit.load` and no `visit.read`) is refused the box, but not told why.
    const craneFeed = (
      await createApiToken(auth, { orgId: 'org-nqt', permissions: ['visit.load'], createdBy: 'sup' })
    ).token;
    const load = await app.inject({
      method: 'POST',
      url: `/v1/visits/${visitRef}/load`,
      payload: { vesselCall: 'GANG-1' },
      headers: { authorization: `Bearer ${craneFeed}` },
    });
    expect(load.statusCode, load.body).toBe(409);
    expect(load.json()).toMatchObject({ code: 'visit.on_hold', details: { visitRef } });
    expect(load.body).not.toMatch(/police|POL-4711/i);

    // A forged pass naming this box's credential answers exactly as one naming a credential that never existed.
    const signature = Buffer.alloc(64, 7).toString('base64url');
    const answer = async (id: string) => {
      const response = await asKiosk('POST', '/v1/gate/transactions', {
        credential: `plp1.${id}.1234.${signature}`,
        badge: 'ANR-666666',
        truckPlate: '1-GNG-666',
      });
      expect(response.statusCode, response.body).toBe(200);
      const { attemptId: _id, index: _index, ...rest } = response.json();
      return rest;
    };
    const real = await answer(credentialId);
    const unknown = await answer('cr-never-issued');
    expect(real).toEqual(unknown);
    expect(real.visitRef).toBe('unidentified');
  });

  it("a line's feed token cannot unblock a release its desk blocked on suspicion (command-routes review)", async () => {
    laterOn();
    const visitRef = await boxInYard();
    await releaseToHaulier(fixture.ledger, visitRef, { line, haulier });
    await runReleaseCommand(fixture.ledger, line, visitRef, {
      type: 'BlockRelease',
      reason: 'suspect consignee',
    });
    const feed = (
      await createApiToken(auth, { orgId: 'org-line', permissions: ['release.block'], createdBy: 'line-1' })
    ).token;
    const unblock = await app.inject({
      method: 'POST',
      url: `/v1/visits/${visitRef}/release/unblock`,
      headers: { authorization: `Bearer ${feed}` },
    });
    expect(unblock.statusCode, unblock.body).toBe(401);
    const chain = await fixture.store.readStream(releaseStreamId(visitRef));
    expect(chain.map((e) => e.type)).toContain('ReleaseBlocked');
    expect(chain.map((e) => e.type)).not.toContain('ReleaseUnblocked');
  });

  it('row G: 25 forged credentials in one second → 429 past the limit, and one grouped high alert with a count, not 25', async () => {
    laterOn();
    // The supervisor has dealt with the kiosk's earlier refusals: an unresolved alert would take these in too.
    const supervisor = await mintSession(auth, 'sup');
    const earlier = await app.inject({
      method: 'GET',
      url: '/v1/alerts?status=unresolved',
      cookies: supervisor.cookies,
    });
    for (const { alertId } of earlier.json().alerts as { alertId: string }[]) {
      const resolved = await app.inject({
        method: 'POST',
        url: `/v1/alerts/${alertId}/resolve`,
        payload: { note: 'dealt with' },
        cookies: supervisor.cookies,
        headers: supervisor.headers,
      });
      expect(resolved.statusCode, resolved.body).toBe(200);
    }
    const raisedBefore = (await fixture.store.readStream(ALERTS_STREAM)).length;
    const responses = [];
    for (let n = 0; n < 25; n++) {
      nowMs += 40;
      responses.push(
        await asKiosk('POST', '/v1/gate/transactions', {
          credential: `plc1.forged-${n}.${'A'.repeat(40)}`,
          badge: 'ANR-666666',
          truckPlate: '1-GNG-666',
        }),
      );
    }
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses).toEqual([...Array(KIOSK_LIMIT).fill(200), ...Array(25 - KIOSK_LIMIT).fill(429)]);
    for (const limited of responses.slice(KIOSK_LIMIT)) {
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(limited.json()).toMatchObject({ status: 429, code: 'gate.rate_limited' });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(59);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.json().retryAfterSeconds).toBe(retryAfter);
    }

    // One alert raised for the kiosk's refusals, not ten, nor twenty-five.
    const raised = (await fixture.store.readStream(ALERTS_STREAM)).slice(raisedBefore);
    expect(raised.map((e) => e.type)).toEqual(['GateAlertRaised']);
    const alertId = raised[0]!.index;
    const inbox = await app.inject({
      method: 'GET',
      url: '/v1/alerts?status=unresolved',
      cookies: supervisor.cookies,
    });
    expect(inbox.statusCode, inbox.body).toBe(200);
    const kioskAlerts = inbox.json().alerts.filter((a: { alertId: string }) => Number(a.alertId) >= alertId);
    expect(kioskAlerts).toHaveLength(1);
    const alert = kioskAlerts[0];
    expect(alert).toMatchObject({
      rule: 'gate.refused',
      severity: 'high',
      terminal: 'T1',
      occurrences: KIOSK_LIMIT,
    });
    expect(Date.parse(alert.lastSeenAt) - Date.parse(alert.firstSeenAt)).toBe((KIOSK_LIMIT - 1) * 40);
    // Each refused attempt's verdict is evidence, by its audit index.
    const verdicts = responses.slice(0, KIOSK_LIMIT).map((r) => r.json().index);
    expect(
      alert.evidence
        .filter((e: { label: string }) => e.label.startsWith('Gate attempt '))
        .map((e: { index: number }) => e.index),
    ).toEqual(verdicts);

    // The grouped count is derived from the log: the group rows are what a fold of the events gives.
    const events = await fixture.store.readEvents(0, await fixture.store.logSize());
    const folded = foldGateAlertGroups(events);
    expect(folded.get(alertId)?.occurrences).toBe(KIOSK_LIMIT);
    expect(await fixture.store.gate.alertGroups([...folded.keys()])).toEqual(folded);

    // One copied credential tried over and over is limited on its own, whichever kiosk presents it.
    laterOn();
    const copied = {
      credential: 'plc1.copied-from-the-secrets-file',
      badge: 'ANR-666666',
      truckPlate: '1-GNG-666',
    };
    const tries = [];
    for (let n = 0; n < 4; n++)
      tries.push((await asKiosk('POST', '/v1/gate/transactions', copied)).statusCode);
    expect(tries).toEqual([200, 200, 200, 429]);
  });
});
