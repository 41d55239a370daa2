/**
 * CODECO (container gate-in/gate-out report), UN D.95B (SMDG CODECO 1.x, ITG): a terminal's TOS reports the boxes
 * that came in (BGM 1001 = 34) or went out (36) through its gate. Each EQD group becomes a {@link GateIn} or a
 * {@link GateOut}, at its DTM+7 (effective) or DTM+203 (execution), with the truck's plate from the inland TDT.
 */
import type { Segment } from '../../edifact/index.js';
import { el, fault, sourceOf } from './fields.js';
import type { EdiIntent, GateIn, GateOut } from './intents.js';
import {
  boxOf,
  checkEquipmentCount,
  headerParty,
  instantOf,
  type MapContext,
  type Mapper,
} from './mapper.js';
import { deep, type GroupNode, group, groupsStartingWith, mseg, own, type Rule, seg } from './structure.js';

/** UN D.95B CODECO §4.3.1 segment table. */
export const CODECO_D95B_RULES: readonly Rule[] = [
  mseg('BGM'),
  seg('FTX', 9),
  seg('RFF', 9),
  group('SG1', 1, false, 'TDT', seg('RFF', 9), seg('LOC', 9), seg('DTM', 9)),
  group('SG2', 9, true, 'NAD', seg('CTA', 9)),
  group(
    'SG3',
    999,
    false,
    'GID',
    seg('HAN', 9),
    seg('FTX', 9),
    seg('PIA', 9),
    seg('MEA', 9),
    seg('TMP', 9),
    seg('RNG', 9),
    seg('SGP', 999),
    group('SG4', 9, false, 'DGS', seg('FTX', 9)),
  ),
  group(
    'SG5',
    999,
    true,
    'EQD',
    seg('RFF', 9),
    seg('TMD', 9),
    seg('DTM', 9),
    seg('LOC', 9),
    seg('MEA', 9),
    seg('DIM', 9),
    seg('SEL', 9),
    seg('FTX', 9),
    seg('EQA', 9),
    group('SG6', 9, false, 'DAM', seg('COD')),
    group('SG7', 9, false, 'TDT', seg('LOC'), seg('DTM')),
    seg('NAD', 9),
  ),
  mseg('CNT'),
];

// SMDG CODECO §BGM 1001: 34 gate-in report, 36 gate-out report.
const REPORTS: Readonly<Record<string, 'GateIn' | 'GateOut'>> = { '34': 'GateIn', '36': 'GateOut' };

/** The truck's plate: TDT C222 8213 of an inland transport stage (8051 not 20), in the EQD group, else the header. */
function truckPlateOf(eqdGroup: GroupNode, tree: GroupNode): string | undefined {
  const inland = (tdts: Segment[]) => tdts.find((t) => el(t, 0) !== '20' && el(t, 7) !== '');
  const tdt =
    inland(deep(eqdGroup, 'TDT')) ?? inland(groupsStartingWith(tree, 'TDT').map((g) => g.segments[0]!));
  return tdt === undefined ? undefined : el(tdt, 7);
}

function map(tree: GroupNode, context: MapContext): EdiIntent[] {
  const code = el(context.bgm, 0);
  const kind =
    REPORTS[code] ??
    fault(
      'edi.bad_code',
      `BGM segment ${context.bgm.position.segment}: CODECO document code (1001) ${code || '(none)'} is not taken: 34 (gate-in report) and 36 (gate-out report) are`,
      context.bgm,
    );
  const operator = headerParty(tree, 'CF', 'CA')?.code;
  const eqdGroups = groupsStartingWith(tree, 'EQD');
  const intents: EdiIntent[] = [];
  for (const eqdGroup of eqdGroups) {
    if (context.refusals.full) break;
    const intent = context.refusals.attempt((): GateIn | GateOut => {
      const { eqd, ...fields } = boxOf(eqdGroup);
      // SMDG CODECO §DTM (EQD group): 7 effective date/time of the gate move, or 203 execution.
      const at =
        instantOf(eqdGroup, context, '7', '203') ??
        fault(
          'edi.missing_segment',
          `EQD segment ${eqd.position.segment}: container ${fields.containerNumber} has no DTM+7 or DTM+203 (when it passed the gate)`,
          eqd,
        );
      const truckPlate = truckPlateOf(eqdGroup, tree);
      const line = el(own(eqdGroup, 'NAD', 'CF')[0], 1) || operator;
      return {
        kind,
        source: sourceOf('CODECO', context.message.ref, context.messageFunction, eqd),
        ...fields,
        at,
        ...(truckPlate !== undefined ? { truckPlate } : {}),
        ...(line !== undefined && line !== '' ? { line } : {}),
      };
    });
    if (intent !== undefined) intents.push(intent);
  }
  checkEquipmentCount(tree, eqdGroups.length, context);
  return intents;
}

/** The CODECO D.95B mapper. */
export const codecoD95bMapper: Mapper = { messageType: 'CODECO', rules: CODECO_D95B_RULES, map };
