import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser, createApiToken } from '../app/access/index.js';
import { PositionViewRecorder } from '../app/alerts/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { computeCheckDigit, POSITIONS_VIEWED, type Role } from '../domain/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

interface ListedView {
  auditIndex: number;
  kind: string;
  subject: string;
  containerNumber: string | null;
  userId: string;
  displayName: string | null;
  orgKind: string | null;
  routes: string[];
  viewedAt: string;
}

const containerNumber = (serial: number) => {
  const first10 = `MSCU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};

/**
 * Who looked at what (issue 15), over HTTP: reads of positions become `PositionsViewed` events (batched, written on
 * the recorder's timer), and the two questions are answered within need-to-know.
 */
describe.each(['sqlite', 'postgres'] as const)('who looked at what (HTTP, %s)', (dialect) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const visitRefs: string[] = [];
  const sessions: Record<string, Session> = {};

  const get = (who: string, url: string) =>
    app.inject({ method: 'GET', url, cookies: sessions[who]!.cookies });
  let views: PositionViewRecorder;
  /** Writes what the recorder gathered, as its timer would. */
  const settle = () => views.flush();

  beforeAll(async () => {
    fixture = await openTestLedger(dialect);
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'org-cus', kind: 'customs', name: 'Customs', code: 'BECUS' });
    await addOrganisation(auth, { orgId: 'org-pol', kind: 'port_police', name: 'Police', code: 'POL' });
    await addOrganisation(auth, {
      orgId: 'org-adm',
      kind: 'port_administration',
      name: 'Port IT',
      code: 'PIT',
    });
    await addOrganisation(auth, {
      orgId: 'org-nqt',
      kind: 'terminal_operator',
      name: 'NQT',
      code: 'NQT',
      terminals: ['T1'],
    });
    await addOrganisation(auth, {
      orgId: 'org-sqt',
      kind: 'terminal_operator',
      name: 'SQT',
      code: 'SQT',
      terminals: ['T2'],
    });
    await addOrganisation(auth, { orgId: 'org-haul', kind: 'haulier', name: 'Haul', code: 'HAUL' });
    await addOrganisation(auth, { orgId: 'org-mscu', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    const people: [string, string, Role, string][] = [
      ['cus-1', 'org-cus', 'customs_officer', 'Cora Customs'],
      ['pol-1', 'org-pol', 'investigator', 'Ivo Investigator'],
      ['planner', 'org-nqt', 'yard_planner', 'Yannick Yard'],
      ['clerk', 'org-nqt', 'gate_clerk', 'Greta Gate'],
      ['sup2', 'org-sqt', 'terminal_supervisor', 'Sven Supervisor'],
      ['haul-1', 'org-haul', 'haulier_planner', 'Hugo Haulier'],
      ['line-1', 'org-mscu', 'release_desk', 'Lena Line'],
      ['admin', 'org-adm', 'administrator', 'Adam Admin'],
    ];
    for (const [userId, orgId, role, displayName] of people) {
      await addUser(auth, { userId, orgId, username: userId, displayName, roles: [role], issuedBy: 'test' });
      sessions[userId] = await mintSession(auth, userId);
    }
    sessions['cus-pw'] = await mintSession(auth, 'cus-1', { method: 'password_totp' });
    // An hour: the test writes the views itself, so that two reads are one batch whatever the machine's load.
    views = new PositionViewRecorder({
      ledger: fixture.ledger,
      intervalMs: 3_600_000,
      onError: (error) => {
        throw error;
      },
    });
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
      positionViews: views,
    });
    for (let i = 0; i < 3; i += 1) {
      const { visit } = await announceVisit(fixture.ledger, testTerminals, {
        containerNumber: containerNumber(300 + i),
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      await runVisitCommand(fixture.ledger, testTerminals, visit.visitRef, {
        type: 'GateInContainer',
        slot: { terminal: 'T1', block: 'A', bay: 1, row: i + 1, tier: 1 },
      });
      visitRefs.push(visit.visitRef);
    }
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('records each read that showed a position, and the yard map as one view naming its terminal', async () => {
    expect((await get('planner', `/v1/visits/${visitRefs[0]}`)).statusCode).toBe(200);
    expect((await get('planner', `/v1/visits/${visitRefs[0]}/history`)).statusCode).toBe(200);
    expect((await get('cus-1', `/v1/visits/${visitRefs[0]}`)).statusCode).toBe(200);
    expect((await get('pol-1', '/v1/visits?limit=50')).statusCode).toBe(200);
    expect((await get('clerk', '/v1/terminals/T1/yard')).statusCode).toBe(200);
    // A password session sees no position: nothing to record.
    expect((await get('cus-pw', `/v1/visits/${visitRefs[1]}`)).json()).not.toHaveProperty('slot');
    // A machine feed is not a person (see position-views.ts).
    const { token } = await createApiToken(auth, {
      orgId: 'org-cus',
      permissions: ['visit.read'],
      createdBy: 'test',
    });
    const fed = await app.inject({
      method: 'GET',
      url: '/v1/visits?limit=50',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(fed.statusCode).toBe(200);
    await settle();

    const events = (await fixture.store.readEvents(0, 10_000)).filter(
      (event) => event.type === POSITIONS_VIEWED,
    );
    const byUser = new Map(events.map((event) => [event.data.userId as string, event.data]));
    expect([...byUser.keys()].sort()).toEqual(['clerk', 'cus-1', 'planner', 'pol-1']);
    expect(byUser.get('planner')).toMatchObject({
      routes: ['visit', 'visit.history'],
      visitRefs: [visitRefs[0]],
    });
    expect(byUser.get('clerk')).toMatchObject({ routes: ['yard.map'], visitRefs: [], terminals: ['T1'] });
    expect(byUser.get('pol-1')).toMatchObject({ routes: ['visit.list'], visitRefs: [...visitRefs].sort() });
  });

  it("lists a box's viewers to its terminal's staff, customs and police; customs and police views only to them", async () => {
    const viewers = async (who: string) => {
      const answer = await get(who, `/v1/visits/${visitRefs[0]}/viewers?days=30`);
      expect(answer.statusCode, who).toBe(200);
      return (answer.json().views as ListedView[]).map((view) => view.userId);
    };
    expect(await viewers('cus-1')).toEqual(['pol-1', 'cus-1', 'planner']);
    expect(await viewers('pol-1')).toEqual(['pol-1', 'cus-1', 'planner']);
    // The terminal's own staff see their colleagues, not that customs and the police are watching the box.
    expect(await viewers('clerk')).toEqual(['planner']);
    const [first] = (await get('cus-1', `/v1/visits/${visitRefs[0]}/viewers`)).json().views as ListedView[];
    expect(first).toMatchObject({
      kind: 'visit',
      subject: visitRefs[0],
      containerNumber: containerNumber(300),
      displayName: 'Ivo Investigator',
      orgKind: 'port_police',
    });
    // Each row links the event that recorded it: an entry of the log, of that type, naming the box.
    const [entry] = await fixture.store.readEvents(first!.auditIndex, 1);
    expect(entry).toMatchObject({ type: POSITIONS_VIEWED, streamId: 'views-pol-1' });
    expect(entry!.data.visitRefs).toContain(visitRefs[0]);
  });

  it('still answers once the box has left the yard: a box that is gone is the one whose viewers matter', async () => {
    await runVisitCommand(fixture.ledger, testTerminals, visitRefs[2]!, {
      type: 'LoadContainer',
      vesselCall: 'VC000000001',
    });
    for (const who of ['cus-1', 'pol-1', 'planner']) {
      const answer = await get(who, `/v1/visits/${visitRefs[2]}/viewers`);
      expect(answer.statusCode, who).toBe(200);
    }
    const views = (await get('cus-1', `/v1/visits/${visitRefs[2]}/viewers`)).json().views as ListedView[];
    expect(views.map((view) => view.userId)).toEqual(['pol-1']);
  });

  it('need-to-know: a haulier, a line and an administrator may not ask; another terminal gets not found', async () => {
    for (const who of ['haul-1', 'line-1', 'admin']) {
      const answer = await get(who, `/v1/visits/${visitRefs[0]}/viewers`);
      expect(answer.statusCode, who).toBe(403);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
    const elsewhere = await get('sup2', `/v1/visits/${visitRefs[0]}/viewers`);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().code).toBe('visit.not_found');
    // A password session of customs sees no positions, so it sees no viewers either.
    expect((await get('cus-pw', `/v1/visits/${visitRefs[0]}/viewers`)).statusCode).toBe(403);
  });

  it('tells investigators which boxes one person looked at, paged newest first', async () => {
    const answer = await get('pol-1', '/v1/audit/views?userId=planner&days=30');
    expect(answer.statusCode).toBe(200);
    expect(
      (answer.json().views as ListedView[]).map((view) => [view.kind, view.subject, view.routes]),
    ).toEqual([['visit', visitRefs[0], ['visit', 'visit.history']]]);
    const clerk = (await get('cus-1', '/v1/audit/views?userId=clerk')).json().views as ListedView[];
    expect(clerk.map((view) => [view.kind, view.subject])).toEqual([['terminal', 'T1']]);
    // pol-1's list read showed three boxes: two pages of two, then one.
    const first = (await get('cus-1', '/v1/audit/views?userId=pol-1&limit=2')).json();
    expect(first.views).toHaveLength(2);
    const second = (
      await get('cus-1', `/v1/audit/views?userId=pol-1&limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect([...first.views, ...second.views].map((view: ListedView) => view.subject).sort()).toEqual(
      [...visitRefs].sort(),
    );
    expect((await get('cus-1', '/v1/audit/views?userId=nobody')).json()).toEqual({
      views: [],
      nextCursor: null,
    });
    for (const who of ['planner', 'haul-1', 'line-1', 'admin']) {
      expect((await get(who, '/v1/audit/views?userId=planner')).statusCode, who).toBe(403);
    }
    const badCursor = await get('cus-1', '/v1/audit/views?userId=pol-1&cursor=bm90LWEtY3Vyc29y');
    expect(badCursor.statusCode).toBe(400);
  });
});
