/**
 * `auth.new_device_or_network` (issue 15, stolen credentials): a successful sign-in from a browser family or a
 * network the person has not signed in from before, once they have a history to compare with. A phished password
 * and TOTP code (MISSION §1) are typed in by someone else, elsewhere: the thief's network and often their browser
 * are new to the account.
 *
 * Honest work it leaves alone:
 * - the first sign-ins of a new person (`minSignIns`): there is nothing yet to be new against;
 * - a person at another office of their own organisation: a network their organisation declared
 *   (`OrganisationNetworksSet`) is the organisation's own, whichever office, and a new browser there is an IT roll-out;
 * - a browser update: the family (`Chrome on Windows`) is compared, never the version;
 * - another address in the same /24 (IPv4) or /48 (IPv6, RFC 6177's site): one office or one home line.
 *
 * Memory is bounded: per person at most `maxKnown` families and networks, the least recently seen forgotten first.
 */

import { signInOf } from '../actor.js';
import { inNetworks, networkOf } from '../networks.js';
import type { DetectionAlert, PortFacts, Rule, RuleSettings, RuleStep } from '../rule.js';
import { entryOf, personAlert, timeOf } from './person-activity.js';

export interface NewDeviceOrNetworkSettings extends RuleSettings {
  /** Successful sign-ins a person must have before anything is new to them. */
  readonly minSignIns: number;
  /** Browser families and networks remembered per person (each), the least recently seen forgotten first. */
  readonly maxKnown: number;
  /** The prefix length that makes one IPv4 network (24: a /24). */
  readonly ipv4Prefix: number;
  /** The prefix length that makes one IPv6 network (48: a site). */
  readonly ipv6Prefix: number;
}

interface KnownPerson {
  /** Successful sign-ins seen. */
  n: number;
  /** Browser family → when last seen (ms). */
  agents: Record<string, number>;
  /** Network (CIDR text) → when last seen (ms). */
  nets: Record<string, number>;
}

export interface NewDeviceOrNetworkState {
  people: Record<string, KnownPerson>;
}

export const authNewDeviceOrNetworkRule: Rule<NewDeviceOrNetworkState, NewDeviceOrNetworkSettings> = {
  id: 'auth.new_device_or_network',
  description:
    'A successful sign-in from a browser family or network new to the person (after N sign-ins), outside the networks their organisation declared',
  defaults: { severity: 'medium', minSignIns: 5, maxKnown: 16, ipv4Prefix: 24, ipv6Prefix: 48 },
  initialState: () => ({ people: {} }),
  step(state, event, facts, settings): RuleStep<NewDeviceOrNetworkState> {
    const signIn = signInOf(event);
    if (!signIn?.ok) return { state, alerts: [] };
    const now = timeOf(event);
    const known = entryOf<KnownPerson>(state.people, signIn.userId, () => ({ n: 0, agents: {}, nets: {} }));
    const family = userAgentFamily(signIn.userAgent);
    const net = networkOf(signIn.ip, settings.ipv4Prefix, settings.ipv6Prefix) ?? `unparsed:${signIn.ip}`;
    const newFamily = known.agents[family] === undefined;
    const newNet = known.nets[net] === undefined;
    const orgId = facts.people[signIn.userId]?.orgId ?? null;
    const alerts: DetectionAlert[] = [];
    if (
      known.n >= settings.minSignIns &&
      (newFamily || newNet) &&
      !declaredByOwnOrg(signIn.ip, orgId, facts)
    ) {
      const what = [newNet ? `a network (${net})` : '', newFamily ? `a browser (${family})` : '']
        .filter((part) => part !== '')
        .join(' and ');
      alerts.push(
        personAlert({
          rule: 'auth.new_device_or_network',
          severity: settings.severity,
          actor: { userId: signIn.userId, orgId },
          summary: `${signIn.userId} signed in from ${what} new to them, outside their organisation's declared networks.`,
          evidence: [event.index],
        }),
      );
    }
    known.n += 1;
    known.agents[family] = now;
    known.nets[net] = now;
    forgetOldest(known.agents, settings.maxKnown);
    forgetOldest(known.nets, settings.maxKnown);
    return { state, alerts };
  },
};

/** Whether `ip` lies in a network the person's own organisation declared. */
function declaredByOwnOrg(ip: string, orgId: string | null, facts: PortFacts): boolean {
  const org = orgId === null ? undefined : facts.organisations[orgId];
  return org !== undefined && inNetworks(ip, org.networks);
}

function forgetOldest(seen: Record<string, number>, max: number): void {
  const keys = Object.keys(seen);
  if (keys.length <= max) return;
  keys.sort((a, b) => (seen[a] ?? 0) - (seen[b] ?? 0));
  for (const key of keys.slice(0, keys.length - max)) delete seen[key];
}

const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*Safari\//, 'Safari'],
  [/\bcurl\//, 'curl'],
  [/\bpython-requests\//, 'python-requests'],
  [/\bPortLedger-CLI\b/i, 'PortLedger CLI'],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\b(Macintosh|Mac OS X)\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/**
 * The browser family and operating system of a User-Agent header, without versions (`Chrome on Windows`), so an
 * update is not a new device; an unknown client is its product token (`Go-http-client`).
 *
 * @example
 * ```ts
 * userAgentFamily('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'); // 'Firefox on Linux'
 * ```
 */
export function userAgentFamily(userAgent: string): string {
  const browser =
    BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ??
    (userAgent.trim().split(/[/\s]/)[0] || 'no user agent');
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  return system ? `${browser} on ${system}` : browser;
}
