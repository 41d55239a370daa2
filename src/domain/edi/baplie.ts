/**
 * BAPLIE (bayplan/stowage plan), UN D.95B as the SMDG guides 1.5 and 2.x use it (association codes SMDG15, SMDG20,
 * SMDG21, SMDG22): the line's plan of a vessel call, one stowage group (LOC+147) per occupied cell, with the box or
 * boxes in it (EQD). Each box becomes an {@link AnnounceBox} arriving on the call; with `portOfCall` set, only the
 * boxes to be discharged at that port (LOC+11), the others stay on board.
 */
import type { Segment } from '../../edifact/index.js';
import {
  containerNumberAt,
  el,
  fault,
  fullEmptyAt,
  grossMassKg,
  reference,
  requireContainer,
  sizeTypeAt,
  sourceOf,
  stowageAt,
  vesselAt,
} from './fields.js';
import type { AnnounceBox, DangerousGoods, EdiIntent, StowageCell, VesselCallRef } from './intents.js';
import type { MapContext, Mapper } from './mapper.js';
import { type GroupNode, group, groupsOf, mseg, own, type Rule, seg } from './structure.js';

/**
 * UN D.95B BAPLIE §4.3.1 segment table (SMDG BAPLIE 2.1 §3 keeps it): header, SG1 TDT (vessel and voyage), SG2
 * LOC+147 (one stowage cell), its SG3 EQD (the boxes) and SG4 DGS (dangerous goods).
 */
export const BAPLIE_D95B_RULES: readonly Rule[] = [
  mseg('BGM'),
  mseg('DTM'),
  seg('RFF'),
  seg('NAD', 3),
  group('SG1', 3, true, 'TDT', mseg('LOC', 2), mseg('DTM', 99), seg('RFF'), seg('FTX')),
  group(
    'SG2',
    9999,
    false,
    'LOC',
    seg('GID'),
    seg('GDS'),
    seg('FTX', 9),
    mseg('MEA', 9),
    seg('DIM', 9),
    seg('TMP'),
    seg('RNG'),
    seg('LOC', 9),
    mseg('RFF'),
    group('SG3', 3, false, 'EQD', seg('EQA', 9), seg('NAD')),
    group('SG4', 999, false, 'DGS', seg('FTX')),
  ),
];

/** The association codes of the SMDG BAPLIE versions this mapper follows (absent: plain UN D.95B). */
export const BAPLIE_ASSOCIATION_CODES = ['SMDG15', 'SMDG20', 'SMDG21', 'SMDG22'] as const;

function mainCarriage(tree: GroupNode, context: MapContext): VesselCallRef {
  for (const sg1 of groupsOf(tree, 'SG1')) {
    const tdt = sg1.segments[0]!;
    // SMDG BAPLIE 2.1 §TDT: 8051 = 20, main carriage.
    if (el(tdt, 0) === '20') return vesselAt(tdt);
  }
  return fault(
    'edi.missing_segment',
    `the BAPLIE has no TDT+20 (main carriage): the vessel and voyage are not named`,
    context.bgm,
  );
}

function dangerousGoodsOf(sg2: GroupNode): DangerousGoods[] {
  // SMDG BAPLIE 2.1 §DGS: 8273 IMD, C205 8351 the IMDG class, C234 7124 the UN number.
  return groupsOf(sg2, 'SG4').map((sg4) => {
    const dgs = sg4.segments[0]!;
    const unNumber = el(dgs, 2);
    return { imdgClass: el(dgs, 1), ...(unNumber !== '' ? { unNumber } : {}) };
  });
}

function announce(
  eqdGroup: GroupNode,
  cell: {
    stowage: StowageCell;
    portOfLoading?: string;
    portOfDischarge?: string;
    refs: Segment[];
    meas: Segment[];
    dangerousGoods: DangerousGoods[];
  },
  vessel: VesselCallRef,
  context: MapContext,
): AnnounceBox {
  const eqd = eqdGroup.segments[0]!;
  requireContainer(eqd);
  const containerNumber = containerNumberAt(eqd);
  const { sizeType, sizeTypeAsSent } = sizeTypeAt(eqd);
  const fullEmpty =
    fullEmptyAt(eqd) ??
    fault(
      'edi.missing_element',
      `EQD segment ${eqd.position.segment}: container ${containerNumber} lacks its full/empty indicator (8169)`,
      eqd,
    );
  // SMDG BAPLIE 2.1 §NAD (in SG3): NAD+CA, the container operator (C082 3039); else the vessel's carrier.
  const nad = own(eqdGroup, 'NAD', 'CA')[0];
  const line =
    el(nad, 1, 0) ||
    vessel.carrier ||
    fault(
      'edi.missing_element',
      `EQD segment ${eqd.position.segment}: container ${containerNumber} has no operator (NAD+CA) and the TDT names no carrier`,
      eqd,
    );
  const billOfLading = reference(cell.refs, 'BM', 'BL');
  const bookingReference = reference(cell.refs, 'BN');
  const grossMass = grossMassKg(cell.meas);
  return {
    kind: 'AnnounceBox',
    source: sourceOf('BAPLIE', context.message.ref, context.messageFunction, eqd),
    containerNumber,
    sizeType,
    sizeTypeAsSent,
    line,
    fullEmpty,
    arrival: { mode: 'vessel', vesselCall: vessel.callKey },
    vessel,
    stowage: cell.stowage,
    ...(bookingReference !== undefined ? { bookingReference } : {}),
    // BAPLIE RFF+BM carries "1" as a placeholder in many plans (SMDG BAPLIE 2.1 §RFF: BM mandatory, value free);
    // a one-character reference is no bill of lading.
    ...(billOfLading !== undefined && billOfLading.length > 1 ? { billOfLading } : {}),
    ...(cell.portOfLoading !== undefined ? { portOfLoading: cell.portOfLoading } : {}),
    ...(cell.portOfDischarge !== undefined ? { portOfDischarge: cell.portOfDischarge } : {}),
    ...(grossMass !== undefined ? { grossMassKg: grossMass } : {}),
    ...(cell.dangerousGoods.length > 0 ? { dangerousGoods: cell.dangerousGoods } : {}),
  };
}

function map(tree: GroupNode, context: MapContext): EdiIntent[] {
  const vessel = mainCarriage(tree, context);
  const intents: EdiIntent[] = [];
  const seen = new Map<string, number>();
  for (const sg2 of groupsOf(tree, 'SG2')) {
    if (context.refusals.full) break;
    const loc = sg2.segments[0]!;
    const cell = context.refusals.attempt(() => {
      // SMDG BAPLIE 2.1 §LOC (SG2): 3227 = 147, the stowage cell.
      if (el(loc, 0) !== '147') {
        fault(
          'edi.bad_code',
          `LOC segment ${loc.position.segment}: a stowage group begins with LOC+147, not LOC+${el(loc, 0)}`,
          loc,
        );
      }
      const stowage = stowageAt(loc);
      const places = own(sg2, 'LOC').slice(1);
      const portOfLoading =
        el(
          places.find((l) => el(l, 0) === '9'),
          1,
        ) || undefined;
      const portOfDischarge =
        el(
          places.find((l) => el(l, 0) === '11'),
          1,
        ) || undefined;
      return {
        stowage,
        ...(portOfLoading !== undefined ? { portOfLoading } : {}),
        ...(portOfDischarge !== undefined ? { portOfDischarge } : {}),
        refs: own(sg2, 'RFF'),
        meas: own(sg2, 'MEA'),
        dangerousGoods: dangerousGoodsOf(sg2),
      };
    });
    if (cell === undefined) continue;
    const portOfCall = context.options.portOfCall?.trim().toUpperCase();
    if (portOfCall !== undefined && cell.portOfDischarge?.toUpperCase() !== portOfCall) continue;
    // A stowage group without EQD is a cell taken by break-bulk or blocked (SMDG BAPLIE 2.1 §GID/§GDS): no box.
    for (const sg3 of groupsOf(sg2, 'SG3')) {
      const box = context.refusals.attempt(() => {
        const intent = announce(sg3, cell, vessel, context);
        const earlier = seen.get(intent.containerNumber);
        if (earlier !== undefined) {
          fault(
            'edi.bad_code',
            `EQD segment ${intent.source.position.segment}: container ${intent.containerNumber} is already stowed by EQD segment ${earlier}`,
            sg3.segments[0]!,
          );
        }
        seen.set(intent.containerNumber, intent.source.position.segment);
        return intent;
      });
      if (box !== undefined) intents.push(box);
    }
  }
  return intents;
}

/** The BAPLIE D.95B mapper. */
export const baplieMapper: Mapper = { messageType: 'BAPLIE', rules: BAPLIE_D95B_RULES, map };
