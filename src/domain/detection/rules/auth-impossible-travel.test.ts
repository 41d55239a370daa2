import { describe, expect, it } from 'vitest';
import { DAY_MS, FIREFOX_LINUX, HOUR_MS, peopleFacts, runRule, TestLog } from '../testing/people.js';
import { authImpossibleTravelRule as rule } from './auth-impossible-travel.js';

const START = Date.parse('2026-03-02T08:00:00.000Z');
const MINUTE = 60_000;
const facts = peopleFacts(
  [
    {
      orgId: 'org-line',
      kind: 'shipping_line',
      networks: [
        { cidr: '10.3.1.0/24', place: 'Antwerp', lat: 51.2194, lon: 4.4025 },
        { cidr: '10.3.2.0/24', place: 'Singapore', lat: 1.3521, lon: 103.8198 },
        { cidr: '10.3.3.0/24', place: 'Rotterdam', lat: 51.9244, lon: 4.4777 },
      ],
    },
    {
      orgId: 'org-fwd',
      kind: 'forwarder',
      networks: [{ cidr: '10.7.1.0/24', place: 'Hamburg', lat: 53.5511, lon: 9.9937 }],
    },
  ],
  [
    { userId: 'u-line', orgId: 'org-line', roles: ['release_desk'] },
    { userId: 'u-two', orgId: 'org-line', roles: ['release_desk'] },
    { userId: 'u-three', orgId: 'org-line', roles: ['release_desk'] },
    { userId: 'u-four', orgId: 'org-line', roles: ['release_desk'] },
  ],
);

describe('auth.impossible_travel', () => {
  it('fires on Antwerp then Singapore 40 minutes later, naming both sign-ins, once per incident', () => {
    const log = new TestLog();
    const antwerp = log.signIn(START, 'u-line', '10.3.1.20');
    const singapore = log.signIn(START + 40 * MINUTE, 'u-line', '10.3.2.77');
    // The person goes on working in Antwerp while the thief works in Singapore: the same incident.
    log.signIn(START + 2 * HOUR_MS, 'u-line', '10.3.1.20');
    const alerts = runRule(rule, log.events, facts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: 'auth.impossible_travel',
      severity: 'high',
      subject: { kind: 'user', id: 'u-line' },
      orgId: 'org-line',
      evidence: [antwerp.index, singapore.index],
    });
    expect(alerts[0]?.summary).toMatch(
      /^u-line signed in from Singapore 40 minutes after working from Antwerp, 10\d{3} km away\.$/,
    );
  });

  it('counts the airports: Antwerp to Hamburg (about 480 km, 3 h 30 min door to door at best)', () => {
    const log = new TestLog();
    // In 90 minutes: impossible, whatever the browser.
    log.signIn(START, 'u-line', '10.3.1.20');
    log.signIn(START + 90 * MINUTE, 'u-line', '10.7.1.5');
    // In 3 hours, from another browser: just short of possible, and someone else's browser.
    log.signIn(START, 'u-two', '10.3.1.21');
    log.signIn(START + 180 * MINUTE, 'u-two', '10.7.1.6', FIREFOX_LINUX);
    // In 3 hours with the usual browser (a tight flight, a desk on arrival), and in 4 hours: the person.
    log.signIn(START + DAY_MS, 'u-three', '10.3.1.22');
    log.signIn(START + DAY_MS + 180 * MINUTE, 'u-three', '10.7.1.7');
    log.signIn(START + 2 * DAY_MS, 'u-four', '10.3.1.23');
    log.signIn(START + 2 * DAY_MS + 240 * MINUTE, 'u-four', '10.7.1.8', FIREFOX_LINUX);
    expect(runRule(rule, log.events, facts).map((a) => a.subject.id)).toEqual(['u-line', 'u-two']);
  });

  it("places the person by their position views too: a morning's look-ups in Antwerp, then a sign-in in Singapore", () => {
    const log = new TestLog();
    log.signIn(START, 'u-line', '10.3.1.20');
    const views = log.add(START + 5 * HOUR_MS, 'views-u-line', 'PositionsViewed', {
      userId: 'u-line',
      orgId: 'org-line',
      routes: ['visit'],
      visitRefs: ['V1'],
      terminals: [],
      firstAt: new Date(START + 5 * HOUR_MS).toISOString(),
      lastAt: new Date(START + 5 * HOUR_MS).toISOString(),
      ip: '10.3.1.20',
    });
    // Eleven hours after the sign-in would do for a flight, six after the look-ups would not.
    const far = log.signIn(START + 11 * HOUR_MS, 'u-line', '10.3.2.9');
    expect(runRule(rule, log.events, facts).map((a) => a.evidence)).toEqual([[views.index, far.index]]);
  });

  it("places a network another organisation declared (a visit to a partner's office)", () => {
    const log = new TestLog();
    log.signIn(START, 'u-line', '10.3.1.20');
    log.signIn(START + 10 * MINUTE, 'u-line', '10.7.1.5');
    expect(runRule(rule, log.events, facts).map((a) => a.summary)).toEqual([
      expect.stringContaining('from Hamburg 10 minutes after working from Antwerp'),
    ]);
  });

  it('leaves alone a flight that takes as long as a flight, nearby offices, undeclared networks and other people', () => {
    const log = new TestLog();
    log.signIn(START, 'u-line', '10.3.1.20');
    // Antwerp–Rotterdam in 20 minutes: too close to judge (a VPN, a shared address plan).
    log.signIn(START + 20 * MINUTE, 'u-line', '10.3.3.20');
    // Singapore 16 hours later: a long-haul flight (10,500 km at 900 km/h is 11 h 40 min, airports 3 h).
    log.signIn(START + 16 * HOUR_MS, 'u-line', '10.3.2.20');
    // A network no one declared: no place.
    log.signIn(START + 16 * HOUR_MS + MINUTE, 'u-line', '203.0.113.1');
    // A colleague in Antwerp meanwhile.
    log.signIn(START + 16 * HOUR_MS + 2 * MINUTE, 'u-two', '10.3.1.21');
    // A failed sign-in from Antwerp is not the person there.
    log.signIn(START + 16 * HOUR_MS + 3 * MINUTE, 'u-line', '10.3.1.22', undefined, false);
    expect(runRule(rule, log.events, facts)).toEqual([]);
  });
});
