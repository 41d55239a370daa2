import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../app/errors.js';
import { ConcurrencyError } from '../app/ports.js';
import { AuditError } from '../audit/index.js';
import { DomainError } from '../domain/index.js';

/**
 * The one map from error codes to HTTP statuses. Codes not listed get their namespace's status; a code the
 * server does not know is a 500 and is logged.
 */
const statusByCode: Record<string, number> = {
  'visit.not_found': 404,
  'terminal.unknown': 422,
  'audit.checkpoint_missing': 404,
  // tlog-tiles: a tile the latest checkpoint does not cover, or a path that is not a tile's, is not there.
  'audit.tile_not_found': 404,
  'store.concurrency': 409,
  // A decision would have folded an entry no PortLedger process wrote (issue 13): the log cannot be trusted now.
  'integrity.entry_unauthenticated': 503,
  'integrity.entry_mismatch': 503,
  'request.invalid': 400,
  'route.not_found': 404,
  // Fastify's router and Node's HTTP parser refuse these before any route runs (see `fastifyCodes`).
  'request.url_malformed': 400,
  'request.path_parameter_too_long': 414,
  'request.malformed': 400,
  'request.timeout': 408,
  'request.headers_too_large': 431,
  'auth.unauthenticated': 401,
  'auth.csrf': 403,
  'auth.forbidden': 403,
  'auth.enrolment_link_invalid': 410,
  'auth.challenge_invalid': 400,
  'auth.passkey_invalid': 401,
  'auth.credentials_invalid': 401,
  'auth.passkey_required': 403,
  'auth.passkey_session_required': 403,
  'auth.throttled': 429,
  'auth.account_locked': 423,
  'auth.step_up_required': 403,
  'auth.last_passkey': 409,
  'auth.enrolment_not_allowed': 409,
  // A passkey from an enrolment link waits for a second person's confirmation (issue 10, row D).
  'auth.passkey_pending': 403,
  // WebAuthn §7.1 "Verify that the credentialId is not yet registered for any user": never again, never re-pointed.
  'auth.passkey_already_registered': 409,
  'enrolment.not_found': 404,
  'enrolment.not_pending': 409,
  'enrolment.self_confirmation': 403,
  'enrolment.ambiguous': 409,
  'enrolment.code_mismatch': 409,
  'enrolment.locked': 409,
  'user.self_confirmation': 403,
  'auth.user_unknown': 404,
  'auth.token_invalid': 401,
  'token.permission_not_allowed': 422,
  'token.not_found': 404,
  'subscription.not_found': 404,
  // A callback URL outside what the SSRF guard allows (issue 16): the request is understood, the target refused.
  'subscription.callback_refused': 422,
  'org.not_found': 404,
  'token.already_revoked': 409,
  'approval.not_found': 404,
  'approval.command_invalid': 400,
  'approval.not_permitted': 403,
  'approval.self_approval': 403,
  'approval.not_eligible': 403,
  'approval.wrong_organisation': 403,
  'approval.not_requester': 403,
  'user.command_invalid': 400,
  'user.not_found': 404,
  'access.invalid': 400,
  'release.not_found': 404,
  'release.command_invalid': 400,
  'release.validity_invalid': 422,
  // Not the caller's to do: another party holds, issued, sent or was offered the right.
  'release.not_line': 403,
  'release.not_holder': 403,
  'release.not_offered_party': 403,
  'release.not_sender': 403,
  'appointment.command_invalid': 400,
  'appointment.config_invalid': 400,
  'appointment.slot_invalid': 422,
  'appointment.not_holder': 403,
  'appointment.not_found': 404,
  'driver.not_found': 404,
  'driver.device_key_invalid': 400,
  'driver.device_not_found': 404,
  'driver.device_not_pending': 409,
  'driver.device_code_mismatch': 409,
  'driver.device_locked': 409,
  'driver.device_pending_exists': 409,
  'alert.not_found': 404,
  'alert.resolved': 409,
  'yard.terminal_not_found': 404,
  // A yard survey's file (issue 15): a bad row is the request's fault; the same file twice is a conflict.
  'yard.survey_invalid': 400,
  'yard.survey_duplicate': 409,
  'yard.survey_implausible': 422,
  // An interchange (issue 17): unreadable is the request's fault; a sender or a message we refuse is unprocessable.
  'edi.syntax_invalid': 400,
  'edi.sender_unknown': 422,
  'edi.interchange_refused': 422,
  'edi.interchange_not_found': 404,
  'gate.input_invalid': 400,
  // A flood at the gate (issue 10, row G): sent with Retry-After.
  'gate.rate_limited': 429,
  // One person's console opens a live stream of their work queues per tab (issue 14); more is a runaway client.
  'queues.too_many_streams': 429,
  // `GET /metrics` refused (issue 16): no or a wrong PORTLEDGER_METRICS_TOKEN, or an address outside PORTLEDGER_METRICS_ALLOW.
  'metrics.token_invalid': 401,
  'metrics.address_not_allowed': 403,
};

const statusByNamespace: Record<string, number> = {
  container: 422,
  visit: 409,
  yard: 409,
  hold: 409,
  audit: 400,
  input: 400,
  auth: 401,
  // Pending, expired, already held or already applied: the state forbids it now.
  approval: 409,
  user: 409,
  access: 422,
  token: 422,
  // Already issued, blocked, revoked, an offer pending…: the state of the right forbids it now.
  release: 409,
  // Full, already booked, approval needed: the state forbids it now.
  appointment: 409,
  gate: 409,
};

export function statusOfCode(code: string): number {
  return statusByCode[code] ?? statusByNamespace[code.split('.')[0] ?? ''] ?? 500;
}

/** RFC 9457 problem details, with our stable error code as an extension member. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

/**
 * Fastify's router errors under codes of ours, with details that do not echo the path back (it may be long, and it
 * is the caller's own input). Fastify calls `frameworkErrors` with these before any hook or route runs.
 */
const fastifyCodes: Record<string, { code: string; detail: string }> = {
  FST_ERR_BAD_URL: {
    code: 'request.url_malformed',
    detail: 'the URL path is not valid percent-encoding (RFC 3986 §2.1)',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'request.path_parameter_too_long',
    detail: 'a path parameter is longer than the server accepts',
  },
};

/** Fastify's own request errors: schema validation, a malformed body, a body too large. */
function isClientError(error: unknown): error is FastifyError {
  const candidate = error as Partial<FastifyError> | undefined;
  return (
    Boolean(candidate?.validation) ||
    (typeof candidate?.statusCode === 'number' && candidate.statusCode < 500)
  );
}

export function problemOf(error: unknown): { problem: Problem; known: boolean } {
  let code = 'internal';
  let detail = 'internal error';
  let extra: Record<string, unknown> = {};
  let known = true;
  if (error instanceof DomainError || error instanceof AppError) {
    code = error.code;
    detail = error.message;
    extra = { details: error.details };
    // A throttled client is told when to come back, as an extension member and as Retry-After.
    if (typeof error.details.retryAfterSeconds === 'number')
      extra.retryAfterSeconds = error.details.retryAfterSeconds;
  } else if (error instanceof AuditError) {
    code = error.code;
    detail = error.message;
  } else if (error instanceof ConcurrencyError) {
    code = error.code;
    detail = 'the record changed meanwhile; retry';
  } else if (isClientError(error)) {
    const mapped = fastifyCodes[error.code];
    code = mapped?.code ?? 'request.invalid';
    detail = mapped?.detail ?? error.message;
  } else {
    known = false;
  }
  const status = isClientError(error) ? (error.statusCode ?? 400) : statusOfCode(code);
  return {
    problem: {
      type: `https://portledger.dev/problems/${code}`,
      title: code,
      status,
      detail,
      code,
      ...extra,
    },
    known,
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): FastifyReply {
  if (typeof problem.retryAfterSeconds === 'number')
    reply.header('retry-after', String(problem.retryAfterSeconds));
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ ...problem, instance: request.url });
}

const MALFORMED_REQUEST = {
  code: 'request.malformed',
  reason: 'Bad Request',
  detail: 'the request is not well-formed HTTP/1.1',
};
const clientErrors: Record<string, typeof MALFORMED_REQUEST> = {
  HPE_HEADER_OVERFLOW: {
    code: 'request.headers_too_large',
    reason: 'Request Header Fields Too Large',
    detail: 'the request headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'request.timeout',
    reason: 'Request Timeout',
    detail: 'the request did not arrive in time',
  },
};

/**
 * The raw HTTP/1.1 response for a connection Node's parser refused (malformed request line or headers, headers too
 * large, a request too slow): no route ran, so it is written to the socket as problem details, then the connection
 * is closed. Node's own codes name the cause (https://nodejs.org/api/http.html#event-clienterror).
 */
export function clientErrorResponse(error: { code?: string }): string {
  const { code, reason, detail } = clientErrors[error.code ?? ''] ?? MALFORMED_REQUEST;
  const status = statusOfCode(code);
  const problem: Problem = {
    type: `https://portledger.dev/problems/${code}`,
    title: code,
    status,
    detail,
    code,
  };
  const body = JSON.stringify(problem);
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
