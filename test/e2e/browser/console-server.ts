/**
 * The server the browser tests talk to: the real `buildServer` on a temp SQLite ledger, listening on
 * `http://localhost:PORT` (WebAuthn refuses IP addresses as relying party).
 *
 * When the identity routes land (issue 3), `buildServer` will need the identity services: wire them here, and fill
 * in `createEnrolledUserLink` and `createPasswordUser` below. The passkey tests start running by themselves then.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Secret } from 'otpauth';
import type { AuthDeps } from '../../../src/app/access/index.js';
import { addOrganisation, addUser } from '../../../src/app/access/index.js';
import { pickupDepsFor } from '../../../src/app/appointments/index.js';
import type { WitnessConfig, WitnessSubmitter } from '../../../src/app/audit/index.js';
import type { Clock } from '../../../src/app/ports.js';
import type { TerminalLayouts } from '../../../src/app/visits/index.js';
import { startLogWitnesses } from '../../../src/cli/witnesses.js';
import { buildServer } from '../../../src/http/server.js';
import { testAuthDeps } from '../../support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testSlots,
  testTerminals,
  testVerifierKey,
} from '../../support/ledger.js';

export interface ConsoleServer {
  readonly app: FastifyInstance;
  readonly fixture: TestLedger;
  readonly auth: AuthDeps;
  /** `http://localhost:PORT`, without a trailing slash. */
  readonly baseUrl: string;
  /** The log's witnesses, when the server was started with some. */
  readonly witnesses?: WitnessSubmitter;
  close(): Promise<void>;
}

/**
 * `terminals`: the yards the port runs (default: the demo terminal T1); `clock`: the server's time (default: real);
 * `witnesses`: starts the witnesses the log asks for cosignatures (all of them must cosign).
 */
export async function startConsoleServer(
  options: {
    terminals?: TerminalLayouts;
    clock?: Clock;
    witnesses?: () => Promise<readonly WitnessConfig[]>;
  } = {},
): Promise<ConsoleServer> {
  const fixture = await openTestLedger('sqlite', options.clock ? { clock: options.clock } : {});
  const witnessList = options.witnesses ? await options.witnesses() : [];
  const witnesses = startLogWitnesses({
    store: fixture.store,
    ledger: fixture.ledger,
    witnesses: witnessList,
    quorum: witnessList.length,
    maxLagMs: 600_000,
  });
  // The relying party's origin carries the port, which is known only after listening: bind first, then build the
  // identity services for that origin and hand requests to the app.
  const probe = await buildServer({ reads: fixture.store, verifierKey: testVerifierKey });
  await probe.listen({ host: 'localhost', port: 0 });
  const { port } = probe.server.address() as AddressInfo;
  await probe.close();
  const baseUrl = `http://localhost:${port}`;
  const auth = testAuthDeps(fixture.ledger, baseUrl);
  const app = await buildServer({
    reads: fixture.store,
    verifierKey: testVerifierKey,
    auth,
    terminals: options.terminals ?? testTerminals,
    pickup: pickupDepsFor({ signer: auth.ledger.log.signer, slots: testSlots }),
    publicUrl: baseUrl,
    cosignatures: fixture.store.cosignatures,
    witnesses,
  });
  await app.listen({ host: 'localhost', port });
  await addOrganisation(auth, {
    orgId: 'nqt',
    kind: 'terminal_operator',
    name: 'North Quay Terminal',
    code: 'NQT',
    terminals: ['T1'],
  });
  return {
    app,
    fixture,
    auth,
    baseUrl,
    witnesses,
    async close() {
      witnesses?.stop();
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
  server: ConsoleServer,
  user: { role: string; username: string; displayName: string },
): Promise<EnrolmentLink | undefined> {
  const added = await addUser(server.auth, {
    userId: user.username,
    orgId: 'nqt',
    username: user.username,
    displayName: user.displayName,
    roles: [user.role],
    issuedBy: 'test',
  });
  return {
    token: added.enrolmentToken,
    username: user.username,
    displayName: user.displayName,
    orgName: 'North Quay Terminal',
  };
}

export interface PasswordUser {
  readonly username: string;
  readonly password: string;
  /** The base32 TOTP secret, to compute the current code (otpauth). */
  readonly totpSecret: string;
}

/**
 * TO BE FILLED BY THE SERVER SIDE (issue 3): a user holding `role` who has a password and an enrolled TOTP secret
 * (for a passkey-only role such as yard_planner, e.g. one given that role after the password was set). Until then it returns `undefined` and the password + TOTP browser test skips.
 */
export async function createPasswordUser(
  server: ConsoleServer,
  user: { role: string; username: string; displayName: string },
): Promise<PasswordUser | undefined> {
  await addUser(server.auth, {
    userId: user.username,
    orgId: 'nqt',
    username: user.username,
    displayName: user.displayName,
    roles: [user.role],
    issuedBy: 'test',
  });
  // PortLedger never gives a passkey-only role a password; plant one in the store, as a rogue administrator or a
  // legacy import might, to show the sign-in refuses it anyway.
  const password = 'stolen from a keylogger';
  const secret = new Secret({ size: 20 });
  await server.fixture.store.writeTransaction(async (tx) => {
    await tx.identity.putPasswordCredential({
      userId: user.username,
      passwordHash: await server.auth.security.passwords.hash(password),
      totpSecretSealed: server.auth.security.sealer.seal(new Uint8Array(secret.buffer)),
      totpLastStep: 0,
    });
  });
  return { username: user.username, password, totpSecret: secret.base32 };
}
