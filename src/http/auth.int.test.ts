import type { FastifyInstance } from 'fastify';
import { Secret, TOTP, URI } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import { openTestLedger, type TestLedger, testVerifierKey } from '../../test/support/ledger.js';
import type { AuthDeps } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { buildServer } from './server.js';

/** A clock the test moves, so that TOTP steps and timeouts are exact. */
function movableClock(start: string) {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('password + TOTP sign-in, sessions and lockout (HTTP, SQLite)', () => {
  const clock = movableClock('2026-11-26T08:00:05Z');
  let fixture: TestLedger;
  let auth: AuthDeps;
  let app: FastifyInstance;
  let driverTotp: TOTP;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite', { clock });
    auth = testAuthDeps(fixture.ledger);
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
    await addUser(auth, {
      userId: 'u-planner',
      orgId: 'term',
      username: 'planner.ann',
      displayName: 'Ann Maes',
      roles: ['yard_planner'],
      issuedBy: 'test',
    });
    app = await buildServer({ reads: fixture.store, verifierKey: testVerifierKey, auth });
  });

  afterAll(async () => {
    await app.close();
    await fixture.cleanup();
  });

  const code = (totp: TOTP) => totp.generate({ timestamp: clock.now().getTime() });
  const login = (body: object) => app.inject({ method: 'POST', url: '/v1/auth/password', payload: body });
  const cookieOf = (response: { cookies: { name: string; value: string }[] }) =>
    response.cookies.find((c) => c.name === 'pl_session')?.value;

  it('refuses a role that needs no passkey only when the password and code are right, and signs it in then', async () => {
    const wrong = await login({ username: 'driver.jan', password: 'nope', totp: code(driverTotp) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'auth.credentials_invalid' });

    const ok = await login({
      username: 'Driver.Jan',
      password: 'a long passphrase for jan',
      totp: code(driverTotp),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ method: 'password_totp', passkeyRequired: false, stepUpUntil: null });
    const cookie = ok.cookies.find((c) => c.name === 'pl_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    const session = await app.inject({ url: '/v1/auth/session', cookies: { pl_session: cookie.value } });
    expect(session.json().user).toMatchObject({
      username: 'driver.jan',
      orgKind: 'haulier',
      roles: ['driver'],
    });
    // The console offers screens by the policy table's permissions, as the server reports them.
    expect(session.json().permissions).toContain('driver.jobs.read');
    expect(session.json().permissions).not.toContain('visit.move');
    expect(session.json().holdKinds).toEqual([]);
  });

  it('accepts each TOTP code once', async () => {
    clock.advance(30_000);
    const totp = code(driverTotp);
    expect(
      (await login({ username: 'driver.jan', password: 'a long passphrase for jan', totp })).statusCode,
    ).toBe(200);
    const again = await login({ username: 'driver.jan', password: 'a long passphrase for jan', totp });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('auth.credentials_invalid');
    const events = await fixture.store.readStream('auth-u-driver');
    expect(events.at(-1)).toMatchObject({ type: 'LoginFailed', data: { reason: 'totp_reused' } });
  });

  it('refuses password + TOTP for a yard planner, who has no password to steal', async () => {
    const response = await login({ username: 'planner.ann', password: 'whatever', totp: '123456' });
    expect(response.statusCode).toBe(401);
    // Even a credential planted in the store does not open the door: the role must use a passkey.
    await fixture.store.writeTransaction(async (tx) => {
      await tx.identity.putPasswordCredential({
        userId: 'u-planner',
        passwordHash: await auth.security.passwords.hash('stolen by a keylogger'),
        totpSecretSealed: auth.security.sealer.seal(new Uint8Array(20).fill(3)),
        totpLastStep: 0,
      });
    });
    const plannerTotp = new TOTP({ secret: new Secret({ buffer: new Uint8Array(20).fill(3).buffer }) });
    const refused = await login({
      username: 'planner.ann',
      password: 'stolen by a keylogger',
      totp: code(plannerTotp),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'auth.passkey_required' });
    expect(cookieOf(refused)).toBeUndefined();
    const events = await fixture.store.readStream('auth-u-planner');
    expect(events.at(-1)).toMatchObject({
      type: 'LoginRefused',
      data: { reason: 'passkey_required', credentialsValid: true },
    });
  });

  it('needs the CSRF token on state-changing requests, and logs out', async () => {
    clock.advance(30_000);
    const ok = await login({
      username: 'driver.jan',
      password: 'a long passphrase for jan',
      totp: code(driverTotp),
    });
    const sessionId = cookieOf(ok)!;
    const noToken = await app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      cookies: { pl_session: sessionId },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().code).toBe('auth.csrf');
    const out = await app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      cookies: { pl_session: sessionId },
      headers: { 'x-csrf-token': ok.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    const after = await app.inject({ url: '/v1/auth/session', cookies: { pl_session: sessionId } });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('auth.unauthenticated');
  });

  it('ends a session after 15 idle minutes', async () => {
    clock.advance(30_000);
    const ok = await login({
      username: 'driver.jan',
      password: 'a long passphrase for jan',
      totp: code(driverTotp),
    });
    const sessionId = cookieOf(ok)!;
    clock.advance(14 * 60_000);
    expect(
      (await app.inject({ url: '/v1/auth/session', cookies: { pl_session: sessionId } })).statusCode,
    ).toBe(200);
    clock.advance(15 * 60_000 + 1000);
    expect(
      (await app.inject({ url: '/v1/auth/session', cookies: { pl_session: sessionId } })).statusCode,
    ).toBe(401);
  });

  it('backs off, then locks the account at 20 wrong passwords in a row, and records the lockout', async () => {
    const before = (await fixture.store.readStream('auth-u-driver')).length;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const response = await login({ username: 'driver.jan', password: `guess ${attempt}`, totp: '000000' });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(response.headers['retry-after']).toBe(String(response.json().retryAfterSeconds));
        clock.advance(response.json().retryAfterSeconds * 1000);
        attempt -= 1;
      }
    }
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(423);
    const events = (await fixture.store.readStream('auth-u-driver')).slice(before);
    expect(events.filter((e) => e.type === 'LoginFailed' && e.data.reason === 'password_wrong')).toHaveLength(
      20,
    );
    expect(events.some((e) => e.type === 'AccountLockedOut')).toBe(true);
    const userEvents = await fixture.store.readStream('user-u-driver');
    expect(userEvents.at(-1)).toMatchObject({ type: 'AccountLocked', data: { reason: 'too_many_failures' } });
    clock.advance(30_000);
    const right = await login({
      username: 'driver.jan',
      password: 'a long passphrase for jan',
      totp: code(driverTotp),
    });
    expect(right.statusCode).toBe(423);
  });

  it('answers an unknown enrolment link with 410', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/enrolment/options',
      payload: { token: 'bogus' },
    });
    expect(response.statusCode).toBe(410);
    expect(response.json().code).toBe('auth.enrolment_link_invalid');
  });
});
