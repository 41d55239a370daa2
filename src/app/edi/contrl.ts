/**
 * The CONTRL acknowledgement of a received interchange (UN/EDIFACT CONTRL D:3, syntax version 3; UN/EDIFACT
 * service messages, ISO 9735-1:2002 Annex B): one UCI for the interchange, one UCM per message, and under a refused
 * message the UCS (segment) it was refused at.
 *
 * - UCI 0083 action: `7` this level acknowledged and lower levels acknowledged unless explicitly rejected; `4` this
 *   level and all lower levels rejected.
 * - 0085 syntax error codes used here (UN/EDIFACT 0085): 2 syntax level not supported, 12 invalid value, 13 missing,
 *   14 value not supported in this position, 15 not supported in this position, 18 unspecified error, 21 invalid
 *   character, 22 invalid service character, 23 unknown interchange sender, 26 duplicate detected, 28 references
 *   do not match, 29 control count does not match.
 */
import type {
  EdifactErrorCode,
  InterchangeInput,
  MessageInput,
  Party,
  SegmentInput,
  SyntaxIdentifier,
} from '../../edifact/index.js';

/** CONTRL 0083, action coded. */
export type ContrlAction = '4' | '7';

/** One message's line of the acknowledgement. */
export interface ContrlMessage {
  readonly ref: string;
  readonly type: string;
  readonly version: string;
  readonly release: string;
  readonly agency: string;
  readonly associationCode?: string;
  readonly action: ContrlAction;
  /** 0085, on a refused message. */
  readonly error?: string;
  /** The refused segment: its position in the message (UNH = 1, CONTRL 0096) and its error code. */
  readonly segment?: { readonly position: number; readonly error: string };
}

/** What the acknowledgement answers. */
export interface ContrlSubject {
  readonly syntax: SyntaxIdentifier;
  /** The subject interchange's sender and recipient, copied into UCI (and swapped in our UNB). */
  readonly sender: Party;
  readonly recipient: Party;
  readonly controlRef: string;
  readonly action: ContrlAction;
  /** 0085 for the interchange as a whole (a syntax error, an unknown sender, a duplicate). */
  readonly error?: string;
  /** 0013, the service segment the interchange-level error is in (UNB, UNZ…). */
  readonly errorSegment?: string;
  readonly messages: readonly ContrlMessage[];
}

/** The reader's error codes as CONTRL 0085 codes. */
export function syntaxErrorCode(code: EdifactErrorCode): { error: string; segment?: string } {
  switch (code) {
    case 'unsupported_syntax':
      return { error: '2', segment: 'UNB' };
    case 'bad_character':
      return { error: '21' };
    case 'bad_release':
    case 'bad_una':
      return { error: '22' };
    case 'missing_unb':
    case 'bad_unb':
      return { error: '13', segment: 'UNB' };
    case 'missing_unz':
      return { error: '13', segment: 'UNZ' };
    case 'missing_unt':
      return { error: '13', segment: 'UNT' };
    case 'missing_une':
      return { error: '13', segment: 'UNE' };
    case 'bad_unz_count':
      return { error: '29', segment: 'UNZ' };
    case 'bad_unt_count':
      return { error: '29', segment: 'UNT' };
    case 'bad_une_count':
      return { error: '29', segment: 'UNE' };
    case 'bad_unz_ref':
      return { error: '28', segment: 'UNZ' };
    case 'bad_unt_ref':
      return { error: '28', segment: 'UNT' };
    case 'bad_une_ref':
      return { error: '28', segment: 'UNE' };
    case 'bad_unh':
      return { error: '12', segment: 'UNH' };
    case 'bad_ung':
      return { error: '12', segment: 'UNG' };
    case 'bad_tag':
    case 'unexpected_segment':
    case 'data_after_unz':
      return { error: '15' };
    default:
      return { error: '18' };
  }
}

/** The CONTRL interchange as the writer takes it. `controlRef` is ours (an..14), `preparedAt` our clock's. */
export function contrlInterchange(
  subject: ContrlSubject,
  own: { readonly controlRef: string; readonly preparedAt: Date },
): InterchangeInput {
  const partyElement = (party: Party) => (party.qualifier ? [party.id, party.qualifier] : [party.id]);
  const uci: SegmentInput = {
    tag: 'UCI',
    elements: [
      [subject.controlRef],
      partyElement(subject.sender),
      partyElement(subject.recipient),
      [subject.action],
      ...(subject.error ? [[subject.error], ...(subject.errorSegment ? [[subject.errorSegment]] : [])] : []),
    ],
  };
  const body: SegmentInput[] = [uci];
  for (const message of subject.messages) {
    const identifier = [message.type, message.version, message.release, message.agency];
    if (message.associationCode) identifier.push(message.associationCode);
    body.push({
      tag: 'UCM',
      elements: [[message.ref], identifier, [message.action], ...(message.error ? [[message.error]] : [])],
    });
    if (message.segment) {
      body.push({ tag: 'UCS', elements: [[String(message.segment.position)], [message.segment.error]] });
    }
  }
  const contrl: MessageInput = {
    ref: '1',
    type: 'CONTRL',
    version: 'D',
    release: '3',
    agency: 'UN',
    segments: body,
  };
  const iso = own.preparedAt.toISOString();
  return {
    // CONTRL answers in the subject's syntax level; syntax version 3 is CONTRL D:3's own.
    syntax: { identifier: subject.syntax.identifier || 'UNOA', version: '3' },
    sender: subject.recipient,
    recipient: subject.sender,
    preparedAt: {
      date: `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`,
      time: `${iso.slice(11, 13)}${iso.slice(14, 16)}`,
    },
    controlRef: own.controlRef,
    messages: [contrl],
  };
}

/**
 * A plain writer of an interchange with the default service characters (ISO 9735-1:2002 §7.2), used until the
 * syntax layer's `writeInterchange` is available: it releases `? + : '` in values with `?` (§7.3) and writes one
 * segment per line.
 */
export function writePlainInterchange(input: InterchangeInput): string {
  const release = (value: string) => value.replace(/[?+:']/g, (c) => `?${c}`);
  const segment = (tag: string, elements: readonly (readonly string[])[]) =>
    `${[tag, ...elements.map((components) => components.map(release).join(':'))].join('+')}'`;
  const party = (p: Party) => (p.qualifier ? [p.id, p.qualifier] : [p.id]);
  const lines = [
    segment('UNB', [
      [input.syntax.identifier, input.syntax.version],
      party(input.sender),
      party(input.recipient),
      [input.preparedAt.date, input.preparedAt.time],
      [input.controlRef],
    ]),
  ];
  for (const message of input.messages) {
    const identifier = [message.type, message.version, message.release, message.agency];
    if (message.associationCode) identifier.push(message.associationCode);
    lines.push(segment('UNH', [[message.ref], identifier]));
    for (const s of message.segments) lines.push(segment(s.tag, s.elements));
    lines.push(segment('UNT', [[String(message.segments.length + 2)], [message.ref]]));
  }
  lines.push(segment('UNZ', [[String(input.messages.length)], [input.controlRef]]));
  return `${lines.join('\n')}\n`;
}
