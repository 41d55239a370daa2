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
 * Honest work it leaves alone: people who travel between offices by car, train or plane (below `maxSpeedKmh`, which
 * is a jet's cruising speed, counted from sign-in to sign-in), and nearby offices (below `minDistanceKm`), where a
 * VPN, a mobile uplink or a shared address plan can place a laptop at either office within minutes.
 *
 * Memory per person: the last `maxPlaces` distinct places with when they were last seen, so a thief's sign-in
 * between two of the person's own is compared with both.
 */
import { signInOf } from '../actor.js';
import { declaredNetworkOf, distanceKm } from '../networks.js';
import type { DetectionAlert, Rule, RuleSettings, RuleStep } from '../rule.js';
import { entryOf, HOUR_MS, personAlert, timeOf } from './person-activity.js';

export interface ImpossibleTravelSettings extends RuleSettings {
  /** Faster than this between two sign-ins (km/h, great circle) is impossible: a jet cruises at about 900. */
  readonly maxSpeedKmh: number;
  /** Places closer than this (km) are never compared. */
  readonly minDistanceKm: number;
  /** Distinct places remembered per person. */
  readonly maxPlaces: number;
  /** After an alert about a person, none again about them for this many hours (one incident, one alert). */
  readonly quietHours: number;
}

interface SeenPlace {
  place: string;
  lat: number;
  lon: number;
  /** When last seen (ms) and the audit index of that sign-in. */
  at: number;
  index: number;
}

export interface ImpossibleTravelState {
  people: Record<string, { places: SeenPlace[]; lastAlertAt: number | null }>;
}

export const authImpossibleTravelRule: Rule<ImpossibleTravelState, ImpossibleTravelSettings> = {
  id: 'auth.impossible_travel',
  description:
    'Two sign-ins of one person from declared networks farther apart than a plane could fly in the time between',
  defaults: { severity: 'high', maxSpeedKmh: 900, minDistanceKm: 300, maxPlaces: 4, quietHours: 12 },
  initialState: () => ({ people: {} }),
  step(state, event, facts, settings): RuleStep<ImpossibleTravelState> {
    const signIn = signInOf(event);
    if (!signIn?.ok) return { state, alerts: [] };
    const orgId = facts.people[signIn.userId]?.orgId ?? null;
    const here = declaredNetworkOf(signIn.ip, facts, orgId);
    if (!here) return { state, alerts: [] };
    const now = timeOf(event);
    const person = entryOf(state.people, signIn.userId, () => ({ places: [], lastAlertAt: null }));
    const alerts: DetectionAlert[] = [];
    // The earlier place that is the most impossible to have come from: the highest speed needed.
    let worst: { seen: SeenPlace; km: number; kmh: number } | undefined;
    for (const seen of person.places) {
      const km = distanceKm(seen, here);
      if (km < settings.minDistanceKm) continue;
      const hours = Math.max(0, now - seen.at) / HOUR_MS;
      const kmh = hours === 0 ? Number.POSITIVE_INFINITY : km / hours;
      if (kmh > settings.maxSpeedKmh && (!worst || kmh > worst.kmh)) worst = { seen, km, kmh };
    }
    const quiet = person.lastAlertAt !== null && now - person.lastAlertAt < settings.quietHours * HOUR_MS;
    if (worst && !quiet) {
      const minutes = Math.round((now - worst.seen.at) / 60_000);
      alerts.push(
        personAlert({
          rule: 'auth.impossible_travel',
          severity: settings.severity,
          actor: { userId: signIn.userId, orgId },
          summary: `${signIn.userId} signed in from ${here.place} ${minutes} minutes after signing in from ${worst.seen.place}, ${Math.round(worst.km)} km away.`,
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
    } else {
      person.places.push({ place: here.place, lat: here.lat, lon: here.lon, at: now, index: event.index });
    }
    person.places.sort((a, b) => a.at - b.at);
    if (person.places.length > settings.maxPlaces)
      person.places.splice(0, person.places.length - settings.maxPlaces);
    return { state, alerts };
  },
};
