import type { FastifyInstance } from 'fastify';
import { type TOTP, URI } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import { confirmEnrolment, enrolThroughLink } from '../../test/support/enrolment.js';
import { openTestLedger, type TestLedger, testVerifierKey } from '../../test/support/ledger.js';
import { mintSession } from '../../test/support/sessions.js';
import { softPasskey } from '../../test/support/soft-authenticator.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { SESSION_COOKIE_MAX_SECONDS, sessionCookieLifetime } from './auth.plugin.js';
import { buildServer } from './server.js';

const HOUR = 60 * 60_000;

function movableClock(start: string) {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/** The `pl_session` Set-Cookie header's value, Max-Age and Expires. */
function sessionCookie(response: { headers: Record<string, unknown> }) {
  const headers = ([] as unknown[]).concat(response.headers['set-cookie'] ?? []).map(String);
  const header = headers.find((h) => h.startsWith('pl_session='));
  if (!header) throw new Error(`no pl_session cookie in ${JSON.stringify(headers)}`);
  const value = /^pl_session=([^;]*)/.exec(header)?.[1] ?? '';
  const maxAge = /;\s*Max-Age=(\d+)/i.exec(header)?.[1];
  const expires = /;\s*Expires=([^;]+)/i.exec(header)?.[1];
  return {
    value,
    maxAge: maxAge === undefined ? undefined : Number(maxAge),
    expires: expires === undefined ? undefined : new Date(expires),
  };
}

/**
 * The session cookie lives exactly as long as the session may: to its absolute expiry (12 hours at most), and a
 * step-up, which renews the session id, does not push that expiry back.
 */
describe('the session cookie (HTTP, SQLite)', () => {
  const clock = movableClock('2026-11-26T08:00:00Z');
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let longSessions: FastifyInstance;
  let supLink: string;
  let driverTotp: TOTP;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite', { clock });
    const base = testAuthDeps(fixture.ledger);
    // The idle timeout is lifted so that hours can pass in one test; the absolute expiry is what is under test.
    auth = { ...base, settings: { ...base.settings, sessionIdleMs: 48 * HOUR } };
    await addOrganisation(auth, { orgId: 'haul', kind: 'haulier', name: 'Scheldt Haulage', code: 'SCHH' });
    await addOrganisation(auth, {
      orgId: 'term',
      kind: 'terminal_operator',
      name: 'North Quay',
      code: 'NQT',
      terminals: ['T1'],
    });
    const driver = await addUser(auth, {
      userId: 'u-driver',
      orgId: 'haul',
      username: 'driver.jan',
      displayName: 'Jan Peeters',
      roles: ['driver'],
      issuedBy: 'test',
      withPassword: { password: 'a long passphrase for jan' },
    });
    driverTotp = URI.parse(driver.totpUri!) as TOTP;
    supLink = (
      await addUser(auth, {
        userId: 'u-sup',
        orgId: 'term',
        username: 'sofie',
        displayName: 'Sofie Supervisor',
        roles: ['terminal_supervisor'],
        issuedBy: 'test',
      })
    ).enrolmentToken;
    app = await buildServer({ reads: fixture.store, verifierKey: testVerifierKey, auth });
    // A deployment configured for sessions longer than the cookie may live.
    longSessions = await buildServer({
      reads: fixture.store,
      verifierKey: testVerifierKey,
      auth: { ...auth, settings: { ...auth.settings, sessionAbsoluteMs: 48 * HOUR } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await longSessions?.close();
    await fixture?.cleanup();
  });

  const passwordLogin = (server: FastifyInstance) =>
    server.inject({
      method: 'POST',
      url: '/v1/auth/password',
      payload: {
        username: 'driver.jan',
        password: 'a long passphrase for jan',
        totp: driverTotp.generate({ timestamp: clock.now().getTime() }),
      },
    });
  const storedSession = (sessionId: string) =>
    fixture.store.identity.getSession(auth.security.tokens.hash(sessionId));

  it("ends with the session: Max-Age and Expires are the session's absolute expiry", async () => {
    const login = await passwordLogin(app);
    expect(login.statusCode).toBe(200);
    const cookie = sessionCookie(login);
    const session = await storedSession(cookie.value);
    expect(session?.expiresAt).toBe(new Date(clock.now().getTime() + 12 * HOUR).toISOString());
    expect(cookie.maxAge).toBe(12 * 60 * 60);
    expect(cookie.expires?.toISOString()).toBe(session?.expiresAt);
  });

  it('is renewed by a step-up only up to the expiry the session had from its sign-in', async () => {
    // Sofie enrols her passkey through her link and the operator confirms it, as the app registers one; then she
    // signs in.
    const passkey = softPasskey();
    expect((await enrolThroughLink(app, supLink, passkey)).statusCode).toBe(202);
    await confirmEnrolment(auth, 'sofie');
    const signedIn = await mintSession(auth, 'u-sup');
    const before = await storedSession(signedIn.cookie);

    clock.advance(5 * HOUR);
    const options = await app.inject({
      method: 'POST',
      url: '/v1/auth/step-up/options',
      cookies: signedIn.cookies,
      headers: signedIn.headers,
      payload: {},
    });
    expect(options.statusCode).toBe(200);
    const stepUp = await app.inject({
      method: 'POST',
      url: '/v1/auth/step-up/verify',
      cookies: signedIn.cookies,
      headers: signedIn.headers,
      payload: {
        challengeId: options.json().challengeId,
        response: passkey.assert(options.json().options),
      },
    });
    expect(stepUp.statusCode).toBe(200);
    const renewed = sessionCookie(stepUp);
    expect(renewed.value).not.toBe(signedIn.cookie);
    expect((await storedSession(renewed.value))?.expiresAt).toBe(before?.expiresAt);
    // 12 hours from the sign-in, 5 of them gone: the new cookie has 7 left, not another 12.
    expect(renewed.maxAge).toBe(7 * 60 * 60);
    expect(renewed.expires?.toISOString()).toBe(before?.expiresAt);
  });

  it('lives 12 hours at most, even where sessions are configured to last longer', async () => {
    clock.advance(30_000);
    const login = await passwordLogin(longSessions);
    expect(login.statusCode).toBe(200);
    const cookie = sessionCookie(login);
    expect(cookie.maxAge).toBe(SESSION_COOKIE_MAX_SECONDS);
    expect(cookie.expires?.getTime()).toBe(clock.now().getTime() + 12 * HOUR);
  });

  it('gets no lifetime at all for a session already past its expiry', () => {
    expect(
      sessionCookieLifetime({ issuedAt: '2026-11-26T20:00:01Z', expiresAt: '2026-11-26T20:00:00Z' }),
    ).toEqual({ maxAge: 0, expires: new Date('2026-11-26T20:00:01Z') });
  });
});
