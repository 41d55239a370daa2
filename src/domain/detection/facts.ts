/**
 * The port's facts as the log tells them (issue 15), folded once per event by the detection engine before its rules
 * see the event (`rule.ts`, `PortFacts`): who each person is and in which organisation, each organisation's kind,
 * terminals and declared networks, and each visit's place, release chain, pickup slot and freeze.
 *
 * Pure and deterministic: the only time is the events' own. Plain JSON throughout, so the engine stores the facts
 * beside its position and rules read them as they are. Ownership is linear, as for rule states (`rule.ts`):
 * `foldFacts` updates the facts it is given in place and returns them.
 */

import type { JsonObject } from '../json.js';
import { formatYardSlot, type YardSlot } from '../yard/index.js';
import type { LogEvent, OrganisationFacts, PersonFacts, PortFacts, VisitFacts } from './rule.js';

/** The key of `dwellNormHours` that holds the norm of a terminal the settings do not name. */
export const DEFAULT_DWELL_NORM_KEY = '*';

/**
 * Where a visit stood after each of its events that put it somewhere: what a void of one of them takes back. One
 * entry per yard event still in force: its stream version, what it did (`in`: discharged or gated in, `mv`: moved
 * or corrected, `out`: gated out or loaded) and the slot it left the box in.
 */
type YardStep = [version: number, step: 'in' | 'mv' | 'out', slot: string | null];

/** What the fold keeps per visit beside its facts, to follow voids: its stream version and its yard steps. */
interface VisitTrail {
  version: number;
  steps: YardStep[];
}

/**
 * How long the facts keep a visit after it left the port (gated out or loaded), in days of the log's time: long
 * enough for a rule to name a box looked up or corrected after it left, short enough that the facts (stored with
 * every batch) grow with the yard, not with the port's history.
 */
export const LEFT_VISIT_RETENTION_DAYS = 30;

/** `PortFacts` plus what the fold needs to keep them right (voids need the stream's versions). */
export interface DetectionFacts extends PortFacts {
  readonly trails: Readonly<Record<string, Readonly<VisitTrail>>>;
  /** The UTC day (`YYYY-MM-DD`) the visits that left were last pruned; null before the first event. */
  readonly prunedOn?: string | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableFacts = {
  people: Record<string, Mutable<PersonFacts> & { roles: string[] }>;
  organisations: Record<string, Mutable<OrganisationFacts>>;
  visits: Record<string, Mutable<VisitFacts> & { chainOrgs: string[] }>;
  dwellNormHours: Record<string, number>;
  trails: Record<string, VisitTrail>;
  prunedOn?: string | null;
};

/**
 * Facts before the first event. `dwellNormHours` is the norm for every terminal, or a norm per terminal with the
 * default under `'*'`; each terminal the log names gets its norm as it first appears.
 *
 * @example
 * ```ts
 * const facts = emptyFacts(240);
 * for (const event of events) foldFacts(facts, event);
 * ```
 */
export function emptyFacts(dwellNormHours: number | Readonly<Record<string, number>>): DetectionFacts {
  const norms =
    typeof dwellNormHours === 'number' ? { [DEFAULT_DWELL_NORM_KEY]: dwellNormHours } : { ...dwellNormHours };
  return { people: {}, organisations: {}, visits: {}, dwellNormHours: norms, trails: {}, prunedOn: null };
}

/**
 * The facts after one more event of the log, given in index order. Updates `facts` in place and returns it.
 * Events it has no use for leave the facts as they were.
 */
export function foldFacts(facts: DetectionFacts, event: LogEvent): DetectionFacts {
  const f = facts as unknown as MutableFacts;
  const data = event.data;
  const day = event.recordedAt.slice(0, 10);
  if (f.prunedOn !== day) pruneLeftVisits(f, event.recordedAt, day);
  if (event.streamId.startsWith('visit-')) foldVisitEvent(f, event);
  switch (event.type) {
    case 'OrganisationRegistered': {
      const orgId = text(data.orgId);
      if (!orgId) break;
      const terminals = texts(data.terminals);
      f.organisations[orgId] = {
        orgId,
        kind: text(data.kind) ?? 'unknown',
        terminals,
        networks: f.organisations[orgId]?.networks ?? [],
      };
      for (const terminal of terminals) noteTerminal(f, terminal);
      break;
    }
    case 'OrganisationNetworksSet': {
      const orgId = text(data.orgId);
      const org = orgId ? f.organisations[orgId] : undefined;
      if (!org) break;
      org.networks = (Array.isArray(data.networks) ? data.networks : []).flatMap((n) => {
        const network = n as JsonObject | null;
        if (network === null || typeof network !== 'object' || Array.isArray(network)) return [];
        const cidr = text(network.cidr);
        if (!cidr || typeof network.lat !== 'number' || typeof network.lon !== 'number') return [];
        return [{ cidr, place: text(network.place) ?? '', lat: network.lat, lon: network.lon }];
      });
      break;
    }
    case 'UserRegistered': {
      const userId = text(data.userId);
      const orgId = text(data.orgId);
      if (!userId || !orgId) break;
      f.people[userId] = { userId, orgId, roles: [...new Set(texts(data.roles))], since: event.recordedAt };
      break;
    }
    case 'RoleGranted': {
      const person = f.people[text(data.userId) ?? ''];
      const role = text(data.role);
      if (person && role && !person.roles.includes(role)) person.roles.push(role);
      break;
    }
    case 'RoleRevoked': {
      const person = f.people[text(data.userId) ?? ''];
      const role = text(data.role);
      if (person && role) person.roles = person.roles.filter((r) => r !== role);
      break;
    }
    default:
      if (event.streamId.startsWith('release-')) foldReleaseEvent(f, event);
      else if (event.streamId.startsWith('appointment-')) foldBookingEvent(f, event);
  }
  return facts;
}

function foldVisitEvent(f: MutableFacts, event: LogEvent): void {
  const data = event.data;
  const visitRef = text(data.visitRef) ?? event.streamId.slice('visit-'.length);
  if (event.type === 'VisitAnnounced') {
    f.visits[visitRef] = {
      visitRef,
      containerNumber: text(data.containerNumber) ?? '',
      line: text(data.line) ?? '',
      terminal: null,
      inYard: false,
      slot: null,
      lastEventAt: event.recordedAt,
      chainOrgs: [],
      liveRelease: false,
      pickupAt: null,
      frozen: false,
    };
    f.trails[visitRef] = { version: 1, steps: [] };
    return;
  }
  const visit = f.visits[visitRef];
  const trail = f.trails[visitRef];
  if (!visit || !trail) return;
  trail.version += 1;
  visit.lastEventAt = event.recordedAt;
  switch (event.type) {
    case 'ContainerDischarged':
    case 'ContainerGatedIn':
      trail.steps.push([trail.version, 'in', slotText(data.slot)]);
      break;
    case 'ContainerMoved':
    case 'ContainerPositionCorrected':
      trail.steps.push([trail.version, 'mv', slotText(data.to)]);
      break;
    case 'ContainerGatedOut':
    case 'ContainerLoaded':
      trail.steps.push([trail.version, 'out', null]);
      // The right was used (or the box left by sea): nothing is left to collect with it.
      visit.liveRelease = false;
      break;
    case 'VisitFrozen':
      visit.frozen = true;
      return;
    case 'VisitUnfrozen':
      visit.frozen = false;
      return;
    case 'EventVoided': {
      const voided = data.voidedVersion;
      if (voided === 1) {
        // The announcement voided: the visit is cancelled (the decider allows it only when nothing else counts).
        trail.steps = [];
      } else {
        trail.steps = trail.steps.filter(([version]) => version !== voided);
      }
      break;
    }
    default:
      return;
  }
  const last = trail.steps.at(-1);
  visit.inYard = last !== undefined && last[1] !== 'out';
  visit.slot = visit.inYard ? (last?.[2] ?? null) : null;
  const terminal = visit.slot?.split('/')[0];
  if (terminal) {
    visit.terminal = terminal;
    noteTerminal(f, terminal);
  }
}

function foldReleaseEvent(f: MutableFacts, event: LogEvent): void {
  const data = event.data;
  const visit = f.visits[text(data.visitRef) ?? ''];
  if (!visit) return;
  visit.lastEventAt = event.recordedAt;
  const addParty = (orgId: string | undefined) => {
    if (orgId && !visit.chainOrgs.includes(orgId)) visit.chainOrgs.push(orgId);
  };
  switch (event.type) {
    case 'ReleaseIssued':
      addParty(text(data.lineOrgId));
      addParty(text(data.firstParty));
      visit.liveRelease = true;
      break;
    case 'ReleaseTransferOffered':
    case 'ReleaseTransferAccepted':
      addParty(text(data.to));
      break;
    case 'ReleaseRevoked':
      visit.liveRelease = false;
      break;
  }
}

function foldBookingEvent(f: MutableFacts, event: LogEvent): void {
  const data = event.data;
  const visit = f.visits[text(data.visitRef) ?? ''];
  if (!visit) return;
  visit.lastEventAt = event.recordedAt;
  switch (event.type) {
    case 'SlotBooked':
    case 'SlotRebooked':
      visit.pickupAt = text(data.slotStart) ?? null;
      break;
    case 'BookingCancelled':
      visit.pickupAt = null;
      break;
  }
}

/**
 * Once per day of the log: forgets the visits that left more than `LEFT_VISIT_RETENTION_DAYS` before `now`. A box
 * still in the yard, or announced and not yet arrived, is never forgotten.
 */
function pruneLeftVisits(f: MutableFacts, now: string, day: string): void {
  f.prunedOn = day;
  const cutoff = Date.parse(now) - LEFT_VISIT_RETENTION_DAYS * 86_400_000;
  for (const [visitRef, trail] of Object.entries(f.trails)) {
    const visit = f.visits[visitRef];
    if (trail.steps.at(-1)?.[1] !== 'out' || !visit || Date.parse(visit.lastEventAt) >= cutoff) continue;
    delete f.visits[visitRef];
    delete f.trails[visitRef];
  }
}

function noteTerminal(f: MutableFacts, terminal: string): void {
  if (f.dwellNormHours[terminal] !== undefined) return;
  const norm = f.dwellNormHours[DEFAULT_DWELL_NORM_KEY];
  if (norm !== undefined) f.dwellNormHours[terminal] = norm;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];

/** A yard slot as `formatYardSlot` writes it (`T/B/bay/row/tier`); `null` when the event holds none. */
function slotText(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const slot = value as Partial<Record<keyof YardSlot, unknown>>;
  if (typeof slot.terminal !== 'string' || typeof slot.block !== 'string') return null;
  return formatYardSlot(slot as YardSlot);
}
