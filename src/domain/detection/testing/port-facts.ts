/**
 * Port facts with visits for rule tests (issue 15): the `PortFacts` a rule reads, written out by hand so that a
 * rule's test states exactly what the engine's fold would know (`people.ts` builds people and organisations without
 * visits), and `alertsOver`, which feeds a rule a log the way the engine does (state through JSON, facts as they
 * stand after each event, which may change along the log) and tells which event raised each alert.
 *
 * @example
 * ```ts
 * const facts = portFacts({ visits: [visitFacts('V1', { terminal: 'T1', inYard: true, liveRelease: true })] });
 * const alerts = alertsOver(pickupChangedLateRule, log.events, facts);
 * ```
 */
import type {
  DetectionAlert,
  LogEvent,
  OrganisationFacts,
  PersonFacts,
  PortFacts,
  Rule,
  RuleSettings,
  VisitFacts,
} from '../rule.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A visit's facts: a box of line MSCU at nowhere in particular unless `overrides` say so. */
export function visitFacts(visitRef: string, overrides: Partial<VisitFacts> = {}): Mutable<VisitFacts> {
  return {
    visitRef,
    containerNumber: 'MSCU1234565',
    line: 'MSCU',
    terminal: null,
    inYard: false,
    slot: null,
    lastEventAt: '2026-03-02T00:00:00.000Z',
    chainOrgs: [],
    liveRelease: false,
    pickupAt: null,
    frozen: false,
    ...overrides,
  };
}

/** An organisation's facts. */
export function orgFacts(
  orgId: string,
  kind: string,
  terminals: readonly string[] = [],
): Mutable<OrganisationFacts> {
  return { orgId, kind, terminals, networks: [] };
}

/** A person's facts. */
export function personFacts(userId: string, orgId: string, roles: readonly string[] = []): PersonFacts {
  return { userId, orgId, roles, since: '2026-01-01T00:00:00.000Z' };
}

/** The facts of a port made of these people, organisations and visits, with a dwell norm for every terminal. */
export function portFacts(
  parts: {
    people?: readonly PersonFacts[];
    organisations?: readonly OrganisationFacts[];
    visits?: readonly VisitFacts[];
    dwellNormHours?: Readonly<Record<string, number>>;
  } = {},
): PortFacts & { visits: Record<string, Mutable<VisitFacts>> } {
  const byId = <T, K extends keyof T>(items: readonly T[] | undefined, key: K) =>
    Object.fromEntries((items ?? []).map((item) => [String(item[key]), item]));
  return {
    people: byId(parts.people, 'userId'),
    organisations: byId(parts.organisations, 'orgId'),
    visits: byId(parts.visits, 'visitRef') as Record<string, Mutable<VisitFacts>>,
    dwellNormHours: { '*': 240, ...parts.dwellNormHours },
  };
}

/**
 * Runs `rule` over `events` in order, as the engine does, and returns every alert with the index of the event that
 * raised it. `facts` is either the facts for every event, or a function that gives (or updates) the facts after
 * each event, for a test whose facts change along the log.
 */
export function alertsOver<S, P extends RuleSettings>(
  rule: Rule<S, P>,
  events: readonly LogEvent[],
  facts: PortFacts | ((event: LogEvent) => PortFacts),
  settings: Partial<P> = {},
): (DetectionAlert & { raisedBy: number })[] {
  const effective = { ...rule.defaults, ...settings } as P;
  let state = rule.initialState();
  const alerts: (DetectionAlert & { raisedBy: number })[] = [];
  for (const event of events) {
    const now = typeof facts === 'function' ? facts(event) : facts;
    // The engine's state goes through JSON between batches: a state that is not plain JSON fails here.
    state = JSON.parse(JSON.stringify(state)) as S;
    const step = rule.step(state, event, now, effective);
    state = step.state;
    for (const alert of step.alerts) alerts.push({ ...alert, raisedBy: event.index });
  }
  return alerts;
}
