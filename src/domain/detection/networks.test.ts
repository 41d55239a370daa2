import { describe, expect, it } from 'vitest';
import {
  checkDeclaredNetworks,
  declaredNetworkOf,
  distanceKm,
  inCidr,
  networkOf,
  parseCidr,
  parseIp,
} from './networks.js';
import { peopleFacts } from './testing/people.js';

describe('addresses and ranges', () => {
  it('parses IPv4, IPv6 and IPv4-mapped IPv6', () => {
    expect(parseIp('192.0.2.10')).toEqual([192, 0, 2, 10]);
    expect(parseIp('::ffff:192.0.2.10')).toEqual([192, 0, 2, 10]);
    expect(parseIp('2001:db8::1')).toEqual([0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1]);
    expect(parseIp('fe80::1%eth0')?.length).toBe(16);
    for (const bad of ['', '256.1.1.1', '01.2.3.4', '1.2.3', '2001:db8:::1', '1:2:3:4:5:6:7:8:9', 'x::1']) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });

  it('parses CIDR ranges and refuses bits set past the prefix', () => {
    expect(parseCidr('192.0.2.0/24')).toEqual({ bytes: [192, 0, 2, 0], prefix: 24 });
    expect(parseCidr('2001:db8:1::/48')?.prefix).toBe(48);
    expect(parseCidr('0.0.0.0/0')?.prefix).toBe(0);
    for (const bad of [
      '192.0.2.1/24',
      '192.0.2.0/33',
      '192.0.2.0',
      '2001:db8::/129',
      '192.0.2.0/24/1',
      'a/8',
    ]) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
    const office = parseCidr('10.20.0.0/22')!;
    expect(inCidr(parseIp('10.20.3.255')!, office)).toBe(true);
    expect(inCidr(parseIp('10.20.4.0')!, office)).toBe(false);
    expect(inCidr(parseIp('2001:db8::1')!, office)).toBe(false);
  });

  it('names the /24 or /48 a sign-in came from', () => {
    expect(networkOf('192.0.2.77', 24, 48)).toBe('192.0.2.0/24');
    expect(networkOf('::ffff:192.0.2.77', 24, 48)).toBe('192.0.2.0/24');
    expect(networkOf('2001:db8:1:2::9', 24, 48)).toBe('2001:db8:1:0:0:0:0:0/48');
    expect(networkOf('unknown', 24, 48)).toBeUndefined();
  });

  it('measures Antwerp to Singapore as about 10,500 km', () => {
    const antwerp = { lat: 51.22, lon: 4.4 };
    const singapore = { lat: 1.29, lon: 103.85 };
    expect(distanceKm(antwerp, singapore)).toBeGreaterThan(10_300);
    expect(distanceKm(antwerp, singapore)).toBeLessThan(10_700);
    expect(distanceKm(antwerp, antwerp)).toBe(0);
  });
});

describe('declared networks', () => {
  it('places an address by the longest declared prefix, own organisation first', () => {
    const facts = peopleFacts(
      [
        {
          orgId: 'org-a',
          kind: 'forwarder',
          networks: [
            { cidr: '10.0.0.0/8', place: 'Antwerp HQ', lat: 51.2, lon: 4.4 },
            { cidr: '10.9.0.0/16', place: 'Rotterdam', lat: 51.9, lon: 4.5 },
          ],
        },
        {
          orgId: 'org-b',
          kind: 'haulier',
          networks: [{ cidr: '10.9.9.0/24', place: 'Gent', lat: 51.05, lon: 3.7 }],
        },
      ],
      [],
    );
    expect(declaredNetworkOf('10.9.1.1', facts, 'org-a')?.place).toBe('Rotterdam');
    expect(declaredNetworkOf('10.1.1.1', facts, 'org-a')?.place).toBe('Antwerp HQ');
    expect(declaredNetworkOf('10.9.9.9', facts, 'org-b')?.place).toBe('Gent');
    expect(declaredNetworkOf('10.9.9.9', facts, 'org-a')?.place).toBe('Rotterdam');
    expect(declaredNetworkOf('10.9.9.9', facts, null)?.place).toBe('Gent');
    expect(declaredNetworkOf('192.0.2.1', facts, 'org-a')).toBeUndefined();
  });

  it('checks a declaration: ranges, places, latitudes and longitudes', () => {
    const good = { cidr: ' 2001:DB8:1::/48 ', place: ' Antwerp ', lat: 51.2, lon: 4.4 };
    expect(checkDeclaredNetworks([good])).toEqual({
      ok: true,
      networks: [{ cidr: '2001:db8:1::/48', place: 'Antwerp', lat: 51.2, lon: 4.4 }],
    });
    expect(checkDeclaredNetworks([])).toEqual({ ok: true, networks: [] });
    expect(checkDeclaredNetworks({})).toMatchObject({ ok: false, field: 'networks' });
    expect(checkDeclaredNetworks([{ ...good, cidr: '192.0.2.1/24' }])).toMatchObject({
      field: 'networks[0].cidr',
    });
    expect(checkDeclaredNetworks([good, { ...good, place: '' }])).toMatchObject({
      field: 'networks[1].place',
    });
    expect(checkDeclaredNetworks([{ ...good, lat: 91 }])).toMatchObject({ field: 'networks[0].lat' });
    expect(checkDeclaredNetworks([{ ...good, lon: -180.5 }])).toMatchObject({ field: 'networks[0].lon' });
    expect(checkDeclaredNetworks([{ ...good, lat: '51' }])).toMatchObject({ field: 'networks[0].lat' });
    expect(checkDeclaredNetworks([good, good])).toMatchObject({
      field: 'networks[1].cidr',
      problem: 'is listed twice',
    });
  });
});
