/**
 * The console's one way to the server (docs/auth-api.md): same-origin requests with the session cookie, the CSRF
 * token on every state-changing request, and RFC 9457 problems turned into `ApiError`s with a stable `code`.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';

export type SignInMethod = 'passkey' | 'password_totp';

export interface SessionUser {
  userId: string;
  username: string;
  displayName: string;
  orgId: string;
  orgName: string;
  orgKind: string;
  roles: string[];
}

/** The answer of `GET /v1/auth/session`, and of every route that signs someone in. */
export interface Session {
  user: SessionUser;
  csrfToken: string;
  method: SignInMethod;
  stepUpUntil: string | null;
  passkeyRequired: boolean;
  /** The policy table's permissions this person holds (the server enforces them on every route). */
  permissions?: string[];
  /** The kinds of hold this person places and lifts, from the server's hold policy. */
  holdKinds?: string[];
}

export interface Passkey {
  credentialId: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** `pending`: registered through an enrolment link and waiting for a confirmer; it signs nobody in yet. */
  status: 'pending' | 'active';
}

export interface RegistrationChallenge {
  challengeId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
}

export interface AuthenticationChallenge {
  challengeId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

export interface EnrolmentChallenge extends RegistrationChallenge {
  user: { username: string; displayName: string; orgName: string };
}

/** A passkey registered through a link: it waits for a confirmer, and signs nobody in meanwhile (issue 10, row D). */
export interface EnrolmentPending {
  status: 'pending';
  enrolmentId: string;
  user: { username: string; displayName: string; orgName: string };
  /** Who may confirm it, in words. */
  confirmers: string;
  registeredAt: string;
  /** The code (`XXXX-XXXX`) the person reads out to their confirmer, who types it to confirm. Shown only here. */
  confirmationCode: string;
}

/** A passkey waiting for the confirmer, with what they check: the device, the time, the network. */
export interface PendingEnrolment {
  enrolmentId: string;
  status: 'pending' | 'confirmed' | 'rejected';
  person: { userId: string; username: string; displayName: string; orgName: string; roles: string[] };
  registeredAt: string;
  ip: string;
  device: { userAgent: string; aaguid: string; authenticator: string | null };
  otherEnrolments: number;
  /** Wrong confirmation codes typed for it so far; once `locked` (five), it can only be rejected. */
  wrongCodes: number;
  locked: boolean;
}

/** An RFC 9457 problem, or a failure that never reached the server, as one error type. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly problem: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, problem: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.problem = problem;
  }

  /** Seconds to wait, when the server throttles (`auth.throttled`). */
  get retryAfterSeconds(): number | undefined {
    const value = this.problem.retryAfterSeconds;
    return typeof value === 'number' ? value : undefined;
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** Whether the error says the action needs a fresh passkey confirmation (step-up). */
export function needsStepUp(error: unknown): boolean {
  return error instanceof ApiError && /step_?up/i.test(error.code);
}

let csrfToken: string | undefined;

/** Remembers the CSRF token of a session answer, and returns the answer. */
function remember(session: Session): Session {
  csrfToken = session.csrfToken;
  return session;
}

export function forgetSession(): void {
  csrfToken = undefined;
}

const genericDetail: Record<number, string> = {
  400: 'The server could not understand the request.',
  401: 'You are not signed in.',
  403: 'You are not allowed to do this.',
  404: 'The server does not offer this yet.',
  429: 'Too many attempts. Wait a moment and try again.',
  500: 'The server ran into a problem. Try again, and tell IT support if it keeps happening.',
  502: 'The server cannot be reached right now.',
  503: 'The server is not available right now.',
};

async function problemFrom(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Record<string, unknown>;
      const code = typeof body.code === 'string' ? body.code : `http.${response.status}`;
      const detail =
        typeof body.detail === 'string' && body.detail !== ''
          ? body.detail
          : typeof body.title === 'string'
            ? body.title
            : (genericDetail[response.status] ?? `The server answered ${response.status}.`);
      return new ApiError(response.status, code, detail, body);
    } catch {
      // not JSON after all: fall through
    }
  }
  return new ApiError(
    response.status,
    `http.${response.status}`,
    genericDetail[response.status] ?? `The server answered ${response.status}.`,
  );
}

interface RequestOptions {
  body?: unknown;
  /** A body sent as it is, with its media type (a survey's CSV file), instead of JSON. */
  text?: { readonly body: string; readonly type: string };
  /** Retry once with a fresh CSRF token when the server refuses the one sent (set internally). */
  retried?: boolean;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const changesState = method !== 'GET' && method !== 'HEAD';
  if (changesState && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.text !== undefined) headers['content-type'] = options.text.type;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.text !== undefined ? { body: options.text.body } : {}),
    });
  } catch {
    // The sentence people read comes from the catalogue (errors.ts); this detail is for logs and English only.
    throw new ApiError(
      0,
      'network.unreachable',
      'Cannot reach the PortLedger server. Check the network connection and try again.',
    );
  }
  if (!response.ok) {
    const error = await problemFrom(response);
    // The page may have been open across a new sign-in: fetch the current token and try once more.
    if (changesState && error.code === 'auth.csrf' && !options.retried) {
      csrfToken = undefined;
      await api.session().catch(() => undefined);
      if (csrfToken) return request<T>(method, path, { ...options, retried: true });
    }
    if (error.code === 'auth.unauthenticated') forgetSession();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

/** A GET of any JSON API route, with the same error handling as every other call. */
export function apiGet<T>(path: string): Promise<T> {
  return request<T>('GET', path);
}

/** Routes that need a session need its CSRF token first: a page loaded fresh has not seen it yet. */
async function withCsrf(): Promise<void> {
  if (!csrfToken) await api.session();
}

/** A POST of any JSON API route, with the CSRF token (fetched first on a fresh page) and the same error handling. */
export async function apiPost<T>(path: string, body: unknown = {}): Promise<T> {
  await withCsrf();
  return request<T>('POST', path, { body });
}

/** A POST of a text body as it is (`type`: its media type, e.g. `text/csv`), with the CSRF token; JSON answered. */
export async function apiPostText<T>(path: string, text: string, type: string): Promise<T> {
  await withCsrf();
  return request<T>('POST', path, { text: { body: text, type } });
}

/** A PUT of any JSON API route (a whole list replaced, say), with the CSRF token and the same error handling. */
export async function apiPut<T>(path: string, body: unknown): Promise<T> {
  await withCsrf();
  return request<T>('PUT', path, { body });
}

/** A DELETE of any JSON API route, with the CSRF token and the same error handling. */
export async function apiDelete<T>(path: string): Promise<T> {
  await withCsrf();
  return request<T>('DELETE', path);
}

export const api = {
  async session(): Promise<Session> {
    return remember(await request<Session>('GET', '/v1/auth/session'));
  },

  async logout(): Promise<void> {
    await withCsrf().catch(() => undefined);
    try {
      await request<void>('POST', '/v1/auth/logout');
    } finally {
      forgetSession();
    }
  },

  enrolmentOptions(token: string): Promise<EnrolmentChallenge> {
    return request('POST', '/v1/auth/enrolment/options', { body: { token } });
  },

  async enrolmentVerify(input: {
    token: string;
    challengeId: string;
    response: RegistrationResponseJSON;
    label?: string;
  }): Promise<EnrolmentPending> {
    return request<EnrolmentPending>('POST', '/v1/auth/enrolment/verify', { body: input });
  },

  async pendingEnrolments(): Promise<PendingEnrolment[]> {
    return (await apiGet<{ enrolments: PendingEnrolment[] }>('/v1/enrolments?status=pending')).enrolments;
  },

  /** Confirms (with the code the person reads out) or rejects a pending passkey. */
  decideEnrolment(
    enrolmentId: string,
    decision: { decision: 'confirm'; code: string } | { decision: 'reject' },
  ): Promise<PendingEnrolment> {
    return apiPost(
      `/v1/enrolments/${encodeURIComponent(enrolmentId)}/${decision.decision}`,
      decision.decision === 'confirm' ? { code: decision.code } : {},
    );
  },

  passkeyOptions(): Promise<AuthenticationChallenge> {
    return request('POST', '/v1/auth/passkey/options', { body: {} });
  },

  async passkeyVerify(input: {
    challengeId: string;
    response: AuthenticationResponseJSON;
  }): Promise<Session> {
    return remember(await request<Session>('POST', '/v1/auth/passkey/verify', { body: input }));
  },

  async passwordLogin(input: { username: string; password: string; totp: string }): Promise<Session> {
    return remember(await request<Session>('POST', '/v1/auth/password', { body: input }));
  },

  async stepUpOptions(): Promise<AuthenticationChallenge> {
    await withCsrf();
    return request('POST', '/v1/auth/step-up/options', { body: {} });
  },

  async stepUpVerify(input: { challengeId: string; response: AuthenticationResponseJSON }): Promise<Session> {
    await withCsrf();
    return remember(await request<Session>('POST', '/v1/auth/step-up/verify', { body: input }));
  },

  async listPasskeys(): Promise<Passkey[]> {
    return (await request<{ passkeys: Passkey[] }>('GET', '/v1/me/passkeys')).passkeys;
  },

  async addPasskeyOptions(): Promise<RegistrationChallenge> {
    await withCsrf();
    return request('POST', '/v1/me/passkeys/options', { body: {} });
  },

  async addPasskeyVerify(input: {
    challengeId: string;
    response: RegistrationResponseJSON;
    label: string;
  }): Promise<Passkey> {
    await withCsrf();
    return request('POST', '/v1/me/passkeys/verify', { body: input });
  },

  async removePasskey(credentialId: string): Promise<void> {
    await withCsrf();
    await request<void>('DELETE', `/v1/me/passkeys/${encodeURIComponent(credentialId)}`);
  },
};
