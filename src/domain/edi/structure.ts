/**
 * A message's segment table (its branching diagram, UN/EDIFACT UNSM §4.3.1) and a reader of a message's body
 * against it: the body becomes a tree of segment-group instances, or a refusal naming the first segment the table
 * does not allow at that place (an unknown tag, or a known one out of place or repeated too often) and any
 * mandatory segment missing.
 *
 * The tables are written in each mapper from the UN directory's segment table for the release it takes, narrowed
 * where the SMDG guide narrows it; the reader is generic.
 */
import type { Message, Segment } from '../../edifact/index.js';
import type { MessageRefusal, SegmentPosition } from './intents.js';

/** One segment of the table: its tag, how often it may repeat, whether the guide makes it mandatory. */
export interface SegmentRule {
  readonly tag: string;
  readonly max: number;
  readonly required: boolean;
}

/** A segment group: its name (`SG3`), repeat, status, and its rules; the first rule is the trigger segment. */
export interface GroupRule {
  readonly group: string;
  readonly max: number;
  readonly required: boolean;
  readonly rules: readonly [SegmentRule, ...Rule[]];
}

export type Rule = SegmentRule | GroupRule;

/** A conditional segment, repeated at most `max` times. */
export function seg(tag: string, max = 1): SegmentRule {
  return { tag, max, required: false };
}

/** A mandatory segment, repeated at most `max` times. */
export function mseg(tag: string, max = 1): SegmentRule {
  return { tag, max, required: true };
}

/** A segment group; its trigger (first rule) is mandatory within the group by definition. */
export function group(
  name: string,
  max: number,
  required: boolean,
  trigger: string,
  ...rules: Rule[]
): GroupRule {
  return { group: name, max, required, rules: [mseg(trigger), ...rules] };
}

/** One occurrence of a segment group (or the message itself, named `message`). */
export interface GroupNode {
  readonly name: string;
  /** The group's own segments in order, the trigger first. */
  readonly segments: Segment[];
  /** The nested group occurrences, in order. */
  readonly groups: GroupNode[];
}

/** The segments of `node` (not of its nested groups) with `tag`, and optionally a first element equal to `qualifier`. */
export function own(node: GroupNode, tag: string, qualifier?: string): Segment[] {
  return node.segments.filter(
    (s) => s.tag === tag && (qualifier === undefined || (s.elements[0]?.[0] ?? '') === qualifier),
  );
}

/** The first of {@link own}, or undefined. */
export function first(node: GroupNode, tag: string, qualifier?: string): Segment | undefined {
  return own(node, tag, qualifier)[0];
}

/** The nested group occurrences named `name`. */
export function groupsOf(node: GroupNode, name: string): GroupNode[] {
  return node.groups.filter((g) => g.name === name);
}

/** Where a segment is, for intents and refusals. */
export function positionOf(segment: Segment): SegmentPosition {
  return { segment: segment.position.segment, offset: segment.position.offset, tag: segment.tag };
}

/** Every tag a table names, nested groups included. */
function tagsOf(rules: readonly Rule[], into = new Set<string>()): Set<string> {
  for (const rule of rules) {
    if ('tag' in rule) into.add(rule.tag);
    else tagsOf(rule.rules, into);
  }
  return into;
}

function triggerOf(rule: Rule): string {
  return 'tag' in rule ? rule.tag : rule.rules[0].tag;
}

function nameOf(rule: Rule): string {
  return 'tag' in rule ? rule.tag : `${rule.group} (${rule.rules[0].tag})`;
}

type Refuse = (code: MessageRefusal['code'], reason: string, at: Segment) => void;

/**
 * Reads `rules` from `segments[start]` on into `node`, the way the branching diagram is read (ISO 9735-1 §5.5):
 * a segment matches the first rule at or after the current one with its tag and room left; a group occurrence
 * begins at its trigger and ends at the first segment its rules do not take. Returns where it stopped.
 */
function readSequence(
  rules: readonly Rule[],
  segments: readonly Segment[],
  start: number,
  node: GroupNode,
  counts: number[],
  refuse: Refuse,
): number {
  let pos = start;
  let current = 0;
  while (pos < segments.length) {
    const segment = segments[pos]!;
    let matched = -1;
    for (let j = current; j < rules.length; j += 1) {
      if (triggerOf(rules[j]!) === segment.tag && counts[j]! < rules[j]!.max) {
        matched = j;
        break;
      }
    }
    if (matched < 0) break;
    for (let k = current; k < matched; k += 1) {
      if (rules[k]!.required && counts[k] === 0) {
        refuse(
          'edi.missing_segment',
          `${segment.tag} segment ${segment.position.segment} comes where the mandatory ${nameOf(rules[k]!)} is missing`,
          segment,
        );
      }
    }
    current = matched;
    counts[matched]! += 1;
    const rule = rules[matched]!;
    if ('tag' in rule) {
      node.segments.push(segment);
      pos += 1;
    } else {
      const child: GroupNode = { name: rule.group, segments: [segment], groups: [] };
      node.groups.push(child);
      const childCounts = rule.rules.map((_, i) => (i === 0 ? 1 : 0));
      pos = readSequence(rule.rules, segments, pos + 1, child, childCounts, refuse);
    }
  }
  const isMessage = node.name === 'message';
  // The message stopped early at a segment its table does not take: that segment is the fault, not what follows.
  if (isMessage && pos < segments.length) return pos;
  // A group lacking a segment is named by its trigger; the message, by its last segment.
  const last = isMessage ? segments[segments.length - 1] : node.segments[0];
  for (let k = current; k < rules.length; k += 1) {
    if (rules[k]!.required && counts[k] === 0 && last !== undefined) {
      refuse(
        'edi.missing_segment',
        isMessage
          ? `the message lacks its mandatory ${nameOf(rules[k]!)}`
          : `the ${node.name} group beginning at ${last.tag} segment ${last.position.segment} lacks its mandatory ${nameOf(rules[k]!)}`,
        last,
      );
    }
  }
  return pos;
}

/**
 * Reads a message's body (the segments between UNH and UNT) against its segment table `rules` (the table without
 * UNH and UNT). Answers the tree, or the refusals: the first segment the table does not take at its place stops the
 * reading, since what follows it cannot be placed with confidence.
 */
export function readStructure(
  message: Message,
  messageType: string,
  rules: readonly Rule[],
): { ok: true; tree: GroupNode } | { ok: false; refusals: MessageRefusal[] } {
  const refusals: MessageRefusal[] = [];
  const refuse: Refuse = (code, reason, at) =>
    refusals.push({ code, reason, position: positionOf(at), messageRef: message.ref, messageType });
  const tree: GroupNode = { name: 'message', segments: [], groups: [] };
  const segments = message.segments;
  if (segments.length === 0) {
    const refusal: MessageRefusal = {
      code: 'edi.missing_segment',
      reason: `UNH segment ${message.position.segment}: the ${messageType} has no segment between UNH and UNT`,
      position: { segment: message.position.segment, offset: message.position.offset, tag: 'UNH' },
      messageRef: message.ref,
      messageType,
    };
    return { ok: false, refusals: [refusal] };
  }
  const stopped = readSequence(
    rules,
    segments,
    0,
    tree,
    rules.map(() => 0),
    refuse,
  );
  if (stopped < segments.length) {
    const segment = segments[stopped]!;
    const known = tagsOf(rules).has(segment.tag);
    refuse(
      known ? 'edi.segment_out_of_place' : 'edi.unknown_segment',
      known
        ? `${segment.tag} segment ${segment.position.segment} is not allowed at this place of a ${messageType} (out of order, or repeated more often than the guide allows)`
        : `${segment.tag} segment ${segment.position.segment} is not a segment of a ${messageType}`,
      segment,
    );
  }
  if (refusals.length > 0) {
    refusals.sort((a, b) => a.position.segment - b.position.segment);
    return { ok: false, refusals };
  }
  return { ok: true, tree };
}

/** The nested group occurrences of `node` whose trigger segment has `tag` (whatever the release names the group). */
export function groupsStartingWith(node: GroupNode, tag: string): GroupNode[] {
  return node.groups.filter((g) => g.segments[0]?.tag === tag);
}

/** Every segment with `tag` (and first element `qualifier`) in `node` and its nested groups, in message order. */
export function deep(node: GroupNode, tag: string, qualifier?: string): Segment[] {
  const found = [...own(node, tag, qualifier)];
  for (const child of node.groups) found.push(...deep(child, tag, qualifier));
  return found.sort((a, b) => a.position.segment - b.position.segment);
}
