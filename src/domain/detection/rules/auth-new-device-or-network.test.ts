import { describe, expect, it } from 'vitest';
import { CHROME_WINDOWS, DAY_MS, FIREFOX_LINUX, peopleFacts, runRule, TestLog } from '../testing/people.js';
import { authNewDeviceOrNetworkRule as rule, userAgentFamily } from './auth-new-device-or-network.js';

const START = Date.parse('2026-03-02T08:00:00.000Z');
const facts = peopleFacts(
  [
    {
      orgId: 'org-fwd',
      kind: 'forwarder',
      networks: [
        { cidr: '10.7.1.0/24', place: 'Antwerp', lat: 51.22, lon: 4.4 },
        { cidr: '10.7.2.0/24', place: 'Rotterdam', lat: 51.92, lon: 4.48 },
      ],
    },
  ],
  [{ userId: 'u-ann', orgId: 'org-fwd', roles: ['release_desk'] }],
);

/** Ann signs in from the Antwerp office on `days` working days. */
function history(log: TestLog, days: number, ip = '10.7.1.20', agent = CHROME_WINDOWS): number {
  for (let d = 0; d < days; d++) log.signIn(START + d * DAY_MS, 'u-ann', ip, agent);
  return START + days * DAY_MS;
}

describe('auth.new_device_or_network', () => {
  it('fires on a sign-in from a network and browser new to the person, outside the declared offices', () => {
    const log = new TestLog();
    const next = history(log, 10);
    const stolen = log.signIn(next, 'u-ann', '203.0.113.9', FIREFOX_LINUX);
    const alerts = runRule(rule, log.events, facts);
    expect(alerts).toEqual([
      {
        rule: 'auth.new_device_or_network',
        severity: 'medium',
        subject: { kind: 'user', id: 'u-ann' },
        terminal: null,
        orgId: 'org-fwd',
        summary:
          "u-ann signed in from a network (203.0.113.0/24) and a browser (Firefox on Linux) new to them, outside their organisation's declared networks.",
        evidence: [stolen.index],
      },
    ]);
  });

  it('fires on a new home network with the usual browser, once', () => {
    const log = new TestLog();
    const next = history(log, 6, '198.51.100.7');
    log.signIn(next, 'u-ann', '192.0.2.50');
    log.signIn(next + 3_600_000, 'u-ann', '192.0.2.51');
    expect(runRule(rule, log.events, facts)).toHaveLength(1);
  });

  it('leaves alone a new person, another office of their own organisation, another address of the same /24, a browser update', () => {
    const log = new TestLog();
    // The first sign-ins: nothing to compare with yet, even from elsewhere.
    log.signIn(START, 'u-ann', '203.0.113.9', FIREFOX_LINUX);
    const next = history(log, 6);
    // Travelling to the Rotterdam office, on a new laptop there: the organisation's own network.
    log.signIn(next, 'u-ann', '10.7.2.44', FIREFOX_LINUX);
    log.signIn(next + DAY_MS, 'u-ann', '10.7.1.99');
    log.signIn(
      next + 2 * DAY_MS,
      'u-ann',
      '10.7.1.21',
      CHROME_WINDOWS.replace('Chrome/126.0.0.0', 'Chrome/131.0.6778.86'),
    );
    // Back at the first network (outside the offices) with the first browser: both known.
    log.signIn(next + 3 * DAY_MS, 'u-ann', '203.0.113.200', FIREFOX_LINUX);
    expect(runRule(rule, log.events, facts)).toEqual([]);
  });

  it('forgets the least recently seen networks beyond its bound', () => {
    const log = new TestLog();
    const t = history(log, 6);
    for (let i = 0; i < 5; i++) log.signIn(t + i * DAY_MS, 'u-ann', `198.51.${i}.1`);
    const settings = { ...rule.defaults, maxKnown: 3 };
    // Five new networks: each new when first seen.
    expect(runRule(rule, log.events, facts, settings)).toHaveLength(5);
    // The office network was forgotten (only the last three kept); but it is declared, so still no alert.
    log.signIn(t + 5 * DAY_MS, 'u-ann', '10.7.1.20');
    expect(runRule(rule, log.events, facts, settings)).toHaveLength(5);
    // The first of the five is forgotten too: new again.
    log.signIn(t + 6 * DAY_MS, 'u-ann', '198.51.0.1');
    expect(runRule(rule, log.events, facts, settings)).toHaveLength(6);
  });

  it('names browser families without versions', () => {
    expect(userAgentFamily(CHROME_WINDOWS)).toBe('Chrome on Windows');
    expect(userAgentFamily(FIREFOX_LINUX)).toBe('Firefox on Linux');
    expect(
      userAgentFamily(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0',
      ),
    ).toBe('Edge on Windows');
    expect(
      userAgentFamily(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      ),
    ).toBe('Safari on macOS');
    expect(userAgentFamily('curl/8.5.0')).toBe('curl');
    expect(userAgentFamily('')).toBe('no user agent');
  });
});
