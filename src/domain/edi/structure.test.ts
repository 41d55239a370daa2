import { describe, expect, it } from 'vitest';
import { deep, group, groupsStartingWith, mseg, readStructure, seg } from './structure.js';
import { messageOf } from './testing/samples.js';

// A toy table: BGM, up to 2 DTM, a mandatory NAD group, EQD groups with a nested TDT group.
const RULES = [
  mseg('BGM'),
  seg('DTM', 2),
  group('SG1', 9, true, 'NAD', seg('CTA')),
  group('SG2', 99, false, 'EQD', seg('RFF', 2), group('SG3', 1, false, 'TDT', seg('LOC'))),
  seg('CNT'),
];
const read = (body: string[]) => readStructure(messageOf('COARRI:D:95B:UN', body), 'COARRI', RULES);

describe('readStructure', () => {
  it('reads the body into nested group occurrences, in order', () => {
    const result = read([
      'BGM+1',
      'DTM+1',
      'NAD+A',
      'CTA+1',
      'NAD+B',
      'EQD+CN+1',
      'RFF+1',
      'TDT+1',
      'LOC+1',
      'EQD+CN+2',
      'CNT+16:2',
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.tree.segments.map((s) => s.tag)).toEqual(['BGM', 'DTM', 'CNT']);
    expect(result.tree.groups.map((g) => [g.name, g.segments.map((s) => s.tag).join(' ')])).toEqual([
      ['SG1', 'NAD CTA'],
      ['SG1', 'NAD'],
      ['SG2', 'EQD RFF'],
      ['SG2', 'EQD'],
    ]);
    const [first] = groupsStartingWith(result.tree, 'EQD');
    expect(first!.groups[0]!.segments.map((s) => s.tag)).toEqual(['TDT', 'LOC']);
    expect(deep(first!, 'LOC').map((s) => s.position.segment)).toEqual([11]);
  });

  it('refuses a segment repeated more often than the table allows, at the extra one', () => {
    const result = read(['BGM+1', 'DTM+1', 'DTM+2', 'DTM+3', 'NAD+A']);
    expect(result.ok ? undefined : result.refusals[0]).toMatchObject({
      code: 'edi.segment_out_of_place',
      position: { segment: 6, tag: 'DTM' },
    });
  });

  it('refuses a segment that comes back after the table moved past it', () => {
    const result = read(['BGM+1', 'NAD+A', 'DTM+1']);
    expect(result.ok ? undefined : result.refusals[0]).toMatchObject({
      code: 'edi.segment_out_of_place',
      position: { segment: 5, tag: 'DTM' },
    });
  });

  it('refuses a missing mandatory segment or group, where it should have been', () => {
    const noNad = read(['BGM+1', 'EQD+CN+1']);
    expect(noNad.ok ? undefined : noNad.refusals[0]).toMatchObject({
      code: 'edi.missing_segment',
      position: { segment: 4, tag: 'EQD' },
    });
    expect(noNad.ok ? '' : noNad.refusals[0]!.reason).toContain('SG1 (NAD)');
    const noBgm = read(['NAD+A']);
    expect(noBgm.ok ? undefined : noBgm.refusals[0]!.code).toBe('edi.missing_segment');
  });

  it('refuses an empty message at its UNH', () => {
    const result = read([]);
    expect(result.ok ? undefined : result.refusals[0]).toMatchObject({
      code: 'edi.missing_segment',
      position: { segment: 2, tag: 'UNH' },
    });
  });

  it('tells an unknown tag from a known one out of place', () => {
    const result = read(['BGM+1', 'NAD+A', 'ABC+1']);
    expect(result.ok ? undefined : result.refusals[0]).toMatchObject({
      code: 'edi.unknown_segment',
      position: { segment: 5, tag: 'ABC' },
    });
  });
});
