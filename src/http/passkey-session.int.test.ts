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
import { addOrganisation } from '../app/access/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { buildServer } from './server.js';

/**
 * The drill's finding, closed: customs officers and investigators may sign in with a password + TOTP (they move
 * nothing), but a keylogged password must not show where a box stands. Such a session sees a visit's status and
 * nothing of its position — no slot, no history, no yard map, no raw audit entries — until its holder signs in
 * with a passkey.
 */
describe.each(['sqlite', 'postgres'] as const)(
  'yard positions need a passkey session (HTTP, %s)',
  (dialect) => {
    let fixture: TestLedger;
    let auth: AuthDeps;
    let app: FastifyInstance;
    let visitRef: string;

    beforeAll(async () => {
      fixture = await openTestLedger(dialect);
      auth = testAuthDeps(fixture.ledger);
      await addOrganisation(auth, { orgId: 'org-cus', kind: 'customs', name: 'Customs', code: 'BECUS' });
      await addOrganisation(auth, { orgId: 'org-pol', kind: 'port_police', name: 'Police', code: 'POL' });
      await addPeople(auth, [
        ['cus-1', 'org-cus', 'customs_officer'],
        ['pol-1', 'org-pol', 'investigator'],
      ]);
      app = await buildServer({
        reads: fixture.store,
        verifierKey: testVerifierKey,
        auth,
        terminals: testTerminals,
      });
      visitRef = (
        await announceVisit(fixture.ledger, testTerminals, {
          containerNumber: 'CSQU3054383',
          line: 'MSCU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'truck' },
        })
      ).visit.visitRef;
      await runVisitCommand(fixture.ledger, testTerminals, visitRef, {
        type: 'GateInContainer',
        slot: { terminal: 'T1', block: 'A', bay: 1, row: 1, tier: 1 },
      });
    });

    afterAll(async () => {
      await app?.close();
      await fixture?.cleanup();
    });

    const get = async (userId: string, method: 'passkey' | 'password_totp', url: string) => {
      const who = await mintSession(auth, userId, { method });
      return app.inject({ method: 'GET', url, cookies: who.cookies });
    };

    it.each(['cus-1', 'pol-1'])(
      '%s with a password + TOTP sees the status and no position',
      async (userId) => {
        const visit = await get(userId, 'password_totp', `/v1/visits/${visitRef}`);
        expect(visit.statusCode).toBe(200);
        expect(visit.json().containerNumber).toBe('CSQU3054383');
        expect(visit.json()).not.toHaveProperty('slot');
        expect(visit.json()).not.toHaveProperty('slotText');

        const listed = await get(userId, 'password_totp', '/v1/visits?limit=5');
        expect(listed.statusCode).toBe(200);
        for (const row of listed.json().visits) expect(row).not.toHaveProperty('slot');

        for (const url of [
          `/v1/visits/${visitRef}/history`,
          '/v1/terminals/T1/yard',
          '/v1/audit/entries?start=0&limit=10',
        ]) {
          const refused = await get(userId, 'password_totp', url);
          expect(refused.statusCode, url).toBe(403);
          expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(refused.json().code, url).toBe('auth.passkey_session_required');
        }

        const session = await get(userId, 'password_totp', '/v1/auth/session');
        expect(session.json().method).toBe('password_totp');
        expect(session.json().permissions).toContain('visit.read');
        expect(session.json().permissions).not.toContain('yard.map.read');
        expect(session.json().permissions).not.toContain('visit.position.read');
      },
    );

    it.each(['cus-1', 'pol-1'])('%s with a passkey sees where the box stands', async (userId) => {
      const visit = await get(userId, 'passkey', `/v1/visits/${visitRef}`);
      expect(visit.json().slot).toMatchObject({ terminal: 'T1', block: 'A', bay: 1, row: 1, tier: 1 });
      for (const url of [
        `/v1/visits/${visitRef}/history`,
        '/v1/terminals/T1/yard',
        '/v1/audit/entries?start=0&limit=10',
      ])
        expect((await get(userId, 'passkey', url)).statusCode, url).toBe(200);
      const session = await get(userId, 'passkey', '/v1/auth/session');
      expect(session.json().permissions).toContain('yard.map.read');
      // Each authority places and lifts its own kind of hold, as the hold policy says.
      expect(session.json().holdKinds).toEqual(userId === 'cus-1' ? ['customs'] : ['police']);
    });
  },
);
