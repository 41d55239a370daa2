/**
 * Client networks without an outside lookup service (issue 15, stolen credentials): IP addresses and CIDR ranges
 * parsed by hand (RFC 4632 for IPv4 prefixes, RFC 4291 §2.2–2.3 for IPv6 text and prefixes), the network a sign-in
 * came from, the place an organisation declared for a range, and the great-circle distance between two places.
 * Pure: no DNS, no GeoIP database; the only places known are the ones the organisations declared
 * (`OrganisationNetworksSet`).
 */

import type { PortFacts } from './rule.js';

/** An address as its bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = readonly number[];

/** A parsed CIDR range. */
export interface Cidr {
  readonly bytes: IpBytes;
  readonly prefix: number;
}

/** One declared client network of an organisation, as `OrganisationNetworksSet` records it. */
export interface DeclaredNetwork {
  readonly cidr: string;
  readonly place: string;
  readonly lat: number;
  readonly lon: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): number[] | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  const bytes = match.slice(1).map(Number);
  // RFC 6943 §3.1.1: no leading zeros, which some parsers read as octal.
  if (match.slice(1).some((part) => part.length > 1 && part.startsWith('0'))) return undefined;
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  let rest = text.toLowerCase();
  // A zone index (fe80::1%eth0) names an interface of the server, not a network: drop it.
  const zone = rest.indexOf('%');
  if (zone >= 0) rest = rest.slice(0, zone);
  let tail: number[] = [];
  // RFC 4291 §2.2 form 3: the last 32 bits as a dotted IPv4 address.
  const lastColon = rest.lastIndexOf(':');
  if (lastColon >= 0 && rest.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(rest.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    rest = `${rest.slice(0, lastColon + 1)}0:0`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0] ?? '');
  const back = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - back.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...back];
  const bytes: number[] = [];
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return undefined;
    const value = Number.parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/**
 * The bytes of an IPv4 or IPv6 address; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, as a dual-stack server
 * sees IPv4 clients) is its IPv4 address. `undefined` when `text` is not an address.
 *
 * @example
 * ```ts
 * parseIp('192.0.2.10'); // [192, 0, 2, 10]
 * parseIp('::ffff:192.0.2.10'); // [192, 0, 2, 10]
 * ```
 */
export function parseIp(text: string): IpBytes | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const bytes = parseIpv6(trimmed);
    if (!bytes) return undefined;
    const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
    return mapped ? bytes.slice(12) : bytes;
  }
  return parseIpv4(trimmed);
}

/**
 * A CIDR range (`192.0.2.0/24`, `2001:db8::/32`); `undefined` when malformed, when the prefix is longer than the
 * address, or when bits are set beyond the prefix (`192.0.2.1/24` is a typo for a host or for a network; say which).
 */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, ...more] = text.trim().split('/');
  if (address === undefined || prefixText === undefined || more.length > 0) return undefined;
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const bytes = address.includes(':') ? parseIpv6(address) : parseIpv4(address);
  const prefix = Number(prefixText);
  if (!bytes || prefix > bytes.length * 8) return undefined;
  const masked = maskBytes(bytes, prefix);
  return masked.every((b, i) => b === bytes[i]) ? { bytes, prefix } : undefined;
}

function maskBytes(bytes: IpBytes, prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return bits === 0 ? 0 : b & (0xff << (8 - bits)) & 0xff;
  });
}

/** Whether `ip` lies in `cidr` (both of one family). */
export function inCidr(ip: IpBytes, cidr: Cidr): boolean {
  if (ip.length !== cidr.bytes.length) return false;
  const masked = maskBytes(ip, cidr.prefix);
  return masked.every((b, i) => b === cidr.bytes[i]);
}

/**
 * The network an address belongs to for "new to this person": its first `ipv4Prefix` bits (a /24 is one office or
 * one home line) or `ipv6Prefix` bits (a /48 is one site, RFC 6177), as CIDR text. `undefined` when `ip` is not an
 * address.
 *
 * @example
 * ```ts
 * networkOf('192.0.2.77', 24, 48); // '192.0.2.0/24'
 * ```
 */
export function networkOf(ip: string, ipv4Prefix: number, ipv6Prefix: number): string | undefined {
  const bytes = parseIp(ip);
  if (!bytes) return undefined;
  if (bytes.length === 4) return `${maskBytes(bytes, ipv4Prefix).join('.')}/${ipv4Prefix}`;
  const masked = maskBytes(bytes, ipv6Prefix);
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((masked[i] ?? 0) << 8) | (masked[i + 1] ?? 0)).toString(16));
  return `${groups.join(':')}/${ipv6Prefix}`;
}

/**
 * `parseCidr`, remembered: the engine places every sign-in and look-up against the same few declared ranges. The
 * answer depends on the text alone, so remembering it changes nothing but the time.
 */
const parsedCidrs = new Map<string, Cidr | undefined>();
function parsedCidr(text: string): Cidr | undefined {
  if (parsedCidrs.has(text)) return parsedCidrs.get(text);
  if (parsedCidrs.size >= 10_000) parsedCidrs.clear();
  const cidr = parseCidr(text);
  parsedCidrs.set(text, cidr);
  return cidr;
}

/** The declared network of `orgId` (first), or of any organisation, that holds `ip`, with its place. */
export function declaredNetworkOf(
  ip: string,
  facts: PortFacts,
  orgId: string | null,
): (DeclaredNetwork & { orgId: string }) | undefined {
  const bytes = parseIp(ip);
  if (!bytes) return undefined;
  // The person's own organisation's declaration is the one that counts when it has one.
  const own = orgId === null ? undefined : facts.organisations[orgId];
  const mine = own ? longestMatch(bytes, own) : undefined;
  if (mine) return mine;
  let best: (DeclaredNetwork & { orgId: string; prefix: number }) | undefined;
  for (const org of Object.values(facts.organisations)) {
    const match = org === own ? undefined : longestMatch(bytes, org);
    if (match && (best === undefined || match.prefix > best.prefix)) best = match;
  }
  return best;
}

/** The longest of `org`'s declared ranges that holds `bytes`, as in routing: a branch's /26 inside a head office's /22. */
function longestMatch(
  bytes: IpBytes,
  org: PortFacts['organisations'][string],
): (DeclaredNetwork & { orgId: string; prefix: number }) | undefined {
  let best: (DeclaredNetwork & { orgId: string; prefix: number }) | undefined;
  for (const network of org.networks) {
    const cidr = parsedCidr(network.cidr);
    if (!cidr || !inCidr(bytes, cidr) || (best !== undefined && cidr.prefix <= best.prefix)) continue;
    best = {
      cidr: network.cidr,
      place: network.place,
      lat: network.lat,
      lon: network.lon,
      orgId: org.orgId,
      prefix: cidr.prefix,
    };
  }
  return best;
}

/** Whether `ip` lies in one of `networks` (an organisation's declared ranges). */
export function inNetworks(ip: string, networks: readonly { cidr: string }[]): boolean {
  const bytes = parseIp(ip);
  if (!bytes) return false;
  return networks.some((network) => {
    const cidr = parsedCidr(network.cidr);
    return cidr !== undefined && inCidr(bytes, cidr);
  });
}

const EARTH_RADIUS_KM = 6371.0088;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

/** The great-circle distance between two places in kilometres (haversine, mean Earth radius). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLon = toRadians(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** At most this many networks per organisation: a declaration is a list of offices, not a routing table. */
export const MAX_DECLARED_NETWORKS = 200;

/**
 * An organisation's declared networks, checked: each a CIDR range with bits only within its prefix, a place name
 * (1–100 characters), a latitude in [-90, 90] and a longitude in [-180, 180], no range twice. The CIDR text comes
 * back normalised (trimmed, IPv6 lower case). A problem names the field (`networks[2].cidr`) and what is wrong.
 *
 * @example
 * ```ts
 * checkDeclaredNetworks([{ cidr: '192.0.2.0/24', place: 'Antwerp', lat: 51.26, lon: 4.4 }]);
 * // { ok: true, networks: [...] }
 * ```
 */
export function checkDeclaredNetworks(
  input: unknown,
): { ok: true; networks: DeclaredNetwork[] } | { ok: false; field: string; problem: string } {
  if (!Array.isArray(input)) return { ok: false, field: 'networks', problem: 'is not a list' };
  if (input.length > MAX_DECLARED_NETWORKS) {
    return { ok: false, field: 'networks', problem: `holds more than ${MAX_DECLARED_NETWORKS} networks` };
  }
  const networks: DeclaredNetwork[] = [];
  const seen = new Set<string>();
  for (const [i, item] of input.entries()) {
    const field = `networks[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return { ok: false, field, problem: 'is not an object' };
    }
    const { cidr, place, lat, lon } = item as Record<string, unknown>;
    if (typeof cidr !== 'string' || !parseCidr(cidr)) {
      return {
        ok: false,
        field: `${field}.cidr`,
        problem: 'is not a CIDR range (e.g. 192.0.2.0/24 or 2001:db8:1::/48, no bits set past the prefix)',
      };
    }
    if (typeof place !== 'string' || place.trim().length === 0 || place.trim().length > 100) {
      return { ok: false, field: `${field}.place`, problem: 'is not a place name of 1 to 100 characters' };
    }
    if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
      return { ok: false, field: `${field}.lat`, problem: 'is not a latitude from -90 to 90' };
    }
    if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
      return { ok: false, field: `${field}.lon`, problem: 'is not a longitude from -180 to 180' };
    }
    const normalised = cidr.trim().toLowerCase();
    if (seen.has(normalised)) return { ok: false, field: `${field}.cidr`, problem: 'is listed twice' };
    seen.add(normalised);
    networks.push({ cidr: normalised, place: place.trim(), lat, lon });
  }
  return { ok: true, networks };
}
