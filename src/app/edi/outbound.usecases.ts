/**
 * EDI out (issue 17): for a line that still wants EDI, its gate moves as a CODECO interchange and its discharges
 * and loads as a COARRI interchange, generated from the log.
 *
 * The log is read in bounded batches over an audit index range (`readEvents`), never whole: a port's log is tens of
 * millions of events. Each move's box is read from its visit (the line it belongs to, its size-type, full or
 * empty, the line's references); only the line's own boxes are reported. A move a correction voided within the
 * range is not reported; one voided after the range is (it counted then), and the export of the range holding the
 * void sends it again as a cancellation (BGM 1225 `1`), so the line's record follows ours.
 * The range actually covered is part of the answer, and the interchange control reference is derived from it, so
 * running the same range again writes the same reference, which the line's system recognises as a duplicate
 * (ISO 9735-1 §5, UNB 0020 is unique per sender).
 */
import { sha256 } from '../../audit/index.js';
import {
  coarriMessages,
  codecoMessages,
  type GateMove,
  isKnownTimeZone,
  normaliseLocode,
  type OutboundParties,
  type OutMessage,
  type VesselMove,
} from '../../domain/edi/index.js';
import { type InterchangeInput, writeInterchange } from '../../edifact/index.js';
import { AppError } from '../errors.js';
import type { Clock, LedgerReads, StoredEvent, VisitRecord } from '../ports.js';
import { visitStreamId } from '../visits/index.js';

/** Which report: gate moves (CODECO) or discharges and loads (COARRI). */
export type OutboundMessageType = 'CODECO' | 'COARRI';

export const OUTBOUND_MESSAGE_TYPES: readonly OutboundMessageType[] = ['CODECO', 'COARRI'];

/** What an export asks for. */
export interface OutboundExportRequest {
  /** The line's organisation code (its carrier code, e.g. `MSCU`), which must be a registered shipping line. */
  readonly line: string;
  readonly type: OutboundMessageType;
  /** The first audit index read (inclusive); 0 when absent. */
  readonly fromIndex?: number;
  /** The audit index where reading stops (exclusive); the log's size when absent. */
  readonly toIndex?: number;
  /**
   * Instead of `fromIndex`: the first event the log recorded at or after this ISO 8601 instant (its `recordedAt`,
   * the commit time), so that a daily feed is "what the log recorded since yesterday 00:00".
   */
  readonly since?: string;
  /** Instead of `toIndex`: stop at the first event the log recorded at or after this ISO 8601 instant. */
  readonly until?: string;
  /** The sender's identification in UNB and NAD+MS: the port or terminal speaking. */
  readonly sender: string;
  /**
   * Where each terminal is, as partners name it (issue 16): its UN/LOCODE and SMDG facility code, from its layout.
   * A terminal without them is named by `portLocode` and our terminal code.
   */
  readonly terminals?: ReadonlyMap<string, { readonly unLocode?: string; readonly facilityCode?: string }>;
  /** The port's UN/LOCODE (e.g. `BEANR`), for a terminal whose layout names none. */
  readonly portLocode?: string;
  /** The IANA time zone of the terminals' clocks: the DTM segments give their wall-clock time (SMDG); UTC when absent. */
  readonly timeZone?: string;
  /** At most this many moves (1 to {@link MAX_MOVES_PER_INTERCHANGE}, the default); the rest wait for the next export. */
  readonly maxMoves?: number;
}

/** What an export wrote. */
export interface OutboundExport {
  readonly line: string;
  readonly type: OutboundMessageType;
  /** The audit index range read: [fromIndex, toIndex). */
  readonly fromIndex: number;
  readonly toIndex: number;
  /**
   * False when the range held more moves than one interchange takes ({@link MAX_MOVES_PER_INTERCHANGE}): `toIndex`
   * then stops after the last move written, and the next export goes on from it.
   */
  readonly complete: boolean;
  /** UNB 0020, derived from the sender, line, type and range read. */
  readonly controlRef: string;
  /** The audit indexes of the events reported, in log order. */
  readonly auditIndexes: readonly number[];
  readonly messages: number;
  /** The interchange text, or null when the range holds no move of the line's boxes. */
  readonly interchange: string | null;
}

/** Events read from the log per batch. */
export const OUTBOUND_BATCH = 1000;
/** The most moves one interchange reports; the rest wait for the next export (see `complete`). */
export const MAX_MOVES_PER_INTERCHANGE = 20_000;
/** The most visits `getVisits` takes at once (the stores' `MAX_VISIT_PAGE`). */
const VISIT_PAGE = 1000;

const EVENT_TYPES: Record<OutboundMessageType, ReadonlySet<string>> = {
  CODECO: new Set(['ContainerGatedIn', 'ContainerGatedOut']),
  COARRI: new Set(['ContainerDischarged', 'ContainerLoaded']),
};

// UNB S002 0004 is an..35 (ISO 9735-1); kept to the characters every syntax level carries.
const PARTY_ID = /^[A-Z0-9][A-Z0-9 .\-/]{0,34}$/;

/**
 * Writes the CODECO or COARRI interchange of one line's moves in an audit index range.
 *
 * @example
 * ```ts
 * await exportOutboundInterchange(store, clock, { line: 'MSCU', type: 'CODECO', sender: 'PORTLEDGER', portLocode: 'BEANR' });
 * // { fromIndex: 0, toIndex: 1234, complete: true, controlRef: '40517293818842', auditIndexes: [57, 90], messages: 2, interchange: "UNB+…" }
 * ```
 */
export async function exportOutboundInterchange(
  reads: LedgerReads,
  clock: Clock,
  request: OutboundExportRequest,
): Promise<OutboundExport> {
  const portLocode = request.portLocode === undefined ? undefined : normaliseLocode(request.portLocode);
  if (request.portLocode !== undefined && !portLocode) {
    throw new AppError(
      'input.invalid',
      `"${request.portLocode}" is not a UN/LOCODE (two letters of the country and three of the place, like BEANR)`,
      { field: 'portLocode' },
    );
  }
  const timeZone = request.timeZone ?? 'UTC';
  if (!isKnownTimeZone(timeZone)) {
    throw new AppError('input.invalid', `"${timeZone}" is not an IANA time zone such as Europe/Brussels`, {
      field: 'timeZone',
    });
  }
  const sender = request.sender.trim().toUpperCase();
  if (!PARTY_ID.test(sender)) {
    throw new AppError(
      'input.invalid',
      `"${request.sender}" is not an EDI party identification (up to 35 letters or digits)`,
      {
        field: 'sender',
      },
    );
  }
  const org = await reads.identity.findOrganisationByCode(request.line.trim().toUpperCase());
  if (org?.kind !== 'shipping_line') {
    throw new AppError('org.not_found', `no shipping line has the code "${request.line}"`, {
      line: request.line,
    });
  }
  const line = org.code;
  const logSize = await reads.logSize();
  const fromIndex =
    request.since === undefined
      ? (request.fromIndex ?? 0)
      : await firstIndexAtOrAfter(reads, logSize, instant('since', request.since));
  const endIndex =
    request.until === undefined
      ? Math.min(request.toIndex ?? logSize, logSize)
      : await firstIndexAtOrAfter(reads, logSize, instant('until', request.until));
  if (!Number.isSafeInteger(fromIndex) || fromIndex < 0 || fromIndex > endIndex) {
    throw new AppError(
      'audit.index_out_of_range',
      `the range [${fromIndex}, ${endIndex}) is not in the log of ${logSize} events`,
      {
        fromIndex,
        toIndex: endIndex,
        logSize,
      },
    );
  }

  const maxMoves = request.maxMoves ?? MAX_MOVES_PER_INTERCHANGE;
  if (!Number.isSafeInteger(maxMoves) || maxMoves < 1 || maxMoves > MAX_MOVES_PER_INTERCHANGE) {
    throw new AppError('input.invalid', `an interchange reports 1 to ${MAX_MOVES_PER_INTERCHANGE} moves`, {
      field: 'maxMoves',
    });
  }
  const moves = (await readMoves(reads, request.type, line, fromIndex, endIndex, maxMoves)).map((move) =>
    placed(move, request.terminals, portLocode),
  );
  const complete = moves.length <= maxMoves;
  const kept = complete ? moves : moves.slice(0, maxMoves);
  const lastKept = kept.at(-1);
  const toIndex = complete || !lastKept ? endIndex : lastKept.auditIndex + 1;
  const controlRef = controlReference(sender, line, request.type, fromIndex, toIndex);
  const parties: OutboundParties = { sender, recipient: line, timeZone };
  const messages =
    request.type === 'CODECO'
      ? codecoMessages(kept.filter(isGateMove), parties)
      : coarriMessages(kept.filter(isVesselMove), parties);
  return {
    line,
    type: request.type,
    fromIndex,
    toIndex,
    complete,
    controlRef,
    auditIndexes: messages.flatMap((message) => message.auditIndexes).sort((a, b) => a - b),
    messages: messages.length,
    interchange:
      messages.length === 0
        ? null
        : writeInterchange(interchangeOf(messages, sender, line, controlRef, clock.now())),
  };
}

function instant(field: 'since' | 'until', value: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
    throw new AppError(
      'input.invalid',
      `${field} "${value}" is not an ISO 8601 instant such as 2030-03-04T00:00:00Z`,
      {
        field,
      },
    );
  }
  return new Date(ms).toISOString();
}

/**
 * The audit index of the first event recorded at or after `at` (the log's size when none is), by bisection over
 * the log: one read of one event per step, about 25 for a log of tens of millions. The log is appended in commit
 * order under one lock and each transaction is stamped inside it, so `recordedAt` does not go down along the log
 * (short of a clock stepped back).
 */
async function firstIndexAtOrAfter(reads: LedgerReads, logSize: number, at: string): Promise<number> {
  let low = 0;
  let high = logSize;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const [event] = await reads.readEvents(middle, 1);
    if (event !== undefined && event.recordedAt < at) low = middle + 1;
    else high = middle;
  }
  return low;
}

type Move = GateMove | VesselMove;

/** The move with its terminal named as partners know it: the layout's UN/LOCODE and SMDG facility code. */
function placed(
  move: Move,
  terminals: OutboundExportRequest['terminals'],
  portLocode: string | undefined,
): Move {
  const layout = terminals?.get(move.terminal);
  const locode = layout?.unLocode ?? portLocode;
  if (locode === undefined) {
    throw new AppError(
      'input.invalid',
      `terminal ${move.terminal} has no UN/LOCODE in its layout: name the port's (e.g. BEANR)`,
      { field: 'portLocode', terminal: move.terminal },
    );
  }
  return { ...move, locode, terminal: layout?.facilityCode ?? move.terminal };
}
const isGateMove = (move: Move): move is GateMove => 'direction' in move;
const isVesselMove = (move: Move): move is VesselMove => 'kind' in move;

/**
 * The line's moves of one kind in [fromIndex, toIndex), in log order, reading the log a batch at a time and each
 * batch's visits at once. Stops reading once more than `maxMoves` are found.
 */
async function readMoves(
  reads: LedgerReads,
  type: OutboundMessageType,
  line: string,
  fromIndex: number,
  toIndex: number,
  maxMoves: number,
): Promise<Move[]> {
  const wanted = EVENT_TYPES[type];
  const moves: Move[] = [];
  const streams = new Map<string, StoredEvent[]>();
  /** The visit's whole stream, read once per export: only for the rare visit with a voided move. */
  const streamOf = async (visitRef: string) => {
    let stream = streams.get(visitRef);
    if (!stream) {
      stream = await reads.readStream(visitStreamId(visitRef));
      streams.set(visitRef, stream);
    }
    return stream;
  };
  const isVoidOfMove = (event: StoredEvent) =>
    event.type === 'EventVoided' && wanted.has(String(event.data.voidedType));
  for (let index = fromIndex; index < toIndex && moves.length <= maxMoves; ) {
    const batch = await reads.readEvents(index, Math.min(OUTBOUND_BATCH, toIndex - index));
    if (batch.length === 0) break;
    index = (batch.at(-1)?.index ?? index) + 1;
    const events = batch.filter((event) => wanted.has(event.type) || isVoidOfMove(event));
    if (events.length === 0) continue;
    const visits = await visitsOf(reads, events);
    for (const event of events) {
      const visitRef = String(event.data.visitRef);
      const visit = visits.get(visitRef);
      if ((visit?.view as BoxView | undefined)?.line !== line || !visit) continue;
      if (event.type === 'EventVoided') {
        // A void in the range of a move reported by an earlier range: the line is told the move no longer counts.
        const voided = (await streamOf(visitRef)).find(
          (e) => e.streamVersion === Number(event.data.voidedVersion),
        );
        const move = voided && voided.index < fromIndex ? moveOf(voided, visit, line) : undefined;
        if (move) moves.push({ ...move, auditIndex: event.index, cancels: voided?.index ?? -1 });
        continue;
      }
      const voidedVersions = (visit.view as BoxView).voidedVersions;
      if (Array.isArray(voidedVersions) && voidedVersions.includes(event.streamVersion)) {
        // Voided within the range: not sent at all. Voided later: sent now, and cancelled by the export of the void.
        const voidIndex = (await streamOf(visitRef)).find(
          (e) => e.type === 'EventVoided' && Number(e.data.voidedVersion) === event.streamVersion,
        )?.index;
        if (voidIndex === undefined || voidIndex < toIndex) continue;
      }
      const move = moveOf(event, visit, line);
      if (move) moves.push(move);
    }
  }
  return moves;
}

async function visitsOf(
  reads: LedgerReads,
  events: readonly StoredEvent[],
): Promise<Map<string, VisitRecord>> {
  const refs = [...new Set(events.map((event) => String(event.data.visitRef)))];
  const visits = new Map<string, VisitRecord>();
  for (let i = 0; i < refs.length; i += VISIT_PAGE) {
    for (const [ref, visit] of await reads.getVisits(refs.slice(i, i + VISIT_PAGE))) visits.set(ref, visit);
  }
  return visits;
}

/** The box's facts as its visit's view holds them (`visitView`). */
interface BoxView {
  readonly line?: unknown;
  readonly sizeType?: unknown;
  readonly fullEmpty?: unknown;
  readonly carrierBookingReference?: unknown;
  readonly transportDocumentReference?: unknown;
  readonly voidedVersions?: unknown;
}

interface SlotData {
  readonly terminal?: unknown;
}

/**
 * The move an event records, when the box is the line's; the terminal is taken from the slot, and the slot itself is
 * dropped here, so it cannot reach a message.
 */
function moveOf(event: StoredEvent, visit: VisitRecord, line: string): Move | undefined {
  const view = visit.view as BoxView;
  if (view.line !== line) return undefined;
  const data = event.data as Record<string, unknown>;
  const slot = (
    event.type === 'ContainerGatedIn' || event.type === 'ContainerDischarged' ? data.slot : data.from
  ) as SlotData | undefined;
  const box = {
    auditIndex: event.index,
    containerNumber: visit.containerNumber,
    sizeType: String(view.sizeType),
    fullEmpty: view.fullEmpty === 'empty' ? ('empty' as const) : ('full' as const),
    line,
    terminal: String(slot?.terminal ?? ''),
    at: String(data.at),
    carrierBookingReference: textOrNull(view.carrierBookingReference),
    transportDocumentReference: textOrNull(view.transportDocumentReference),
  };
  switch (event.type) {
    case 'ContainerGatedIn':
    case 'ContainerGatedOut':
      return {
        ...box,
        direction: event.type === 'ContainerGatedIn' ? 'in' : 'out',
        truckPlate: textOrNull(data.truckPlate),
      };
    case 'ContainerDischarged':
    case 'ContainerLoaded':
      return {
        ...box,
        kind: event.type === 'ContainerDischarged' ? 'discharge' : 'load',
        vesselCall: String(data.vesselCall),
      };
    default:
      return undefined;
  }
}

const textOrNull = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/**
 * UNB 0020 (an..14): 14 decimal digits of SHA-256 over the sender, the line, the type and the range read. The same
 * export gives the same reference, so the line's system drops a second delivery of it; another range, type or
 * line gives another.
 */
export function controlReference(
  sender: string,
  line: string,
  type: OutboundMessageType,
  fromIndex: number,
  toIndex: number,
): string {
  const digest = sha256(new TextEncoder().encode(`${sender}\n${line}\n${type}\n${fromIndex}\n${toIndex}`));
  let value = 0n;
  for (const byte of digest.subarray(0, 8)) value = (value << 8n) | BigInt(byte);
  return (value % 10n ** 14n).toString().padStart(14, '0');
}

/** The interchange around the messages: syntax UNOC version 3 (ISO 8859-1), prepared now (UTC). */
function interchangeOf(
  messages: readonly OutMessage[],
  sender: string,
  line: string,
  controlRef: string,
  now: Date,
): InterchangeInput {
  const iso = now.toISOString();
  return {
    syntax: { identifier: 'UNOC', version: '3' },
    sender: { id: sender },
    recipient: { id: line },
    // UNB S004 in syntax version 3: date YYMMDD, time HHMM (ISO 9735-1 §8, UNB).
    preparedAt: {
      date: `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`,
      time: `${iso.slice(11, 13)}${iso.slice(14, 16)}`,
    },
    controlRef,
    messages: messages.map((message, i) => ({
      ref: String(i + 1),
      type: message.type,
      version: message.version,
      release: message.release,
      agency: message.agency,
      segments: message.segments.map((s) => ({ tag: s.tag, elements: s.elements.map((e) => [...e]) })),
    })),
  };
}
