import { describe, expect, it } from 'vitest';
import { distinct, id, instant, jsonObject } from './fields.js';

const C = 'approval.command_invalid';

describe('access field checks', () => {
  it('normalise instants to UTC with milliseconds', () => {
    expect(instant(C, 'at', '2025-03-01T09:00+01:00')).toBe('2025-03-01T08:00:00.000Z');
    expect(() => instant(C, 'at', '2025-03-01')).toThrow(
      expect.objectContaining({ code: C, details: { field: 'at' } }),
    );
  });

  it('accept identifiers and refuse anything else', () => {
    expect(id(C, 'id', 'req-1:a_b.c~d')).toBe('req-1:a_b.c~d');
    for (const bad of ['', 'a b', 'x/y', 7, 'x'.repeat(101)]) expect(() => id(C, 'id', bad)).toThrow();
  });

  it('refuse repeated entries', () => {
    expect(() => distinct(C, 'xs', ['a', 'a'], (v) => v as string)).toThrow(
      expect.objectContaining({ code: C }),
    );
  });

  it('copy plain JSON objects and refuse everything else', () => {
    const shared = { a: 1 };
    const value = { before: shared, after: shared, list: [1, 'x', null, true, { deep: [] }] };
    const copy = jsonObject(C, 'change', value);
    expect(copy).toStrictEqual(value);
    expect(copy.before).not.toBe(shared);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bads: unknown[] = [
      [],
      'x',
      null,
      { a: undefined },
      { a: Number.NaN },
      { a: new Date(0) },
      { a: () => 1 },
      cyclic,
      JSON.parse('{"__proto__": {"polluted": true}}'),
      { big: 'x'.repeat(20_000) },
    ];
    bads.forEach((bad, i) => {
      expect(() => jsonObject(C, 'change', bad), `case ${i}`).toThrow(expect.objectContaining({ code: C }));
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
