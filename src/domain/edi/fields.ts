/**
 * The data elements the SMDG mappers share: container numbers (ISO 6346), size-type codes (ISO 6346:1995, or the
 * 1984 numeric form still sent in BAPLIE 1.5/2.x), dates (DTM, UN/EDIFACT 2379 formats), stowage cells (ISO
 * 9711-1), vessel calls (TDT), masses (MEA), and a collector of refusals for one message.
 */
import type { Segment } from '../../edifact/index.js';
import { isDomainError } from '../errors.js';
import { parseContainerNumber } from '../visits/index.js';
import { parseSizeType } from '../yard/index.js';
import {
  type EdiMessageType,
  type IntentSource,
  MAX_REFUSALS,
  type MessageRefusal,
  type MessageRefusalCode,
  type StowageCell,
  type VesselCallRef,
} from './intents.js';
import { positionOf } from './structure.js';

/** Thrown inside a mapper to refuse at a segment; caught per box by {@link Refusals.attempt}. */
class Fault extends Error {
  constructor(
    readonly code: MessageRefusalCode,
    readonly reason: string,
    readonly segment: Segment,
  ) {
    super(reason);
  }
}

/** Runs `read`; a refusal it throws becomes undefined (for a value the mapper can do without). */
export function attemptQuietly<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof Fault) return undefined;
    throw error;
  }
}

/** Refuses at `segment`. */
export function fault(code: MessageRefusalCode, reason: string, segment: Segment): never {
  throw new Fault(code, reason, segment);
}

/** The refusals found in one message, in segment order, at most {@link MAX_REFUSALS}. */
export class Refusals {
  readonly list: MessageRefusal[] = [];
  constructor(
    readonly messageRef: string,
    readonly messageType: string,
  ) {}

  add(code: MessageRefusalCode, reason: string, segment: Segment): void {
    if (this.list.length >= MAX_REFUSALS) return;
    this.list.push({
      code,
      reason,
      position: positionOf(segment),
      messageRef: this.messageRef,
      messageType: this.messageType,
    });
  }

  /** Runs `read` (one box, one order); a fault it throws becomes a refusal and the answer is undefined. */
  attempt<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (error instanceof Fault) {
        this.add(error.code, error.reason, error.segment);
        return undefined;
      }
      throw error;
    }
  }

  get full(): boolean {
    return this.list.length >= MAX_REFUSALS;
  }
}

/** The value of data element `i` (0-based after the tag), component `c`, trimmed; '' when absent. */
export function el(segment: Segment | undefined, i: number, c = 0): string {
  return (segment?.elements[i]?.[c] ?? '').trim();
}

/** The value, or a refusal naming the segment and the data element (`what`). */
export function required(segment: Segment, i: number, c: number, what: string): string {
  const value = el(segment, i, c);
  if (value === '') {
    fault('edi.missing_element', `${segment.tag} segment ${segment.position.segment} lacks ${what}`, segment);
  }
  return value;
}

/** The intent's source: the message and the segment its group begins with. */
export function sourceOf(
  messageType: EdiMessageType,
  messageRef: string,
  messageFunction: IntentSource['messageFunction'],
  segment: Segment,
): IntentSource {
  return { messageType, messageRef, position: positionOf(segment), messageFunction };
}

/**
 * EQD C237 8260: the container number, ISO 6346 with its check digit checked; a wrong number refuses the box,
 * naming the segment and what is wrong ("check digit of CBHU123456 is 1, not 7").
 */
export function containerNumberAt(eqd: Segment): string {
  const raw = required(eqd, 1, 0, 'the container number (C237 8260)');
  try {
    return parseContainerNumber(raw).text;
  } catch (error) {
    if (isDomainError(error)) {
      const what = error.code === 'container.check_digit' ? 'check digit' : 'not ISO 6346';
      fault(
        'edi.container_number',
        `EQD segment ${eqd.position.segment}: container ${raw}: ${what}: ${error.message}`,
        eqd,
      );
    }
    throw error;
  }
}

// ISO 6346:1984 (Annex F/G of that edition) numeric codes, still sent by BAPLIE 1.5/2.x (e.g. 4500): the first
// digit of the type code is its group, which ISO 6346:1995 Annex E writes as a letter.
const LEGACY_TYPE_GROUPS: Readonly<Record<string, string>> = {
  '0': 'G', // general purpose
  '1': 'V', // closed, ventilated
  '2': 'H', // thermal, insulated
  '3': 'R', // thermal, refrigerated
  '4': 'H', // thermal, refrigerated or heated with removable equipment
  '5': 'U', // open top
  '6': 'P', // platform
  '7': 'T', // tank
  '8': 'B', // dry bulk
  '9': 'A', // air/surface
};
// The 1984 height digit: 1 and 3 are 8 ft and 8 ft 6 in with a gooseneck tunnel, which 1995 writes as 0 and 2.
const LEGACY_HEIGHTS: Readonly<Record<string, string>> = {
  '0': '0',
  '1': '0',
  '2': '2',
  '3': '2',
  '4': '4',
  '5': '5',
};

/**
 * EQD C224 8155: the size-type code, as ISO 6346:1995 (`45G1`). A 1984 numeric code (`4500`) is written in the
 * 1995 form (length kept, height digit mapped, type group as its letter, detail digit kept: `4500` → `45G0`).
 */
export function sizeTypeAt(eqd: Segment): { sizeType: string; sizeTypeAsSent: string } {
  const sent = required(eqd, 2, 0, 'the size-type code (C224 8155)');
  let code = sent.toUpperCase();
  const legacy = /^([0-9])([0-9])([0-9])([0-9])$/.exec(code);
  if (legacy !== null) {
    const [, length, height, group, detail] = legacy as unknown as [string, string, string, string, string];
    const height1995 = LEGACY_HEIGHTS[height];
    if (height1995 === undefined) {
      fault(
        'edi.size_type',
        `EQD segment ${eqd.position.segment}: size-type ${sent}: height code ${height} of ISO 6346:1984 is not taken`,
        eqd,
      );
    }
    code = `${length}${height1995}${LEGACY_TYPE_GROUPS[group]}${detail}`;
  }
  try {
    return { sizeType: parseSizeType(code).code, sizeTypeAsSent: sent };
  } catch (error) {
    if (isDomainError(error)) {
      fault('edi.size_type', `EQD segment ${eqd.position.segment}: size-type ${sent}: ${error.message}`, eqd);
    }
    throw error;
  }
}

/** EQD 8169 full/empty indicator (UN/EDIFACT code list: 4 empty, 5 full); undefined when not sent. */
export function fullEmptyAt(eqd: Segment): 'full' | 'empty' | undefined {
  const code = el(eqd, 5);
  if (code === '') return undefined;
  if (code === '4') return 'empty';
  if (code === '5') return 'full';
  return fault(
    'edi.bad_code',
    `EQD segment ${eqd.position.segment}: full/empty indicator (8169) ${code} is neither 4 (empty) nor 5 (full)`,
    eqd,
  );
}

/** EQD 8053: only containers (`CN`) carry an ISO 6346 number. */
export function requireContainer(eqd: Segment): void {
  const qualifier = el(eqd, 0);
  if (qualifier !== 'CN') {
    fault(
      'edi.bad_code',
      `EQD segment ${eqd.position.segment}: equipment qualifier ${qualifier || '(none)'} is not CN (container); only containers are taken`,
      eqd,
    );
  }
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** The offset of `timeZone` from UTC at `utcMs`, in ms (pure: Intl's zone data, no clock). */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  let formatter = zoneFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(utcMs)) parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Whether the runtime knows `timeZone`. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

// UN/EDIFACT 2379 date/time formats the SMDG guides use.
const FORMATS: Readonly<Record<string, RegExp>> = {
  '102': /^(\d{4})(\d{2})(\d{2})$/, // CCYYMMDD
  '201': /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/, // YYMMDDHHMM
  '203': /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/, // CCYYMMDDHHMM
  '204': /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/, // CCYYMMDDHHMMSS
};

/**
 * DTM C507: the instant, ISO 8601 UTC. The SMDG guides send the local time of the place (the terminal), so the
 * wall clock is read in `timeZone` (an IANA zone; UTC when the caller has none).
 */
export function instantAt(dtm: Segment, timeZone = 'UTC'): string {
  const value = required(dtm, 0, 1, 'the date/time value (C507 2380)');
  const format = el(dtm, 0, 2) || '203';
  const pattern = FORMATS[format];
  const bad = (why: string): never =>
    fault('edi.bad_datetime', `DTM segment ${dtm.position.segment}: ${value} (format ${format}) ${why}`, dtm);
  if (pattern === undefined) return bad('is in a format not taken (102, 201, 203, 204 are)');
  const match = pattern.exec(value);
  if (match === null) return bad('does not have the shape of its format');
  const n = match.slice(1).map(Number);
  let [year, month, day, hour = 0, minute = 0, second = 0] = n as [
    number,
    number,
    number,
    number?,
    number?,
    number?,
  ];
  if (format === '201') year += year < 70 ? 2000 : 1900;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    year < 1970
  ) {
    return bad('is not a real date and time');
  }
  // The wall clock in the zone → UTC: subtract the zone's offset, then correct once across a DST change.
  if (timeZone === 'UTC') return check.toISOString();
  let utc = wall - zoneOffsetMs(wall, timeZone);
  utc = wall - zoneOffsetMs(utc, timeZone);
  return new Date(utc).toISOString();
}

/** LOC C517 3225 with qualifier 147 (stowage cell, ISO 9711-1 BBBRRTT, or BBRRTT in older messages). */
export function stowageAt(loc: Segment): StowageCell {
  const cell = required(loc, 1, 0, 'the stowage cell (C517 3225)');
  const match = /^(\d{2,3})(\d{2})(\d{2})$/.exec(cell);
  if (match === null || (cell.length !== 6 && cell.length !== 7)) {
    fault(
      'edi.bad_number',
      `LOC segment ${loc.position.segment}: stowage cell ${cell} is not bay-row-tier (BBBRRTT, ISO 9711-1)`,
      loc,
    );
  }
  const [, bay, row, tier] = match as unknown as [string, string, string, string];
  return { cell, bay: Number(bay), row: Number(row), tier: Number(tier) };
}

/** The longest vessel call key the visit takes (visit.ts MAX_TEXT.code). */
const MAX_CALL_KEY = 35;

/**
 * TDT (main carriage, 8051 = 20): the vessel call. D.95B TDT: 8051, 8028 voyage, C220 mode, C228 means, C040
 * carrier, 8101, C401, C222 vessel (8213 id, 1131 code list, 3055, 8212 name).
 */
export function vesselAt(tdt: Segment): VesselCallRef {
  const voyage = required(tdt, 1, 0, 'the voyage number (8028)');
  const vesselId = required(tdt, 7, 0, 'the vessel identification (C222 8213: call sign or IMO number)');
  const callKey = `${vesselId}/${voyage}`;
  if (callKey.length > MAX_CALL_KEY) {
    fault(
      'edi.missing_element',
      `TDT segment ${tdt.position.segment}: vessel ${vesselId} voyage ${voyage} is longer than ${MAX_CALL_KEY} characters together`,
      tdt,
    );
  }
  const vesselIdList = el(tdt, 7, 1);
  const vesselName = el(tdt, 7, 3);
  const carrier = el(tdt, 4, 0);
  return {
    callKey,
    vesselId,
    voyage,
    ...(vesselIdList !== '' ? { vesselIdList } : {}),
    ...(vesselName !== '' ? { vesselName } : {}),
    ...(carrier !== '' ? { carrier } : {}),
  };
}

const MASS_UNITS: Readonly<Record<string, number>> = { KGM: 1, TNE: 1000, LBR: 0.45359237 };

/**
 * MEA: the box's gross mass in kg: the verified gross mass (MEA+AAE+VGM) first, then the gross mass (MEA+AAE+G),
 * then BAPLIE's weight (MEA+WT, SMDG BAPLIE 2.1 §MEA); a tare or a unit we do not know is not a gross mass.
 */
export function grossMassKg(meas: readonly Segment[]): number | undefined {
  const rankOf = (mea: Segment): number => {
    const purpose = el(mea, 0);
    const dimension = el(mea, 1);
    if (dimension === 'VGM') return 0;
    if (dimension === 'G') return 1;
    if (purpose === 'WT' && dimension === '') return 2;
    return -1;
  };
  let best: { rank: number; kg: number } | undefined;
  for (const mea of meas) {
    const rank = rankOf(mea);
    const factor = MASS_UNITS[el(mea, 2, 0)];
    const text = el(mea, 2, 1);
    const value = Number(text);
    if (rank < 0 || factor === undefined || text === '' || !Number.isFinite(value)) continue;
    if (best === undefined || rank < best.rank) best = { rank, kg: Math.round(value * factor * 1000) / 1000 };
  }
  return best?.kg;
}

/** RFF C506: the reference with qualifier `qualifier` among `rffs` (e.g. BN booking, BM/BL bill of lading). */
export function reference(rffs: readonly Segment[], ...qualifiers: string[]): string | undefined {
  for (const qualifier of qualifiers) {
    const found = rffs.find((r) => el(r, 0, 0) === qualifier && el(r, 0, 1) !== '');
    if (found) return el(found, 0, 1);
  }
  return undefined;
}

/** BGM 1225 message function: 9 original and 5 replacement are taken; a cancellation (1) or other is refused. */
export function messageFunctionAt(bgm: Segment, messageType: string): 'original' | 'replacement' {
  const code = el(bgm, 2);
  if (code === '' || code === '9') return 'original';
  if (code === '5') return 'replacement';
  return fault(
    'edi.bad_code',
    `BGM segment ${bgm.position.segment}: message function (1225) ${code} is not taken for ${messageType}: 9 (original) and 5 (replacement) are; a cancellation is made in the console`,
    bgm,
  );
}
