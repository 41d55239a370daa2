import { describe, expect, it } from 'vitest';
import { HOUR_MS, peopleFacts, runRule, TestLog } from '../testing/people.js';
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
      /^u-line signed in from Singapore 40 minutes after signing in from Antwerp, 10\d{3} km away\.$/,
    );
  });

  it("places a network another organisation declared (a visit to a partner's office)", () => {
    const log = new TestLog();
    log.signIn(START, 'u-line', '10.3.1.20');
    log.signIn(START + 10 * MINUTE, 'u-line', '10.7.1.5');
    expect(runRule(rule, log.events, facts).map((a) => a.summary)).toEqual([
      expect.stringContaining('from Hamburg 10 minutes after signing in from Antwerp'),
    ]);
  });

  it('leaves alone a flight that takes as long as a flight, nearby offices, undeclared networks and other people', () => {
    const log = new TestLog();
    log.signIn(START, 'u-line', '10.3.1.20');
    // Antwerp–Rotterdam in 20 minutes: too close to judge (a VPN, a shared address plan).
    log.signIn(START + 20 * MINUTE, 'u-line', '10.3.3.20');
    // Singapore 14 hours later: a long-haul flight.
    log.signIn(START + 14 * HOUR_MS, 'u-line', '10.3.2.20');
    // A network no one declared: no place.
    log.signIn(START + 14 * HOUR_MS + MINUTE, 'u-line', '203.0.113.1');
    // A colleague in Antwerp meanwhile.
    log.signIn(START + 14 * HOUR_MS + 2 * MINUTE, 'u-two', '10.3.1.21');
    // A failed sign-in from Antwerp is not the person there.
    log.signIn(START + 14 * HOUR_MS + 3 * MINUTE, 'u-line', '10.3.1.22', undefined, false);
    expect(runRule(rule, log.events, facts)).toEqual([]);
  });
});
