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
import { foldAlertRecords, PositionViewRecorder } from '../app/alerts/index.js';
import { detectionEngine, runDetectionOnce } from '../app/detection/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { computeCheckDigit, DETECTION_RULE_SET, type Role } from '../domain/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

interface ListedAlert {
  alertId: string;
  rule: string;
  severity: string;
  subject: { kind: string; id: string };
  summary: string;
  evidence: { label: string; href: string; index: number | null }[];
}

const LIMIT = 5;

/** A valid ISO 6346 container number of the MSCU owner code. */
const containerNumber = (serial: number) => {
  const first10 = `MSCU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};

/**
 * The bulk look-up rule (`lookup.bulk`, MISSION §1): a person shown the yard positions of more distinct boxes than
 * the limit within the window raises one alert, seen by their own organisation's alert readers and by customs and
 * police; a session that sees no positions (password + TOTP) raises nothing. Since issue 15 the reads are recorded
 * as `PositionsViewed` events and the detection engine raises the alert from the log, as `portledger serve` runs it.
 */
describe.each(['sqlite', 'postgres'] as const)('bulk look-ups of yard positions (HTTP, %s)', (dialect) => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const visitRefs: string[] = [];
  const sessions: Record<string, Session> = {};

  let views: PositionViewRecorder;
  const engine = detectionEngine({
    rules: DETECTION_RULE_SET,
    settings: { 'lookup.bulk': { severity: 'high', limit: LIMIT, windowMinutes: 10 } },
    dwellNormHours: 240,
  });
  /** What the server's timer and `serve`'s engine loop do: write the views that wait, then detect over the log. */
  const detect = async () => {
    await views.flush();
    while ((await runDetectionOnce({ ledger: fixture.ledger, engine })).applied > 0) {}
  };
  const get = async (session: Session, url: string) => {
    const answer = await app.inject({ method: 'GET', url, cookies: session.cookies });
    await detect();
    return answer;
  };

  const lookupAlerts = async (who: string) => {
    const listed = await get(sessions[who]!, '/v1/alerts?limit=200');
    expect(listed.statusCode, who).toBe(200);
    return (listed.json().alerts as ListedAlert[]).filter((alert) => alert.rule === 'lookup.bulk');
  };

  beforeAll(async () => {
    fixture = await openTestLedger(dialect);
    auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'org-cus', kind: 'customs', name: 'Customs', code: 'BECUS' });
    await addOrganisation(auth, { orgId: 'org-pol', kind: 'port_police', name: 'Police', code: 'POL' });
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
    const people: [string, string, Role, string][] = [
      ['cus-1', 'org-cus', 'customs_officer', 'Cora Customs'],
      ['cus-2', 'org-cus', 'customs_officer', 'Colin Customs'],
      ['cus-pw', 'org-cus', 'customs_officer', 'Petra Password'],
      ['pol-1', 'org-pol', 'investigator', 'Ivo Investigator'],
      ['planner', 'org-nqt', 'yard_planner', 'Yannick Yard'],
      ['sup', 'org-nqt', 'terminal_supervisor', 'Sara Supervisor'],
      ['sup2', 'org-sqt', 'terminal_supervisor', 'Sven Supervisor'],
      ['haul-1', 'org-haul', 'haulier_planner', 'Hugo Haulier'],
    ];
    for (const [userId, orgId, role, displayName] of people) {
      await addUser(auth, { userId, orgId, username: userId, displayName, roles: [role], issuedBy: 'test' });
      sessions[userId] = await mintSession(auth, userId);
    }
    sessions['cus-pw'] = await mintSession(auth, 'cus-pw', { method: 'password_totp' });
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
    for (let i = 0; i < LIMIT + 1; i += 1) {
      const { visit } = await announceVisit(fixture.ledger, testTerminals, {
        containerNumber: containerNumber(100 + i),
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

  it('a password session sees no positions, and its reads raise nothing', async () => {
    for (const visitRef of visitRefs) {
      const visit = await get(sessions['cus-pw']!, `/v1/visits/${visitRef}`);
      expect(visit.statusCode).toBe(200);
      expect(visit.json()).not.toHaveProperty('slot');
    }
    const listed = await get(sessions['cus-pw']!, '/v1/visits?limit=50');
    expect(listed.json().visits).toHaveLength(LIMIT + 1);
    expect(await lookupAlerts('pol-1')).toEqual([]);
  });

  it('an API token is not a person: machine feeds read positions in bulk without an alert', async () => {
    const { token } = await createApiToken(auth, {
      orgId: 'org-cus',
      permissions: ['visit.read'],
      createdBy: 'test',
    });
    const headers = { authorization: `Bearer ${token}` };
    const listed = await app.inject({ method: 'GET', url: '/v1/visits?limit=50', headers });
    await detect();
    expect(listed.statusCode).toBe(200);
    expect(listed.json().visits.filter((v: { slot?: unknown }) => v.slot)).toHaveLength(LIMIT + 1);
    for (const visitRef of visitRefs) {
      const visit = await app.inject({ method: 'GET', url: `/v1/visits/${visitRef}`, headers });
      expect(visit.statusCode).toBe(200);
    }
    expect(await lookupAlerts('pol-1')).toEqual([]);
  });

  it('a customs officer reading one more box than the limit raises exactly one alert', async () => {
    for (const [i, visitRef] of visitRefs.entries()) {
      const visit = await get(sessions['cus-1']!, `/v1/visits/${visitRef}`);
      expect(visit.statusCode).toBe(200);
      expect(visit.json().slot).toMatchObject({ terminal: 'T1' });
      expect(await lookupAlerts('pol-1'), `after read ${i + 1}`).toHaveLength(i < LIMIT ? 0 : 1);
    }
    // Reading on within the window (the same boxes, their histories, a listing) raises no second alert.
    for (const visitRef of visitRefs) {
      expect((await get(sessions['cus-1']!, `/v1/visits/${visitRef}/history`)).statusCode).toBe(200);
    }
    expect((await get(sessions['cus-1']!, '/v1/visits?limit=50')).statusCode).toBe(200);

    const [alert, ...others] = await lookupAlerts('pol-1');
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      rule: 'lookup.bulk',
      severity: 'high',
      subject: { kind: 'user', id: 'cus-1' },
    });
    expect(alert!.summary).toMatch(
      /^cus-1 was shown the yard positions of 6 containers within \d+ minutes? \(limit 5 in 10\)\.$/,
    );
    // The evidence is the six reads' PositionsViewed events, each with its inclusion proof.
    const indexes = alert!.evidence.map((e) => e.index).filter((index): index is number => index !== null);
    const evidence = await Promise.all(
      indexes.map(async (index) => (await fixture.store.readEvents(index, 1))[0]!),
    );
    const viewEvents = evidence.filter((event) => event.type === 'PositionsViewed');
    expect(viewEvents.flatMap((event) => event.data.visitRefs as string[])).toEqual(visitRefs);
    expect(viewEvents.every((event) => event.streamId === 'views-cus-1')).toBe(true);

    // The event on the alerts stream says which rule, about whom, and the evidence.
    const [event] = await fixture.store.readEvents(Number(alert!.alertId), 1);
    expect(event).toMatchObject({ streamId: 'alerts', type: 'DetectionAlertRaised' });
    expect(event!.data).toMatchObject({ rule: 'lookup.bulk', subjectKind: 'user', subjectId: 'cus-1' });
    // The row written beside the event is the one a re-fold of the log gives.
    const folded = await foldAlertRecords(await fixture.store.readEvents(0, await fixture.store.logSize()), {
      gateFacts: async () => ({ containerNumber: null, terminal: null }),
      orgOfUser: async () => '',
    });
    expect(await fixture.store.getAlertRecord(Number(alert!.alertId))).toEqual(
      folded.get(Number(alert!.alertId)),
    );
  });

  it('is seen by police and the officer’s own organisation, not by a terminal nor a haulier', async () => {
    const ofCus1 = (alerts: ListedAlert[]) => alerts.filter((alert) => alert.subject.id === 'cus-1');
    expect(ofCus1(await lookupAlerts('pol-1'))).toHaveLength(1);
    expect(ofCus1(await lookupAlerts('cus-2'))).toHaveLength(1);
    expect(ofCus1(await lookupAlerts('sup'))).toEqual([]);
    const alertId = ofCus1(await lookupAlerts('pol-1'))[0]!.alertId;
    expect((await get(sessions.sup!, `/v1/alerts/${alertId}`)).statusCode).toBe(404);
    // A haulier planner reads his own organisation's alerts (a driver's phone enrolled again), never this one.
    const haulier = await get(sessions['haul-1']!, '/v1/alerts');
    expect(haulier.statusCode).toBe(200);
    expect(ofCus1(haulier.json().alerts)).toEqual([]);
    // The password session's reads raised nothing.
    expect((await lookupAlerts('pol-1')).filter((alert) => alert.subject.id === 'cus-pw')).toEqual([]);
  });

  it('a listing counts each row with a position: a yard planner is seen by their supervisor, not another terminal', async () => {
    const listed = await get(sessions.planner!, '/v1/visits?limit=50');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().visits).toHaveLength(LIMIT + 1);

    const ofPlanner = (alerts: ListedAlert[]) => alerts.filter((alert) => alert.subject.id === 'planner');
    const seenBySupervisor = ofPlanner(await lookupAlerts('sup'));
    expect(seenBySupervisor).toHaveLength(1);
    expect(seenBySupervisor[0]!.summary).toMatch(/^planner was shown the yard positions of 6 containers/);
    expect(ofPlanner(await lookupAlerts('sup2'))).toEqual([]);
    expect(ofPlanner(await lookupAlerts('cus-2'))).toHaveLength(1);
    // The yard map is the terminal staff's daily tool: not counted, and no second alert either way.
    expect((await get(sessions.planner!, '/v1/terminals/T1/yard')).statusCode).toBe(200);
    expect(ofPlanner(await lookupAlerts('sup'))).toHaveLength(1);
  });
});
