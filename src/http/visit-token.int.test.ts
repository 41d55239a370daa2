import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { addOrganisation, createApiToken } from '../app/access/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { buildServer } from './server.js';

describe('machine clients read visits under the same need-to-know (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let app: FastifyInstance;
  let lineToken: string;
  let terminalToken: string;
  let own: string;
  let other: string;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    const auth = testAuthDeps(fixture.ledger);
    await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, {
      orgId: 'nqt',
      kind: 'terminal_operator',
      name: 'NQT',
      code: 'NQT',
      terminals: ['T1'],
    });
    lineToken = (await createApiToken(auth, { orgId: 'msc', permissions: ['visit.read'], createdBy: 'test' }))
      .token;
    terminalToken = (
      await createApiToken(auth, { orgId: 'nqt', permissions: ['visit.read'], createdBy: 'test' })
    ).token;
    const announce = (line: string, containerNumber: string) =>
      announceVisit(fixture.ledger, testTerminals, {
        containerNumber,
        line,
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
    own = (await announce('MSCU', 'CSQU3054383')).visit.visitRef;
    other = (await announce('MAEU', 'MSKU1234565')).visit.visitRef;
    await runVisitCommand(fixture.ledger, testTerminals, own, {
      type: 'GateInContainer',
      slot: { terminal: 'T1', block: 'A', bay: 1, row: 1, tier: 1 },
    });
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

  const get = (url: string, token: string) =>
    app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  it("gives a line's token its own boxes without the yard position, and 404 for another line's", async () => {
    const mine = await get(`/v1/visits/${own}`, lineToken);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ visitRef: own, status: 'in_yard' });
    expect(mine.json().slot).toBeUndefined();
    expect((await get(`/v1/visits/${other}`, lineToken)).statusCode).toBe(404);
  });

  it("gives the terminal's token the yard position of boxes at its terminal", async () => {
    const seen = await get(`/v1/visits/${own}`, terminalToken);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().slot).toMatchObject({ terminal: 'T1', block: 'A' });
  });

  it('refuses a permission the token does not carry', async () => {
    const history = await get(`/v1/visits/${own}/history`, lineToken);
    expect(history.statusCode).toBe(403);
  });
});
