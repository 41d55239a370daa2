/**
 * COARRI (container discharge/loading report), UN D.95B (SMDG COARRI 1.2, ITG13) and D.00B (SMDG COARRI 2.0): a
 * terminal's TOS reports the boxes it discharged (BGM 1001 = 44) or loaded (46) for one vessel call (TDT+20). Each
 * EQD group becomes a {@link Discharge} or a {@link Load}, at its DTM+203 (execution).
 */
import type { Segment } from '../../edifact/index.js';
import { attemptQuietly, el, fault, sourceOf, stowageAt } from './fields.js';
import type { Discharge, EdiIntent, Load, StowageCell } from './intents.js';
import {
  boxOf,
  checkEquipmentCount,
  headerParty,
  headerVessel,
  instantOf,
  type MapContext,
  type Mapper,
} from './mapper.js';
import { deep, type GroupNode, group, groupsStartingWith, mseg, own, type Rule, seg } from './structure.js';

/** UN D.95B COARRI §4.3.1 segment table. */
export const COARRI_D95B_RULES: readonly Rule[] = [
  mseg('BGM'),
  seg('FTX', 9),
  seg('RFF', 9),
  group('SG1', 1, false, 'TDT', seg('RFF', 9), seg('LOC', 9), seg('DTM', 9)),
  group('SG2', 9, true, 'NAD', seg('CTA', 9)),
  group(
    'SG3',
    9999,
    false,
    'EQD',
    seg('RFF', 9),
    seg('TMD', 9),
    seg('DTM', 9),
    seg('LOC', 9),
    seg('MEA', 9),
    seg('DIM', 9),
    seg('TMP', 9),
    seg('RNG', 9),
    seg('SEL', 9),
    seg('FTX', 9),
    seg('DGS', 99),
    seg('EQA', 9),
    group('SG4', 9, false, 'DAM', seg('COD')),
    group('SG5', 1, false, 'TDT', seg('LOC', 9), seg('DTM', 9)),
    group('SG6', 9, false, 'NAD', seg('DTM')),
  ),
  seg('CNT'),
];

/** UN D.00B COARRI §4.3.1 segment table. */
export const COARRI_D00B_RULES: readonly Rule[] = [
  mseg('BGM'),
  seg('DTM', 9),
  seg('FTX', 9),
  group('SG1', 9, false, 'RFF', seg('DTM', 9)),
  group('SG2', 1, true, 'TDT', seg('DTM', 9), seg('RFF', 9), group('SG3', 9, false, 'LOC', seg('DTM', 9))),
  group('SG4', 9, true, 'NAD', group('SG5', 9, false, 'CTA', seg('COM', 9))),
  group(
    'SG6',
    9999,
    false,
    'EQD',
    seg('RFF', 9),
    seg('GDS', 9),
    seg('TMD', 9),
    seg('DTM', 9),
    group('SG7', 9, false, 'LOC', seg('DTM', 9)),
    seg('MEA', 9),
    seg('DIM', 9),
    group('SG8', 9, false, 'TMP', seg('RNG')),
    seg('SEL', 9),
    seg('FTX', 9),
    seg('PCD', 9),
    group(
      'SG9',
      99,
      false,
      'DGS',
      seg('FTX', 9),
      seg('MEA', 9),
      group('SG10', 9, false, 'CTA', seg('COM', 9)),
    ),
    seg('EQA', 9),
    seg('PIA', 9),
    seg('COD'),
    seg('HAN', 9),
    group('SG11', 9, false, 'DAM', seg('COD')),
    group('SG12', 1, false, 'TDT', seg('LOC', 9), seg('DTM', 9)),
    seg('NAD', 9),
  ),
  seg('CNT'),
];

// SMDG COARRI §BGM 1001: 44 discharge report, 46 loading report.
const REPORTS: Readonly<Record<string, 'Discharge' | 'Load'>> = { '44': 'Discharge', '46': 'Load' };

/**
 * The cell on board, as data; a cell that is not bay-row-tier (some TOSes send their own short codes, e.g. `471`)
 * is kept as sent, since the move itself is what PortLedger records.
 */
function stowageOf(loc: Segment | undefined): { stowage: StowageCell } | { stowageAsSent: string } | object {
  if (loc === undefined) return {};
  const stowage = attemptQuietly(() => stowageAt(loc));
  return stowage !== undefined ? { stowage } : { stowageAsSent: el(loc, 1) };
}

function map(tree: GroupNode, context: MapContext): EdiIntent[] {
  const code = el(context.bgm, 0);
  const kind =
    REPORTS[code] ??
    fault(
      'edi.bad_code',
      `BGM segment ${context.bgm.position.segment}: COARRI document code (1001) ${code || '(none)'} is not taken: 44 (discharge report) and 46 (loading report) are`,
      context.bgm,
    );
  const vessel =
    headerVessel(tree) ??
    fault(
      'edi.missing_segment',
      'the COARRI has no TDT+20 (main carriage): the vessel call is not named',
      context.bgm,
    );
  // SMDG COARRI §NAD: NAD+CF, the container operator, for the whole message.
  const operator = headerParty(tree, 'CF', 'CA')?.code ?? vessel.carrier;
  const eqdGroups = groupsStartingWith(tree, 'EQD');
  const intents: EdiIntent[] = [];
  for (const eqdGroup of eqdGroups) {
    if (context.refusals.full) break;
    const intent = context.refusals.attempt((): Discharge | Load => {
      const box = boxOf(eqdGroup);
      const { eqd, ...fields } = box;
      // SMDG COARRI §DTM (EQD group): 203, the execution date/time of the move.
      const at =
        instantOf(eqdGroup, context, '203') ??
        fault(
          'edi.missing_segment',
          `EQD segment ${eqd.position.segment}: container ${box.containerNumber} has no DTM+203 (when it was ${kind === 'Discharge' ? 'discharged' : 'loaded'})`,
          eqd,
        );
      // SMDG COARRI §LOC (EQD group): 147, the stowage cell on board.
      const cell = deep(eqdGroup, 'LOC', '147')[0];
      const line = el(own(eqdGroup, 'NAD', 'CF')[0], 1) || operator;
      return {
        kind,
        source: sourceOf('COARRI', context.message.ref, context.messageFunction, eqd),
        ...fields,
        vessel,
        at,
        ...stowageOf(cell),
        ...(line !== undefined && line !== '' ? { line } : {}),
      };
    });
    if (intent !== undefined) intents.push(intent);
  }
  checkEquipmentCount(tree, eqdGroups.length, context);
  return intents;
}

/** The COARRI D.95B mapper. */
export const coarriD95bMapper: Mapper = { messageType: 'COARRI', rules: COARRI_D95B_RULES, map };
/** The COARRI D.00B mapper. */
export const coarriD00bMapper: Mapper = { messageType: 'COARRI', rules: COARRI_D00B_RULES, map };
