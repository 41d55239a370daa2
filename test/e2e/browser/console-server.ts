/**
 * The server the browser tests talk to: the real `buildServer` on a temp SQLite ledger, listening on
 * `http://localhost:PORT` (WebAuthn refuses IP addresses as relying party).
 *
 * When the identity routes land (issue 3), `buildServer` will need the identity services: wire them here, and fill
 * in `createEnrolledUserLink` and `createPasswordUser` below. The passkey tests start running by themselves then.
 */
import { type AddressInfo, createServer } from 'node:net';
import { addOrganisation, addUser } from '../../../src/app/admin.usecases.js';
import { URI } from 'otpauth';
import { testAuthDeps } from '../../support/auth.js';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/http/server.js';
import { openTestLedger, type TestLedger, testVerifierKey } from '../../support/ledger.js';

export interface ConsoleServer {
  readonly app: FastifyInstance;
  readonly fixture: TestLedger;
  /** `http://localhost:PORT`, without a trailing slash. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function startConsoleServer(): Promise<ConsoleServer> {
  const fixture = await openTestLedger('sqlite');
  const port = await new Promise<number>((done) => { const s = createServer(); s.listen(0, 'localhost', () => { const p = (s.address() as AddressInfo).port; s.close(() => done(p)); }); });
  const auth = testAuthDeps(fixture.ledger, `http://localhost:${port}`);
  (globalThis as any).__auth = auth;
  const app = await buildServer({ reads: fixture.store, verifierKey: testVerifierKey, auth });
  await app.listen({ host: 'localhost', port });
  return {
    app,
    fixture,
    baseUrl: `http://localhost:${port}`,
    async close() {
      await app.close();
      await fixture.cleanup();
    },
  };
}

/** Whether the server offers a route yet: an unknown route answers 404 `route.not_found`. */
export async function serverOffers(
  server: ConsoleServer,
  method: 'GET' | 'POST',
  url: string,
): Promise<boolean> {
  const response = await server.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
  return !(response.statusCode === 404 && response.json().code === 'route.not_found');
}

export interface EnrolmentLink {
  /** The one-time token of `/enrol#token=…`. */
  readonly token: string;
  readonly username: string;
  readonly displayName: string;
  readonly orgName: string;
}

/**
 * TO BE FILLED BY THE SERVER SIDE (issue 3): create an organisation and a user holding `role`, issue the user's
 * one-time enrolment link (as `portledger user add` does), and return its token. Until then it returns `undefined`
 * and the passkey browser test skips.
 */
export async function createEnrolledUserLink(
  _server: ConsoleServer,
  _user: { role: string; username: string; displayName: string },
): Promise<EnrolmentLink | undefined> {
  const auth = (globalThis as any).__auth;
  await addOrganisation(auth, { orgId: 'term', kind: 'terminal_operator', name: 'North Quay', code: 'NQT', terminals: ['T1'] }).catch(() => {});
  const added = await addUser(auth, { userId: 'u-' + _user.username, orgId: 'term', username: _user.username, displayName: _user.displayName, roles: [_user.role], issuedBy: 'test' });
  return { token: added.enrolmentToken, username: _user.username, displayName: _user.displayName, orgName: 'North Quay' };
}

export interface PasswordUser {
  readonly username: string;
  readonly password: string;
  /** The base32 TOTP secret, to compute the current code (otpauth). */
  readonly totpSecret: string;
}

/**
 * TO BE FILLED BY THE SERVER SIDE (issue 3): create a user holding `role` with a password and an enrolled TOTP
 * secret. Until then it returns `undefined` and the password + TOTP browser test skips.
 */
export async function createPasswordUser(
  _server: ConsoleServer,
  _user: { role: string; username: string; displayName: string },
): Promise<PasswordUser | undefined> {
  const auth = (globalThis as any).__auth;
  await addOrganisation(auth, { orgId: 'term', kind: 'terminal_operator', name: 'North Quay', code: 'NQT', terminals: ['T1'] }).catch(() => {});
  const added = await addUser(auth, { userId: 'u-' + _user.username, orgId: 'term', username: _user.username, displayName: _user.displayName, roles: [_user.role], issuedBy: 'test', withPassword: { password: 'a long passphrase for pat' } });
  return { username: _user.username, password: 'a long passphrase for pat', totpSecret: (URI.parse(added.totpUri!) as any).secret.base32 };
}
