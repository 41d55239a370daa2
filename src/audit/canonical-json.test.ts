import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson, isCanonicalJsonText } from './canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('serialises the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units, as RFC 8785 §3.2.3 shows', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('formats numbers in ECMAScript shortest form (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.000001, 1e20, 10, -1.5])).toBe(
      '[1e+21,1e-7,0,0.000001,100000000000000000000,10,-1.5]',
    );
  });

  it('encodes to UTF-8 bytes without whitespace', () => {
    expect(Buffer.from(canonicalBytes({ b: [1, { d: 'é' }], a: null })).toString('utf8')).toBe(
      '{"a":null,"b":[1,{"d":"é"}]}',
    );
  });

  it.each([
    ['undefined', undefined],
    ['a member that is undefined', { a: undefined }],
    ['a function', { a: () => 1 }],
    ['a bigint', { a: 1n }],
    ['a symbol', [Symbol('x')]],
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a Date', { at: new Date(0) }],
    ['a Map', new Map()],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
    ['a lone surrogate in a string', { a: '\ud800' }],
    ['a lone surrogate in a member name', { '\udc00': 1 }],
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is being rejected.
    ['an array hole', [1, , 3]],
    ['an object with toJSON', { toJSON: () => 'x' }],
  ])('rejects %s', (_, value) => {
    expect(() => canonicalJson(value)).toThrow(
      expect.objectContaining({ code: 'audit.not_canonicalizable' }),
    );
  });

  it('rejects cycles and absurd nesting', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(
      expect.objectContaining({ code: 'audit.not_canonicalizable' }),
    );
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(expect.objectContaining({ code: 'audit.not_canonicalizable' }));
  });

  it('accepts shared (non-cyclic) references and null-prototype objects', () => {
    const shared = { x: 1 };
    const bare = Object.assign(Object.create(null) as object, { b: 2, a: 1 });
    expect(canonicalJson({ a: shared, b: shared, c: bare })).toBe(
      '{"a":{"x":1},"b":{"x":1},"c":{"a":1,"b":2}}',
    );
  });
});

describe('isCanonicalJsonText (issue 13: the verifier shortcut)', () => {
  const canonical = (text: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    return isCanonicalJsonText(text, parsed);
  };

  it('says yes to the canonical text of any JSON value, integer-like member names aside', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        // JavaScript lists integer-like names first and in numeric order, RFC 8785 by code units: the full check decides.
        if (!/"\d+":/.test(text)) expect(canonical(text)).toBe(true);
      }),
    );
  });

  it('says yes only to text that is the canonical text of its own value', () => {
    const members = fc.constantFrom('a', 'b', 'B', '10', '9', '__proto__', 'é', '😀', '\\ud800', '');
    const texts = fc.oneof(
      fc.json(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.jsonValue().map((value) => JSON.stringify(value, null, 1)),
      fc
        .array(fc.tuple(members, fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant('\ud800'))), {
          maxLength: 4,
        })
        .map(
          (pairs) =>
            `{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`,
        ),
      fc.constantFrom('-0', '1e400', '1E3', '1.0', '"\\ud800"', '{"b":1,"a":2}', '{"a":1,"a":2}', '[1, 2]'),
    );
    fc.assert(
      fc.property(texts, (text) => {
        if (canonical(text)) expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
    expect(canonical('{"a":1,"a":2}')).toBe(false);
    expect(canonical('"\\ud800"')).toBe(false);
    expect(canonical('-0')).toBe(false);
  });

  it('leaves nesting deeper than canonicalJson takes to the full check, without overflowing', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(canonical(deep)).toBe(false);
  });
});
