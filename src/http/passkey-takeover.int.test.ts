/**
 * Outside attacker, issue 1: a passkey's credential id is no secret (an office PC sees it at every sign-in), and the
 * gang holds intercepted enrolment links. Before, registering someone else's credential id through any link was
 * accepted and re-pointed the passkey: through the line clerk's link, the supervisor's passkey then signed in as the
 * line clerk; through the forwarder's link with a new public key, the supervisor's own key got 401. Now a credential
 * id registered for anyone is refused (WebAuthn §7.1, "Verify that the credentialId is not yet registered for any
 * user"): 409 `auth.passkey_already_registered`, through an enrolment link or *My passkeys*, recorded, alerted about
 * the passkey's owner, and nothing of the owner changes.
 *
 * Outside attacker, issue 2: a pending passkey enrolled through a stolen link ended the person's sessions (a customs
 * officer's password session), a denial of service by anyone holding the link. Now it changes nothing until it is
 * confirmed; the confirmation ends them, as any passkey change does.
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
import type { AuthDeps } from '../app/access/index.js';

type Session = Awaited<ReturnType<typeof mintSession>>;

const ATTACKER = { 'user-agent': 'AttackerBot/6.6 (the gang’s laptop)' };

describe.each(['sqlite', 'postgres'] as const)(
  'a registered credential id is never registered again, and a pending passkey changes nothing (HTTP, %s)',
  (dialect) => {
    let fixture: TestLedger;
    let auth: AuthDeps;
    let app: FastifyInstance;
    let links: Map<string, string>;

    const inject = (session: Session, method: 'GET' | 'POST', url: string, payload: object = {}) =>
      app.inject({
        method,
        url,
        cookies: session.cookies,
        headers: session.headers,
        ...(method === 'POST' ? { payload } : {}),
      });
    const passkeyLogin = (passkey: SoftPasskey, userId: string) => signIn(app, passkey, userId);
    const sessionOf = (signedIn: { cookies: { name: string; value: string }[] }) => ({
      cookies: Object.fromEntries(signedIn.cookies.map((c) => [c.name, c.value])),
    });
    const typesIn = async (stream: string) => (await fixture.store.readStream(stream)).map((e) => e.type);

    beforeAll(async () => {
      ({ fixture, auth, app, links } = await demoPeopleServer(dialect));
    });

    afterAll(async () => {
      await app?.close();
      await fixture?.cleanup();
    });

    it("refuses the supervisor's credential id through the line clerk's and the forwarder's links and My passkeys; her passkey still signs her in", async () => {
      // The supervisor enrols her passkey C through her own link, and it is confirmed.
      const sofie = softPasskey();
      expect((await enrolThroughLink(app, links.get('supervisor')!, sofie)).statusCode).toBe(202);
      await confirmEnrolment(auth, 'supervisor');
      const signedIn = await passkeyLogin(sofie, 'supervisor');
      expect(signedIn.statusCode).toBe(200);
      expect(signedIn.json().user.username).toBe('supervisor');
      const sofieSession = sessionOf(signedIn);
      const stored = await fixture.store.identity.getPasskey(sofie.credentialId);
      const supervisorBefore = await fixture.store.identity.getUser('supervisor');
      const supervisorEvents = await typesIn('user-supervisor');

      // 1. The same C through the line clerk's link: refused, not re-pointed.
      const again = await enrolThroughLink(app, links.get('line-clerk')!, sofie, ATTACKER);
      expect(again.statusCode).toBe(409);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.json().code).toBe('auth.passkey_already_registered');
      // 2. C with a new public key through the forwarder's link: refused, her key not replaced.
      const thief = softPasskeyUnderId(sofie.credentialId);
      const replaced = await enrolThroughLink(app, links.get('forwarder')!, thief, ATTACKER);
      expect(replaced.statusCode).toBe(409);
      expect(replaced.json().code).toBe('auth.passkey_already_registered');
      // 3. C through My passkeys of a signed-in person (a passkey session with a fresh step-up).
      const planner = await mintSession(auth, 'yard-planner');
      const options = await inject(planner, 'POST', '/v1/me/passkeys/options');
      expect(options.statusCode).toBe(200);
      const added = await inject(planner, 'POST', '/v1/me/passkeys/verify', {
        challengeId: options.json().challengeId,
        response: thief.register(options.json().options),
        label: 'Sofie’s, now mine',
      });
      expect(added.statusCode).toBe(409);
      expect(added.json().code).toBe('auth.passkey_already_registered');

      // C still signs in its owner, and only her; the thief's key under C signs in nobody.
      const stillHers = await passkeyLogin(sofie, 'supervisor');
      expect(stillHers.statusCode).toBe(200);
      expect(stillHers.json().user.username).toBe('supervisor');
      expect((await passkeyLogin(thief, 'line-clerk')).statusCode).toBe(401);
      expect((await passkeyLogin(thief, 'forwarder')).statusCode).toBe(401);
      // Nothing changed for her: the same passkey row (but its use), her epoch, her user stream, her session.
      expect(await fixture.store.identity.getPasskey(sofie.credentialId)).toMatchObject({
        userId: 'supervisor',
        publicKey: stored!.publicKey,
        label: stored!.label,
      });
      expect(await fixture.store.identity.getUser('supervisor')).toEqual(supervisorBefore);
      expect(await typesIn('user-supervisor')).toEqual(supervisorEvents);
      expect((await app.inject({ method: 'GET', url: '/v1/auth/session', ...sofieSession })).statusCode).toBe(
        200,
      );
      for (const other of ['line-clerk', 'forwarder', 'yard-planner'])
        expect(await fixture.store.identity.listPasskeys(other)).toEqual([]);

      // Each attempt is an auth event of the person it was registered for.
      for (const [person, via] of [
        ['line-clerk', 'enrolment_link'],
        ['forwarder', 'enrolment_link'],
        ['yard-planner', 'my_passkeys'],
      ] as const) {
        const refused = (await fixture.store.readStream(`auth-${person}`)).filter(
          (e) => e.type === 'PasskeyRegistrationRefused',
        );
        expect(refused.map((e) => e.data)).toEqual([
          expect.objectContaining({
            reason: 'credential_already_registered',
            credentialId: sofie.credentialId,
            via,
          }),
        ]);
      }
      // And the supervisor's organisation is alerted about her passkey, once while it is unresolved.
      const supervisor2 = await mintSession(auth, 'supervisor2');
      const listed = await inject(supervisor2, 'GET', '/v1/alerts?limit=200');
      expect(listed.statusCode).toBe(200);
      const alerts = (
        listed.json().alerts as { rule: string; severity: string; subject: { id: string }; summary: string }[]
      ).filter((a) => a.rule === 'auth.enrolment_repeated' && a.subject.id === 'supervisor');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ severity: 'high' });
      expect(alerts[0]!.summary).toContain("passkey's credential id again");

      // The refused attempt did not use up the line clerk's link: she still enrols her own passkey with it.
      expect((await enrolThroughLink(app, links.get('line-clerk')!, softPasskey())).statusCode).toBe(202);
    });

    it("a passkey pending through a stolen link leaves the customs officer's password session alone; its confirmation ends it", async () => {
      const customs = await mintSession(auth, 'customs-officer', { method: 'password_totp', stepUp: false });
      const epoch = (await fixture.store.identity.getUser('customs-officer'))!.securityEpoch;
      const gang = await enrolThroughLink(app, links.get('customs-officer')!, softPasskey(), ATTACKER);
      expect(gang.statusCode).toBe(202);
      expect(gang.json().status).toBe('pending');
      // Pending: still signed in, the same security epoch.
      expect((await inject(customs, 'GET', '/v1/auth/session')).statusCode).toBe(200);
      expect((await inject(customs, 'GET', '/v1/visits?limit=1')).statusCode).not.toBe(401);
      expect((await fixture.store.identity.getUser('customs-officer'))!.securityEpoch).toBe(epoch);
      // Confirmed (with the code the enrolment page showed): a change of credentials ends earlier sessions.
      await confirmEnrolment(auth, 'customs-officer', gang.json().confirmationCode);
      expect((await inject(customs, 'GET', '/v1/auth/session')).statusCode).toBe(401);
      expect((await fixture.store.identity.getUser('customs-officer'))!.securityEpoch).toBe(epoch + 1);
    });
  },
);
