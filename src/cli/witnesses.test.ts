import { describe, expect, it } from 'vitest';
import { cosignatureVerifierKeyString, cosignerFromSeed } from '../audit/index.js';
import { parseWitnessList, parseWitnessMaxLagMs, parseWitnessQuorum } from './witnesses.js';

const customs = cosignatureVerifierKeyString(
  cosignerFromSeed('customs.test/witness', new Uint8Array(32).fill(1)),
);
const port = cosignatureVerifierKeyString(cosignerFromSeed('port.test/witness', new Uint8Array(32).fill(2)));

describe('PORTLEDGER_WITNESSES', () => {
  it('reads comma-separated VKEY@URL entries, whatever + and / the key holds', () => {
    const witnesses = parseWitnessList(
      ` ${customs}@http://127.0.0.1:7001 , ${port}@https://witness.port.test/w`,
    );
    expect(witnesses.map((w) => [w.key.name, w.vkey, w.url])).toEqual([
      ['customs.test/witness', customs, 'http://127.0.0.1:7001'],
      ['port.test/witness', port, 'https://witness.port.test/w'],
    ]);
  });

  it('is empty when unset', () => {
    expect(parseWitnessList(undefined)).toEqual([]);
    expect(parseWitnessList('  ')).toEqual([]);
  });

  it.each([
    [`${customs}`, 'has no @URL'],
    [`${customs}@not a url`, 'has no valid URL'],
    [`${customs}@ftp://example.test`, 'needs an http(s) URL'],
    [
      `customs.test/witness+00000000+${customs.split('+')[2]}@http://127.0.0.1:1`,
      'not a cosigner verifier key',
    ],
    [`${customs}@http://a.test,${customs}@http://b.test`, 'the same witness twice'],
  ])('refuses %s (%s)', (text, why) => {
    expect(() => parseWitnessList(text)).toThrow(why);
  });

  it('refuses a log key (type 0x01) where a cosigner key (0x04) belongs', () => {
    const logKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    expect(() => parseWitnessList(`${logKey}@http://127.0.0.1:1`)).toThrow('not a cosigner verifier key');
  });
});

describe('PORTLEDGER_WITNESS_QUORUM and PORTLEDGER_WITNESS_MAX_LAG', () => {
  it('defaults the quorum to every witness and takes 1..n', () => {
    expect(parseWitnessQuorum(undefined, 3)).toBe(3);
    expect(parseWitnessQuorum('2', 3)).toBe(2);
    for (const bad of ['0', '4', '1.5', 'two'])
      expect(() => parseWitnessQuorum(bad, 3)).toThrow('between 1 and 3');
  });

  it('defaults the lag to 10 minutes and refuses what is not a positive number of seconds', () => {
    expect(parseWitnessMaxLagMs(undefined)).toBe(600_000);
    expect(parseWitnessMaxLagMs('30')).toBe(30_000);
    for (const bad of ['0', '-5', 'soon']) expect(() => parseWitnessMaxLagMs(bad)).toThrow('positive number');
  });
});
