/**
 * COPARN (container announcement), UN D.00B as the SMDG COPARN 2.0 guide uses it: the line announces boxes to the
 * terminal, an import box arriving on a vessel call or an export box to be delivered by truck (a pre-advice). Each
 * EQD group becomes an {@link AnnounceBox}.
 */
import { el, fault, reference, sourceOf } from './fields.js';
import type { AnnounceBox, DangerousGoods, EdiIntent } from './intents.js';
import {
  boxOf,
  checkEquipmentCount,
  headerOf,
  headerParty,
  headerVessel,
  type MapContext,
  type Mapper,
} from './mapper.js';
import { deep, type GroupNode, group, groupsStartingWith, mseg, own, type Rule, seg } from './structure.js';

const CTA_COM = group('SG5', 9, false, 'CTA', seg('COM', 9));

/** UN D.00B COPARN §4.3.1 segment table. */
export const COPARN_D00B_RULES: readonly Rule[] = [
  mseg('BGM'),
  seg('TMD'),
  seg('DTM', 9),
  seg('TSR', 9),
  seg('FTX', 99),
  seg('LOC', 9),
  group('SG1', 9, false, 'RFF', seg('DTM', 9)),
  group('SG2', 9, false, 'TDT', seg('DTM', 9), seg('RFF', 9), group('SG3', 9, false, 'LOC', seg('DTM', 9))),
  group('SG4', 9, true, 'NAD', CTA_COM, seg('RFF', 9), seg('DTM', 9)),
  group(
    'SG6',
    999,
    false,
    'GID',
    seg('HAN', 9),
    seg('FTX', 9),
    seg('RFF', 9),
    seg('PIA', 9),
    group('SG7', 99, false, 'NAD', seg('DTM', 9), seg('RFF', 9)),
    seg('MEA', 9),
    seg('DIM', 9),
    group('SG8', 9, false, 'DOC', seg('DTM', 9), seg('LOC', 9)),
    group('SG9', 999, false, 'SGP', seg('MEA', 9)),
    group(
      'SG10',
      99,
      false,
      'DGS',
      seg('FTX', 9),
      seg('MEA', 9),
      group('SG11', 9, false, 'CTA', seg('COM', 9)),
    ),
    group('SG12', 9, false, 'TMP', seg('RNG')),
  ),
  group(
    'SG13',
    9999,
    true,
    'EQD',
    seg('RFF', 9),
    seg('EQN'),
    seg('TMD', 9),
    seg('DTM', 9),
    seg('TSR', 9),
    seg('LOC', 9),
    seg('MEA', 9),
    seg('DIM', 9),
    group('SG14', 9, false, 'TMP', seg('RNG')),
    seg('SEL', 9),
    seg('FTX', 9),
    seg('PCD', 9),
    group(
      'SG15',
      99,
      false,
      'DGS',
      seg('FTX', 9),
      seg('MEA', 9),
      group('SG16', 9, false, 'CTA', seg('COM', 9)),
    ),
    seg('MOA', 9),
    seg('GOR', 9),
    seg('EQA'),
    seg('COD'),
    seg('HAN', 9),
    group('SG17', 9, false, 'DAM', seg('COD')),
    group('SG18', 9, false, 'TDT', seg('DTM', 9), group('SG19', 9, false, 'LOC', seg('DTM', 9))),
    group('SG20', 9, false, 'NAD', seg('DTM'), seg('CTA'), seg('COM'), seg('RFF', 9)),
  ),
  seg('CNT'),
];

function dangerousGoodsOf(eqdGroup: GroupNode): DangerousGoods[] {
  return groupsStartingWith(eqdGroup, 'DGS').map((g) => {
    const dgs = g.segments[0]!;
    const unNumber = el(dgs, 2);
    return { imdgClass: el(dgs, 1), ...(unNumber !== '' ? { unNumber } : {}) };
  });
}

function map(tree: GroupNode, context: MapContext): EdiIntent[] {
  const header = headerOf(tree);
  const vessel = headerVessel(tree);
  // SMDG COPARN 2.0 §NAD: NAD+CF, the container operator (the line), for the whole message.
  const operator = headerParty(tree, 'CF', 'CA')?.code ?? vessel?.carrier;
  const headerRefs = deep(header, 'RFF');
  const documentCode = el(context.bgm, 0);
  const eqdGroups = groupsStartingWith(tree, 'EQD');
  const intents: EdiIntent[] = [];
  for (const eqdGroup of eqdGroups) {
    if (context.refusals.full) break;
    const intent = context.refusals.attempt((): AnnounceBox => {
      const { eqd, ...fields } = boxOf(eqdGroup);
      const missing = (what: string): never =>
        fault(
          'edi.missing_element',
          `EQD segment ${eqd.position.segment}: container ${fields.containerNumber} lacks ${what}`,
          eqd,
        );
      const sizeType = fields.sizeType ?? missing('its size-type code (C224 8155)');
      const fullEmpty = fields.fullEmpty ?? missing('its full/empty indicator (8169)');
      const line =
        el(groupsStartingWith(eqdGroup, 'NAD').find((g) => el(g.segments[0], 0) === 'CF')?.segments[0], 1) ||
        operator ||
        missing('a container operator (NAD+CF) and the message names none');
      // SMDG COPARN 2.0 §EQD 8249: 2 export and 1 continental come by truck; 3 import, 4 and 6 transhipment by vessel.
      const status = el(eqd, 4);
      const byTruck = status === '2' || status === '1';
      if (!byTruck && vessel === undefined) {
        fault(
          'edi.missing_segment',
          `EQD segment ${eqd.position.segment}: container ${fields.containerNumber} arrives by vessel (status ${status || 'not sent'}) but the COPARN has no TDT+20 naming the call`,
          eqd,
        );
      }
      const refs = [...own(eqdGroup, 'RFF'), ...headerRefs];
      const bookingReference = reference(refs, 'BN');
      const billOfLading = reference(refs, 'BM', 'BL');
      const locs = deep(eqdGroup, 'LOC');
      const portOfLoading = el(
        locs.find((l) => el(l, 0) === '9'),
        1,
      );
      const portOfDischarge = el(
        locs.find((l) => el(l, 0) === '11'),
        1,
      );
      const dangerousGoods = dangerousGoodsOf(eqdGroup);
      return {
        kind: 'AnnounceBox',
        source: sourceOf('COPARN', context.message.ref, context.messageFunction, eqd),
        ...fields,
        sizeType,
        sizeTypeAsSent: fields.sizeTypeAsSent ?? sizeType,
        line,
        fullEmpty,
        arrival:
          byTruck || vessel === undefined
            ? { mode: 'truck' }
            : { mode: 'vessel', vesselCall: vessel.callKey },
        ...(vessel !== undefined ? { vessel } : {}),
        ...(bookingReference !== undefined ? { bookingReference } : {}),
        ...(billOfLading !== undefined ? { billOfLading } : {}),
        ...(portOfLoading !== '' ? { portOfLoading } : {}),
        ...(portOfDischarge !== '' ? { portOfDischarge } : {}),
        ...(dangerousGoods.length > 0 ? { dangerousGoods } : {}),
        ...(documentCode !== '' ? { documentCode } : {}),
      };
    });
    if (intent !== undefined) intents.push(intent);
  }
  checkEquipmentCount(tree, eqdGroups.length, context);
  return intents;
}

/** The COPARN D.00B mapper. */
export const coparnD00bMapper: Mapper = { messageType: 'COPARN', rules: COPARN_D00B_RULES, map };
