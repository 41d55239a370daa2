import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from './canonical-json.js';
import type { JsonObject } from './json.js';
import { decodeLogEntry, encodeLogEntry, type LogEntry, leafDataText, leafSaysRow } from './log-entry.js';

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

describe('leafDataText and leafSaysRow (the verifier’s fast path, issue 13)', () => {
  const header = ({ data: _data, ...rest }: LogEntry) => rest;
  const anyEntry = fc.record({
    index: fc.maxSafeNat(),
    eventId: fc.string({ unit: 'grapheme' }),
    streamId: fc.string({ unit: 'grapheme' }),
    streamVersion: fc.maxSafeNat(),
    type: fc.string({ unit: 'grapheme' }),
    recordedAt: fc.string({ unit: 'grapheme' }),
    data: fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue()) as fc.Arbitrary<JsonObject>,
  });

  it('finds in any leaf exactly the canonical text of its data', () => {
    fc.assert(
      fc.property(anyEntry, (generated) => {
        const leaf = encodeLogEntry(generated);
        const dataText = leafDataText(header(generated), leaf);
        expect(dataText).toBe(text(canonicalBytes(generated.data)));
        expect(leafSaysRow(header(generated), dataText!, leaf)).toBe(true);
        expect(decodeLogEntry(leaf).data).toEqual(JSON.parse(dataText!));
      }),
    );
  });

  it('says no for a row whose fields or data differ from its leaf', () => {
    const leaf = encodeLogEntry(entry);
    const dataText = leafDataText(header(entry), leaf)!;
    expect(leafSaysRow(header(entry), dataText, leaf)).toBe(true);
    expect(leafSaysRow({ ...header(entry), index: 42 }, dataText, leaf)).toBe(false);
    expect(leafSaysRow({ ...header(entry), streamVersion: 4 }, dataText, leaf)).toBe(false);
    expect(leafSaysRow({ ...header(entry), type: 'GateOut' }, dataText, leaf)).toBe(false);
    expect(leafSaysRow({ ...header(entry), recordedAt: '2025-03-01T08:15:01.000Z' }, dataText, leaf)).toBe(
      false,
    );
    expect(leafSaysRow({ ...header(entry), streamId: 'visit-X' }, dataText, leaf)).toBe(false);
    expect(leafSaysRow(header(entry), dataText.replace('A1', 'A2'), leaf)).toBe(false);
    // The same data in another member order is not the leaf's text: the caller compares the slow way.
    expect(leafSaysRow(header(entry), JSON.stringify(entry.data), leaf)).toBe(false);
    expect(leafDataText(header(entry), bytesOf(text(leaf).replace('"v":1', '"v":2')))).toBeUndefined();
    expect(leafDataText(header(entry), Uint8Array.of(0xff, 0xfe))).toBeUndefined();
  });
});
