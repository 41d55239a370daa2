import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { checkCallbackUrl, parseCidrList, parseIp, refusedAddress } from './callback-url.js';

describe('callback URL SSRF guard (issue 16)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'this network (unspecified)'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    // IPv4 inside IPv6: judged by the IPv4 address carried.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['[::1]', 'loopback'],
  ])('refuses %s (%s)', (ip, why) => {
    expect(refusedAddress(ip, [])).toBe(why);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('lets %s through', (ip) => {
    expect(refusedAddress(ip, [])).toBeUndefined();
  });

  it('lets an administrator allow a range, and only that range', () => {
    const allow = parseCidrList('127.0.0.1/32, 10.20.0.0/16 ::1');
    expect(refusedAddress('127.0.0.1', allow)).toBeUndefined();
    expect(refusedAddress('::ffff:127.0.0.1', allow)).toBeUndefined();
    expect(refusedAddress('127.0.0.2', allow)).toBe('loopback');
    expect(refusedAddress('10.20.9.9', allow)).toBeUndefined();
    expect(refusedAddress('10.21.0.1', allow)).toBe('private');
    expect(refusedAddress('::1', allow)).toBeUndefined();
    expect(() => parseCidrList('10.0.0.0/33')).toThrow('10.0.0.0/33');
    expect(() => parseCidrList('localhost')).toThrow('localhost');
  });

  it('reads only plain address literals', () => {
    expect(parseIp('0x7f.0.0.1')).toBeUndefined();
    expect(parseIp('2130706433')).toBeUndefined();
    expect(parseIp('127.1')).toBeUndefined();
    expect(parseIp('01.2.3.4')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIp('fe80::1%eth0')).toBeUndefined();
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(parseIp('::ffff:1.2.3.4')).toBe((0xffffn << 32n) | 0x01020304n);
    expect(parseIp('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
  });

  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses;

  it('checks the scheme and every address the host resolves to', async () => {
    const deps = { resolve: resolveTo('93.184.215.14'), allow: [] };
    await expect(checkCallbackUrl('https://receiver.example/hook', deps)).resolves.toEqual(['93.184.215.14']);
    for (const url of [
      'ftp://receiver.example/',
      'file:///etc/passwd',
      'gopher://x/',
      'not a url',
      'https://u:p@receiver.example/',
    ]) {
      await expect(checkCallbackUrl(url, deps)).rejects.toBeInstanceOf(AppError);
    }
    // One private address among public ones is enough to refuse: a connection could pick it.
    await expect(
      checkCallbackUrl('https://rebind.example/', {
        resolve: resolveTo('93.184.215.14', '10.0.0.5'),
        allow: [],
      }),
    ).rejects.toMatchObject({
      code: 'subscription.callback_refused',
      details: { reason: expect.stringContaining('10.0.0.5') },
    });
    await expect(checkCallbackUrl('http://127.0.0.1:8080/', deps)).rejects.toMatchObject({
      code: 'subscription.callback_refused',
    });
    await expect(checkCallbackUrl('http://[::1]:8080/', deps)).rejects.toMatchObject({
      code: 'subscription.callback_refused',
    });
    await expect(
      checkCallbackUrl('http://127.0.0.1:8080/', { ...deps, allow: parseCidrList('127.0.0.1') }),
    ).resolves.toEqual(['127.0.0.1']);
    await expect(
      checkCallbackUrl('https://nowhere.example/', {
        resolve: async () => {
          throw new Error('ENOTFOUND');
        },
        allow: [],
      }),
    ).rejects.toMatchObject({ code: 'subscription.callback_refused' });
  });
});
