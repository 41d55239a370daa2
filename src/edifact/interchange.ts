/**
 * The UN/EDIFACT interchange as the reader returns it and the writer takes it (issue 17). Syntax only: the reader
 * knows the service segments (UNA, UNB/UNZ, UNG/UNE, UNH/UNT) and nothing of any message's content; any
 * three-letter tag is accepted inside a message, and the message mappers decide which segments they know.
 *
 * Positions: `segment` is the 1-based ordinal of the segment in the interchange (UNB is 1; the UNA service string
 * advice is not a segment, ISO 9735-1:2002 §5, so an error inside it is reported at segment 0), and `offset` is
 * the 0-based BYTE offset in the interchange as received. The reader takes a JS string whose characters are the
 * received bytes decoded as ISO 8859-1 (latin1: one character per byte, so character index = byte offset); see
 * read.ts for how UTF-8 input is handled.
 */

/** Where something is in the interchange: the segment's ordinal (UNB = 1) and the byte offset. */
export interface Position {
  segment: number;
  offset: number;
}

/** ISO 9735-1:2002 §5 (service characters, UNA): the six service characters and their defaults. */
export interface ServiceChars {
  /** Component data element separator, default `:`. */
  component: string;
  /** Data element separator, default `+`. */
  element: string;
  /** Decimal mark, default `.` (advice only: the reader does not interpret numbers). */
  decimal: string;
  /** Release character, default `?`. */
  release: string;
  /** Repetition separator (syntax version 4, default `*`); in version 3 the position is reserved: a space. */
  repetition: string;
  /** Segment terminator, default `'`. */
  segment: string;
}

/** A component data element's value, with release characters removed. */
export type Component = string;

/** A data element: its components in order (a simple data element is one component). */
export type Element = Component[];

/** A segment: its tag and its data elements as received (trailing empty ones are kept as sent). */
export interface Segment {
  tag: string;
  elements: Element[];
  /**
   * Only when an element was repeated (repetition separator, syntax version 4, ISO 9735-1:2002 §5): every
   * occurrence of each element, aligned with `elements` (`repetitions[i][0]` equals `elements[i]`). Absent when no
   * element of the segment repeats.
   */
  repetitions?: Element[][];
  position: Position;
}

/** The UNB/UNG party identification (S002/S003, S006/S007). */
export interface Party {
  id: string;
  /** Partner identification code qualifier (0007), e.g. `ZZ`, `14` (EAN). */
  qualifier?: string;
  /** Further components (routing address, internal identification...) as received. */
  extra?: string[];
}

/** A message: UNH header fields and the segments between UNH and UNT (both excluded). */
export interface Message {
  /** Message reference number (UNH 0062), repeated in UNT. */
  ref: string;
  /** S009: message type (0065), e.g. `BAPLIE`. */
  type: string;
  /** S009: version (0052), e.g. `D`. */
  version: string;
  /** S009: release (0054), e.g. `95B`. */
  release: string;
  /** S009: controlling agency (0051), e.g. `UN`. */
  agency: string;
  /** S009: association assigned code (0057), e.g. `SMDG20`. */
  associationCode?: string;
  /** UNH 0068 common access reference, when given. */
  commonAccessRef?: string;
  /** Reference of the functional group (UNG 0048) the message is in, when groups are used. */
  groupRef?: string;
  /** The body: every segment after UNH and before UNT. */
  segments: Segment[];
  /** Where the UNH is. */
  position: Position;
}

/** A functional group (UNG ... UNE), ISO 9735-2 (UNG/UNE, conditional). */
export interface FunctionalGroup {
  /** Group reference number (UNG 0048), repeated in UNE. */
  ref: string;
  /** Message group identification (UNG 0038), e.g. `INVOIC`. */
  messageType?: string;
  sender?: Party;
  recipient?: Party;
  position: Position;
}

/** The syntax identifier of UNB S001: level (0001, UNOA..UNOC here) and version (0002). */
export interface SyntaxIdentifier {
  identifier: string;
  version: string;
}

/** A whole interchange: UNA (optional), UNB, messages (possibly in groups), UNZ. */
export interface Interchange {
  syntax: SyntaxIdentifier;
  sender: Party;
  recipient: Party;
  /** UNB S004: date (0017, YYMMDD; CCYYMMDD in version 4) and time (0019, HHMM) of preparation, as sent. */
  preparedAt: { date: string; time: string };
  /** Interchange control reference (UNB 0020), repeated in UNZ. */
  controlRef: string;
  /** UNB S005 recipient's reference/password (first component 0022), when given. */
  recipientRef?: string;
  /** UNB 0026 application reference, when given (e.g. the message type). */
  applicationRef?: string;
  /** UNB 0029 processing priority code, when given. */
  processingPriority?: string;
  /** UNB 0031 acknowledgement request (`1` asks for one), when given. */
  ackRequest?: string;
  /** UNB 0032 interchange agreement identifier, when given. */
  agreementId?: string;
  /** UNB 0035 test indicator (`1` = test), when given. */
  testIndicator?: string;
  messages: Message[];
  /** Functional groups, only when the interchange uses UNG/UNE. */
  groups?: FunctionalGroup[];
  /** The service characters in force (the UNA values, or the defaults). */
  serviceChars: ServiceChars;
  /** Whether the interchange began with a UNA service string advice. */
  hasServiceStringAdvice: boolean;
}

/** The stable codes of the reader's errors. */
export type EdifactErrorCode =
  | 'empty'
  | 'bad_una'
  | 'missing_unb'
  | 'bad_unb'
  | 'unsupported_syntax'
  | 'bad_character'
  | 'bad_release'
  | 'unterminated_segment'
  | 'bad_tag'
  | 'unexpected_segment'
  | 'missing_unz'
  | 'bad_unz_count'
  | 'bad_unz_ref'
  | 'missing_unt'
  | 'bad_unh'
  | 'bad_unt_count'
  | 'bad_unt_ref'
  | 'bad_ung'
  | 'missing_une'
  | 'bad_une_count'
  | 'bad_une_ref'
  | 'data_after_unz'
  | 'repetition_not_allowed'
  | 'too_many_errors';

/** A syntax error: a stable code, a sentence, and where (segment ordinal and byte offset). */
export interface EdifactSyntaxError {
  code: EdifactErrorCode;
  message: string;
  segment: number;
  offset: number;
}

/** What could be read of the UNB when the interchange is refused: enough to address a CONTRL acknowledgement. */
export interface EnvelopeHeader {
  syntax: SyntaxIdentifier;
  sender: Party;
  recipient: Party;
  controlRef: string;
}

/**
 * The reader's answer: the interchange, or the errors found (never a throw). A refused interchange carries its UNB
 * header when that much was readable, so a CONTRL can still name the interchange it refuses.
 */
export type ReadResult =
  | { ok: true; interchange: Interchange }
  | { ok: false; errors: EdifactSyntaxError[]; envelope?: EnvelopeHeader };

/** Reader options. */
export interface ReadOptions {
  /** Check every data character against the UNB's syntax level (UNOA/UNOB/UNOC); default true. */
  checkRepertoire?: boolean;
  /** Stop after this many errors (one more, `too_many_errors`, says so); default 100. */
  maxErrors?: number;
}

/** The ISO 9735 default service characters (ISO 9735-1:2002 §5; repetition `*` from syntax version 4). */
export const DEFAULT_SERVICE_CHARS: Readonly<ServiceChars> = Object.freeze({
  component: ':',
  element: '+',
  decimal: '.',
  release: '?',
  repetition: '*',
  segment: "'",
});

/** The service characters in force for a syntax version without UNA (version 3 has no repetition separator). */
export function defaultServiceChars(syntaxVersion: string): ServiceChars {
  return { ...DEFAULT_SERVICE_CHARS, repetition: Number(syntaxVersion) >= 4 ? '*' : ' ' };
}

/** The value of data element `i` (0-based, after the tag), component `component`; '' when absent. */
export function element(segment: Segment, i: number, component = 0): string {
  return segment.elements[i]?.[component] ?? '';
}

/** The components of data element `i`, or [] when absent. */
export function composite(segment: Segment, i: number): Component[] {
  return segment.elements[i] ?? [];
}

/** Every occurrence of data element `i` (one when it is not repeated, none when absent). */
export function occurrences(segment: Segment, i: number): Element[] {
  const repeated = segment.repetitions?.[i];
  if (repeated) return repeated;
  const single = segment.elements[i];
  return single ? [single] : [];
}

/** The segments of a message with the given tag, in order. */
export function segmentsTagged(message: Message, tag: string): Segment[] {
  return message.segments.filter((s) => s.tag === tag);
}

/** What the writer takes: an interchange without positions or service-string bookkeeping. */
export interface InterchangeInput {
  syntax: SyntaxIdentifier;
  sender: Party;
  recipient: Party;
  preparedAt: { date: string; time: string };
  controlRef: string;
  recipientRef?: string;
  applicationRef?: string;
  processingPriority?: string;
  ackRequest?: string;
  agreementId?: string;
  testIndicator?: string;
  messages: MessageInput[];
  /** Service characters to use (defaults: ISO 9735 ones for the syntax version). */
  serviceChars?: Partial<ServiceChars>;
}

/** A message for the writer: the header fields and its body segments (UNH/UNT are written by the writer). */
export interface MessageInput {
  ref: string;
  type: string;
  version: string;
  release: string;
  agency: string;
  associationCode?: string;
  commonAccessRef?: string;
  segments: SegmentInput[];
}

/** A segment for the writer: a tag and its elements (and repetitions in syntax version 4). */
export interface SegmentInput {
  tag: string;
  elements: Element[];
  repetitions?: Element[][];
}

/** Writer options. */
export interface WriteOptions {
  /** Write the UNA service string advice first (default: only when the service characters are not the defaults). */
  serviceStringAdvice?: boolean;
  /** Put a line feed after each segment terminator (default true): no part of the syntax, readers skip it. */
  newlines?: boolean;
}
