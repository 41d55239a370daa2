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
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser, createApiToken } from '../app/access/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { computeCheckDigit, type Role } from '../domain/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const kinds: StoreKind[] = (await postgresReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];

const box = (serial: number) => {
  const first10 = `APIU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};

/**
 * Issue 15: POST /v1/terminals/{terminal}/surveys, the API's door to the same use case as `portledger reconcile`:
 * terminal staff of that terminal only, CSV or JSON rows, a bad row 400 problem+json naming its line with nothing
 * written.
 */
describe.each(kinds)('POST /v1/terminals/{terminal}/surveys (%s)', (kind) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const sessions: Record<string, Session> = {};
  let seenAt = '';

  const post = (who: string, payload: string | object, query = '') =>
    app.inject({
      method: 'POST',
      url: `/v1/terminals/T1/surveys${query}`,
      cookies: sessions[who]!.cookies,
      headers: {
        ...sessions[who]!.headers,
        'content-type': typeof payload === 'string' ? 'text/csv; charset=utf-8' : 'application/json',
      },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  beforeAll(async () => {
    fixture = await openTestLedger(kind);
    auth = testAuthDeps(fixture.ledger);
    const orgs = [
      {
        orgId: 'org-nqt',
        kind: 'terminal_operator',
        name: 'North Quay Terminal',
        code: 'NQT',
        terminals: ['T1'],
      },
      {
        orgId: 'org-sqt',
        kind: 'terminal_operator',
        name: 'South Quay Terminal',
        code: 'SQT',
        terminals: ['T2'],
      },
      { orgId: 'org-hau', kind: 'haulier', name: 'Delta Transport', code: 'DLTA' },
    ];
    for (const org of orgs) await addOrganisation(auth, org);
    const people: [string, string, Role][] = [
      ['planner', 'org-nqt', 'yard_planner'],
      ['clerk', 'org-nqt', 'gate_clerk'],
      ['other-planner', 'org-sqt', 'yard_planner'],
      ['haulier', 'org-hau', 'haulier_planner'],
    ];
    for (const [userId, orgId, role] of people) {
      await addUser(auth, {
        userId,
        orgId,
        username: userId,
        displayName: userId,
        roles: [role],
        issuedBy: 'test',
      });
      sessions[userId] = await mintSession(auth, userId);
    }
    for (let i = 1; i <= 2; i++) {
      const { visit } = await announceVisit(fixture.ledger, testTerminals, {
        containerNumber: box(i),
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      await runVisitCommand(fixture.ledger, testTerminals, visit.visitRef, {
        type: 'GateInContainer',
        slot: { terminal: 'T1', block: 'A', bay: 2 * i - 1, row: 1, tier: 1 },
        truckPlate: '1-ABC-123',
        equipment: 'SC1',
        operator: 'clerk',
      });
    }
    seenAt = new Date().toISOString();
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
    });
    await app.ready();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('answers 400 problem+json naming the bad line, and writes nothing', async () => {
    const before = await fixture.store.logSize();
    const response = await post(
      'planner',
      `container,slot,seen_at\n${box(1)},T1/A/01/01/1,${seenAt}\n${box(2)},T1/A/3/1,${seenAt}\n`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'yard.survey_invalid', status: 400 });
    expect(response.json().detail).toMatch(/^line 3: a yard slot is written TERMINAL\/BLOCK\/BAY\/ROW\/TIER/);
    // JSON rows that are not rows: the schema refuses them before the use case.
    const shapeless = await post('planner', { rows: [{ container: box(1) }] });
    expect(shapeless.statusCode).toBe(400);
    expect(shapeless.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await fixture.store.logSize()).toBe(before);
  });

  it("lets only the terminal's own yard staff survey it", async () => {
    const before = await fixture.store.logSize();
    const csv = `container,slot,seen_at\n${box(1)},T1/A/01/01/1,${seenAt}\n`;
    expect((await post('clerk', csv)).statusCode).toBe(403);
    expect((await post('haulier', csv)).statusCode).toBe(403);
    const other = await post('other-planner', csv);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('yard.terminal_not_found');
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/terminals/T1/surveys',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await fixture.store.logSize()).toBe(before);
  });

  it('records a CSV survey and answers its report; JSON rows too; the same file again is 409', async () => {
    const csv = `container,slot,seen_at\n${box(1)},T1/A/01/01/2,${seenAt}\n${box(7)},T1/A/09/01/1,${seenAt}\n`;
    const response = await post('planner', csv);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      terminal: 'T1',
      rowCount: 2,
      totals: { missing: 1, unknown: 1, misplaced: 1 },
      missing: [{ containerNumber: box(2), loggedSlot: 'T1/A/03/01/1' }],
      unknown: [{ containerNumber: box(7), seenSlot: 'T1/A/09/01/1', line: 3 }],
      misplaced: [{ containerNumber: box(1), loggedSlot: 'T1/A/01/01/1', seenSlot: 'T1/A/01/01/2', line: 2 }],
      alertsRaised: 3,
    });
    const alerts = await fixture.store.listAlertRecords({ limit: 10 });
    expect(alerts.map((a) => a.rule).sort()).toEqual([
      'survey.misplaced',
      'survey.missing',
      'survey.unknown',
    ]);

    const again = await post('planner', csv);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('yard.survey_duplicate');

    const json = await post(
      'planner',
      { rows: [{ container: box(1), slot: 'T1/A/01/01/1', seenAt }] },
      '?blocks=A',
    );
    expect(json.statusCode, json.body).toBe(201);
    expect(json.json()).toMatchObject({
      blocks: ['A'],
      matched: 1,
      totals: { missing: 1, unknown: 0, misplaced: 0 },
    });
  });
  // Issue 15, hardening: an outside tester with a planner's passkey switched off judging for the whole yard with one
  // back-dated row (a ten-year walk under which every box was "placed during the survey").
  it('answers 400 naming the line for a back-dated row or a walk longer than its bound, and writes nothing', async () => {
    const before = await fixture.store.logSize();
    const header = 'container,slot,seen_at';
    const tenYears = await post(
      'planner',
      `${header}\n${box(1)},T1/A/01/01/1,${seenAt}\n${box(2)},T1/A/03/01/1,2016-10-01T00:00:00Z\n`,
    );
    expect(tenYears.statusCode, tenYears.body).toBe(400);
    expect(tenYears.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(tenYears.json()).toMatchObject({
      code: 'yard.survey_invalid',
      details: { line: 3, field: 'seen_at' },
    });

    const monthOld = new Date(Date.now() - 35 * 24 * 3_600_000).toISOString();
    const partial = await post(
      'planner',
      { rows: [{ container: box(1), slot: 'T1/A/01/01/1', seenAt: monthOld }] },
      '?blocks=A',
    );
    expect(partial.statusCode, partial.body).toBe(400);
    expect(partial.json()).toMatchObject({ code: 'yard.survey_invalid', details: { line: 2 } });
    expect(await fixture.store.logSize()).toBe(before);
  });

  it('takes the walk bounds the server was given (PORTLEDGER_SURVEY_MAX_SPAN_HOURS, …_MAX_AGE_HOURS)', async () => {
    const strict = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
      // A gantry that uploads each pass at once: ten minutes' walk, an hour's delay.
      surveyWalk: { maxSpanMs: 10 * 60_000, maxAgeMs: 3_600_000 },
    });
    try {
      await strict.ready();
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
      const response = await strict.inject({
        method: 'POST',
        url: '/v1/terminals/T1/surveys?blocks=A',
        cookies: sessions.planner!.cookies,
        headers: { ...sessions.planner!.headers, 'content-type': 'text/csv' },
        payload: `container,slot,seen_at\n${box(1)},T1/A/01/01/1,${twoHoursAgo}\n`,
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code: 'yard.survey_invalid', details: { line: 2 } });
      expect(response.json().detail).toMatch(/more than 1 h before the upload/);
    } finally {
      await strict.close();
    }
  });

  it("takes a survey from the terminal's OCR gantry with an API token that holds yard.survey, and from no other", async () => {
    const { token } = await createApiToken(auth, {
      orgId: 'org-nqt',
      permissions: ['yard.survey'],
      label: 'OCR gantry, block A',
      createdBy: 'test',
    });
    const { token: other } = await createApiToken(auth, {
      orgId: 'org-sqt',
      permissions: ['yard.survey'],
      label: 'OCR gantry of another terminal',
      createdBy: 'test',
    });
    const csv = `container,slot,seen_at\n${box(1)},T1/A/01/01/1,${new Date().toISOString()}\n`;
    const send = (bearer: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/terminals/T1/surveys?blocks=A',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'text/csv' },
        payload: csv,
      });
    const gantry = await send(token);
    expect(gantry.statusCode, gantry.body).toBe(201);
    const recorded = await fixture.store.readEvents(gantry.json().index, 1);
    expect(recorded[0]!.data.by).toMatchObject({
      userId: expect.stringMatching(/^token:/),
      orgId: 'org-nqt',
    });
    // Its alerts name the token that uploaded it (box 2, not seen in block A, is missing).
    const raised = (await fixture.store.readEvents(gantry.json().index + 1, 10)).filter(
      (e) => e.type === 'DetectionAlertRaised',
    );
    expect(raised.length).toBeGreaterThan(0);
    for (const event of raised)
      expect(event.data.summary).toMatch(/, uploaded by API token \S+ of org-nqt, /);
    expect((await send(other)).statusCode).toBe(404);
  });
});
