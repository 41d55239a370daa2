/**
 * CODECO out (issue 17): our gate moves as SMDG CODECO 2.0 messages (UN/EDIFACT D.95B), for the lines that still
 * want EDI. Pure: it turns a list of gate moves, read from the log by the caller, into the body segments of each
 * message; the UNB/UNH/UNT/UNZ envelope is the edifact layer's writer's, which takes these segments as they are.
 *
 * What a line may learn from a CODECO is what it owns: its box, the direction, when, the truck, the terminal (by
 * UN/LOCODE and terminal code). Never the yard slot: a yard position is need-to-know of the terminal only, and the
 * message leaves the port (MISSION §1, the Antwerp attack read the yard to find boxes).
 *
 * Layout, per SMDG CODECO 2.0 (D.95B) — segment group 6 is the equipment group:
 *
 * ```text
 * BGM+34|36+<document number>+9|1'      34 gate-in report, 36 gate-out report; 9 original, 1 cancellation
 * NAD+MS+<sender>'  NAD+MR+<line>'  NAD+CF+<line>:160:166'     sender, recipient, container operator
 * EQD+CN+<container>+<size-type>:102:5++<status>+<4|5>'      ISO 6346 number and size-type (code list 102, ISO)
 * RFF+BN:<booking>'  RFF+BM:<bill of lading>'                 when the line named them
 * DTM+7:<CCYYMMDDHHMM>:203'              actual date/time of the move
 * LOC+165+<UN/LOCODE>:139:6+<terminal>:TER:ZZZ'              where: the port and the terminal, not the slot
 * TDT+1++3+31++++<truck plate>'          inland transport by road (3), a truck (31), its plate in C222
 * CNT+16:<number of boxes>'
 * ```
 *
 * Times are the terminal's wall clock (format 203, CCYYMMDDHHMM, to the minute), as the SMDG guides give the local
 * time of the place; the log's UTC instants are turned into it with the terminal's IANA time zone.
 */

/**
 * One segment as our writers build it: its tag and its data elements, each the list of its components
 * (ISO 9735-1 §4). It has the shape of the edifact layer's `SegmentInput`, which the domain may not import.
 */
export interface OutSegment {
  readonly tag: string;
  readonly elements: string[][];
}

/** One message as our writers build it: its UNH message identifier (S009) and its body (UNH and UNT excluded). */
export interface OutMessage {
  readonly type: 'CODECO' | 'COARRI';
  /** S009 0052/0054/0051: D.95B of UN, the directory the SMDG guides we follow are built on. */
  readonly version: 'D';
  readonly release: '95B';
  readonly agency: 'UN';
  readonly segments: OutSegment[];
  /** The audit indexes of the log events the message reports, in order (one per EQD group). */
  readonly auditIndexes: number[];
}

/** One gate move as the log recorded it, with the box's facts from its visit. */
export interface GateMove {
  readonly direction: 'in' | 'out';
  /** The audit index of the `ContainerGatedIn` / `ContainerGatedOut` event. */
  readonly auditIndex: number;
  /** Normalised ISO 6346 number. */
  readonly containerNumber: string;
  /** ISO 6346 size-type code, e.g. `45G1`. */
  readonly sizeType: string;
  readonly fullEmpty: 'full' | 'empty';
  /** The line (carrier code) the box belongs to. */
  readonly line: string;
  /** The terminal as partners name it: its SMDG facility code, else our terminal code (never the slot). */
  readonly terminal: string;
  /** The terminal's UN/LOCODE, when its layout names one; else the parties' `portLocode`. */
  readonly locode?: string;
  /** ISO 8601 instant of the move, UTC. */
  readonly at: string;
  readonly truckPlate: string | null;
  readonly carrierBookingReference: string | null;
  readonly transportDocumentReference: string | null;
  /**
   * Set when a correction voided this move after an earlier export reported it: the move is then sent again in a
   * cancellation (BGM 1225 `1`), and `auditIndex` is the index of the `EventVoided` event.
   */
  readonly cancels?: number;
}

/** Who speaks and where: the sender's EDI id (the port or terminal), and the port's UN/LOCODE. */
export interface OutboundParties {
  /** The sender's identification, as in UNB and NAD+MS. */
  readonly sender: string;
  /** The recipient line's code, as in UNB and NAD+MR. */
  readonly recipient: string;
  /** The port's UN/LOCODE (5 characters, e.g. `BEANR`), for LOC when a move names none of its own. */
  readonly portLocode?: string;
  /** The IANA time zone of the terminals' clocks, whose wall-clock time the DTM segments give (UTC when absent). */
  readonly timeZone?: string;
}

/** SMDG CODECO: at most this many boxes in one message, so that one message stays a size every TOS takes. */
export const MAX_BOXES_PER_MESSAGE = 999;

/** A UN/LOCODE: two letters of the country and three letters or digits 2–9 of the place (UNECE Rec. 16). */
const LOCODE = /^[A-Z]{2}[A-Z2-9]{3}$/;

/**
 * The port's UN/LOCODE, trimmed and upper-cased, or `undefined` when `value` is not one.
 *
 * @example
 * ```ts
 * normaliseLocode(' beanr '); // 'BEANR'
 * normaliseLocode('Antwerp'); // undefined
 * ```
 */
export function normaliseLocode(value: string): string | undefined {
  const locode = value.trim().toUpperCase();
  return LOCODE.test(locode) ? locode : undefined;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An ISO 8601 UTC instant as EDIFACT date/time format 203 (CCYYMMDDHHMM, UN/EDIFACT code list 2379), on the wall
 * clock of `timeZone` (an IANA zone): the SMDG guides give the local time of the place, the terminal.
 *
 * @example
 * ```ts
 * edifactMinute('2030-03-04T06:07:08.000Z'); // '203003040607'
 * edifactMinute('2030-03-04T06:07:08.000Z', 'Europe/Brussels'); // '203003040707'
 * ```
 */
export function edifactMinute(iso: string, timeZone = 'UTC'): string {
  const ms = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/.test(iso) || Number.isNaN(ms))
    throw new RangeError(`"${iso}" is not an ISO 8601 UTC instant`);
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    zoneFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(ms)) parts[part.type] = part.value;
  return `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}`;
}

/** A segment from its tag and elements, each element a string (one component) or its components. */
export function segment(tag: string, ...elements: (string | string[])[]): OutSegment {
  return { tag, elements: elements.map((e) => (typeof e === 'string' ? [e] : e)) };
}

/** `items` in runs of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/** NAD+MS (message sender), NAD+MR (message recipient) and NAD+CF (container operator, the line, SCAC list 160/166). */
export function partySegments(parties: OutboundParties, line: string): OutSegment[] {
  return [
    segment('NAD', 'MS', parties.sender),
    segment('NAD', 'MR', parties.recipient),
    segment('NAD', 'CF', [line, '160', '166']),
  ];
}

/** What EQD says of a box, and the references the line named for it. */
export interface BoxFacts {
  readonly containerNumber: string;
  readonly sizeType: string;
  readonly fullEmpty: 'full' | 'empty';
  readonly carrierBookingReference: string | null;
  readonly transportDocumentReference: string | null;
}

/**
 * EQD for a container (8053 `CN`), its ISO 6346 size-type (C224: code list 102, agency 5 ISO), its equipment
 * status (8249: `2` export, `3` import) and full or empty (8169: `5` full, `4` empty); then RFF+BN (booking) and
 * RFF+BM (bill of lading) when known.
 */
export function equipmentSegments(box: BoxFacts, status: '2' | '3'): OutSegment[] {
  return [
    segment(
      'EQD',
      'CN',
      box.containerNumber,
      [box.sizeType, '102', '5'],
      '',
      status,
      box.fullEmpty === 'full' ? '5' : '4',
    ),
    ...(box.carrierBookingReference ? [segment('RFF', ['BN', box.carrierBookingReference])] : []),
    ...(box.transportDocumentReference ? [segment('RFF', ['BM', box.transportDocumentReference])] : []),
  ];
}

/**
 * LOC with the terminal's UN/LOCODE (code list 139, agency 6 UN/ECE), or the port's, and the terminal's code (SMDG
 * `TER`, agency ZZZ).
 */
export function terminalLocation(
  qualifier: string,
  parties: OutboundParties,
  move: { readonly terminal: string; readonly locode?: string },
): OutSegment {
  const locode = move.locode ?? parties.portLocode;
  if (!locode)
    throw new RangeError(`terminal ${move.terminal} has no UN/LOCODE, and no port UN/LOCODE was given`);
  return segment('LOC', qualifier, [locode, '139', '6'], [move.terminal, 'TER', 'ZZZ']);
}

const GATE_IN_REPORT = '34';
const GATE_OUT_REPORT = '36';
// UN/EDIFACT 1225 message function: 9 original, 1 cancellation (SMDG CODECO and COARRI, BGM).
const ORIGINAL = '9';
const CANCELLATION = '1';

/** Moves in runs for one message each: by `key`, then the originals before the cancellations, in log order. */
export function runsOf<T extends { readonly auditIndex: number; readonly cancels?: number }>(
  moves: readonly T[],
  key: (move: T) => string,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const move of [...moves].sort((a, b) => a.auditIndex - b.auditIndex)) {
    const id = JSON.stringify([key(move), move.cancels !== undefined]);
    const group = groups.get(id);
    if (group) group.push(move);
    else groups.set(id, [move]);
  }
  return [...groups.values()].flatMap((group) => chunks(group, MAX_BOXES_PER_MESSAGE));
}

/** BGM: the report's code, a document number naming the report and the audit indexes it covers, the function. */
export function beginning(
  code: string,
  prefix: string,
  run: readonly { auditIndex: number; cancels?: number }[],
) {
  const first = run[0];
  const last = run.at(-1);
  if (!first || !last) throw new RangeError('a message reports at least one move');
  const cancellation = first.cancels !== undefined;
  return segment(
    'BGM',
    code,
    `${prefix}${cancellation ? 'X' : ''}${first.auditIndex}-${last.auditIndex}`,
    cancellation ? CANCELLATION : ORIGINAL,
  );
}

/**
 * The CODECO messages reporting `moves`, all of one line: one gate-in report (BGM 34) and one gate-out report
 * (BGM 36) per run of at most {@link MAX_BOXES_PER_MESSAGE} boxes, each box in the order of the log; moves voided
 * after an earlier export reported them go in a cancellation of their own (BGM 1225 `1`). The document number (BGM
 * 1004) names the report and the audit indexes it covers, so the same moves give the same number.
 *
 * @example
 * ```ts
 * codecoMessages([gateIn], { sender: 'PORTLEDGER', recipient: 'MSCU', portLocode: 'BEANR' });
 * // [{ type: 'CODECO', segments: [BGM+34+GI12-12+9, NAD…, EQD+CN+MSCU1234565…, …, CNT+16:1] }]
 * ```
 */
export function codecoMessages(moves: readonly GateMove[], parties: OutboundParties): OutMessage[] {
  return runsOf(moves, (move) => move.direction)
    .map((run) => codecoMessage(run, parties))
    .sort((a, b) => (a.auditIndexes[0] ?? 0) - (b.auditIndexes[0] ?? 0));
}

function codecoMessage(run: readonly GateMove[], parties: OutboundParties): OutMessage {
  const first = run[0];
  if (!first) throw new RangeError('a CODECO reports at least one gate move');
  const direction = first.direction;
  const segments: OutSegment[] = [
    beginning(direction === 'in' ? GATE_IN_REPORT : GATE_OUT_REPORT, direction === 'in' ? 'GI' : 'GO', run),
    ...partySegments(parties, first.line),
  ];
  for (const move of run) {
    if (move.line !== first.line)
      throw new RangeError(`a CODECO speaks for one line: ${move.containerNumber} is ${move.line}'s`);
    segments.push(
      // A box coming in by truck is an export, one going out by truck an import (SMDG CODECO, 8249).
      ...equipmentSegments(move, direction === 'in' ? '2' : '3'),
      segment('DTM', ['7', edifactMinute(move.at, parties.timeZone), '203']),
      terminalLocation('165', parties, move),
      // SMDG CODECO segment group 8: the inland carriage, a truck on the road, identified by its plate.
      move.truckPlate
        ? segment('TDT', '1', '', '3', '31', '', '', '', move.truckPlate)
        : segment('TDT', '1', '', '3', '31'),
    );
  }
  segments.push(segment('CNT', ['16', String(run.length)]));
  return {
    type: 'CODECO',
    version: 'D',
    release: '95B',
    agency: 'UN',
    segments,
    auditIndexes: run.map((move) => move.auditIndex),
  };
}
