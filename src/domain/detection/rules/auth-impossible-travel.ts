/**
 * `auth.impossible_travel` (issue 15, stolen credentials): two successful sign-ins of one person from places
 * farther apart than a plane could fly in the time between, e.g. Antwerp at 09:00 and Singapore at 09:40. One of
 * the two is not the person.
 *
 * Places come only from the client networks the organisations declared (`OrganisationNetworksSet`: CIDR → place,
 * latitude, longitude), the person's own organisation first, then any other's (a visit to a partner's office); no
 * outside lookup service. A sign-in from an undeclared network has no place and is not compared (a new network is
 * `auth.new_device_or_network`'s).
 *
 * The fastest honest journey between two places is a flight: the great-circle distance at a jet's cruising speed
 * (`maxSpeedKmh`) plus the hours no flight avoids, to the airport, through it, and from the other one to the office
 * (`airportHours`, about an hour and a half at each end). Two sign-ins closer in time than that are impossible;
 * Antwerp to Geneva (about 700 km) takes at least 3 h 45 min door to door.
 *
 * How sure: a journey in less than half the fastest time (`sureShare`) is impossible; one just short of it (a tight
 * overnight long-haul flight, which some do make) counts only when the browser is not the one the person used at the
 * earlier place, as a thief's is not.
 *
 * Where the person is comes from their successful sign-ins and from their position views, which name the network
 * they came from (`PositionsViewed.ip`): a person who signed in at seven and has been looking up boxes in Antwerp
 * all morning is in Antwerp at ten.
 *
 * Honest work it leaves alone: people who travel between offices by car, train or plane (a day's work from the
 * other office), and nearby offices (below `minDistanceKm`), where a VPN, a mobile uplink or a shared address plan
 * can place a laptop at either office within minutes, and a car gets there in an hour or two.
 *
 * Memory per person: the last `maxPlaces` distinct places with when they were last seen, so a thief's sign-in
 * between two of the person's own is compared with both.
 */
import { signInOf } from '../actor.js';
import { declaredNetworkOf, distanceKm } from '../networks.js';
import {
  type DetectionAlert,
  type LogEvent,
  POSITIONS_VIEWED,
  type Rule,
  type RuleSettings,
  type RuleStep,
} from '../rule.js';
import { userAgentFamily } from './auth-new-device-or-network.js';
import { entryOf, HOUR_MS, personAlert, timeOf } from './person-activity.js';

export interface ImpossibleTravelSettings extends RuleSettings {
  /** A jet's cruising speed (km/h, great circle): no journey is faster. */
  readonly maxSpeedKmh: number;
  /** Hours every flight adds to its time in the air: to, through and from the airports. */
  readonly airportHours: number;
  /** Places closer than this (km) are never compared. */
  readonly minDistanceKm: number;
  /** Distinct places remembered per person. */
  readonly maxPlaces: number;
  /** After an alert about a person, none again about them for this many hours (one incident, one alert). */
  readonly quietHours: number;
  /**
   * Below this share of the fastest journey's time the travel is impossible whatever the browser; between it and the
   * fastest journey (a tight overnight flight, a desk booked on arrival) only from a browser the person did not use
   * at the earlier place.
   */
  readonly sureShare: number;
}

interface SeenPlace {
  place: string;
  lat: number;
  lon: number;
  /** When last seen (ms) and the audit index of that sign-in. */
  at: number;
  index: number;
  /** The browser family of the person's last sign-in there; `null` when only their views placed them there. */
  agent: string | null;
}

export interface ImpossibleTravelState {
  people: Record<string, { places: SeenPlace[]; lastAlertAt: number | null }>;
}

export const authImpossibleTravelRule: Rule<ImpossibleTravelState, ImpossibleTravelSettings> = {
  id: 'auth.impossible_travel',
  description:
    'Two sign-ins (or look-ups) of one person from declared networks farther apart than a flight door to door, airports included, takes in the time between',
  defaults: {
    severity: 'high',
    maxSpeedKmh: 900,
    airportHours: 3,
    minDistanceKm: 300,
    maxPlaces: 4,
    quietHours: 12,
    sureShare: 0.5,
  },
  initialState: () => ({ people: {} }),
  step(state, event, facts, settings): RuleStep<ImpossibleTravelState> {
    const located = locatedActivityOf(event);
    if (!located) return { state, alerts: [] };
    const orgId = facts.people[located.userId]?.orgId ?? null;
    const here = declaredNetworkOf(located.ip, facts, orgId);
    if (!here) return { state, alerts: [] };
    const now = timeOf(event);
    const person = entryOf(state.people, located.userId, () => ({ places: [], lastAlertAt: null }));
    const alerts: DetectionAlert[] = [];
    // The earlier place that is the most impossible to have come from: the largest share of the journey missing.
    let worst: { seen: SeenPlace; km: number; short: number } | undefined;
    const lastAgent = person.places.reduce<SeenPlace | undefined>(
      (last, p) => (p.agent !== null && (!last || p.at > last.at) ? p : last),
      undefined,
    )?.agent;
    for (const seen of person.places) {
      const km = distanceKm(seen, here);
      if (km < settings.minDistanceKm) continue;
      const hours = Math.max(0, now - seen.at) / HOUR_MS;
      const fastest = km / settings.maxSpeedKmh + settings.airportHours;
      if (hours >= fastest) continue;
      const usualAgent = seen.agent ?? lastAgent ?? null;
      const otherBrowser = located.agent !== null && usualAgent !== null && located.agent !== usualAgent;
      if (hours >= fastest * settings.sureShare && !otherBrowser) continue;
      const short = 1 - hours / fastest;
      if (!worst || short > worst.short) worst = { seen, km, short };
    }
    const quiet = person.lastAlertAt !== null && now - person.lastAlertAt < settings.quietHours * HOUR_MS;
    if (worst && !quiet) {
      const minutes = Math.round((now - worst.seen.at) / 60_000);
      alerts.push(
        personAlert({
          rule: 'auth.impossible_travel',
          severity: settings.severity,
          actor: { userId: located.userId, orgId },
          summary: `${located.userId} ${located.what} from ${here.place} ${minutes} minutes after working from ${worst.seen.place}, ${Math.round(worst.km)} km away.`,
          evidence: [worst.seen.index, event.index],
        }),
      );
      person.lastAlertAt = now;
    }
    const same = person.places.find(
      (p) => p.place === here.place && p.lat === here.lat && p.lon === here.lon,
    );
    if (same) {
      same.at = now;
      same.index = event.index;
      if (located.agent !== null) same.agent = located.agent;
    } else {
      person.places.push({
        place: here.place,
        lat: here.lat,
        lon: here.lon,
        at: now,
        index: event.index,
        agent: located.agent,
      });
    }
    person.places.sort((a, b) => a.at - b.at);
    if (person.places.length > settings.maxPlaces)
      person.places.splice(0, person.places.length - settings.maxPlaces);
    return { state, alerts };
  },
};

/**
 * Where the person worked from: a successful sign-in, or position views, which name the network they came from
 * (`PositionsViewed.ip`). A failed sign-in is not the person there.
 */
function locatedActivityOf(
  event: LogEvent,
): { userId: string; ip: string; what: string; agent: string | null } | undefined {
  const signIn = signInOf(event);
  if (signIn?.ok) {
    return {
      userId: signIn.userId,
      ip: signIn.ip,
      what: 'signed in',
      agent: userAgentFamily(signIn.userAgent),
    };
  }
  if (event.type !== POSITIONS_VIEWED) return undefined;
  const { userId, ip } = event.data;
  return typeof userId === 'string' && typeof ip === 'string'
    ? { userId, ip, what: 'looked up positions', agent: null }
    : undefined;
}
