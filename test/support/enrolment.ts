import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../src/app/access/index.js';
import { decideEnrolmentAsOperator, type EnrolmentView, enrolmentCode } from '../../src/app/access/index.js';
import { seedDemoIdentities } from '../../src/demo/demo-identities.js';
import type { IntegrityStatus } from '../../src/http/health.routes.js';
import { buildServer } from '../../src/http/server.js';
import { testAuthDeps } from './auth.js';
import { openTestLedger, type StoreKind, type TestLedger, testTerminals, testVerifierKey } from './ledger.js';
import type { SoftPasskey } from './soft-authenticator.js';

/**
 * The confirmation code of `username`'s newest pending passkey, computed from its stored credential id and public
 * key exactly as the enrolment page's code is (`enrolmentCode`): what the person would read out to their confirmer.
 */
export async function pendingCodeOf(auth: AuthDeps, username: string): Promise<string> {
  const identity = auth.ledger.store.identity;
  const person = await identity.findUserByUsername(username.trim().toLowerCase());
  const pending = person ? await identity.listEnrolments({ userId: person.userId, status: 'pending' }) : [];
  for (const enrolment of pending.reverse()) {
    const passkey = await identity.getPasskey(enrolment.credentialId);
    if (passkey) return enrolmentCode(passkey);
  }
  throw new Error(`${username} has no passkey waiting for confirmation`);
}

/**
 * Confirms the person's pending enrolment as the operator at the machine does (`portledger enrolment confirm
 * --code … --by-operator`), through the real use case: a passkey registered through an enrolment link signs in only
 * once someone confirms it with the code its holder was shown (issue 10, row D). The code is `code` (as the verify
 * answer carried it), else the one of the person's newest pending passkey. For tests whose subject is not the
 * confirmation itself.
 */
export async function confirmEnrolment(
  auth: AuthDeps,
  username: string,
  code?: string,
): Promise<EnrolmentView> {
  return decideEnrolmentAsOperator(auth, {
    username,
    decision: 'confirm',
    code: code ?? (await pendingCodeOf(auth, username)),
    operator: 'test-support',
  });
}

/**
 * Registers `passkey` through the enrolment link `token` with the real routes, as a browser would, and returns the
 * server's answer: 202 with the pending enrolment when the link was good.
 */
export async function enrolThroughLink(
  app: FastifyInstance,
  token: string,
  passkey: SoftPasskey,
  headers: Record<string, string> = {},
) {
  const options = await app.inject({
    method: 'POST',
    url: '/v1/auth/enrolment/options',
    payload: { token },
    headers,
  });
  if (options.statusCode !== 200) return options;
  return app.inject({
    method: 'POST',
    url: '/v1/auth/enrolment/verify',
    payload: {
      token,
      challengeId: options.json().challengeId,
      response: passkey.register(options.json().options),
    },
    headers,
  });
}

/**
 * Signs in with `passkey` through the real routes, as a browser would: the options, then the assertion for
 * `userId`. Returns the server's answer (200 with the session cookie when the passkey signs in).
 */
export async function passkeyLogin(app: FastifyInstance, passkey: SoftPasskey, userId: string) {
  const options = await app.inject({ method: 'POST', url: '/v1/auth/passkey/options', payload: {} });
  return app.inject({
    method: 'POST',
    url: '/v1/auth/passkey/verify',
    payload: {
      challengeId: options.json().challengeId,
      response: passkey.assert(options.json().options, userId),
    },
  });
}

/**
 * The demo port's people behind a fresh server on `kind`, each with the unused enrolment link the secrets file
 * gives the gang (by user id): the setting of the tests that replay an outside attacker's identity attacks.
 */
export async function demoPeopleServer(
  kind: StoreKind,
  /** The integrity watch's last result, as the server reads it (a rollback or fork, say). */
  integrity?: IntegrityStatus,
): Promise<{
  fixture: TestLedger;
  auth: AuthDeps;
  app: FastifyInstance;
  links: Map<string, string>;
}> {
  const fixture = await openTestLedger(kind);
  const auth = testAuthDeps(fixture.ledger);
  const links = new Map<string, string>();
  for (const person of await seedDemoIdentities(auth, () => 'a demo password nobody types'))
    links.set(person.user.userId, person.enrolmentToken);
  const app = await buildServer({
    reads: fixture.store,
    verifierKey: testVerifierKey,
    auth,
    terminals: testTerminals,
    ...(integrity ? { integrity } : {}),
  });
  return { fixture, auth, app, links };
}
