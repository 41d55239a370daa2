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
import { addOrganisation, addUser } from '../app/access/index.js';
import { raiseGateAlert } from '../app/alerts/index.js';
import { announceVisit } from '../app/visits/index.js';
import type { Role } from '../domain/index.js';
import { buildServer } from './server.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

/**
 * Issue 14, the alert list: several alerts acknowledged at once (one event per alert, the same permission as one),
 * the colleagues an alert can be assigned to, and the list as CSV, page by page.
 */
describe('alert lists: bulk acknowledgement, assignees, CSV (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  const sessions: Record<string, Session> = {};
  const alertIds: string[] = [];

  const as = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      cookies: sessions[who]!.cookies,
      headers: sessions[who]!.headers,
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    auth = testAuthDeps(fixture.ledger);
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
    const people: [string, string, Role, string][] = [
      ['sup', 'org-nqt', 'terminal_supervisor', 'Sam Supervisor'],
      ['clerk', 'org-nqt', 'gate_clerk', 'Gina Gate'],
      ['operator', 'org-nqt', 'equipment_operator', 'Otto Operator'],
      ['planner', 'org-nqt', 'yard_planner', 'Yannick Yard'],
      ['sup2', 'org-sqt', 'terminal_supervisor', 'Other Supervisor'],
    ];
    for (const [userId, orgId, role, displayName] of people) {
      await addUser(auth, { userId, orgId, username: userId, displayName, roles: [role], issuedBy: 'test' });
      sessions[userId] = await mintSession(auth, userId);
    }
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
    for (const containerNumber of ['MSCU1234566', 'CSQU3054383', 'TGHU0000008']) {
      const { visit } = await announceVisit(fixture.ledger, testTerminals, {
        containerNumber,
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      const raised = await fixture.ledger.write((context) =>
        raiseGateAlert(
          context,
          {
            type: 'GateAlertRaised',
            data: {
              rule: 'gate.refused',
              attemptId: `att-${visit.visitRef}`,
              visitRef: visit.visitRef,
              terminal: 'T1',
              failed: [{ check: 'driver.badge' }],
              operator: 'clerk',
            },
          },
          visit,
          'clerk',
        ),
      );
      alertIds.push(String(raised.index));
    }
  });

  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('acknowledges several alerts at once, each its own event, and reports the one it cannot', async () => {
    const listed = (await as('sup', 'GET', '/v1/alerts')).json() as { alerts: { alertId: string }[] };
    expect(listed.alerts.map((alert) => alert.alertId).sort()).toEqual([...alertIds].sort());
    const [first, second, third] = alertIds as [string, string, string];
    const resolved = await as('sup', 'POST', `/v1/alerts/${third}/resolve`, { note: 'a mistyped badge' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const before = await fixture.store.logSize();

    const bulk = await as('sup', 'POST', '/v1/alerts/acknowledgements', {
      alertIds: [first, second, third, '0'],
    });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect(
      bulk
        .json()
        .results.map((r: { alertId: string; outcome: string; code?: string }) => [
          r.alertId,
          r.outcome,
          r.code,
        ]),
    ).toEqual([
      [first, 'acknowledged', undefined],
      [second, 'acknowledged', undefined],
      [third, 'refused', 'alert.resolved'],
      ['0', 'refused', 'alert.not_found'],
    ]);
    // One event per alert acknowledged, on its own stream, as one by one.
    const events = await fixture.store.readEvents(before, 10);
    expect(events.map((event) => [event.streamId, event.type])).toEqual([
      [`alert-${first}`, 'AlertAcknowledged'],
      [`alert-${second}`, 'AlertAcknowledged'],
    ]);
  });

  it('takes the permission of one acknowledgement: another terminal finds none of these alerts', async () => {
    const refused = await as('clerk', 'POST', '/v1/alerts/acknowledgements', { alertIds: [alertIds[0]] });
    expect(refused.statusCode).toBe(403);
    const other = await as('sup2', 'POST', '/v1/alerts/acknowledgements', { alertIds: [alertIds[1]] });
    expect(other.json().results).toEqual([
      { alertId: alertIds[1], outcome: 'refused', code: 'alert.not_found' },
    ]);
    const tooMany = await as('sup', 'POST', '/v1/alerts/acknowledgements', {
      alertIds: Array.from({ length: 101 }, (_, i) => String(i)),
    });
    expect(tooMany.json()).toMatchObject({ status: 400, code: 'request.invalid' });
  });

  it('offers the colleagues who may read alerts as assignees, a page at a time', async () => {
    const all = await as('sup', 'GET', '/v1/alerts/assignees');
    expect(all.statusCode, all.body).toBe(200);
    const names = (body: { people: { displayName: string }[] }) => body.people.map((p) => p.displayName);
    const readers = names(all.json());
    expect(readers).toContain('Sam Supervisor');
    expect(readers).not.toContain('Other Supervisor');
    const first = (await as('sup', 'GET', '/v1/alerts/assignees?limit=1')).json();
    expect(first.people).toHaveLength(1);
    const rest = (await as('sup', 'GET', `/v1/alerts/assignees?limit=50&cursor=${first.nextCursor}`)).json();
    expect([...names(first), ...names(rest)]).toEqual(readers);
  });

  it('exports the filtered list as CSV, every page', async () => {
    const csv = await as('sup', 'GET', '/v1/alerts?status=acknowledged&limit=1&format=csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csv.body.split('\r\n').filter(Boolean);
    expect(rows[0]).toMatch(/^Alert,Raised at,Severity,Rule,About,Terminal,Summary,Status,/);
    expect(
      rows
        .slice(1)
        .map((row) => row.split(',')[0])
        .sort(),
    ).toEqual(alertIds.slice(0, 2).sort());
    expect(rows.slice(1).every((row) => row.includes(',acknowledged,'))).toBe(true);
  });

  it('filters by rule, severity and assignee, pages oldest first, and binds a cursor to its filter and order', async () => {
    const idsOf = (response: { json(): { alerts: { alertId: string }[] } }) =>
      response.json().alerts.map((alert) => alert.alertId);
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await as(
          'sup',
          'GET',
          `/v1/alerts?${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.statusCode, page.body).toBe(200);
        seen.push(...idsOf(page));
        cursor = page.json().nextCursor;
      } while (cursor !== null);
      return seen;
    };
    const newestFirst = [...alertIds].sort((a, b) => Number(b) - Number(a));
    expect(await walk('direction=desc')).toEqual(newestFirst);
    expect(await walk('direction=asc')).toEqual([...newestFirst].reverse());

    const [unresolved] = idsOf(await as('sup', 'GET', '/v1/alerts?status=unresolved&limit=1'));
    const assigned = await as('sup', 'POST', `/v1/alerts/${unresolved}/assign`, { userId: 'sup' });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(idsOf(await as('sup', 'GET', '/v1/alerts?assignedTo=me'))).toEqual([unresolved]);
    expect(idsOf(await as('planner', 'GET', '/v1/alerts?assignedTo=me'))).toEqual([]);
    // Another terminal's supervisor sees none of them, whatever the filter.
    expect(idsOf(await as('sup2', 'GET', '/v1/alerts?rule=gate.refused'))).toEqual([]);

    expect(await walk('rule=gate.refused&direction=asc')).toEqual([...newestFirst].reverse());
    expect(idsOf(await as('sup', 'GET', '/v1/alerts?rule=auth.lockout'))).toEqual([]);
    const severity = (await as('sup', 'GET', `/v1/alerts/${alertIds[0]}`)).json().severity as string;
    const other = severity === 'critical' ? 'medium' : 'critical';
    expect(await walk(`severity=${severity}`)).toEqual(newestFirst);
    expect(idsOf(await as('sup', 'GET', `/v1/alerts?severity=${other}`))).toEqual([]);
    expect((await as('sup', 'GET', '/v1/alerts?severity=low')).statusCode).toBe(400);

    // A cursor is good for the filter and the direction it came from, and nothing else.
    const first = (await as('sup', 'GET', '/v1/alerts?direction=asc&limit=1')).json();
    expect(first.nextCursor).not.toBeNull();
    for (const query of [
      `direction=desc&cursor=${first.nextCursor}`,
      `cursor=${first.nextCursor}`,
      `direction=asc&status=open&cursor=${first.nextCursor}`,
      `direction=asc&assignedTo=me&cursor=${first.nextCursor}`,
      'direction=asc&cursor=forged',
      `direction=asc&cursor=${Buffer.from('["asc","","","","","x1"]').toString('base64url')}`,
    ]) {
      const refused = await as('sup', 'GET', `/v1/alerts?${query}`);
      expect(refused.statusCode, query).toBe(400);
      expect(refused.json().code, query).toBe('input.invalid');
    }

    // The CSV holds exactly the filter, in its order.
    const csv = await as('sup', 'GET', '/v1/alerts?rule=gate.refused&direction=asc&limit=1&format=csv');
    expect(csv.statusCode, csv.body).toBe(200);
    const rows = csv.body.split('\r\n').filter(Boolean).slice(1);
    expect(rows.map((row) => row.split(',')[0])).toEqual([...newestFirst].reverse());
    const mine = await as('sup', 'GET', '/v1/alerts?assignedTo=me&format=csv');
    expect(
      mine.body
        .split('\r\n')
        .filter(Boolean)
        .slice(1)
        .map((row) => row.split(',')[0]),
    ).toEqual([unresolved]);
  });
});
