/**
 * A yard survey (issue 15, reconciliation): the list an OCR gantry or a yard clerk's walk produces of which box it
 * saw in which slot and when, held against the yard as the log has it. Pure: the caller reads the log's boxes and
 * passes the time of the import in.
 *
 * The survey's CSV has the header `container,slot,seen_at`; a container number is ISO 6346 (normalised as
 * `parseContainerNumber` does), a slot is the console's text `TERMINAL/BLOCK/BAY/ROW/TIER` (`parseYardSlot`), a time
 * is an RFC 3339 instant with its offset (`2026-12-06T08:15:00Z`). Every row is checked before anything is compared:
 * one bad row refuses the whole survey, naming its line, so that half a survey never raises alerts.
 *
 * What a survey cannot judge (MISSION §1: precision matters, a missing box is a critical alert):
 * - a box placed (arrived or moved) after the row that saw it: it was seen where it stood then, not misplaced;
 * - a box placed after the survey began and not seen: the walk may have passed its slot before it got there;
 * - a box seen that left the yard after it was seen: it was there then, not unknown.
 * Such boxes are counted as "not judged", never raised.
 */
import { DomainError } from '../errors.js';
import { formatYardSlot, parseYardSlot, sameSlot, type YardSlot } from '../yard/index.js';
import { parseContainerNumber } from './container-number.js';

/** The header a survey's CSV starts with. */
export const SURVEY_CSV_HEADER = ['container', 'slot', 'seen_at'] as const;
/** At most this many rows: a 50,000-box terminal surveyed with room to spare. */
export const MAX_SURVEY_ROWS = 200_000;
/** A row seen this far after the import is refused: the scanner's clock is wrong, or the file is not a survey. */
export const SURVEY_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * How long a survey's walk may take and how old it may be when uploaded (issue 15, hardening). A box placed after the
 * walk began is not judged (it may have arrived behind the walker), so a survey's first sighting decides what it
 * judges: one back-dated row made a ten-year "walk" under which every box was placed, and the survey judged nothing
 * while it looked like a clean survey. A gantry pass or a clerk's walk takes hours, not days, and is uploaded the same
 * day; rows outside these bounds refuse the survey, naming the line.
 */
export interface SurveyWalkLimits {
  /** The last sighting is at most this long after the first. */
  readonly maxSpanMs: number;
  /** No sighting is more than this long before the upload. */
  readonly maxAgeMs: number;
}
export const SURVEY_WALK_LIMITS: SurveyWalkLimits = { maxSpanMs: 12 * 3_600_000, maxAgeMs: 24 * 3_600_000 };

const hoursText = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10} h`;

/** One checked row of a survey. `line` is its line in the file (the header is line 1). */
export interface SurveyRow {
  readonly line: number;
  readonly containerNumber: string;
  readonly slot: YardSlot;
  /** ISO 8601 instant, UTC, with milliseconds. */
  readonly seenAt: string;
}

/** A box in the yard by the log, as a survey is compared with it. */
export interface LoggedBox {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly slot: YardSlot;
  /** When the box was last placed where the log has it: its last move, else its arrival (ISO 8601). */
  readonly placedAt: string | null;
  /** The audit index of the visit's last event: the evidence of where the log has it. */
  readonly lastIndex: number;
}

/** A visit of a box the survey saw that is no longer in this yard, with when it came and left. */
export interface DepartedBox {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly arrivedAt: string | null;
  readonly departedAt: string | null;
}

export interface SurveyMissing {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly loggedSlot: string;
  readonly lastIndex: number;
}

export interface SurveyUnknown {
  readonly containerNumber: string;
  readonly seenSlot: string;
  readonly seenAt: string;
  readonly line: number;
}

export interface SurveyMisplaced {
  readonly visitRef: string;
  readonly containerNumber: string;
  readonly loggedSlot: string;
  readonly seenSlot: string;
  readonly seenAt: string;
  readonly line: number;
  readonly lastIndex: number;
}

/** What a survey found, beside the log. */
export interface SurveyComparison {
  /** The first and last sighting. */
  readonly takenFrom: string;
  readonly takenTo: string;
  readonly rowCount: number;
  /** Distinct boxes seen (a box seen twice counts once, at its last sighting). */
  readonly sighted: number;
  /** Boxes seen where the log has them. */
  readonly matched: number;
  readonly missing: readonly SurveyMissing[];
  readonly unknown: readonly SurveyUnknown[];
  readonly misplaced: readonly SurveyMisplaced[];
  /** Boxes the survey could not judge, and why (see the module comment). */
  readonly notJudged: {
    readonly placedAfterSeen: number;
    readonly placedDuringSurvey: number;
    readonly leftAfterSeen: number;
    readonly outsideScope: number;
  };
}

const refuse = (line: number, reason: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('yard.survey_invalid', `line ${line}: ${reason}`, { line, reason, ...details });

/** The fields of one CSV line (RFC 4180: fields may be quoted, a quote inside doubled). */
function csvFields(text: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw refuse(line, 'a quoted field is not closed');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',') throw refuse(line, 'text after a closing quote');
    } else {
      const end = text.indexOf(',', i);
      field = end === -1 ? text.slice(i) : text.slice(i, end);
      i = end === -1 ? text.length : end;
    }
    fields.push(field.trim());
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses and checks a survey's CSV: the header `container,slot,seen_at`, then one row per sighting, every slot at
 * `terminal` (and in `blocks`, when the survey covers only some), no time later than `now` (plus a few minutes of
 * clock skew), none more than `walk.maxAgeMs` before it, and the first and last sighting at most `walk.maxSpanMs` apart
 * ({@link SURVEY_WALK_LIMITS} by default). Blank lines are skipped. Throws `yard.survey_invalid` naming the first bad line and why.
 *
 * @example
 * ```ts
 * parseSurveyCsv('container,slot,seen_at\nMSCU1234565,T1/A/03/02/1,2026-12-06T08:15:00Z\n', { terminal: 'T1', now });
 * // [{ line: 2, containerNumber: 'MSCU1234565', slot: { terminal: 'T1', block: 'A', bay: 3, row: 2, tier: 1 }, seenAt: '2026-12-06T08:15:00.000Z' }]
 * ```
 */
export function parseSurveyCsv(
  text: string,
  options: {
    terminal: string;
    now: Date;
    blocks?: readonly string[] | undefined;
    walk?: SurveyWalkLimits | undefined;
  },
): SurveyRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let headerLine = lines.findIndex((l) => l.trim() !== '');
  if (headerLine === -1)
    throw refuse(1, 'the file is empty; a survey starts with the header container,slot,seen_at');
  const header = csvFields(lines[headerLine]!, headerLine + 1).map((f) => f.toLowerCase());
  if (header.join(',') !== SURVEY_CSV_HEADER.join(',')) {
    throw refuse(
      headerLine + 1,
      `the header must be ${SURVEY_CSV_HEADER.join(',')}, not ${header.join(',').slice(0, 80)}`,
    );
  }
  headerLine++;
  const rows: SurveyRow[] = [];
  const latest = options.now.getTime() + SURVEY_CLOCK_SKEW_MS;
  const walk = options.walk ?? SURVEY_WALK_LIMITS;
  const oldest = options.now.getTime() - walk.maxAgeMs;
  let first: { ms: number; line: number } | undefined;
  let last: { ms: number; line: number } | undefined;
  for (let i = headerLine; i < lines.length; i++) {
    const lineText = lines[i]!;
    if (lineText.trim() === '') continue;
    const line = i + 1;
    if (rows.length >= MAX_SURVEY_ROWS) throw refuse(line, `a survey has at most ${MAX_SURVEY_ROWS} rows`);
    const fields = csvFields(lineText, line);
    if (fields.length !== 3)
      throw refuse(line, `expected 3 fields (container,slot,seen_at), found ${fields.length}`);
    const [containerText, slotText, seenText] = fields as [string, string, string];
    let containerNumber: string;
    try {
      containerNumber = parseContainerNumber(containerText).text;
    } catch (error) {
      throw refuse(line, error instanceof DomainError ? error.message : 'not a container number', {
        field: 'container',
        cause: error instanceof DomainError ? error.code : undefined,
      });
    }
    let slot: YardSlot;
    try {
      slot = parseYardSlot(slotText);
    } catch (error) {
      throw refuse(line, error instanceof DomainError ? error.message : 'not a yard slot', {
        field: 'slot',
        cause: error instanceof DomainError ? error.code : undefined,
      });
    }
    if (slot.terminal !== options.terminal) {
      throw refuse(line, `slot ${slotText} is not at terminal ${options.terminal}`, { field: 'slot' });
    }
    if (options.blocks && !options.blocks.includes(slot.block)) {
      throw refuse(line, `slot ${slotText} is outside the blocks surveyed (${options.blocks.join(', ')})`, {
        field: 'slot',
      });
    }
    const ms = INSTANT.test(seenText) ? Date.parse(seenText.replace(' ', 'T')) : Number.NaN;
    if (!Number.isFinite(ms)) {
      throw refuse(line, `seen_at ${seenText.slice(0, 40)} is not an instant such as 2026-12-06T08:15:00Z`, {
        field: 'seen_at',
      });
    }
    if (ms > latest) {
      throw refuse(line, `seen_at ${seenText} is later than now`, { field: 'seen_at' });
    }
    if (ms < oldest) {
      throw refuse(
        line,
        `seen_at ${seenText} is more than ${hoursText(walk.maxAgeMs)} before the upload; a survey is uploaded the day it is taken`,
        { field: 'seen_at' },
      );
    }
    if (!first || ms < first.ms) first = { ms, line };
    if (!last || ms > last.ms) last = { ms, line };
    if (last.ms - first.ms > walk.maxSpanMs) {
      // This row widened the walk past its bound: it is the one named.
      throw refuse(
        line,
        `seen_at ${seenText} makes the walk ${hoursText(last.ms - first.ms)} long (line ${first.line} to line ${last.line}); a survey's walk takes at most ${hoursText(walk.maxSpanMs)}`,
        { field: 'seen_at' },
      );
    }
    rows.push({ line, containerNumber, slot, seenAt: new Date(ms).toISOString() });
  }
  if (rows.length === 0) throw refuse(headerLine + 1, 'the survey has no rows after its header');
  return rows;
}

/**
 * Checks rows that arrive as JSON (the API's other body) the way `parseSurveyCsv` checks a CSV's, numbering them
 * from line 2 as if they followed a header.
 */
export function checkSurveyRows(
  rows: readonly { container?: unknown; slot?: unknown; seenAt?: unknown }[],
  options: {
    terminal: string;
    now: Date;
    blocks?: readonly string[] | undefined;
    walk?: SurveyWalkLimits | undefined;
  },
): SurveyRow[] {
  const quote = (value: unknown) => `"${String(value ?? '').replace(/"/g, '""')}"`;
  const csv = [
    SURVEY_CSV_HEADER.join(','),
    ...rows.map((row) => [row.container, row.slot, row.seenAt].map(quote).join(',')),
  ].join('\n');
  return parseSurveyCsv(csv, options);
}

/** Whether instant `a` is strictly before `b`; never when `a` is unknown. */
const earlier = (a: string | null, b: string) => a !== null && Date.parse(a) < Date.parse(b);

/**
 * Compares a survey with the yard as the log has it: `logged` is every box in the terminal's yard, `departed` the
 * visits of seen boxes that are not in this yard now. A box seen twice counts at its last sighting. When the survey
 * covered only some `blocks`, a box logged elsewhere and not seen is outside its scope, not missing.
 *
 * - missing: logged (in the surveyed blocks), not seen, and placed no later than the survey began;
 * - misplaced: seen in another slot than logged, and placed no later than it was seen;
 * - unknown: seen, not logged in this yard, and no visit of it left after it was seen.
 *
 * @example
 * ```ts
 * compareSurvey(rows, logged, []).missing.map((m) => m.visitRef);
 * ```
 */
export function compareSurvey(
  rows: readonly SurveyRow[],
  logged: readonly LoggedBox[],
  departed: readonly DepartedBox[],
  blocks?: readonly string[] | undefined,
  /** When the survey was taken, if `rows` are only some of its rows (a second look at a few boxes). */
  window?: { readonly takenFrom: string; readonly takenTo: string },
): SurveyComparison {
  const seen = new Map<string, SurveyRow>();
  let takenFrom = rows[0]?.seenAt ?? '';
  let takenTo = takenFrom;
  for (const row of rows) {
    const before = seen.get(row.containerNumber);
    if (!before || Date.parse(before.seenAt) <= Date.parse(row.seenAt)) seen.set(row.containerNumber, row);
    if (row.seenAt < takenFrom) takenFrom = row.seenAt;
    if (row.seenAt > takenTo) takenTo = row.seenAt;
  }
  if (window) ({ takenFrom, takenTo } = window);
  const missing: SurveyMissing[] = [];
  const misplaced: SurveyMisplaced[] = [];
  const unknown: SurveyUnknown[] = [];
  const notJudged = { placedAfterSeen: 0, placedDuringSurvey: 0, leftAfterSeen: 0, outsideScope: 0 };
  let matched = 0;
  const loggedContainers = new Set<string>();
  for (const box of logged) {
    loggedContainers.add(box.containerNumber);
    const loggedSlot = formatYardSlot(box.slot);
    const row = seen.get(box.containerNumber);
    if (!row) {
      if (blocks && !blocks.includes(box.slot.block)) {
        notJudged.outsideScope++;
      } else if (box.placedAt !== null && earlier(takenFrom, box.placedAt)) {
        // Placed after the walk began: the walk may have passed that slot before the box got there.
        notJudged.placedDuringSurvey++;
      } else {
        missing.push({
          visitRef: box.visitRef,
          containerNumber: box.containerNumber,
          loggedSlot,
          lastIndex: box.lastIndex,
        });
      }
      continue;
    }
    if (sameSlot(row.slot, box.slot)) {
      matched++;
    } else if (earlier(row.seenAt, box.placedAt ?? row.seenAt)) {
      // Seen where it stood before its last recorded move (or before the log placed it): not a discrepancy.
      notJudged.placedAfterSeen++;
    } else {
      misplaced.push({
        visitRef: box.visitRef,
        containerNumber: box.containerNumber,
        loggedSlot,
        seenSlot: formatYardSlot(row.slot),
        seenAt: row.seenAt,
        line: row.line,
        lastIndex: box.lastIndex,
      });
    }
  }
  const departedBy = new Map<string, DepartedBox[]>();
  for (const visit of departed) {
    departedBy.set(visit.containerNumber, [...(departedBy.get(visit.containerNumber) ?? []), visit]);
  }
  for (const row of seen.values()) {
    if (loggedContainers.has(row.containerNumber)) continue;
    const leftAfter = (departedBy.get(row.containerNumber) ?? []).some(
      (visit) =>
        visit.departedAt !== null &&
        earlier(row.seenAt, visit.departedAt) &&
        (visit.arrivedAt === null || !earlier(row.seenAt, visit.arrivedAt)),
    );
    if (leftAfter) notJudged.leftAfterSeen++;
    else unknown.push(unknownOf(row));
  }
  unknown.sort((a, b) => a.line - b.line);
  misplaced.sort((a, b) => a.line - b.line);
  return {
    takenFrom,
    takenTo,
    rowCount: rows.length,
    sighted: seen.size,
    matched,
    missing,
    unknown,
    misplaced,
    notJudged,
  };
}

const unknownOf = (row: SurveyRow): SurveyUnknown => ({
  containerNumber: row.containerNumber,
  seenSlot: formatYardSlot(row.slot),
  seenAt: row.seenAt,
  line: row.line,
});
