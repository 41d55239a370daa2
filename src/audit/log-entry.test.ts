import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from './json.js';
import { decodeLogEntry, encodeLogEntry, type LogEntry } from './log-entry.js';

const entry: LogEntry = {
  index: 41,
  eventId: '01J9ZK3T5X8E2Q7W4B6N0C1V9M',
  streamId: 'visit-MSCU1234565',
  streamVersion: 3,
  type: 'GateIn',
  recordedAt: '2025-03-01T08:15:00.000Z',
  data: { container: 'MSCU1234565', weightKg: 24500.5, seals: ['A1', 'B2'], hazmat: null, é: true },
};

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const bytesOf = (value: string) => Uint8Array.from(Buffer.from(value, 'utf8'));

describe('encodeLogEntry', () => {
  it('writes the JCS text of the versioned wire object', () => {
    expect(text(encodeLogEntry(entry))).toBe(
      '{"at":"2025-03-01T08:15:00.000Z","data":{"container":"MSCU1234565","hazmat":null,"seals":["A1","B2"],' +
        '"weightKg":24500.5,"é":true},"id":"01J9ZK3T5X8E2Q7W4B6N0C1V9M","index":41,"stream":"visit-MSCU1234565",' +
        '"type":"GateIn","v":1,"version":3}',
    );
  });

  it('rejects fields of the wrong type and data that is not JSON', () => {
    expect(() => encodeLogEntry({ ...entry, index: -1 })).toThrow(
      expect.objectContaining({ code: 'audit.entry_malformed' }),
    );
    expect(() => encodeLogEntry({ ...entry, data: [] as never })).toThrow(
      expect.objectContaining({ code: 'audit.entry_malformed' }),
    );
    expect(() => encodeLogEntry({ ...entry, data: { at: new Date() } as never })).toThrow(
      expect.objectContaining({ code: 'audit.not_canonicalizable' }),
    );
  });
});

describe('decodeLogEntry', () => {
  it('round-trips any entry', () => {
    const jsonObject = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<JsonObject>;
    fc.assert(
      fc.property(
        fc.record({
          index: fc.maxSafeNat(),
          eventId: fc.string(),
          streamId: fc.string(),
          streamVersion: fc.maxSafeNat(),
          type: fc.string(),
          recordedAt: fc.string(),
          data: jsonObject,
        }),
        (generated) => {
          const decoded = decodeLogEntry(encodeLogEntry(generated));
          expect(encodeLogEntry(decoded)).toEqual(encodeLogEntry(generated));
          expect(decoded.index).toBe(generated.index);
        },
      ),
    );
    expect(decodeLogEntry(encodeLogEntry(entry))).toEqual(entry);
  });

  const canonical = text(encodeLogEntry(entry));
  it.each([
    ['whitespace', canonical.replace('"index":41', '"index": 41')],
    ['unsorted members', canonical.replace('{"at":', '{"v":1,"at":').replace(',"v":1,', ',')],
    ['a duplicate member', canonical.replace('"index":41', '"index":40,"index":41')],
    ['an escaped character JCS writes literally', canonical.replace('GateIn', 'Gate\\u0049n')],
    ['a number in another form', canonical.replace('"index":41', '"index":41.0')],
  ])('rejects %s as not canonical', (_, variant) => {
    expect(() => decodeLogEntry(bytesOf(variant))).toThrow(
      expect.objectContaining({ code: 'audit.entry_not_canonical' }),
    );
  });

  it.each([
    ['invalid UTF-8', Uint8Array.of(0x7b, 0xff, 0x7d)],
    ['a byte order mark', bytesOf(`\ufeff${canonical}`)],
    ['text that is not JSON', bytesOf('{"v":1')],
    ['an array', bytesOf('[]')],
    ['a missing member', bytesOf(canonical.replace(',"type":"GateIn"', ''))],
    ['an extra member', bytesOf(canonical.replace('"v":1', '"v":1,"w":2'))],
    ['another version', bytesOf(canonical.replace('"v":1', '"v":2'))],
    ['a string index', bytesOf(canonical.replace('"index":41', '"index":"41"'))],
    ['a fractional version', bytesOf(canonical.replace('"version":3', '"version":3.5'))],
    ['data that is not an object', bytesOf(canonical.replace(/"data":\{[^}]*\}/, '"data":[1]'))],
    ['a lone surrogate escape', bytesOf(canonical.replace('GateIn', 'Gate\\ud800'))],
  ])('rejects %s as malformed', (_, bytes) => {
    expect(() => decodeLogEntry(bytes)).toThrow(expect.objectContaining({ code: 'audit.entry_malformed' }));
  });
});
