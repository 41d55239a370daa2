import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPeople, testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, tokenPermissionsFor } from '../app/access/index.js';
import { announceVisit, runVisitCommand, visitStreamId } from '../app/visits/index.js';
import { buildServer } from './server.js';

type SessionOptions = Parameters<typeof mintSession>[2];

/**
 * Issue 10, row B: an attacker holding a customs officer's keylogged password and TOTP seed lifted a hold with a
 * password session and let the box go. Lifting a hold now takes a passkey session with a recent step-up, and a
 * colleague's customs or police hold a second officer's approval; a password session trying it is recorded as a
 * sign that the password is out.
 */
describe.each(['sqlite', 'postgres'] as const)('lifting holds (HTTP, %s)', (dialect) => {
  let nowMs = Date.parse('2030-05-06T07:00:00Z');
  const clock = { now: () => new Date(nowMs) };
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let bay = 1;

  beforeAll(async () => {
    fixture = await openTestLedger(dialect, { clock });
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, {
      orgId: 'org-nqt',
      kind: 'terminal_operator',
      name: 'NQT',
      code: 'NQT',
      terminals: ['T1'],
    });
    await addOrganisation(auth, { orgId: 'org-cus', kind: 'customs', name: 'Customs', code: 'BECUS' });
    await addOrganisation(auth, { orgId: 'org-pol', kind: 'port_police', name: 'Police', code: 'POL' });
    await addPeople(auth, [
      ['cus-1', 'org-cus', 'customs_officer'],
      ['cus-2', 'org-cus', 'customs_officer'],
      ['cus-3', 'org-cus', 'customs_officer'],
      ['pol-1', 'org-pol', 'investigator'],
      ['pol-2', 'org-pol', 'investigator'],
      ['pol-3', 'org-pol', 'investigator'],
      ['sup-1', 'org-nqt', 'terminal_supervisor'],
      ['pln-1', 'org-nqt', 'yard_planner'],
    ]);
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

  async function boxInYard(): Promise<string> {
    const containerNumbers = [
      'CSQU3054383',
      'MSCU1234566',
      'TGHU8765436',
      'MAEU1234567',
      'APZU3456781',
      'TCLU1002006',
      'OOLU2003006',
    ];
    const ref = (
      await announceVisit(fixture.ledger, testTerminals, {
        containerNumber: containerNumbers[bay - 1]!,
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      })
    ).visit.visitRef;
    await runVisitCommand(fixture.ledger, testTerminals, ref, {
      type: 'GateInContainer',
      slot: { terminal: 'T1', block: 'A', bay: 2 * bay - 1, row: 1, tier: 1 },
    });
    bay += 1;
    return ref;
  }

  const post = async (userId: string, url: string, payload: object, options?: SessionOptions) => {
    const who = await mintSession(auth, userId, options);
    return app.inject({ method: 'POST', url, payload, cookies: who.cookies, headers: who.headers });
  };
  const get = async (userId: string, url: string) => {
    const who = await mintSession(auth, userId);
    return app.inject({ method: 'GET', url, cookies: who.cookies });
  };
  const password = { method: 'password_totp' } as const;
  const placeHold = async (userId: string, visitRef: string, kind: string, options?: SessionOptions) => {
    const placed = await post(
      userId,
      `/v1/visits/${visitRef}/holds`,
      { kind, reason: 'selected for scan', reference: 'MRN 30BE0001' },
      options,
    );
    expect(placed.statusCode, placed.body).toBe(200);
    const holds = placed.json().holds as { holdId: string; kind: string }[];
    return holds.filter((hold) => hold.kind === kind).at(-1)!.holdId;
  };
  const lift = (userId: string, visitRef: string, holdId: string, options?: SessionOptions) =>
    post(userId, `/v1/visits/${visitRef}/holds/${holdId}/lift`, { reason: 'scan clear' }, options);
  const holdsOf = async (visitRef: string) =>
    ((await get('cus-3', `/v1/visits/${visitRef}`)).json().holds as { holdId: string }[]).map(
      (h) => h.holdId,
    );
  const eventsOf = async (visitRef: string) => fixture.store.readStream(visitStreamId(visitRef));
  const authEventsOf = async (userId: string) => fixture.store.readStream(`auth-${userId}`);

  it("row B: a customs officer's keylogged password + TOTP session cannot lift a hold; the hold stays and the attempt is recorded", async () => {
    const visitRef = await boxInYard();
    // A password session may still place a hold: it only stops a box.
    const own = await placeHold('cus-1', visitRef, 'customs', password);
    const colleagues = await placeHold('cus-2', visitRef, 'customs');
    for (const holdId of [own, colleagues]) {
      // Even a password session that somehow carries a step-up is no passkey session.
      for (const stepUp of [false, true]) {
        const refused = await lift('cus-1', visitRef, holdId, { ...password, stepUp });
        expect(refused.statusCode, refused.body).toBe(403);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.json().code).toBe('auth.passkey_session_required');
      }
    }
    expect((await holdsOf(visitRef)).sort()).toEqual([own, colleagues].sort());
    expect((await eventsOf(visitRef)).map((e) => e.type)).not.toContain('HoldLifted');
    const recorded = (await authEventsOf('cus-1')).filter((e) => e.type === 'PasswordSessionRefused');
    expect(recorded).toHaveLength(4);
    expect(recorded[0]!.data).toMatchObject({
      method: 'password_totp',
      reason: 'passkey_session_required',
      permission: 'visit.hold.lift',
      route: 'POST /v1/visits/:visitRef/holds/:holdId/lift',
      ip: '127.0.0.1',
    });
    // Nor may that session approve someone else's lift.
    const approve = await post('cus-1', '/v1/approvals/nothing/approve', {}, password);
    expect(approve.statusCode).toBe(403);
    expect(approve.json().code).toBe('auth.passkey_session_required');
  });

  it('a passkey session without a recent step-up is asked to step up; the hold stays', async () => {
    const visitRef = await boxInYard();
    const holdId = await placeHold('cus-1', visitRef, 'customs');
    const stale = await lift('cus-1', visitRef, holdId, { stepUp: false });
    expect(stale.statusCode, stale.body).toBe(403);
    expect(stale.json().code).toBe('auth.step_up_required');
    expect(await holdsOf(visitRef)).toEqual([holdId]);
    // A step-up older than five minutes counts for nothing either.
    const who = await mintSession(auth, 'cus-1');
    nowMs += 6 * 60_000;
    const late = await app.inject({
      method: 'POST',
      url: `/v1/visits/${visitRef}/holds/${holdId}/lift`,
      payload: { reason: 'scan clear' },
      cookies: who.cookies,
      headers: who.headers,
    });
    expect(late.json().code).toBe('auth.step_up_required');
    expect(await holdsOf(visitRef)).toEqual([holdId]);
  });

  it('an officer lifts their own customs hold at once, with a passkey session and a step-up', async () => {
    const visitRef = await boxInYard();
    const holdId = await placeHold('cus-1', visitRef, 'customs');
    const lifted = await lift('cus-1', visitRef, holdId);
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toMatchObject({ visitRef, onHold: false, holds: [] });
    const events = await eventsOf(visitRef);
    expect(events.find((e) => e.type === 'HoldPlaced')?.data).toMatchObject({ holdId, placedBy: 'cus-1' });
    expect(events.at(-1)).toMatchObject({
      type: 'HoldLifted',
      data: { holdId, kind: 'customs', liftedBy: 'cus-1', approvalId: null, approvedBy: null },
    });
  });

  it("another officer's customs hold becomes a request, lifted only when a second officer approves", async () => {
    const visitRef = await boxInYard();
    const holdId = await placeHold('cus-1', visitRef, 'customs');
    const asked = await lift('cus-2', visitRef, holdId);
    expect(asked.statusCode, asked.body).toBe(202);
    const { approval } = asked.json();
    expect(approval).toMatchObject({
      kind: 'hold.lift',
      subject: visitRef,
      status: 'pending',
      change: { holdId, kind: 'customs', reason: 'scan clear', before: { placedBy: 'cus-1' } },
      requestedBy: { userId: 'cus-2', orgId: 'org-cus' },
    });
    // Nothing changed yet.
    expect(await holdsOf(visitRef)).toEqual([holdId]);
    expect((await eventsOf(visitRef)).map((e) => e.type)).not.toContain('HoldLifted');

    const approve = (userId: string, options?: SessionOptions) =>
      post(userId, `/v1/approvals/${approval.requestId}/approve`, {}, options);
    // Not the requester, not the police (who do not even see it), not without a fresh passkey step-up, not from
    // a password session.
    expect((await approve('cus-2')).json().code).toBe('approval.self_approval');
    expect((await approve('pol-1')).json().code).toBe('approval.not_found');
    expect((await approve('cus-3', { stepUp: false })).json().code).toBe('auth.step_up_required');
    expect((await approve('cus-3', password)).json().code).toBe('auth.passkey_session_required');
    expect(await holdsOf(visitRef)).toEqual([holdId]);

    // The second officer sees it in the inbox; the requester does not.
    const inbox = (await get('cus-3', '/v1/approvals')).json().requests as { requestId: string }[];
    expect(inbox.map((r) => r.requestId)).toContain(approval.requestId);
    const requesterInbox = (await get('cus-2', '/v1/approvals')).json().requests as { requestId: string }[];
    expect(requesterInbox.map((r) => r.requestId)).not.toContain(approval.requestId);

    const granted = await approve('cus-3');
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toMatchObject({ status: 'granted', decidedBy: 'cus-3' });
    expect(await holdsOf(visitRef)).toEqual([]);
    expect((await eventsOf(visitRef)).at(-1)).toMatchObject({
      type: 'HoldLifted',
      data: { holdId, liftedBy: 'cus-2', approvalId: approval.requestId, approvedBy: 'cus-3' },
    });
  });

  it("a colleague's police hold takes a second investigator; a customs officer may not lift it at all", async () => {
    const visitRef = await boxInYard();
    const holdId = await placeHold('pol-1', visitRef, 'police');
    expect((await lift('cus-1', visitRef, holdId)).json().code).toBe('auth.forbidden');
    const asked = await lift('pol-2', visitRef, holdId);
    expect(asked.statusCode, asked.body).toBe(202);
    const requestId = asked.json().approval.requestId as string;
    expect((await post('cus-3', `/v1/approvals/${requestId}/approve`, {})).statusCode).toBe(404);
    const granted = await post('pol-3', `/v1/approvals/${requestId}/approve`, {});
    expect(granted.statusCode, granted.body).toBe(200);
    expect(await holdsOf(visitRef)).toEqual([]);
  });

  it('a terminal hold is lifted directly by another planner of the terminal, behind the step-up', async () => {
    const visitRef = await boxInYard();
    const holdId = await placeHold('sup-1', visitRef, 'terminal');
    expect((await lift('pln-1', visitRef, holdId, { stepUp: false })).json().code).toBe(
      'auth.step_up_required',
    );
    const lifted = await lift('pln-1', visitRef, holdId);
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json().holds).toEqual([]);
  });

  it("the terminal cannot void a customs hold's placement away; it still voids its own terminal hold", async () => {
    const visitRef = await boxInYard();
    await placeHold('cus-1', visitRef, 'customs');
    await placeHold('sup-1', visitRef, 'terminal');
    const versionOf = async (kind: string) =>
      (await eventsOf(visitRef)).find((e) => e.type === 'HoldPlaced' && e.data.kind === kind)!.streamVersion;
    const customsVoid = await post('sup-1', `/v1/visits/${visitRef}/void-requests`, {
      voidedVersion: await versionOf('customs'),
      reason: 'placed on the wrong box',
    });
    expect(customsVoid.statusCode, customsVoid.body).toBe(403);
    expect(customsVoid.json()).toMatchObject({ code: 'auth.forbidden', details: { kind: 'customs' } });
    const terminalVoid = await post('sup-1', `/v1/visits/${visitRef}/void-requests`, {
      voidedVersion: await versionOf('terminal'),
      reason: 'placed on the wrong box',
    });
    expect(terminalVoid.statusCode, terminalVoid.body).toBe(202);
  });

  it('no API token may carry the lifting of a hold: a machine cannot step up', () => {
    for (const orgKind of ['customs', 'port_police', 'terminal_operator', 'shipping_line'] as const) {
      expect(tokenPermissionsFor(orgKind), orgKind).not.toContain('visit.hold.lift');
    }
  });
});
