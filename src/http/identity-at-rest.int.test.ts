/**
 * Outside attacker, issue 12: as a careful DBA, the gang wrote identity rows by hand and the system believed them.
 * It inserted a user and a passkey (no events) and approved two-person changes with them; it gave the driver the
 * haulier planner's role with an UPDATE; it inserted an API token; and it edited an approval's row so that the
 * approver saw one change while the log applied another. Who someone is now comes from the log: a sign-in, a
 * step-up or a token whose rows the log does not back is refused as a wrong credential and raises a critical
 * `integrity.read_model_mismatch` alert naming the row, and an approval is shown as its stream records it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmEnrolment,
  demoPeopleServer,
  enrolThroughLink,
  passkeyLogin as signIn,
} from '../../test/support/enrolment.js';
import type { TestLedger } from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import { type SoftPasskey, softPasskey, softPasskeyUnderId } from '../../test/support/soft-authenticator.js';
import { type AuthDeps, createApiToken, requestApproval } from '../app/access/index.js';

describe.each(['sqlite', 'postgres'] as const)(
  'identity rows the log does not back are refused and alerted (HTTP, %s)',
  (dialect) => {
    let fixture: TestLedger;
    let auth: AuthDeps;
    let app: FastifyInstance;
    let links: Map<string, string>;

    const passkeyLogin = (passkey: SoftPasskey, userId: string) => signIn(app, passkey, userId);
    /** The read-model alerts raised so far, as the alert table holds them (every alert, newest first). */
    const mismatchAlerts = async () =>
      (await fixture.store.listAlertRecords({ limit: 100 }))
        .filter((alert) => alert.rule === 'integrity.read_model_mismatch')
        .map((alert) => ({ subject: alert.subjectId, severity: alert.severity, summary: alert.summary }));

    beforeAll(async () => {
      ({ fixture, auth, app, links } = await demoPeopleServer(dialect));
    });

    afterAll(async () => {
      await app?.close();
      await fixture?.cleanup();
    });

    it('refuses a user and passkey inserted without events, and alerts about the user row', async () => {
      const ghost = softPasskey();
      const supervisor = (await fixture.store.identity.getUser('supervisor'))!;
      await fixture.store.writeTransaction(async (tx) => {
        await tx.identity.putUser({
          ...supervisor,
          userId: 'ghost',
          username: 'ghost',
          displayName: 'Nobody',
          lockedAt: null,
        });
        await tx.identity.addPasskey({
          credentialId: ghost.credentialId,
          userId: 'ghost',
          publicKey: ghost.cosePublicKey,
          counter: 0,
          transports: ['internal'],
          label: 'ghost',
          createdAt: '2026-12-06T08:00:00.000Z',
          lastUsedAt: null,
        });
      });
      const sizeBefore = await fixture.store.logSize();

      const refused = await passkeyLogin(ghost, 'ghost');

      expect(refused.statusCode).toBe(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json().code).toBe('auth.passkey_invalid');
      expect(refused.headers['set-cookie']).toBeUndefined();
      expect(await fixture.store.logSize()).toBeGreaterThan(sizeBefore);
      expect(await mismatchAlerts()).toContainEqual({
        subject: 'app_user ghost',
        severity: 'critical',
        summary: expect.stringContaining('has no user stream in the log'),
      });
    });

    it("refuses a real passkey once the table gives its user a role the log never granted; the log's roles sign in", async () => {
      const passkey = softPasskey();
      expect((await enrolThroughLink(app, links.get('driver')!, passkey)).statusCode).toBe(202);
      await confirmEnrolment(auth, 'driver');
      expect((await passkeyLogin(passkey, 'driver')).statusCode).toBe(200);
      const driver = (await fixture.store.identity.getUser('driver'))!;
      await fixture.store.writeTransaction((tx) =>
        tx.identity.putUser({ ...driver, roles: [...driver.roles, 'haulier_planner'] }),
      );

      const refused = await passkeyLogin(passkey, 'driver');

      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('auth.passkey_invalid');
      expect(await mismatchAlerts()).toContainEqual({
        subject: 'app_user driver',
        severity: 'critical',
        summary: expect.stringContaining('roles'),
      });
      // Put back as the log has it, the same passkey signs in again.
      await fixture.store.writeTransaction((tx) => tx.identity.putUser(driver));
      expect((await passkeyLogin(passkey, 'driver')).statusCode).toBe(200);
    });

    it("refuses a confirmed passkey whose public key was swapped in the table for the gang's, and alerts", async () => {
      const clerk = softPasskey();
      expect((await enrolThroughLink(app, links.get('gate-clerk')!, clerk)).statusCode).toBe(202);
      await confirmEnrolment(auth, 'gate-clerk');
      expect((await passkeyLogin(clerk, 'gate-clerk')).statusCode).toBe(200);
      const row = (await fixture.store.identity.getPasskey(clerk.credentialId))!;
      const thief = softPasskeyUnderId(clerk.credentialId);
      await fixture.store.writeTransaction(async (tx) => {
        await tx.identity.removePasskey(row.credentialId);
        await tx.identity.addPasskey({ ...row, publicKey: thief.cosePublicKey, counter: 0 });
      });

      const refused = await passkeyLogin(thief, 'gate-clerk');

      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('auth.passkey_invalid');
      expect(await mismatchAlerts()).toContainEqual({
        subject: `passkey ${clerk.credentialId}`,
        severity: 'critical',
        summary: expect.stringContaining('is not the one the log recorded'),
      });
    });

    it('ends a live session whose roles or organisation are edited in the table, and alerts', async () => {
      const session = await mintSession(auth, 'haulier-planner');
      const me = () =>
        app.inject({
          method: 'GET',
          url: '/v1/auth/session',
          cookies: session.cookies,
          headers: session.headers,
        });
      expect((await me()).statusCode).toBe(200);
      const planner = (await fixture.store.identity.getUser('haulier-planner'))!;
      const haulier = (await fixture.store.identity.getOrganisation(planner.orgId))!;
      await fixture.store.writeTransaction((tx) =>
        tx.identity.putOrganisation({ ...haulier, kind: 'terminal_operator', terminals: ['T1'] }),
      );

      expect((await me()).statusCode).toBe(401);
      await fixture.store.writeTransaction((tx) => tx.identity.putOrganisation(haulier));
      // Ended for good: the organisation put back does not revive it.
      expect((await me()).statusCode).toBe(401);
      expect(await mismatchAlerts()).toContainEqual({
        subject: `organisation ${haulier.orgId}`,
        severity: 'critical',
        summary: expect.stringContaining('not registered in the log'),
      });
    });

    it('refuses a session row inserted with a fresh step-up, and alerts', async () => {
      const sessionId = auth.security.tokens.newToken();
      const now = auth.ledger.clock.now().toISOString();
      // As the attacker did: the user's own security epoch, copied from the user row.
      const { securityEpoch } = (await fixture.store.identity.getUser('supervisor2'))!;
      await fixture.store.writeTransaction((tx) =>
        tx.identity.putSession({
          idHash: auth.security.tokens.hash(sessionId),
          userId: 'supervisor2',
          csrfToken: 'csrf-of-the-gang',
          method: 'passkey',
          createdAt: now,
          lastSeenAt: now,
          expiresAt: new Date(Date.parse(now) + 3_600_000).toISOString(),
          stepUpAt: now,
          securityEpoch,
          revokedAt: null,
          ip: '10.6.6.6',
          userAgent: 'AttackerBot',
        }),
      );

      const refused = await app.inject({
        method: 'GET',
        url: '/v1/approvals',
        cookies: { pl_session: sessionId },
        headers: { 'x-csrf-token': 'csrf-of-the-gang' },
      });

      expect(refused.statusCode).toBe(401);
      expect(await mismatchAlerts()).toContainEqual({
        subject: expect.stringMatching(/^session session-/),
        severity: 'critical',
        summary: expect.stringContaining('a session of supervisor2 the log never started'),
      });
    });

    it('refuses an API token inserted in the table, and one whose permissions were widened there', async () => {
      const created = await createApiToken(auth, {
        orgId: 'nqt',
        permissions: ['visit.read'],
        label: 'crane feed',
        createdBy: 'admin',
      });
      const get = (token: string) =>
        app.inject({
          method: 'GET',
          url: '/v1/visits?limit=1',
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await get(created.token)).statusCode).toBe(200);
      const row = (await fixture.store.identity.getApiToken(auth.security.tokens.hash(created.token)))!;

      await fixture.store.writeTransaction((tx) =>
        tx.identity.putApiToken({ ...row, permissions: [...row.permissions, 'visit.move'] }),
      );
      const widened = await get(created.token);
      expect(widened.statusCode).toBe(401);
      expect(widened.json().code).toBe('auth.token_invalid');

      // The secret swapped for one the gang knows: the row's hash is not the one the log created.
      await fixture.store.writeTransaction((tx) => tx.identity.putApiToken(row));
      const known = `plt_${'K'.repeat(43)}`;
      await fixture.store.writeTransaction((tx) =>
        tx.identity.putApiToken({ ...row, tokenHash: auth.security.tokens.hash(known) }),
      );
      expect((await get(known)).statusCode).toBe(401);

      const forged = `plt_${'G'.repeat(43)}`;
      await fixture.store.writeTransaction((tx) =>
        tx.identity.putApiToken({
          ...row,
          tokenId: 'tok_GHOSTGHOSTGHOST1',
          tokenHash: auth.security.tokens.hash(forged),
          permissions: ['visit.read'],
        }),
      );
      expect((await get(forged)).statusCode).toBe(401);

      const alerts = await mismatchAlerts();
      expect(alerts).toContainEqual({
        subject: `api_token ${row.tokenId}`,
        severity: 'critical',
        summary: expect.stringContaining('visit.move'),
      });
      expect(alerts).toContainEqual({
        subject: `api_token ${row.tokenId}`,
        severity: 'critical',
        summary: expect.stringContaining('is not the one the log created'),
      });
      expect(alerts).toContainEqual({
        subject: 'api_token tok_GHOSTGHOSTGHOST1',
        severity: 'critical',
        summary: expect.stringContaining('never created in the log'),
      });
    });
    it('shows an approval as its stream records it, whatever its row was edited to', async () => {
      const admin = (await fixture.store.identity.getUser('admin'))!;
      const org = (await fixture.store.identity.getOrganisation('portadmin'))!;
      const requested = await requestApproval(
        auth,
        { user: admin, org },
        { kind: 'role.grant', subject: 'gate-clerk', change: { role: 'yard_planner' } },
      );
      const row = (await fixture.store.identity.getApproval(requested.requestId))!;
      await fixture.store.writeTransaction((tx) =>
        tx.identity.putApproval({
          ...row,
          subject: 'supervisor',
          view: { ...row.view, subject: 'supervisor', change: { role: 'gate_clerk', rolesBefore: [] } },
        }),
      );
      const approver = await mintSession(auth, 'admin2');
      const read = (url: string) =>
        app.inject({ method: 'GET', url, cookies: approver.cookies, headers: approver.headers });

      const shown = await read(`/v1/approvals/${requested.requestId}`);
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).toMatchObject({ subject: 'gate-clerk', change: { role: 'yard_planner' } });
      const inbox = await read('/v1/approvals');
      expect(inbox.json().requests).toContainEqual(
        expect.objectContaining({
          requestId: requested.requestId,
          subject: 'gate-clerk',
          change: expect.objectContaining({ role: 'yard_planner' }),
        }),
      );
    });
  },
);
