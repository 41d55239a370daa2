/**
 * COREOR (container release order), UN D.95B as the SMDG COREOR guide uses it: a line orders the terminal to release
 * boxes to a named party (NAD+FW forwarder or NAD+CN consignee), under a release reference (RFF+RE). Each EQD group
 * becomes an {@link IssueReleaseIntent}; the use case issues it through the release chain rules, as the line the
 * sender is, and never treats the reference as a secret (MISSION §5: RFF+RE is the old PIN).
 */
import { el, fault, reference, sourceOf } from './fields.js';
import type { EdiIntent, IssueReleaseIntent } from './intents.js';
import {
  boxOf,
  headerOf,
  headerParty,
  headerVessel,
  instantOf,
  type MapContext,
  type Mapper,
} from './mapper.js';
import { deep, type GroupNode, group, groupsStartingWith, mseg, own, type Rule, seg } from './structure.js';

/** UN D.95B COREOR §4.3.1 segment table. */
export const COREOR_D95B_RULES: readonly Rule[] = [
  mseg('BGM'),
  seg('FTX', 9),
  seg('RFF', 9),
  group('SG1', 1, true, 'TDT', seg('RFF', 9), seg('LOC', 9), seg('DTM', 9)),
  group('SG2', 9, true, 'NAD', seg('CTA', 9), seg('RFF', 9), seg('DTM', 9)),
  group(
    'SG3',
    999,
    false,
    'GID',
    seg('HAN', 9),
    seg('FTX', 9),
    group('SG4', 9, false, 'NAD', seg('DTM', 9), seg('RFF', 9)),
    seg('MEA', 9),
    seg('PCI', 9),
    group('SG5', 999, false, 'SGP', seg('MEA', 9)),
    group('SG6', 9, false, 'DGS', seg('FTX', 9), seg('MEA', 9)),
  ),
  group(
    'SG7',
    999,
    false,
    'EQD',
    mseg('RFF', 9),
    seg('TSR', 9),
    seg('MEA', 9),
    seg('DIM', 9),
    seg('TMP', 9),
    seg('RNG', 9),
    seg('SEL', 9),
    seg('FTX', 9),
    seg('EQA'),
    group('SG8', 9, false, 'TDT', seg('LOC', 9), seg('DTM', 9)),
    group('SG9', 9, false, 'NAD', seg('DTM'), seg('CTA'), seg('COM')),
  ),
  mseg('CNT'),
];

const PARTY_ROLES = ['FW', 'CN'] as const;

/** The release party: the EQD group's own NAD+FW/CN, else the header's; with the NAD group it stands in. */
function partyOf(
  eqdGroup: GroupNode,
  tree: GroupNode,
): { role: 'FW' | 'CN'; code: string; node: GroupNode } | undefined {
  for (const scope of [eqdGroup, tree]) {
    for (const role of PARTY_ROLES) {
      const node = groupsStartingWith(scope, 'NAD').find((g) => el(g.segments[0], 0) === role);
      const code = el(node?.segments[0], 1) || el(node?.segments[0], 3);
      if (node !== undefined && code !== '') return { role, code, node };
    }
  }
  return undefined;
}

function map(tree: GroupNode, context: MapContext): EdiIntent[] {
  const header = headerOf(tree);
  const vessel = headerVessel(tree);
  // SMDG COREOR §NAD: NAD+CF container operator (the line); NAD+CA carrier; NAD+MS the sender acting for it.
  const line =
    headerParty(tree, 'CF', 'CA')?.code ??
    vessel?.carrier ??
    headerParty(tree, 'MS')?.code ??
    fault('edi.missing_element', 'the COREOR names no line: no NAD+CF, NAD+CA or NAD+MS', context.bgm);
  const headerRefs = deep(header, 'RFF');
  const documentNumber = el(context.bgm, 1);
  const eqdGroups = groupsStartingWith(tree, 'EQD');
  if (eqdGroups.length === 0) {
    fault('edi.missing_segment', 'the COREOR releases no container: it has no EQD', context.bgm);
  }
  const intents: EdiIntent[] = [];
  for (const eqdGroup of eqdGroups) {
    if (context.refusals.full) break;
    const intent = context.refusals.attempt((): IssueReleaseIntent => {
      const { eqd, containerNumber, sizeType } = boxOf(eqdGroup);
      const party =
        partyOf(eqdGroup, tree) ??
        fault(
          'edi.missing_segment',
          `EQD segment ${eqd.position.segment}: container ${containerNumber} is released to nobody: no NAD+FW or NAD+CN`,
          eqd,
        );
      const refs = [...own(eqdGroup, 'RFF'), ...headerRefs];
      const releaseReference =
        reference(refs, 'RE') ||
        documentNumber ||
        fault(
          'edi.missing_element',
          `EQD segment ${eqd.position.segment}: container ${containerNumber} has no release reference (RFF+RE) and the BGM no document number`,
          eqd,
        );
      const billOfLading = reference(refs, 'BM', 'BL');
      // DTM 2005: 7 effective / 400 from, 36 expiry / 405 until; in the party's NAD group, else the header.
      const validFrom = instantOf(party.node, context, '400', '7') ?? instantOf(header, context, '400', '7');
      const validUntil =
        instantOf(party.node, context, '405', '36') ?? instantOf(header, context, '405', '36');
      return {
        kind: 'IssueRelease',
        source: sourceOf('COREOR', context.message.ref, context.messageFunction, eqd),
        containerNumber,
        ...(sizeType !== undefined ? { sizeType } : {}),
        line,
        partyCode: party.code,
        partyRole: party.role,
        releaseReference,
        ...(billOfLading !== undefined ? { billOfLading } : {}),
        ...(vessel !== undefined ? { vessel } : {}),
        ...(validFrom !== undefined ? { validFrom } : {}),
        ...(validUntil !== undefined ? { validUntil } : {}),
      };
    });
    if (intent !== undefined) intents.push(intent);
  }
  return intents;
}

/** The COREOR D.95B mapper. */
export const coreorD95bMapper: Mapper = { messageType: 'COREOR', rules: COREOR_D95B_RULES, map };
