/**
 * COPINO (container pre-notification), UN D.95B (SMDG/ITG COPINO 1.x) and D.00B (SMDG COPINO 2.0): a haulier
 * pre-notifies the truck that will pick a box up (import) or deliver it (export): the truck's plate and driver
 * (TDT, stage 1 pre-carriage, C222), the expected arrival (DTM+132), the booking or release the move rests on
 * (RFF). Each EQD group becomes a {@link NominateTruck}; the use case checks the haulier's rights.
 */
import type { Segment } from '../../edifact/index.js';
import { el, fault, reference, sourceOf } from './fields.js';
import type { EdiIntent, NominateTruck } from './intents.js';
import {
  boxOf,
  checkEquipmentCount,
  headerOf,
  headerParty,
  instantOf,
  type MapContext,
  type Mapper,
} from './mapper.js';
import { deep, type GroupNode, group, groupsStartingWith, mseg, own, type Rule, seg } from './structure.js';

/** UN D.95B COPINO §4.3.1 segment table. */
export const COPINO_D95B_RULES: readonly Rule[] = [
  mseg('BGM'),
  seg('FTX', 9),
  seg('RFF', 9),
  group('SG1', 1, true, 'TDT', seg('LOC', 9), seg('DTM', 9)),
  group('SG2', 9, true, 'NAD', seg('CTA', 9)),
  group(
    'SG3',
    999,
    false,
    'GID',
    seg('HAN', 9),
    seg('TMP', 9),
    seg('RNG', 9),
    seg('SGP', 999),
    seg('DGS', 9),
  ),
  group(
    'SG4',
    999,
    true,
    'EQD',
    seg('RFF', 9),
    seg('EQN'),
    seg('MEA', 9),
    seg('DIM', 9),
    seg('SEL', 9),
    seg('EQA'),
    group('SG5', 9, false, 'TDT', seg('LOC', 9), seg('DTM', 9)),
    seg('NAD', 9),
  ),
  mseg('CNT'),
];

/** UN D.00B COPINO §4.3.1 segment table. */
export const COPINO_D00B_RULES: readonly Rule[] = [
  mseg('BGM'),
  seg('DTM', 9),
  seg('FTX', 9),
  group('SG1', 9, false, 'RFF', seg('DTM', 9)),
  group('SG2', 1, true, 'TDT', seg('DTM', 9), group('SG3', 9, false, 'LOC', seg('DTM', 9))),
  group('SG4', 9, true, 'NAD', group('SG5', 9, false, 'CTA', seg('COM', 9))),
  group(
    'SG6',
    999,
    false,
    'GID',
    seg('HAN', 9),
    group('SG7', 9, false, 'TMP', seg('RNG')),
    group('SG8', 9, false, 'DOC', seg('DTM', 9), seg('LOC', 9)),
    seg('SGP', 999),
    group(
      'SG9',
      99,
      false,
      'DGS',
      seg('FTX', 9),
      seg('MEA', 9),
      group('SG10', 9, false, 'CTA', seg('COM', 9)),
    ),
  ),
  group(
    'SG11',
    999,
    true,
    'EQD',
    seg('RFF', 9),
    seg('EQN'),
    seg('MEA', 9),
    seg('DIM', 9),
    seg('FTX', 9),
    seg('PCD', 9),
    seg('SEL', 9),
    seg('EQA'),
    seg('HAN', 9),
    group('SG12', 9, false, 'TDT', seg('DTM', 9), group('SG13', 9, false, 'LOC', seg('DTM', 9))),
    seg('NAD', 9),
    group(
      'SG14',
      99,
      false,
      'DGS',
      seg('FTX', 9),
      seg('MEA', 9),
      group('SG15', 9, false, 'CTA', seg('COM', 9)),
    ),
    group('SG16', 9, false, 'TMP', seg('RNG')),
  ),
  seg('CNT'),
];

/** The message's inland TDT group (8051 = 1 pre-carriage, or any not 20): the truck. */
function truckGroup(tree: GroupNode): GroupNode | undefined {
  return groupsStartingWith(tree, 'TDT').find((g) => el(g.segments[0], 0) !== '20');
}

function map(tree: GroupNode, context: MapContext): EdiIntent[] {
  const truck = truckGroup(tree);
  const tdt: Segment | undefined = truck?.segments[0];
  // TDT C222: 8213 the truck's plate, 8212 the driver's name (SMDG COPINO §TDT); C040 3127/3128 the haulier.
  const truckPlate = el(tdt, 7, 0);
  const driverName = el(tdt, 7, 3);
  const haulier =
    el(tdt, 4, 0) ||
    el(tdt, 4, 3) ||
    headerParty(tree, 'HI', 'CZ', 'MS')?.code ||
    fault(
      'edi.missing_element',
      'the COPINO names no haulier: no carrier in its TDT (C040) and no NAD+HI or NAD+MS',
      tdt ?? context.bgm,
    );
  const windowFrom = truck !== undefined ? instantOf(truck, context, '132') : undefined;
  const windowUntil = truck !== undefined ? instantOf(truck, context, '133') : undefined;
  const headerRefs = deep(headerOf(tree), 'RFF');
  const eqdGroups = groupsStartingWith(tree, 'EQD');
  const intents: EdiIntent[] = [];
  for (const eqdGroup of eqdGroups) {
    if (context.refusals.full) break;
    const intent = context.refusals.attempt((): NominateTruck => {
      const { eqd, containerNumber, sizeType } = boxOf(eqdGroup);
      const refs = [...own(eqdGroup, 'RFF'), ...headerRefs];
      const bookingReference = reference(refs, 'BN');
      const releaseReference = reference(refs, 'RE');
      // EQD 8249: 3 import (the truck picks the box up), 2 export (it delivers it).
      const status = el(eqd, 4);
      const direction = status === '3' ? 'pickup' : status === '2' ? 'delivery' : 'unknown';
      return {
        kind: 'NominateTruck',
        source: sourceOf('COPINO', context.message.ref, context.messageFunction, eqd),
        containerNumber,
        ...(sizeType !== undefined ? { sizeType } : {}),
        ...(bookingReference !== undefined ? { bookingReference } : {}),
        ...(releaseReference !== undefined ? { releaseReference } : {}),
        haulier,
        ...(truckPlate !== '' ? { truckPlate } : {}),
        ...(driverName !== '' ? { driverName } : {}),
        direction,
        ...(windowFrom !== undefined ? { windowFrom } : {}),
        ...(windowUntil !== undefined ? { windowUntil } : {}),
      };
    });
    if (intent !== undefined) intents.push(intent);
  }
  checkEquipmentCount(tree, eqdGroups.length, context);
  return intents;
}

/** The COPINO D.95B mapper. */
export const copinoD95bMapper: Mapper = { messageType: 'COPINO', rules: COPINO_D95B_RULES, map };
/** The COPINO D.00B mapper. */
export const copinoD00bMapper: Mapper = { messageType: 'COPINO', rules: COPINO_D00B_RULES, map };
