import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson } from './canonical-json.js';

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
