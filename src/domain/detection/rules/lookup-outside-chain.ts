/**
 * `lookup.outside_chain` (issue 15, the Antwerp chain): the same box looked up by several organisations that have no
 * part in its release chain. In Antwerp the gang looked up where the drug containers stood with stolen logins of
 * several firms (MISSION §1); one firm looking at a box it has nothing to do with can be a typo in a search, several
 * doing it within a day is someone preparing a pickup.
 *
 * Inside a box's chain, never counted: the organisations of its release chain (`VisitFacts.chainOrgs`: the line,
 * every party offered or holding the right), its own line before the release is issued (by carrier code), the
 * operator of its terminal (or any terminal operator while the box is not at a terminal yet, as pre-advice goes to
 * the terminal), customs and the port police, who may read everything.
 *
 * Reads `PositionsViewed` (`PositionsViewedData`): each event names the visits shown to one person. A yard map load
 * names its terminal, not its boxes, and counts for no box. State is bounded: per box, the outside organisations
 * seen within the window, pruned by event time.
 */
import {
  type DetectionAlert,
  type LogEvent,
  POSITIONS_VIEWED,
  type PortFacts,
  type Rule,
  type RuleSettings,
  type RuleStep,
  type VisitFacts,
} from '../rule.js';
import { boxName, eventMs, evidenceOf, HOUR_MS, hourlyDue, textOf } from './event-fields.js';

export interface LookupOutsideChainSettings extends RuleSettings {
  /** This many distinct organisations outside the box's chain fire. */
  readonly minOrganisations: number;
  /** … when they looked within this many hours. */
  readonly windowHours: number;
}

export interface LookupOutsideChainState {
  /** Per box, per outside organisation: when it last looked and the event that says so. */
  views: Record<string, Record<string, { at: number; index: number }>>;
  /** When each box last raised an alert: one alert per box per window. */
  alerted: Record<string, number>;
  /** The organisation ids of each shipping line's carrier code (a box's `line`), from `OrganisationRegistered`. */
  lines: Record<string, string[]>;
  lastPruneMs: number;
}

/** Organisations that may read every box: they are never outside a chain. */
const SEE_EVERYTHING = new Set(['customs', 'port_police']);

export const lookupOutsideChainRule: Rule<LookupOutsideChainState, LookupOutsideChainSettings> = {
  id: 'lookup.outside_chain',
  description:
    "The same box looked up by `minOrganisations` or more organisations outside its release chain (customs, police and its terminal's operator never count) within `windowHours` hours.",
  defaults: { severity: 'medium', minOrganisations: 2, windowHours: 24 },
  initialState: () => ({ views: {}, alerted: {}, lines: {}, lastPruneMs: 0 }),
  step(state, event, facts, settings): RuleStep<LookupOutsideChainState> {
    const now = eventMs(event);
    const window = settings.windowHours * HOUR_MS;
    if (hourlyDue(state.lastPruneMs, now)) prune(state, now, window);
    const data = event.data;
    if (event.type === 'OrganisationRegistered') {
      const orgId = textOf(data.orgId);
      const code = textOf(data.code);
      if (orgId && code && data.kind === 'shipping_line') {
        const orgs = state.lines[code] ?? [];
        if (!orgs.includes(orgId)) orgs.push(orgId);
        state.lines[code] = orgs;
      }
      return { state, alerts: [] };
    }
    if (event.type !== POSITIONS_VIEWED) return { state, alerts: [] };
    const orgId = textOf(data.orgId);
    const org = orgId ? facts.organisations[orgId] : undefined;
    if (!orgId || (org && SEE_EVERYTHING.has(org.kind))) return { state, alerts: [] };
    const alerts: DetectionAlert[] = [];
    for (const ref of Array.isArray(data.visitRefs) ? data.visitRefs : []) {
      const visitRef = textOf(ref);
      const visit = visitRef ? facts.visits[visitRef] : undefined;
      if (!visitRef || !visit || insideChain(state, visit, orgId, org?.kind, org?.terminals ?? [])) continue;
      const seen = state.views[visitRef] ?? {};
      state.views[visitRef] = seen;
      seen[orgId] = { at: now, index: event.index };
      for (const [other, view] of Object.entries(seen)) if (view.at + window < now) delete seen[other];
      const outside = Object.entries(seen).sort(([, a], [, b]) => a.index - b.index);
      const last = state.alerted[visitRef];
      if (outside.length < settings.minOrganisations || (last !== undefined && last + window >= now))
        continue;
      state.alerted[visitRef] = now;
      alerts.push(alertOf(event, facts, settings, visitRef, outside));
    }
    return { state, alerts };
  },
};

function insideChain(
  state: LookupOutsideChainState,
  visit: VisitFacts,
  orgId: string,
  kind: string | undefined,
  terminals: readonly string[],
): boolean {
  if (visit.chainOrgs.includes(orgId)) return true;
  if (state.lines[visit.line]?.includes(orgId)) return true;
  if (kind === 'terminal_operator') return visit.terminal === null || terminals.includes(visit.terminal);
  return false;
}

function alertOf(
  event: LogEvent,
  facts: PortFacts,
  settings: LookupOutsideChainSettings,
  visitRef: string,
  outside: readonly [string, { at: number; index: number }][],
): DetectionAlert {
  const orgs = outside.map(([orgId]) => orgId);
  return {
    rule: 'lookup.outside_chain',
    severity: settings.severity,
    subject: { kind: 'visit', id: visitRef },
    terminal: facts.visits[visitRef]?.terminal ?? null,
    orgId: null,
    summary: `${boxName(facts, visitRef)} was looked up by ${orgs.length} organisations outside its release chain within ${settings.windowHours} h: ${orgs.join(', ')}.`,
    evidence: evidenceOf(
      outside.map(([, view]) => view.index),
      event.index,
    ),
  };
}

function prune(state: LookupOutsideChainState, now: number, window: number): void {
  state.lastPruneMs = now;
  for (const [visitRef, seen] of Object.entries(state.views)) {
    for (const [orgId, view] of Object.entries(seen)) if (view.at + window < now) delete seen[orgId];
    if (Object.keys(seen).length === 0) delete state.views[visitRef];
  }
  for (const [visitRef, at] of Object.entries(state.alerted))
    if (at + window < now) delete state.alerted[visitRef];
}
