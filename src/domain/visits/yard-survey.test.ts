import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { parseYardSlot } from '../yard/index.js';
import { computeCheckDigit } from './container-number.js';
import { compareSurvey, type LoggedBox, parseSurveyCsv } from './yard-survey.js';

const box = (serial: number) => {
  const first10 = `MSCU${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};
const now = new Date('2026-12-06T12:00:00.000Z');
const options = { terminal: 'T1', now };

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseSurveyCsv', () => {
  it('reads the header and each row, normalising numbers, slots and times; skips blank lines', () => {
    const rows = parseSurveyCsv(
      `\uFEFFcontainer,slot,seen_at\r\n${box(1).toLowerCase().replace('u', 'u ')},T1/A/03/02/1,2026-12-06T08:15:00Z\r\n\r\n"${box(2)}", t1/b/4/1/2 ,2026-12-06T09:15:00+01:00\n`,
      options,
    );
    expect(rows).toEqual([
      {
        line: 2,
        containerNumber: box(1),
        slot: { terminal: 'T1', block: 'A', bay: 3, row: 2, tier: 1 },
        seenAt: '2026-12-06T08:15:00.000Z',
      },
      {
        line: 4,
        containerNumber: box(2),
        slot: { terminal: 'T1', block: 'B', bay: 4, row: 1, tier: 2 },
        seenAt: '2026-12-06T08:15:00.000Z',
      },
    ]);
  });

  it('refuses the whole file at its first bad row, naming the line and why', () => {
    const good = `${box(1)},T1/A/03/02/1,2026-12-06T08:15:00Z`;
    const cases: [string, RegExp][] = [
      ['', /line 1: the file is empty/],
      ['box,where,when\n', /line 1: the header must be container,slot,seen_at/],
      ['container,slot,seen_at\n', /line 2: the survey has no rows/],
      [
        `container,slot,seen_at\n${good}\nMSCU1234560,T1/A/03/02/1,2026-12-06T08:15:00Z`,
        /line 3: check digit/,
      ],
      [
        `container,slot,seen_at\n${good}\n${box(3)},A/03/02/1,2026-12-06T08:15:00Z`,
        /line 3: a yard slot is written/,
      ],
      [
        `container,slot,seen_at\n${box(3)},T2/A/03/02/1,2026-12-06T08:15:00Z`,
        /line 2: slot T2\/A\/03\/02\/1 is not at terminal T1/,
      ],
      [
        `container,slot,seen_at\n${box(3)},T1/A/03/02/1,yesterday`,
        /line 2: seen_at yesterday is not an instant/,
      ],
      [
        `container,slot,seen_at\n${box(3)},T1/A/03/02/1,2026-12-06T08:15:00`,
        /line 2: seen_at .* is not an instant/,
      ],
      [
        `container,slot,seen_at\n${box(3)},T1/A/03/02/1,2026-12-06T13:00:00Z`,
        /line 2: seen_at .* is later than now/,
      ],
      [`container,slot,seen_at\n${box(3)},T1/A/03/02/1`, /line 2: expected 3 fields/],
      [
        `container,slot,seen_at\n"${box(3)},T1/A/03/02/1,2026-12-06T08:15:00Z`,
        /line 2: a quoted field is not closed/,
      ],
    ];
    for (const [csv, message] of cases) {
      const error = refusal(() => parseSurveyCsv(csv, options));
      expect(error.code).toBe('yard.survey_invalid');
      expect(error.message).toMatch(message);
      expect(error.details.line).toBeTypeOf('number');
    }
  });

  it('refuses a row outside the blocks a partial survey covered', () => {
    const csv = `container,slot,seen_at\n${box(1)},T1/C/03/02/1,2026-12-06T08:15:00Z`;
    expect(refusal(() => parseSurveyCsv(csv, { ...options, blocks: ['A', 'B'] })).message).toMatch(
      /line 2: slot T1\/C\/03\/02\/1 is outside the blocks surveyed \(A, B\)/,
    );
    expect(parseSurveyCsv(csv, { ...options, blocks: ['C'] })).toHaveLength(1);
  });

  // Issue 15, hardening: an outside tester's survey of one honest row and one dated 2016 made a ten-year walk under
  // which every box counted as "placed during the survey", so the survey judged nothing and raised nothing.
  it('refuses a walk longer than its bound, or a row older than the upload allows, naming the line', () => {
    const header = 'container,slot,seen_at';
    const backDated = refusal(() =>
      parseSurveyCsv(
        `${header}\n${box(1)},T1/A/03/02/1,2026-12-06T11:00:00Z\n${box(2)},T1/A/03/02/2,2016-10-01T00:00:00Z\n`,
        options,
      ),
    );
    expect(backDated.code).toBe('yard.survey_invalid');
    expect(backDated.details).toMatchObject({ line: 3, field: 'seen_at' });
    expect(backDated.message).toMatch(
      /line 3: seen_at 2016-10-01T00:00:00Z is more than 24 h before the upload/,
    );

    // Within a day of the upload, but 13 hours from first to last sighting: the row that widened it is named.
    const tooLong = refusal(() =>
      parseSurveyCsv(
        `${header}\n${box(1)},T1/A/03/02/1,2026-12-05T22:00:00Z\n${box(2)},T1/A/03/02/2,2026-12-06T04:00:00Z\n${box(3)},T1/A/03/02/3,2026-12-06T11:00:00Z\n`,
        options,
      ),
    );
    expect(tooLong.details).toMatchObject({ line: 4, field: 'seen_at' });
    expect(tooLong.message).toMatch(
      /line 4: .* makes the walk 13 h long \(line 2 to line 4\); .* at most 12 h/,
    );

    // The bounds are settings: a deployment whose gantry uploads weekly widens them; an honest 11-hour walk passes.
    const week = { maxSpanMs: 7 * 24 * 3_600_000, maxAgeMs: 8 * 24 * 3_600_000 };
    const slow = `${header}\n${box(1)},T1/A/03/02/1,2026-12-01T12:00:00Z\n${box(2)},T1/A/03/02/2,2026-12-06T11:00:00Z\n`;
    expect(parseSurveyCsv(slow, { ...options, walk: week })).toHaveLength(2);
    const honest = `${header}\n${box(1)},T1/A/03/02/1,2026-12-06T00:30:00Z\n${box(2)},T1/A/03/02/2,2026-12-06T11:30:00Z\n`;
    expect(parseSurveyCsv(honest, options)).toHaveLength(2);
  });
});

describe('compareSurvey', () => {
  const logged = (
    serial: number,
    slot: string,
    placedAt: string | null,
    visitRef = `V${serial}`,
  ): LoggedBox => ({
    visitRef,
    containerNumber: box(serial),
    slot: parseYardSlot(slot),
    placedAt,
    lastIndex: serial,
  });
  const row = (line: number, serial: number, slot: string, seenAt: string) => ({
    line,
    containerNumber: box(serial),
    slot: parseYardSlot(slot),
    seenAt,
  });

  it('finds boxes missing, unknown and misplaced, and counts the ones seen where the log has them', () => {
    const result = compareSurvey(
      [
        row(2, 1, 'T1/A/03/01/1', '2026-12-06T08:00:00.000Z'),
        row(3, 2, 'T1/A/05/01/1', '2026-12-06T08:01:00.000Z'),
        row(4, 9, 'T1/A/07/01/1', '2026-12-06T08:02:00.000Z'),
      ],
      [
        logged(1, 'T1/A/03/01/1', '2026-12-05T10:00:00.000Z'),
        logged(2, 'T1/A/05/02/1', '2026-12-05T10:00:00.000Z'),
        logged(3, 'T1/B/01/01/1', '2026-12-05T10:00:00.000Z'),
      ],
      [],
    );
    expect(result.matched).toBe(1);
    expect(result.missing).toEqual([
      { visitRef: 'V3', containerNumber: box(3), loggedSlot: 'T1/B/01/01/1', lastIndex: 3 },
    ]);
    expect(result.misplaced).toEqual([
      {
        visitRef: 'V2',
        containerNumber: box(2),
        loggedSlot: 'T1/A/05/02/1',
        seenSlot: 'T1/A/05/01/1',
        seenAt: '2026-12-06T08:01:00.000Z',
        line: 3,
        lastIndex: 2,
      },
    ]);
    expect(result.unknown).toEqual([
      { containerNumber: box(9), seenSlot: 'T1/A/07/01/1', seenAt: '2026-12-06T08:02:00.000Z', line: 4 },
    ]);
    expect(result).toMatchObject({
      takenFrom: '2026-12-06T08:00:00.000Z',
      takenTo: '2026-12-06T08:02:00.000Z',
      rowCount: 3,
      sighted: 3,
    });
  });

  it('does not judge a box moved after it was seen, placed during the walk, or gone after it was seen', () => {
    const result = compareSurvey(
      [
        // Seen at 08:00 in its old slot; moved at 09:00 by a recorded move.
        row(2, 1, 'T1/A/03/01/1', '2026-12-06T08:00:00.000Z'),
        // Seen at 08:30; gated out at 10:00.
        row(3, 5, 'T1/A/09/01/1', '2026-12-06T08:30:00.000Z'),
      ],
      [
        logged(1, 'T1/C/03/01/1', '2026-12-06T09:00:00.000Z'),
        // Gated in at 08:10, after the walk began, and not seen: the walk may have passed its slot already.
        logged(2, 'T1/A/01/01/1', '2026-12-06T08:10:00.000Z'),
      ],
      [
        {
          visitRef: 'V5',
          containerNumber: box(5),
          arrivedAt: '2026-12-01T00:00:00.000Z',
          departedAt: '2026-12-06T10:00:00.000Z',
        },
      ],
    );
    expect([result.missing, result.misplaced, result.unknown]).toEqual([[], [], []]);
    expect(result.notJudged).toEqual({
      placedAfterSeen: 1,
      placedDuringSurvey: 1,
      leftAfterSeen: 1,
      outsideScope: 0,
    });
  });

  it('still finds the near misses: moved before it was seen, placed before the walk, gone before it was seen', () => {
    const result = compareSurvey(
      [
        row(2, 1, 'T1/A/03/01/1', '2026-12-06T09:30:00.000Z'),
        row(3, 5, 'T1/A/09/01/1', '2026-12-06T10:30:00.000Z'),
      ],
      [
        logged(1, 'T1/C/03/01/1', '2026-12-06T09:00:00.000Z'),
        logged(2, 'T1/A/01/01/1', '2026-12-06T09:29:59.000Z'),
      ],
      [
        {
          visitRef: 'V5',
          containerNumber: box(5),
          arrivedAt: '2026-12-01T00:00:00.000Z',
          departedAt: '2026-12-06T10:00:00.000Z',
        },
      ],
    );
    expect(result.misplaced.map((m) => m.visitRef)).toEqual(['V1']);
    expect(result.missing.map((m) => m.visitRef)).toEqual(['V2']);
    expect(result.unknown.map((u) => u.containerNumber)).toEqual([box(5)]);
  });

  it('takes a box seen twice at its last sighting, and leaves boxes outside a partial survey alone', () => {
    const result = compareSurvey(
      [
        row(2, 1, 'T1/A/05/01/1', '2026-12-06T08:00:00.000Z'),
        row(3, 1, 'T1/A/03/01/1', '2026-12-06T08:05:00.000Z'),
        // Logged in block B, seen in block A: misplaced even though block B was not surveyed.
        row(4, 2, 'T1/A/07/01/1', '2026-12-06T08:06:00.000Z'),
      ],
      [logged(1, 'T1/A/03/01/1', null), logged(2, 'T1/B/01/01/1', null), logged(3, 'T1/B/03/01/1', null)],
      [],
      ['A'],
    );
    expect(result.matched).toBe(1);
    expect(result.sighted).toBe(2);
    expect(result.misplaced.map((m) => m.visitRef)).toEqual(['V2']);
    expect(result.missing).toEqual([]);
    expect(result.notJudged.outsideScope).toBe(1);
  });
});
