import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testSlots,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser, createApiToken } from '../app/access/index.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import { buildServer } from './server.js';

const conformance = path.resolve(import.meta.dirname, '../../../shared/conformance/edifact');
const haveSamples = existsSync(conformance);
const sample = (file: string) => readFileSync(path.join(conformance, file)).toString('latin1');

/**
 * Issue 17: POST /v1/edi/interchanges applies an interchange for the API token's organisation through the same use
 * case as `portledger edi import`; GET lists what was received, per organisation.
 */
describe.skipIf(!haveSamples)(
  `POST /v1/edi/interchanges${haveSamples ? '' : ' (skipped: ../shared/conformance/edifact is missing)'}`,
  () => {
    let fixture: TestLedger;
    let auth: AuthDeps;
    let app: FastifyInstance;
    const tokens: Record<string, string> = {};

    const post = (who: string, body: string, contentType = 'application/edifact') =>
      app.inject({
        method: 'POST',
        url: '/v1/edi/interchanges',
        headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': contentType },
        payload: body,
      });

    beforeAll(async () => {
      fixture = await openTestLedger('sqlite');
      auth = testAuthDeps(fixture.ledger);
      for (const [orgId, code] of [
        ['org-ool', 'OOL'],
        ['org-cos', 'COS'],
      ] as const) {
        await addOrganisation(auth, { orgId, kind: 'shipping_line', name: code, code });
        const { token } = await createApiToken(auth, {
          orgId,
          permissions: ['edi.import', 'edi.read'],
          label: `${code} EDI feed`,
          createdBy: 'test',
        });
        tokens[code] = token;
      }
      await addOrganisation(auth, {
        orgId: 'org-hau',
        kind: 'haulier',
        name: 'Delta Transport',
        code: 'DLTA',
      });
      await addUser(auth, {
        userId: 'planner',
        orgId: 'org-hau',
        username: 'planner',
        displayName: 'planner',
        roles: ['haulier_planner'],
        issuedBy: 'test',
      });
      app = await buildServer({
        reads: fixture.store,
        verifierKey: testVerifierKey,
        auth,
        terminals: testTerminals,
        pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
      });
      await app.ready();
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await fixture?.cleanup();
    });

    it('answers 400 problem+json naming the segment and byte offset of a syntax error, and writes nothing', async () => {
      // A token's first use of the minute is recorded in the log (tokens.usecases.ts): out of the way first.
      for (const who of ['OOL', 'COS']) {
        await app.inject({
          method: 'GET',
          url: '/v1/edi/interchanges',
          headers: { authorization: `Bearer ${tokens[who]}` },
        });
      }
      const before = await fixture.store.logSize();
      const response = await post('OOL', sample('D95BBAPLIE.edi').replace("UNT+30+1907'", "UNT+31+1907'"));
      expect(response.statusCode, response.body).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json();
      expect(problem).toMatchObject({ code: 'edi.syntax_invalid', details: { segment: 31 } });
      expect(problem.detail).toMatch(/segment 31, byte \d+/);
      expect(problem.details.contrl).toMatch(/UCI\+1865\+LBCTI\+OOCLIES\+4\+29\+UNT'/);
      expect(await fixture.store.logSize()).toBe(before);
    });

    it('answers 403 when a line sends another line’s box, with the message’s refusal, and writes nothing', async () => {
      const before = await fixture.store.logSize();
      const coparn = sample('generator-samples/COPARN.edi').replaceAll('CBHU1234567', 'CBHU1234561');
      const response = await post('OOL', coparn);
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json()).toMatchObject({
        code: 'auth.forbidden',
        details: { messages: [{ outcome: 'refused', refusal: { code: 'auth.forbidden', tag: 'EQD' } }] },
      });
      expect(await fixture.store.logSize()).toBe(before);
    });

    it('applies the line’s own interchange (201), recognises it sent again (200), and lists it for that line only', async () => {
      const response = await post('OOL', sample('D95BBAPLIE.edi'), 'text/plain; charset=utf-8');
      expect(response.statusCode, response.body).toBe(201);
      const answer = response.json();
      expect(answer).toMatchObject({
        outcome: 'applied',
        sender: 'LBCTI',
        controlRef: '1865',
        orgId: 'org-ool',
      });
      expect(answer.messages[0].eventIndexes).toHaveLength(2);
      expect(answer.contrl).toMatch(/UCM\+1907\+BAPLIE:D:95B:UN:SMDG20\+7'/);
      const [receipt] = await fixture.store.readEvents(answer.receiptIndex, 1);
      expect(receipt?.data).toMatchObject({ receivedBy: expect.stringMatching(/^token:/), orgId: 'org-ool' });

      const again = await post('OOL', sample('D95BBAPLIE.edi'));
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ outcome: 'duplicate', interchangeId: answer.interchangeId });

      const list = (who: string) =>
        app.inject({
          method: 'GET',
          url: '/v1/edi/interchanges',
          headers: { authorization: `Bearer ${tokens[who]}` },
        });
      expect(
        (await list('OOL')).json().interchanges.map((i: { interchangeId: string }) => i.interchangeId),
      ).toEqual([answer.interchangeId]);
      expect((await list('COS')).json().interchanges).toEqual([]);
      const one = (who: string) =>
        app.inject({
          method: 'GET',
          url: `/v1/edi/interchanges/${answer.interchangeId}`,
          headers: { authorization: `Bearer ${tokens[who]}` },
        });
      expect((await one('OOL')).json()).toMatchObject({ sender: 'LBCTI', auditIndex: answer.receiptIndex });
      expect((await one('COS')).statusCode).toBe(404);
    });

    it('refuses a haulier’s planner, whose role may import, the announcement of a line’s boxes (403)', async () => {
      const session = await mintSession(auth, 'planner');
      const response = await app.inject({
        method: 'POST',
        url: '/v1/edi/interchanges',
        cookies: session.cookies,
        headers: { ...session.headers, 'content-type': 'application/edifact' },
        payload: sample('D95BBAPLIE.edi').replace('+1865', '+1866').replace("UNZ+1+1865'", "UNZ+1+1866'"),
      });
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().details.messages[0].refusal.code).toBe('auth.forbidden');
    });
  },
);
