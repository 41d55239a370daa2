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
import { addOrganisation, addUser } from '../app/access/index.js';
import { announceVisit, runVisitCommand, visitStreamId } from '../app/visits/index.js';
import { buildServer } from './server.js';

/**
 * Antwerp: the gang changed where their boxes stood. A position that no physical move explains is corrected only
 * by two people at the terminal, and the correction is an event naming both.
 */
describe('two-person position correction (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let app: FastifyInstance;
  let planner: Awaited<ReturnType<typeof mintSession>>;
  let supervisor: Awaited<ReturnType<typeof mintSession>>;
  let visitRef: string;
  const from = { terminal: 'T1', block: 'A', bay: 1, row: 1, tier: 1 };
  const to = { terminal: 'T1', block: 'B', bay: 5, row: 2, tier: 1 };

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    const auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, {
      orgId: 'nqt',
      kind: 'terminal_operator',
      name: 'NQT',
      code: 'NQT',
      terminals: ['T1'],
    });
    for (const [userId, role] of [
      ['planner', 'yard_planner'],
      ['supervisor', 'terminal_supervisor'],
    ] as const) {
      await addUser(auth, {
        userId,
        orgId: 'nqt',
        username: userId,
        displayName: userId,
        roles: [role],
        issuedBy: 'test',
      });
    }
    planner = await mintSession(auth, 'planner');
    supervisor = await mintSession(auth, 'supervisor');
    visitRef = (
      await announceVisit(fixture.ledger, testTerminals, {
        containerNumber: 'CSQU3054383',
        line: 'MSCU',
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      })
    ).visit.visitRef;
    await runVisitCommand(fixture.ledger, testTerminals, visitRef, { type: 'GateInContainer', slot: from });
    app = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth,
      terminals: testTerminals,
    });
  });

  afterAll(async () => {
    await app.close();
    await fixture.cleanup();
  });

  const post = (who: typeof planner, url: string, payload: object = {}) =>
    app.inject({ method: 'POST', url, payload, cookies: who.cookies, headers: who.headers });

  it('changes nothing until a second person approves, then records who asked and who approved', async () => {
    const asked = await post(planner, `/v1/visits/${visitRef}/position-corrections`, {
      to,
      reason: 'yard scan found the box in B',
    });
    expect(asked.statusCode, asked.body).toBe(202);
    const requestId = asked.json().requestId;
    expect(asked.json()).toMatchObject({ kind: 'yard.correction', status: 'pending', terminal: 'T1' });
    expect((await fixture.store.getVisit(visitRef))?.view).toMatchObject({ slot: from });

    const self = await post(planner, `/v1/approvals/${requestId}/approve`);
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('approval.self_approval');

    const approved = await post(supervisor, `/v1/approvals/${requestId}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await fixture.store.getVisit(visitRef))?.view).toMatchObject({ slot: to });
    expect(await fixture.store.terminalOccupancy({ terminal: 'T1', block: 'A' })).toEqual([]);
    const events = await fixture.store.readStream(visitStreamId(visitRef));
    expect(events.at(-1)).toMatchObject({
      type: 'ContainerPositionCorrected',
      data: { from, to, approvalId: requestId, requestedBy: 'planner', approvedBy: 'supervisor' },
    });
  });
});
