import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../../src/app/auth.usecases.js';
import { decideEnrolmentAsOperator, type EnrolmentView } from '../../src/app/enrolments.usecases.js';
import type { SoftPasskey } from './soft-authenticator.js';

/**
 * Confirms the person's pending enrolment as the operator at the machine does (`portledger enrolment confirm
 * --by-operator`), through the real use case: a passkey registered through an enrolment link signs in only once
 * someone confirms it (issue 10, row D). For tests whose subject is not the confirmation itself.
 */
export async function confirmEnrolment(auth: AuthDeps, username: string): Promise<EnrolmentView> {
  return decideEnrolmentAsOperator(auth, { username, decision: 'confirm', operator: 'test-support' });
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
