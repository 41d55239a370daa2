import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeopleServer } from '../../test/support/enrolment.js';
import type { TestLedger } from '../../test/support/ledger.js';
import { type AuthDeps, createApiToken } from '../app/access/index.js';
import type { IntegrityResult } from '../app/audit/index.js';

/**
 * Issue 13's outside attacker: a DBA rewrote an old event so that the server reported a fork, then used sessions,
 * users and tokens written into the tables by hand, which the server let through "because the log lost entries":
 * it resolved the critical alerts and approved a customs hold's lift. Now a fork excuses nothing, and after a
 * rollback (entries really lost) an identity the log does not know may only read the alerts and the audit.
 */
describe('identities the log does not know, while its history is broken (HTTP, SQLite)', () => {
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let latest: IntegrityResult | undefined;
  const broken = (code: 'integrity.rollback' | 'integrity.fork'): IntegrityResult => ({
    ok: false,
    checkedAt: new Date().toISOString(),
    logSize: 10,
    checkpointsChecked: 0,
    code,
    firstBadIndex: 10,
    checkpointSize: 20,
    reason: `${code.slice('integrity.'.length)}: kept checkpoint of size 20, log of size 10`,
    durationMs: 0,
  });

  beforeAll(async () => {
    ({ fixture, auth, app } = await demoPeopleServer('sqlite', { latest: () => latest }));
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.cleanup();
  });

  it('lets a token the log never made read the alerts after a rollback, never act, and refuses it after a fork', async () => {
    const made = await createApiToken(auth, {
      orgId: 'customs',
      permissions: ['alert.read', 'visit.hold.place'],
      label: 'incident feed',
      createdBy: 'admin',
    });
    const row = (await fixture.store.identity.getApiToken(auth.security.tokens.hash(made.token)))!;
    const forged = `plt_${'F'.repeat(43)}`;
    await fixture.store.writeTransaction((tx) =>
      tx.identity.putApiToken({
        ...row,
        tokenId: 'tok_FORGEDFORGEDFO1',
        tokenHash: auth.security.tokens.hash(forged),
      }),
    );
    const call = (method: 'GET' | 'POST', url: string) =>
      app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${forged}`,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { payload: { kind: 'customs', reason: 'x', reference: 'R-1' } } : {}),
      });

    latest = broken('integrity.rollback');
    expect((await call('GET', '/v1/alerts')).statusCode).toBe(200);
    const act = await call('POST', '/v1/visits/V-NOSUCHVISIT0000000000/holds');
    expect(act.statusCode).toBe(401);
    expect(act.json().code).toBe('auth.token_invalid');
    expect((await call('GET', '/v1/visits?limit=1')).statusCode).toBe(401);

    latest = broken('integrity.fork');
    expect((await call('GET', '/v1/alerts')).statusCode).toBe(401);

    latest = undefined;
    expect((await call('GET', '/v1/alerts')).statusCode).toBe(401);
    // The token the log made works throughout.
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1/alerts',
          headers: { authorization: `Bearer ${made.token}` },
        })
      ).statusCode,
    ).toBe(200);
  });
});
