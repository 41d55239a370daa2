/**
 * COARRI out (issue 17): our discharges and loads as SMDG COARRI messages (UN/EDIFACT D.95B), for the lines that
 * still want EDI. Pure, like `write-codeco.ts`: moves in, body segments out; the envelope is the edifact writer's.
 *
 * Layout, per SMDG COARRI 1.x (D.95B), one message per vessel call, terminal and kind of report:
 *
 * ```text
 * BGM+44|46+<document number>+9|1'          44 discharge report, 46 loading report; 9 original, 1 cancellation
 * TDT+20+<voyage>+1++<line>:172:166+++<vessel>'   main carriage by sea (1): the vessel call (see vesselTransport)
 * LOC+11|9+<UN/LOCODE>:139:6+<terminal>:TER:ZZZ'   place of discharge (11) or of loading (9): port and terminal
 * NAD+MS+<sender>'  NAD+MR+<line>'  NAD+CF+<line>:160:166'
 * EQD+CN+<container>+<size-type>:102:5++<3|2>+<4|5>'     import when discharged, export when loaded
 * RFF+BN:<booking>'  RFF+BM:<bill of lading>'
 * DTM+203:<CCYYMMDDHHMM>:203'                when the box was discharged or loaded
 * CNT+16:<number of boxes>'
 * ```
 *
 * No LOC+147 (stowage cell): the log records which vessel call a box came off or went onto, not its cell on board,
 * and a yard slot is never sent (it is the terminal's need-to-know). Times are the terminal's wall clock, as in CODECO.
 */
import {
  beginning,
  edifactMinute,
  equipmentSegments,
  type MAX_BOXES_PER_MESSAGE,
  type OutboundParties,
  type OutMessage,
  type OutSegment,
  partySegments,
  runsOf,
  segment,
  terminalLocation,
} from './write-codeco.js';

/** One discharge or load as the log recorded it, with the box's facts from its visit. */
export interface VesselMove {
  readonly kind: 'discharge' | 'load';
  /** The audit index of the `ContainerDischarged` / `ContainerLoaded` event. */
  readonly auditIndex: number;
  readonly containerNumber: string;
  readonly sizeType: string;
  readonly fullEmpty: 'full' | 'empty';
  readonly line: string;
  /** The terminal as partners name it: its SMDG facility code, else our terminal code (never the slot). */
  readonly terminal: string;
  /** The terminal's UN/LOCODE, when its layout names one; else the parties' `portLocode`. */
  readonly locode?: string;
  readonly vesselCall: string;
  /** ISO 8601 instant of the move, UTC. */
  readonly at: string;
  readonly carrierBookingReference: string | null;
  readonly transportDocumentReference: string | null;
  /** Set when a correction voided this move after an earlier export reported it (see `GateMove.cancels`). */
  readonly cancels?: number;
}

const DISCHARGE_REPORT = '44';
const LOADING_REPORT = '46';

/**
 * The COARRI messages reporting `moves`, all of one line: one discharge report (BGM 44) or loading report (BGM 46)
 * per vessel call and terminal, in runs of at most {@link MAX_BOXES_PER_MESSAGE} boxes, each box in log order; moves
 * voided after an earlier export reported them go in a cancellation of their own (BGM 1225 `1`). The document number
 * names the report and the audit indexes it covers, so the same moves give the same number.
 *
 * @example
 * ```ts
 * coarriMessages([discharge], { sender: 'PORTLEDGER', recipient: 'MSCU', portLocode: 'BEANR' });
 * // [{ type: 'COARRI', segments: [BGM+44+DI7-7+9, TDT+20+VC1+1++MSCU:172:166, LOC+11+BEANR…, …] }]
 * ```
 */
export function coarriMessages(moves: readonly VesselMove[], parties: OutboundParties): OutMessage[] {
  return runsOf(moves, (move) =>
    JSON.stringify([move.kind, move.vesselCall, move.terminal, move.locode ?? '']),
  )
    .map((run) => coarriMessage(run, parties))
    .sort((a, b) => (a.auditIndexes[0] ?? 0) - (b.auditIndexes[0] ?? 0));
}

/**
 * TDT+20, the main carriage by sea (C220 `1`), operated by the line (C040, SCAC list 172/166). A vessel call kept
 * as `<vessel>/<voyage>` (how the EDI import keys a call it read from a TDT: the call sign or IMO number and the
 * voyage) goes back out the same way: the voyage in 8028 and the vessel in C222 8213. Any other call key (one typed
 * in the console) names no vessel; since the guide wants C222, it is sent whole in both, C222 marked as a mutually
 * agreed code (1131 `ZZZ`), so the line reads back the key it knows the call by.
 */
function vesselTransport(vesselCall: string, line: string): OutSegment {
  const carrier = [line, '172', '166'];
  const slash = vesselCall.indexOf('/');
  if (slash <= 0 || slash === vesselCall.length - 1)
    return segment('TDT', '20', vesselCall, '1', '', carrier, '', '', [vesselCall, 'ZZZ']);
  const vessel = vesselCall.slice(0, slash);
  const voyage = vesselCall.slice(slash + 1);
  return segment('TDT', '20', voyage, '1', '', carrier, '', '', vessel);
}

function coarriMessage(run: readonly VesselMove[], parties: OutboundParties): OutMessage {
  const first = run[0];
  if (!first) throw new RangeError('a COARRI reports at least one discharge or load');
  const discharge = first.kind === 'discharge';
  const segments: OutSegment[] = [
    beginning(discharge ? DISCHARGE_REPORT : LOADING_REPORT, discharge ? 'DI' : 'LO', run),
    vesselTransport(first.vesselCall, first.line),
    terminalLocation(discharge ? '11' : '9', parties, first),
    ...partySegments(parties, first.line),
  ];
  for (const move of run) {
    if (move.line !== first.line)
      throw new RangeError(`a COARRI speaks for one line: ${move.containerNumber} is ${move.line}'s`);
    segments.push(
      ...equipmentSegments(move, discharge ? '3' : '2'),
      segment('DTM', ['203', edifactMinute(move.at, parties.timeZone), '203']),
    );
  }
  segments.push(segment('CNT', ['16', String(run.length)]));
  return {
    type: 'COARRI',
    version: 'D',
    release: '95B',
    agency: 'UN',
    segments,
    auditIndexes: run.map((move) => move.auditIndex),
  };
}
