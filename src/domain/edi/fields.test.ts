import { describe, expect, it } from 'vitest';
import type { Segment } from '../../edifact/index.js';
import { attemptQuietly, instantAt, sizeTypeAt, stowageAt } from './fields.js';

const segmentOf = (tag: string, ...elements: string[][]): Segment => ({
  tag,
  elements,
  position: { segment: 9, offset: 100 },
});
const dtm = (value: string, format: string) => segmentOf('DTM', ['203', value, format]);

describe('instantAt (DTM, UN/EDIFACT 2379)', () => {
  it('reads the formats the SMDG guides use, as UTC', () => {
    expect(instantAt(dtm('202603011130', '203'))).toBe('2026-03-01T11:30:00.000Z');
    expect(instantAt(dtm('20260301113045', '204'))).toBe('2026-03-01T11:30:45.000Z');
    expect(instantAt(dtm('20260301', '102'))).toBe('2026-03-01T00:00:00.000Z');
    expect(instantAt(dtm('2603011130', '201'))).toBe('2026-03-01T11:30:00.000Z');
  });

  it("reads a local time in the terminal's zone, across daylight saving", () => {
    expect(instantAt(dtm('202601151200', '203'), 'Europe/Brussels')).toBe('2026-01-15T11:00:00.000Z');
    expect(instantAt(dtm('202607151200', '203'), 'Europe/Brussels')).toBe('2026-07-15T10:00:00.000Z');
    expect(instantAt(dtm('202603290400', '203'), 'Europe/Brussels')).toBe('2026-03-29T02:00:00.000Z');
  });

  it('refuses a date that does not exist, a bad shape and an unknown format, naming the DTM', () => {
    for (const [value, format] of [
      ['202602300000', '203'],
      ['2026030', '203'],
      ['202603011261', '203'],
      ['202603011200', '303'],
    ] as const) {
      expect(() => instantAt(dtm(value, format))).toThrow(/DTM segment 9/);
      expect(attemptQuietly(() => instantAt(dtm(value, format)))).toBeUndefined();
    }
  });
});

describe('stowageAt (LOC+147, ISO 9711-1)', () => {
  it('reads bay, row and tier from 7 or 6 digits', () => {
    expect(stowageAt(segmentOf('LOC', ['147'], ['0780690']))).toEqual({
      cell: '0780690',
      bay: 78,
      row: 6,
      tier: 90,
    });
    expect(stowageAt(segmentOf('LOC', ['147'], ['380886']))).toEqual({
      cell: '380886',
      bay: 38,
      row: 8,
      tier: 86,
    });
    expect(() => stowageAt(segmentOf('LOC', ['147'], ['471']))).toThrow(/not bay-row-tier/);
  });
});

describe('sizeTypeAt (EQD C224)', () => {
  const eqd = (code: string) => segmentOf('EQD', ['CN'], ['OOLU8803217'], [code]);
  it('keeps ISO 6346:1995 codes and writes 1984 numeric codes in the 1995 form', () => {
    expect(sizeTypeAt(eqd('45G1'))).toEqual({ sizeType: '45G1', sizeTypeAsSent: '45G1' });
    expect(sizeTypeAt(eqd('2200'))).toEqual({ sizeType: '22G0', sizeTypeAsSent: '2200' });
    expect(sizeTypeAt(eqd('4351'))).toEqual({ sizeType: '42U1', sizeTypeAsSent: '4351' });
  });
  it('refuses a code that is neither', () => {
    expect(() => sizeTypeAt(eqd('4700'))).toThrow(/height code 7/);
    expect(() => sizeTypeAt(eqd('XXXX'))).toThrow(/EQD segment 9: size-type XXXX/);
  });
});
