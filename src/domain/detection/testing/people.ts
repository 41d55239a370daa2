/**
 * People, organisations and sign-ins for the credential rules' tests (issue 15): facts as the engine folds them
 * (`PortFacts`), built directly, and the events the use cases write (their real data shapes), at times a test names.
 */
import type { JsonObject } from '../../json.js';
import type { DetectionAlert, LogEvent, PortFacts, Rule, RuleSettings } from '../rule.js';

export interface TestPerson {
  readonly userId: string;
  readonly orgId: string;
  readonly roles: readonly string[];
}

export interface TestOrg {
  readonly orgId: string;
  readonly kind: string;
  readonly networks?: readonly { cidr: string; place: string; lat: number; lon: number }[];
}

/** Facts naming `orgs` and `people`, no visits. */
export function peopleFacts(orgs: readonly TestOrg[], people: readonly TestPerson[]): PortFacts {
  return {
    people: Object.fromEntries(
      people.map((p) => [p.userId, { ...p, roles: [...p.roles], since: '2026-01-01T00:00:00.000Z' }]),
    ),
    organisations: Object.fromEntries(
      orgs.map((o) => [
        o.orgId,
        { orgId: o.orgId, kind: o.kind, terminals: [], networks: [...(o.networks ?? [])] },
      ]),
    ),
    visits: {},
    dwellNormHours: {},
  };
}

/** A log whose events get the next index; each names its own time. */
export class TestLog {
  readonly events: LogEvent[] = [];

  add(recordedAt: string | number, streamId: string, type: string, data: JsonObject): LogEvent {
    const at = typeof recordedAt === 'number' ? new Date(recordedAt).toISOString() : recordedAt;
    const event: LogEvent = { index: this.events.length, streamId, type, recordedAt: at, data };
    this.events.push(event);
    return event;
  }

  /** A sign-in as `recordAuthEvent` writes it on `auth-<userId>`. */
  signIn(at: string | number, userId: string, ip: string, userAgent = CHROME_WINDOWS, ok = true): LogEvent {
    const data: JsonObject = ok
      ? { method: 'password_totp', ip, userAgent, at: iso(at) }
      : { method: 'password_totp', reason: 'password_wrong', ip, userAgent, at: iso(at) };
    return this.add(at, `auth-${userId}`, ok ? 'LoginSucceeded' : 'LoginFailed', data);
  }

  /** A slot booked by `userId` of `orgId`, as the appointments use case writes it. */
  booked(at: string | number, userId: string, orgId: string, visitRef = 'V1'): LogEvent {
    return this.add(at, `appointment-${visitRef}`, 'SlotBooked', {
      visitRef,
      bookingId: 'B1',
      bookingVersion: 1,
      slotId: 'S1',
      slotStart: iso(at),
      slotEnd: iso(at),
      driverBadgeRef: 'BADGE-1',
      truckPlate: '1ABC123',
      rightVersion: 1,
      by: { orgId, userId },
      approvalId: null,
      at: iso(at),
    });
  }

  /** A batch of position views by `userId`, as the views writer batches them. */
  viewed(at: string | number, userId: string, orgId: string, visitRefs: readonly string[]): LogEvent {
    return this.add(at, `views-${userId}`, 'PositionsViewed', {
      userId,
      orgId,
      routes: ['visit'],
      visitRefs: [...visitRefs],
      terminals: [],
      firstAt: iso(at),
      lastAt: iso(at),
      ip: '192.0.2.10',
    });
  }
}

const iso = (at: string | number) => (typeof at === 'number' ? new Date(at).toISOString() : at);

export const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** Runs `rule` over `events` with `facts` (fixed), from its initial state; every alert, in order. */
export function runRule<S, P extends RuleSettings>(
  rule: Rule<S, P>,
  events: readonly LogEvent[],
  facts: PortFacts,
  settings: P = rule.defaults,
): DetectionAlert[] {
  let state = rule.initialState();
  const alerts: DetectionAlert[] = [];
  for (const event of events) {
    // The state goes through JSON on every step, as a restart would: a rule that kept a Map would fail here.
    const step = rule.step(JSON.parse(JSON.stringify(state)) as S, event, facts, settings);
    state = step.state;
    alerts.push(...step.alerts);
  }
  return alerts;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
