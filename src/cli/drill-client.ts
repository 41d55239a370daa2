/**
 * What every step of `portledger drill` shares: an HTTP client that reaches the server as any outsider would, the
 * demo secrets file as the gang would hold it, sign-in with a keylogged password + TOTP, and the alert inbox as the
 * port's investigators read it (to tell a step that was detected from one that was merely refused).
 */
import { URI } from 'otpauth';

export type Outcome = 'blocked' | 'detected' | 'succeeded';

export interface DrillStep {
  name: string;
  outcome: Outcome;
  how: string;
  evidence: string[];
}

export interface SecretsUser {
  username: string;
  roles: string[];
  password?: string;
  totpUri?: string;
  enrolmentLink?: string;
}

/** A pickup as the haulier handed it to its driver: what the gang copied, like the PINs they copied. */
export interface SecretsPickup {
  visitRef: string;
  containerNumber: string;
  slot: string;
  slotStart?: string;
  windowStart?: string;
  windowEnd?: string;
  driverBadge: string;
  truckPlate: string;
  credentialId?: string;
  credential: string;
}

export interface Secrets {
  /** The console's public URL: the origin a passkey ceremony is bound to (WebAuthn §5.8.1 `origin`). */
  url?: string;
  users: SecretsUser[];
  gateKiosk?: { token: string };
  pickups?: SecretsPickup[];
}

export interface Session {
  username: string;
  cookie: string;
  csrf: string;
}

export type Answer = { status: number; body: Record<string, unknown> };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Client {
  constructor(readonly base: string) {}
  async call(
    method: string,
    path: string,
    options: { session?: Session; bearer?: string; body?: unknown } = {},
  ): Promise<{
    status: number;
    body: Record<string, unknown>;
    setCookie: string | null;
    contentType: string;
  }> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.session) {
      headers.cookie = options.session.cookie;
      headers['x-csrf-token'] = options.session.csrf;
    }
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    const response = await fetch(new URL(path, this.base), {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed = text ? (JSON.parse(text) as unknown) : {};
      body =
        parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : { value: parsed };
    } catch {
      body = { text: text.slice(0, 200) };
    }
    return {
      status: response.status,
      body,
      setCookie: response.headers.get('set-cookie'),
      contentType: response.headers.get('content-type') ?? '',
    };
  }
}

/** The problem code of an answer, with a leading space, or nothing. */
export const code = (body: Record<string, unknown>) => (typeof body.code === 'string' ? ` ${body.code}` : '');

/**
 * A step that met a server error instead of an answer: a crash is no refusal, and the drill cannot tell whether
 * the attack went through, so the step counts against the port until the server answers.
 */
export function serverFailed(
  name: string,
  answers: readonly { status: number; body: Record<string, unknown> }[],
  evidence: string[],
): DrillStep | undefined {
  const failed = answers.find((answer) => answer.status >= 500);
  if (!failed) return undefined;
  return {
    name,
    outcome: 'succeeded',
    how: `the server failed (HTTP ${failed.status}${code(failed.body)}) instead of answering: a crash is no refusal, and the drill cannot vouch for this step`,
    evidence,
  };
}

export const refused = (status: number) =>
  status === 401 || status === 403 || status === 404 || status === 405;

/** The session a successful sign-in answer opened, from its cookie and CSRF token. */
export function sessionFrom(
  username: string,
  answer: { body: Record<string, unknown>; setCookie: string | null },
): Session | undefined {
  if (!answer.setCookie) return undefined;
  return { username, cookie: answer.setCookie.split(';')[0]!, csrf: String(answer.body.csrfToken ?? '') };
}

/** Logs in with a keylogged password and a TOTP code computed from the keylogged seed (or a guessed one). */
export async function passwordLogin(
  client: Client,
  user: SecretsUser,
  fallbackPassword: string,
): Promise<{ session?: Session; line: string }> {
  const password = user.password ?? fallbackPassword;
  const attempt = () =>
    client.call('POST', '/v1/auth/password', {
      body: {
        username: user.username,
        password,
        totp: user.totpUri ? URI.parse(user.totpUri).generate() : '000000',
      },
    });
  let answer = await attempt();
  if (answer.status === 401 && user.totpUri) {
    // A TOTP code works once: a code already used in this 30-second step is refused. Keylog the next one.
    await sleep(30_000 - (Date.now() % 30_000) + 500);
    answer = await attempt();
  }
  const source = user.password
    ? 'its keylogged password + TOTP'
    : "no password of its own (tried another's + a code)";
  const session = answer.status === 200 ? sessionFrom(user.username, answer) : undefined;
  if (!session) {
    return {
      line: `${user.username} (${user.roles.join(',')}) with ${source}: HTTP ${answer.status}${code(answer.body)}`,
    };
  }
  return {
    session,
    line: `${user.username} (${user.roles.join(',')}) with ${source}: HTTP 200, signed in (a role that may use a password by design)`,
  };
}

export interface AlertSeen {
  alertId: string;
  rule: string;
  severity: string;
  summary: string;
  subject?: { kind: string; id: string };
  evidence: { label?: string; index: number | null }[];
  [field: string]: unknown;
}

/** The unresolved alerts an investigator sees on the alert console, newest first (one page of up to 200). */
export async function unresolvedAlerts(client: Client, investigator: Session): Promise<AlertSeen[]> {
  const listed = await client.call('GET', '/v1/alerts?status=unresolved&limit=200', {
    session: investigator,
  });
  return (listed.body.alerts as AlertSeen[] | undefined) ?? [];
}

/** Where the alert inbox stood: its newest alert, and each listed alert's count (for alerts that group). */
export interface AlertMark {
  readonly newest: number;
  readonly counts: ReadonlyMap<string, number>;
}

/** How many refusals an alert groups (`occurrences` on the alert console; 1 for an alert that does not group). */
export const countOf = (alert: AlertSeen) => (typeof alert.occurrences === 'number' ? alert.occurrences : 1);

/** Who reads the alert inbox: the drill's stolen investigator session (read-only by design). */
export interface AlertReader {
  readonly client: Client;
  readonly investigator: Session | undefined;
}

export async function alertMark(ctx: AlertReader): Promise<AlertMark> {
  const alerts = ctx.investigator ? await unresolvedAlerts(ctx.client, ctx.investigator) : [];
  return {
    newest: Math.max(-1, ...alerts.map((a) => Number(a.alertId))),
    counts: new Map(alerts.map((a) => [a.alertId, countOf(a)])),
  };
}

/**
 * The alerts raised, or grown, since `mark`, newest first: new alerts, and grouped alerts whose count rose (a
 * grouped alert may have been opened by an earlier step's refusal and count this one's).
 */
export async function alertsSince(ctx: AlertReader, mark: AlertMark): Promise<AlertSeen[]> {
  if (!ctx.investigator) return [];
  return (await unresolvedAlerts(ctx.client, ctx.investigator)).filter((alert) => {
    const before = mark.counts.get(alert.alertId);
    return Number(alert.alertId) > mark.newest || (before !== undefined && countOf(alert) > before);
  });
}

/** An alert the gate raised (a refusal, a printed pass), not one another step's tampering raised meanwhile. */
export const isGateAlert = (alert: AlertSeen) => alert.rule.startsWith('gate.');

export const describeAlert = (alert: AlertSeen) =>
  `alert ${alert.rule} (${alert.severity}) ${alert.alertId}: "${alert.summary}", listed on GET /v1/alerts to an investigator`;

/** The checks a gate verdict failed, by name (a check it did not make is not failed). */
export function failedChecks(body: Record<string, unknown>): string[] {
  return gateChecks(body)
    .filter((c) => (c.state === undefined ? !c.passed : c.state === 'failed'))
    .map((c) => c.check);
}

/** The checks of a gate verdict the gate did not make (`not_checked`: the pass did not authenticate its presenter). */
export function uncheckedChecks(body: Record<string, unknown>): string[] {
  return gateChecks(body)
    .filter((c) => c.state === 'not_checked')
    .map((c) => c.check);
}

function gateChecks(body: Record<string, unknown>) {
  return (body.checks as { check: string; passed: boolean; state?: string }[] | undefined) ?? [];
}

/** A pickup credential in the `plc1.` shape, naming `visitRef`, signed by nobody (64 zero bytes). */
export function forgedCredential(visitRef: string, badge: string): string {
  const payload = Buffer.from(JSON.stringify({ v: visitRef, b: badge })).toString('base64url');
  return `plc1.${payload}.${Buffer.alloc(64).toString('base64url')}`;
}
