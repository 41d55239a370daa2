/**
 * The SSRF guard of callback URLs (issue 16): a subscriber names a URL and we POST to it from inside the port's
 * network, so only http(s) to public addresses, unless an administrator allows a range
 * (`PORTLEDGER_CALLBACK_ALLOW`, CIDR list). Checked when a subscription is made or changed and again at each
 * delivery against the addresses the name resolves to then (DNS may change: the transport connects only to an
 * address this guard passed, so a rebinding between check and connect cannot slip through). Redirects are never
 * followed. Pure: the resolver is given.
 */
import { AppError } from '../errors.js';

/** An address range in IPv6 space (IPv4 as IPv4-mapped `::ffff:a.b.c.d`, RFC 4291 §2.5.5.2). */
export interface AddressRange {
  readonly base: bigint;
  readonly prefix: number;
  readonly text: string;
}

const MAPPED_V4 = 0xffffn << 32n;

/** `a.b.c.d` as a 32-bit number, or undefined. Only the dotted-quad form: `0x7f.1` and `2130706433` are refused. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    value = value * 256 + byte;
  }
  return value;
}

/** An IPv6 address (RFC 4291 §2.2, with `::` and a trailing dotted quad) as a 128-bit number, or undefined. */
export function parseIpv6(input: string): bigint | undefined {
  let text = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  if (text.includes('%')) return undefined; // a zone id names a link: link-local, refused anyway
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // A trailing dotted quad (`::ffff:127.0.0.1`) is the last two words.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (part: string) => (part === '' ? [] : part.split(':'));
  const head = group(halves[0] ?? '');
  const rest = halves.length === 2 ? group(halves[1] ?? '') : [];
  const words: number[] = [];
  for (const word of [...head, ...rest]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(word)) return undefined;
  }
  const given = head.length + rest.length;
  if (halves.length === 1 && given !== 8) return undefined;
  if (halves.length === 2 && given > 7) return undefined;
  words.push(...head.map((w) => Number.parseInt(w, 16)));
  if (halves.length === 2) for (let i = 0; i < 8 - given; i++) words.push(0);
  words.push(...rest.map((w) => Number.parseInt(w, 16)));
  return words.reduce((acc, word) => (acc << 16n) | BigInt(word), 0n);
}

/** Any IP literal as a number in IPv6 space, or undefined when `text` is no IP literal. */
export function parseIp(text: string): bigint | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return MAPPED_V4 | BigInt(v4);
  return parseIpv6(text);
}

/** `10.0.0.0/8`, `fc00::/7` or a single address. */
export function parseCidr(text: string): AddressRange | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const isV4 = parseIpv4(address) !== undefined;
  const base = parseIp(address);
  if (base === undefined) return undefined;
  const width = isV4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (!(prefixText === undefined || /^[0-9]{1,3}$/.test(prefixText)) || prefix > width) return undefined;
  const v6Prefix = isV4 ? prefix + 96 : prefix;
  return { base: base & mask(v6Prefix), prefix: v6Prefix, text: text.trim() };
}

function mask(prefix: number): bigint {
  return prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
}

export function inRange(address: bigint, range: AddressRange): boolean {
  return (address & mask(range.prefix)) === range.base;
}

/** A comma- or space-separated CIDR list (the `PORTLEDGER_CALLBACK_ALLOW` setting); throws naming a bad entry. */
export function parseCidrList(text: string | undefined): AddressRange[] {
  if (!text?.trim()) return [];
  return text
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .map((entry) => {
      const range = parseCidr(entry);
      if (!range) throw new Error(`not an address range (CIDR): ${entry}`);
      return range;
    });
}

const range = (text: string, why: string) => ({ range: parseCidr(text) as AddressRange, why });

/**
 * Where a callback may not go. IPv4 (RFC 6890 special-purpose registry): this network, private (RFC 1918), CGNAT
 * (RFC 6598), loopback, link-local (cloud metadata at 169.254.169.254), IETF protocol assignments, benchmarking,
 * multicast and reserved, broadcast. IPv6: unspecified, loopback, IPv4-compatible (deprecated), discard-only,
 * unique-local (RFC 4193), site-local (deprecated), link-local, multicast. The IPv6 forms that carry an IPv4
 * address (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4 address they carry.
 */
const BLOCKED: readonly { range: AddressRange; why: string }[] = [
  range('0.0.0.0/8', 'this network (unspecified)'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::/96', 'IPv4-compatible (deprecated)'),
  range('100::/64', 'discard-only'),
  range('2001:db8::/32', 'documentation'),
  range('fc00::/7', 'unique-local'),
  range('fec0::/10', 'site-local (deprecated)'),
  range('fe80::/10', 'link-local'),
  range('ff00::/8', 'multicast'),
];

const NAT64 = parseCidr('64:ff9b::/96') as AddressRange;
const SIX_TO_FOUR = parseCidr('2002::/16') as AddressRange;

/** The IPv4 address an IPv6 address carries (NAT64, 6to4), mapped; else the address itself. */
function carried(address: bigint): bigint {
  if (inRange(address, NAT64)) return MAPPED_V4 | (address & 0xffffffffn);
  if (inRange(address, SIX_TO_FOUR)) return MAPPED_V4 | ((address >> 80n) & 0xffffffffn);
  return address;
}

/**
 * Why an address may not be called back, or undefined when it may: an allowed range wins over a blocked one.
 *
 * @example
 * ```ts
 * refusedAddress('127.0.0.1', []); // 'loopback'
 * refusedAddress('127.0.0.1', parseCidrList('127.0.0.1/32')); // undefined
 * ```
 */
export function refusedAddress(ip: string, allow: readonly AddressRange[]): string | undefined {
  const address = parseIp(ip);
  if (address === undefined) return 'not an IP address';
  const judged = carried(address);
  if (allow.some((allowed) => inRange(address, allowed) || inRange(judged, allowed))) return undefined;
  return BLOCKED.find((blocked) => inRange(judged, blocked.range))?.why;
}

/** Resolves a host name to every address it has now (`dns.lookup` with `all`, in the adapter). */
export type HostResolver = (host: string) => Promise<readonly string[]>;

/** The URL, parsed, if it is an absolute http(s) URL without credentials; else `subscription.callback_refused`. */
export function parseCallbackUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refused(text, 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(text, 'only http and https');
  if (url.username !== '' || url.password !== '') throw refused(text, 'no credentials in the URL');
  if (text.length > 2000) throw refused(text, 'longer than 2000 characters');
  return url;
}

/**
 * Checks a callback URL: its scheme, and every address its host resolves to now. Throws
 * `subscription.callback_refused` naming why; returns the addresses that may be called.
 */
export async function checkCallbackUrl(
  text: string,
  deps: { resolve: HostResolver; allow: readonly AddressRange[] },
): Promise<readonly string[]> {
  const url = parseCallbackUrl(text);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: readonly string[];
  if (parseIp(host) !== undefined) addresses = [host];
  else {
    try {
      addresses = await deps.resolve(host);
    } catch {
      throw refused(text, `the host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw refused(text, `the host ${host} does not resolve`);
  for (const address of addresses) {
    const why = refusedAddress(address, deps.allow);
    if (why) throw refused(text, `${host} resolves to ${address}, a ${why} address`);
  }
  return addresses;
}

function refused(url: string, why: string): AppError {
  return new AppError('subscription.callback_refused', `callback URL refused: ${why}`, {
    callbackUrl: url.slice(0, 200),
    reason: why,
  });
}
