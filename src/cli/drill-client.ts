/**
 * What every step of `portledger drill` shares: an HTTP client that reaches the server as any outsider would, the
 * demo secrets file as the gang would hold it, sign-in with a keylogged password + TOTP, and the drill's observer:
 * the alert inbox as the port's defenders read it (to tell a step that was detected from one that was merely
 * refused), through an API token the operator created for the drill or the database, never a session the gang holds.
 */
import Sqlite from 'better-sqlite3';
import { URI } from 'otpauth';
import pg from 'pg';

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

/** A row of the alert table, as the database holds it (SQLite and PostgreSQL alike). */
interface AlertRow {
  alert_id: number | string;
  rule: string;
  severity: string;
  summary: string;
  raised_at: string;
  subject_kind: string;
  subject_id: string;
  occurrences: number | string | null;
}

const UNRESOLVED_ALERT_ROWS =
  "select a.alert_id, a.rule, a.severity, a.summary, a.raised_at, a.subject_kind, a.subject_id, g.occurrences from alert a left join gate_alert_group g on g.alert_id = a.alert_id where a.status in ('open', 'acknowledged') order by a.alert_id desc limit 200";

const alertFromRow = (row: AlertRow): AlertSeen => ({
  alertId: String(row.alert_id),
  rule: row.rule,
  severity: row.severity,
  summary: row.summary,
  raisedAt: row.raised_at,
  subject: { kind: row.subject_kind, id: row.subject_id },
  evidence: [],
  ...(row.occurrences !== null ? { occurrences: Number(row.occurrences) } : {}),
});

/**
 * The drill's observer: how it sees which of the gang's attempts were detected. It is the defender's view, never
 * the gang's: an API token with `alert.read` the operator created for the drill (`--alert-token`, never from the
 * secrets file), or, without one, the alert table of the database (`--db`). With neither, detection by alert cannot
 * be observed, and a step whose only proof of detection is an alert says so rather than claim it.
 */
export interface AlertObserver {
  /** Whether anything reads alerts at all. */
  readonly sees: boolean;
  /** Where an alert was seen, for the evidence. */
  readonly where: string;
  /** The operator's alert.read token, when that is how alerts are read. */
  readonly bearer?: string;
  /** The unresolved alerts, newest first (up to 200). */
  unresolved(): Promise<AlertSeen[]>;
  /** The steps whose detection by alert could not be observed (filled as the drill goes). */
  readonly unobserved: string[];
}

/** Alerts read through `GET /v1/alerts` with the operator's `alert.read` API token. */
export function tokenObserver(client: Client, token: string): AlertObserver {
  return {
    sees: true,
    where: "listed on GET /v1/alerts to the operator's alert.read API token",
    bearer: token,
    unobserved: [],
    async unresolved() {
      const listed = await client.call('GET', '/v1/alerts?status=unresolved&limit=200', { bearer: token });
      if (listed.status !== 200)
        throw new Error(
          `GET /v1/alerts with the --alert-token: HTTP ${listed.status}${code(listed.body)} (is it an API token with alert.read?)`,
        );
      return (listed.body.alerts as AlertSeen[] | undefined) ?? [];
    },
  };
}

/** Alerts read from the alert table of the database the drill holds with `--db` (no `--alert-token` given). */
export function databaseObserver(db: string): AlertObserver {
  const where =
    'read from the alert table of the database (--db; no --alert-token was given, so not through GET /v1/alerts)';
  if (db.startsWith('sqlite:')) {
    const path = db.slice('sqlite:'.length);
    return {
      sees: true,
      where,
      unobserved: [],
      async unresolved() {
        const sqlite = new Sqlite(path, { readonly: true });
        try {
          return (sqlite.prepare(UNRESOLVED_ALERT_ROWS).all() as AlertRow[]).map(alertFromRow);
        } finally {
          sqlite.close();
        }
      },
    };
  }
  return {
    sees: true,
    where,
    unobserved: [],
    async unresolved() {
      const client = new pg.Client({ connectionString: db });
      await client.connect();
      try {
        return (await client.query<AlertRow>(UNRESOLVED_ALERT_ROWS)).rows.map(alertFromRow);
      } finally {
        await client.end();
      }
    },
  };
}

/** No way to read alerts: neither `--alert-token` nor `--db`. */
export function blindObserver(): AlertObserver {
  return { sees: false, where: 'not observed', unobserved: [], unresolved: async () => [] };
}

/** The observer the drill's options give: the alert token first, then the database, else none. */
export function alertObserver(client: Client, options: { alertToken?: string; db?: string }): AlertObserver {
  if (options.alertToken) return tokenObserver(client, options.alertToken);
  if (options.db) return databaseObserver(options.db);
  return blindObserver();
}

/**
 * What a step says when it found no alert: none was raised, or (with no observer) that it could not tell, which
 * the drill also lists among its findings.
 */
export function noAlert(observer: AlertObserver, step: string, none = 'no alert was raised'): string {
  if (observer.sees) return none;
  observer.unobserved.push(step);
  return 'whether an alert was raised could not be observed (no --alert-token, no --db)';
}

/** Where the alert inbox stood: its newest alert, and each listed alert's count (for alerts that group). */
export interface AlertMark {
  readonly newest: number;
  readonly counts: ReadonlyMap<string, number>;
}

/** How many refusals an alert groups (`occurrences` on the alert console; 1 for an alert that does not group). */
export const countOf = (alert: AlertSeen) => (typeof alert.occurrences === 'number' ? alert.occurrences : 1);

/** Who reads the alert inbox: the drill's observer, the defender's view (never a session the gang holds). */
export interface AlertReader {
  readonly observer: AlertObserver;
}

export async function alertMark(ctx: AlertReader): Promise<AlertMark> {
  const alerts = await ctx.observer.unresolved();
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
  return (await ctx.observer.unresolved()).filter((alert) => {
    const before = mark.counts.get(alert.alertId);
    return Number(alert.alertId) > mark.newest || (before !== undefined && countOf(alert) > before);
  });
}

/** An alert the gate raised (a refusal, a printed pass), not one another step's tampering raised meanwhile. */
export const isGateAlert = (alert: AlertSeen) => alert.rule.startsWith('gate.');

export const describeAlert = (alert: AlertSeen, observer: AlertObserver) =>
  `alert ${alert.rule} (${alert.severity}) ${alert.alertId}: "${alert.summary}", ${observer.where}`;

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
