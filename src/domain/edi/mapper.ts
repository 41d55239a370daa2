/**
 * What every message mapper shares: read the body against the message's segment table, then map the tree to
 * intents, collecting refusals; a message with any refusal yields no intent (it is refused whole).
 */
import type { Message, Segment } from '../../edifact/index.js';
import {
  attemptQuietly,
  containerNumberAt,
  el,
  fault,
  fullEmptyAt,
  grossMassKg,
  instantAt,
  messageFunctionAt,
  Refusals,
  reference,
  requireContainer,
  sizeTypeAt,
  vesselAt,
} from './fields.js';
import type {
  EdiIntent,
  EdiMessageType,
  IntentSource,
  MapOptions,
  MapResult,
  VesselCallRef,
} from './intents.js';
import {
  deep,
  first,
  type GroupNode,
  groupsStartingWith,
  own,
  type Rule,
  readStructure,
} from './structure.js';

/** What a mapper is given besides the tree. */
export interface MapContext {
  readonly message: Message;
  readonly messageType: EdiMessageType;
  readonly options: MapOptions;
  readonly refusals: Refusals;
  /** BGM 1225, read before the mapper runs. */
  readonly messageFunction: IntentSource['messageFunction'];
  /** The BGM segment (mandatory in every table here). */
  readonly bgm: Segment;
}

/** A message mapper: its segment table and how its tree becomes intents. */
export interface Mapper {
  readonly messageType: EdiMessageType;
  readonly rules: readonly Rule[];
  readonly map: (tree: GroupNode, context: MapContext) => EdiIntent[];
}

/** Reads `message` with `mapper`: its structure, its BGM, then its intents; refused whole on any fault. */
export function runMapper(mapper: Mapper, message: Message, options: MapOptions = {}): MapResult {
  const structure = readStructure(message, mapper.messageType, mapper.rules);
  if (!structure.ok) {
    return { ok: false, refusal: structure.refusals[0]!, refusals: structure.refusals };
  }
  const refusals = new Refusals(message.ref, mapper.messageType);
  const tree = structure.tree;
  const bgm = first(tree, 'BGM')!;
  const messageFunction = refusals.attempt(() => messageFunctionAt(bgm, mapper.messageType));
  let intents: EdiIntent[] = [];
  if (messageFunction !== undefined) {
    const context: MapContext = {
      message,
      messageType: mapper.messageType,
      options,
      refusals,
      messageFunction,
      bgm,
    };
    intents = refusals.attempt(() => mapper.map(tree, context)) ?? [];
  }
  if (refusals.list.length > 0) {
    const sorted = [...refusals.list].sort((a, b) => a.position.segment - b.position.segment);
    return { ok: false, refusal: sorted[0]!, refusals: sorted };
  }
  return { ok: true, messageType: mapper.messageType, intents };
}

/**
 * CNT C270 with qualifier 16 (total number of equipment): when sent, it must equal the number of EQD groups the
 * message holds (a count the sender states is checked, so a truncated message is caught).
 */
export function checkEquipmentCount(tree: GroupNode, equipmentGroups: number, context: MapContext): void {
  for (const cnt of tree.segments.filter((s) => s.tag === 'CNT')) {
    if (el(cnt, 0, 0) !== '16') continue;
    const stated = Number(el(cnt, 0, 1));
    if (!Number.isInteger(stated) || stated !== equipmentGroups) {
      context.refusals.attempt(() =>
        fault(
          'edi.bad_control_total',
          `CNT segment ${cnt.position.segment}: states ${el(cnt, 0, 1) || '(nothing)'} containers, the message holds ${equipmentGroups}`,
          cnt,
        ),
      );
    }
  }
}

/** The vessel call of the message's header TDT group with 8051 = 20 (main carriage), or undefined. */
export function headerVessel(tree: GroupNode): VesselCallRef | undefined {
  for (const tdtGroup of groupsStartingWith(tree, 'TDT')) {
    const tdt = tdtGroup.segments[0]!;
    if (el(tdt, 0) === '20') return vesselAt(tdt);
  }
  return undefined;
}

/** The header NAD with party qualifier `role` (3035): its party code (C082 3039), or undefined. */
export function headerParty(tree: GroupNode, ...roles: string[]): { code: string; nad: Segment } | undefined {
  const nads = [...own(tree, 'NAD'), ...groupsStartingWith(tree, 'NAD').map((g) => g.segments[0]!)];
  for (const role of roles) {
    const nad = nads.find((n) => el(n, 0) === role);
    const code = el(nad, 1, 0) || el(nad, 3, 0);
    if (nad !== undefined && code !== '') return { code, nad };
  }
  return undefined;
}

/** The box an EQD group names: number (check digit checked), size-type, full/empty, gross mass, booking. */
export function boxOf(eqdGroup: GroupNode): {
  eqd: Segment;
  containerNumber: string;
  sizeType?: string;
  sizeTypeAsSent?: string;
  fullEmpty?: 'full' | 'empty';
  grossMassKg?: number;
  bookingReference?: string;
} {
  const eqd = eqdGroup.segments[0]!;
  requireContainer(eqd);
  const containerNumber = containerNumberAt(eqd);
  // Outside an announcement the size-type only describes the box (the visit already has it): a code the yard
  // does not know (e.g. 22K2) is kept as sent rather than refusing the move.
  const sent = el(eqd, 2);
  const size = sent === '' ? undefined : (attemptQuietly(() => sizeTypeAt(eqd)) ?? { sizeTypeAsSent: sent });
  const fullEmpty = fullEmptyAt(eqd);
  const mass = grossMassKg(deep(eqdGroup, 'MEA'));
  const bookingReference = reference(own(eqdGroup, 'RFF'), 'BN');
  return {
    eqd,
    containerNumber,
    ...(size !== undefined ? size : {}),
    ...(fullEmpty !== undefined ? { fullEmpty } : {}),
    ...(mass !== undefined ? { grossMassKg: mass } : {}),
    ...(bookingReference !== undefined ? { bookingReference } : {}),
  };
}

/** The first DTM among `qualifiers` (in that preference) in `node` and its groups, as an instant. */
export function instantOf(node: GroupNode, context: MapContext, ...qualifiers: string[]): string | undefined {
  for (const qualifier of qualifiers) {
    const dtm = deep(node, 'DTM', qualifier)[0];
    if (dtm !== undefined) return instantAt(dtm, context.options.timeZone);
  }
  return undefined;
}

/** The message's header part: its own segments and every group that is not an EQD group. */
export function headerOf(tree: GroupNode): GroupNode {
  return {
    name: 'header',
    segments: tree.segments,
    groups: tree.groups.filter((g) => g.segments[0]?.tag !== 'EQD'),
  };
}
