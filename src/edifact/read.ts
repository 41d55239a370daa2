/**
 * The UN/EDIFACT reader (issue 17): syntax only, by hand, in one linear pass without regular expressions, and it
 * never throws — every problem is returned as an error naming the segment ordinal and the byte offset.
 *
 * Decoding: the interchange's bytes are expected as a string with one character per byte, i.e. decoded as
 * ISO 8859-1 (`Buffer.from(bytes).toString('latin1')`, or `decodeInterchangeBytes` below). UNOA and UNOB are
 * 7-bit and UNOC is ISO 8859-1, so that decoding is lossless and a character's index is its byte offset. If the
 * string holds any character above U+00FF it cannot have come from latin1; the reader then takes it to have come
 * from UTF-8 and reports UTF-8 byte offsets (such characters are outside every repertoire read here anyway, and are
 * refused as `bad_character`).
 *
 * Citations: ISO 9735-1 §5 (service characters: UNA, separators, release, repetition) and §6 (character
 * repertoires); the service segments and their data elements (0020, 0036, 0060, 0062, 0074, S009…) are those of
 * ISO 9735-2 (batch). Where no clause number is given, the rule is named instead of guessing its number.
 *
 * Segment numbering: UNB is segment 1, each following segment one more; the UNA service string advice is not a
 * segment (ISO 9735-1:2002 §5) and its errors are reported at segment 0. `elements` excludes the tag, so
 * `element(eqd, 1)` of `EQD+CN+OOLU4293959` is the container number.
 */
import {
  defaultServiceChars,
  type EdifactErrorCode,
  type EdifactSyntaxError,
  type Element,
  type EnvelopeHeader,
  type FunctionalGroup,
  type Interchange,
  type Message,
  type Party,
  type ReadOptions,
  type ReadResult,
  type Segment,
  type ServiceChars,
} from './interchange.js';

const CR = 13;
const LF = 10;

/** The syntax levels this reader accepts (UNB S001 0001), ISO 9735-1:2002 §6 and code list 0001. */
const SUPPORTED_LEVELS = new Set(['UNOA', 'UNOB', 'UNOC']);

/**
 * ISO 9735-1:2002 §6 (character repertoires), level A: A-Z, 0-9, space and . , - ( ) / = ' + : ? ! " % & * ; < >. Level B adds a-z.
 * Level C (UNOC) is the graphic characters of ISO/IEC 8859-1 (0x20-0x7E, 0xA0-0xFF); control characters — CR and
 * LF included — are in no level, so a line break inside a segment is an error, while between segments it is
 * ignored (see `readInterchange`).
 */
function repertoire(level: string): Uint8Array {
  const allowed = new Uint8Array(256);
  const set = (from: number, to: number) => allowed.fill(1, from, to + 1);
  if (level === 'UNOC' || !SUPPORTED_LEVELS.has(level)) {
    set(0x20, 0x7e);
    set(0xa0, 0xff);
    return allowed;
  }
  set(0x41, 0x5a); // A-Z
  set(0x30, 0x39); // 0-9
  for (const c of ' .,-()/=\'+:?!"%&*;<>') allowed[c.charCodeAt(0)] = 1;
  if (level === 'UNOB') set(0x61, 0x7a); // a-z
  return allowed;
}

/** Byte offsets of character indexes: identity for latin1-decoded text, UTF-8 lengths otherwise (see above). */
function byteOffsets(text: string): (index: number) => number {
  let wide = false;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      wide = true;
      break;
    }
  }
  if (!wide) return (index) => index;
  const prefix = new Uint32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is 4 UTF-8 bytes: 2 counted for each half.
    prefix[i + 1] = prefix[i]! + (c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3);
  }
  return (index) => prefix[Math.min(Math.max(index, 0), text.length)]!;
}

/**
 * Decodes an interchange's bytes for `readInterchange`: one character per byte (ISO 8859-1), so character indexes
 * are byte offsets. Pure (no Buffer), linear.
 */
export function decodeInterchangeBytes(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    chunks.push(String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHUNK))));
  }
  return chunks.join('');
}

/** A segment as tokenised: occurrences of elements (one unless repeated), each a list of components. */
interface RawSegment {
  /** The occurrences of the tag element (one, of one component, in a well-formed segment). */
  tagElement: Element[];
  /** The data elements after the tag, first occurrences. */
  elements: Element[];
  /** Every occurrence of each data element, only when one of them was repeated. */
  repetitions?: Element[][];
  /** Segment ordinal (UNB = 1). */
  segment: number;
  /** Character index of the segment's first character (of its tag). */
  start: number;
  /** Character index just past the segment terminator. */
  end: number;
}

class TooManyErrors {}

/** Reads one UN/EDIFACT interchange. Never throws; see the module comment for decoding and positions. */
export function readInterchange(text: string, options: ReadOptions = {}): ReadResult {
  try {
    return new Reader(typeof text === 'string' ? text : String(text ?? ''), options).read();
  } catch (error) {
    // Unreachable unless the reader has a bug: still an answer, never a throw past the reader.
    return {
      ok: false,
      errors: [
        { code: 'too_many_errors', message: `reader failure: ${String(error)}`, segment: 0, offset: 0 },
      ],
    };
  }
}

class Reader {
  private readonly errors: EdifactSyntaxError[] = [];
  private readonly offsetOf: (index: number) => number;
  private readonly maxErrors: number;
  private readonly checkRepertoire: boolean;
  private service: ServiceChars = defaultServiceChars('3');
  private hasUna = false;
  /** Repetition separator in force (syntax version 4 only), or -1. */
  private repetition = -1;
  private allowed: Uint8Array = repertoire('UNOC');
  private position = 0;
  private segmentCount = 0;
  /** The syntax level in force, named in repertoire errors (UNOC-wide until the UNB is read). */
  private level = 'UNOC';

  constructor(
    private readonly text: string,
    options: ReadOptions,
  ) {
    this.offsetOf = byteOffsets(text);
    this.maxErrors = Math.max(1, options.maxErrors ?? 100);
    this.checkRepertoire = options.checkRepertoire ?? true;
  }

  private fail(code: EdifactErrorCode, message: string, segment: number, index: number): void {
    if (this.errors.length >= this.maxErrors) {
      this.errors.push({
        code: 'too_many_errors',
        message: `stopped after ${this.maxErrors} errors`,
        segment,
        offset: this.offsetOf(index),
      });
      throw new TooManyErrors();
    }
    this.errors.push({ code, message, segment, offset: this.offsetOf(index) });
  }

  read(): ReadResult {
    let header: EnvelopeHeader | undefined;
    try {
      const result = this.readAll((h) => {
        header = h;
      });
      if (result && this.errors.length === 0) return { ok: true, interchange: result };
    } catch (error) {
      if (!(error instanceof TooManyErrors)) throw error;
    }
    return header ? { ok: false, errors: this.errors, envelope: header } : { ok: false, errors: this.errors };
  }

  /** ISO 9735-1:2002 §5: `UNA` and exactly six characters, before UNB. */
  private readServiceStringAdvice(): boolean {
    const t = this.text;
    if (!t.startsWith('UNA')) return true;
    this.hasUna = true;
    if (t.length < 9) {
      this.fail('bad_una', 'the UNA service string advice must have six characters after UNA', 0, 0);
      return false;
    }
    const [component, element, decimal, release, repetition, segment] = t.slice(3, 9) as unknown as string[];
    this.service = {
      component: component!,
      element: element!,
      decimal: decimal!,
      release: release!,
      repetition: repetition!,
      segment: segment!,
    };
    // The separators, the release character and the terminator must differ from one another (§5), and the
    // repetition position, when used, too; a space there means "not used" (version 3: reserved, a space).
    const distinct = [component, element, release, segment];
    if (repetition !== ' ') distinct.push(repetition);
    if (new Set(distinct).size !== distinct.length) {
      this.fail('bad_una', 'the UNA service characters must all differ', 0, 3);
      return false;
    }
    for (const [i, c] of [component, element, decimal, release, repetition, segment].entries()) {
      const code = c!.charCodeAt(0);
      if (code === CR || code === LF || code > 0xff || (code < 0x20 && i !== 5)) {
        this.fail('bad_una', `UNA position ${i + 1} holds a control or non-latin1 character`, 0, 3 + i);
        return false;
      }
    }
    if (decimal !== '.' && decimal !== ',') {
      // §5: the decimal mark is `.` or `,`; anything else means the UNA is not what it claims to be.
      this.fail('bad_una', `UNA decimal mark must be "." or ",", not ${JSON.stringify(decimal)}`, 0, 5);
      return false;
    }
    this.position = 9;
    return true;
  }

  /**
   * The next segment, or undefined at the end of the text. Line breaks between segments are skipped (they are no
   * part of ISO 9735, but every real interchange has them); inside a segment they are refused as characters.
   */
  private nextSegment(): RawSegment | undefined {
    const t = this.text;
    const n = t.length;
    let i = this.position;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c !== CR && c !== LF) break;
      i++;
    }
    if (i >= n) {
      this.position = n;
      return undefined;
    }
    const segment = ++this.segmentCount;
    const start = i;
    const componentSep = this.service.component.charCodeAt(0);
    const elementSep = this.service.element.charCodeAt(0);
    const release = this.service.release.charCodeAt(0);
    const terminator = this.service.segment.charCodeAt(0);
    const repetition = this.repetition;
    const allowed = this.allowed;
    const check = this.checkRepertoire;

    // Built without intermediate copies: the reader's cost is mostly allocation.
    let tagElement: Element[] | undefined;
    const elements: Element[] = [];
    let repetitions: Element[][] | undefined;
    let occurrences: Element[] | undefined;
    let components: string[] = [];
    let pending = '';
    let pieceStart = i;
    let badCharacters = 0;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === release) {
        // ISO 9735-1:2002 §5 (release character): it makes the next character, which must be a service
        // character, stand for itself; before anything else (or at the end) it is an error.
        const next = i + 1 < n ? t.charCodeAt(i + 1) : -1;
        if (
          next === componentSep ||
          next === elementSep ||
          next === release ||
          next === terminator ||
          (repetition >= 0 && next === repetition)
        ) {
          pending += t.slice(pieceStart, i);
          pieceStart = i + 1;
          i += 2;
          continue;
        }
        this.fail(
          'bad_release',
          next < 0
            ? 'a release character ends the interchange'
            : `release character before ${JSON.stringify(t[i + 1])}, which is not a service character`,
          segment,
          i,
        );
        // Recover: drop the release character and read on.
        pending += t.slice(pieceStart, i);
        pieceStart = i + 1;
        i++;
        continue;
      }
      if (c === componentSep) {
        components.push(pending + t.slice(pieceStart, i));
        pending = '';
        pieceStart = ++i;
        continue;
      }
      if (repetition >= 0 && c === repetition) {
        // ISO 9735-1:2002 §5 (repetition separator): another occurrence of the same data element follows.
        components.push(pending + t.slice(pieceStart, i));
        pending = '';
        if (occurrences) occurrences.push(components);
        else occurrences = [components];
        components = [];
        pieceStart = ++i;
        continue;
      }
      if (c === elementSep || c === terminator) {
        components.push(pending + t.slice(pieceStart, i));
        pending = '';
        if (occurrences) occurrences.push(components);
        if (tagElement === undefined) {
          tagElement = occurrences ?? [components];
        } else {
          elements.push(occurrences ? occurrences[0]! : components);
          if (occurrences) {
            if (!repetitions) repetitions = elements.slice(0, -1).map((e) => [e]);
            repetitions.push(occurrences);
          } else if (repetitions) {
            repetitions.push([components]);
          }
        }
        occurrences = undefined;
        components = [];
        pieceStart = ++i;
        if (c === terminator) {
          this.position = i;
          const raw: RawSegment = { tagElement, elements, segment, start, end: i };
          if (repetitions) raw.repetitions = repetitions;
          return raw;
        }
        continue;
      }
      if (check && (c > 0xff || allowed[c] === 0)) {
        // One error per segment is enough to locate the damage; more would drown the report.
        if (badCharacters++ === 0) {
          const shown = c === CR ? 'CR' : c === LF ? 'LF' : JSON.stringify(t[i]);
          this.fail(
            'bad_character',
            `character ${shown} (U+${c.toString(16).toUpperCase().padStart(4, '0')}) is not in the ${this.level} repertoire`,
            segment,
            i,
          );
        }
      }
      i++;
    }
    this.position = n;
    this.fail(
      'unterminated_segment',
      'the segment has no terminator: the interchange is truncated',
      segment,
      start,
    );
    return undefined;
  }

  private toSegment(raw: RawSegment): Segment | undefined {
    const tagElement = raw.tagElement;
    const tag = tagElement[0]?.[0] ?? '';
    // ISO 9735-1:2002 (segment tag, an..3): a segment tag is three upper case letters or digits, starting with a letter. The
    // reader is syntax-only and accepts any such tag; whether a message may hold it is the mappers' question.
    if (!isTag(tag) || tagElement.length !== 1 || tagElement[0]!.length !== 1) {
      this.fail(
        'bad_tag',
        `segment tag ${JSON.stringify(tag.slice(0, 20))} is not three upper case letters or digits${
          tagElement[0] && tagElement[0].length > 1 ? ' (explicit nesting indication is not supported)' : ''
        }`,
        raw.segment,
        raw.start,
      );
      return undefined;
    }
    const position = { segment: raw.segment, offset: this.offsetOf(raw.start) };
    if (!raw.repetitions) return { tag, elements: raw.elements, position };
    return { tag, elements: raw.elements, repetitions: raw.repetitions, position };
  }

  private readAll(onHeader: (header: EnvelopeHeader) => void): Interchange | undefined {
    if (this.text.length === 0) {
      this.fail('empty', 'the interchange is empty', 0, 0);
      return undefined;
    }
    if (!this.readServiceStringAdvice()) return undefined;

    // UNB first, read with the widest repertoire, then checked against the level it names. Its syntax version
    // decides whether the repetition separator is in force, in the UNB itself too, so it is peeked at first.
    this.applySyntaxVersion(this.peekSyntaxVersion());
    const unbRaw = this.nextSegment();
    if (!unbRaw) {
      if (this.errors.length === 0) this.fail('missing_unb', 'no UNB interchange header', 1, this.position);
      return undefined;
    }
    const unb = this.toSegment(unbRaw);
    if (unb?.tag !== 'UNB') {
      // ISO 9735-1:2002 (interchange structure) and ISO 9735-2 (UNB): an interchange starts with UNB (after the optional UNA).
      if (unb) this.fail('missing_unb', `the interchange starts with ${unb.tag}, not UNB`, 1, unbRaw.start);
      return undefined;
    }
    const header = this.readUnb(unb, unbRaw);
    if (!header) return undefined;
    onHeader({
      syntax: header.syntax,
      sender: header.sender,
      recipient: header.recipient,
      controlRef: header.controlRef,
    });

    const messages: Message[] = [];
    const groups: FunctionalGroup[] = [];
    let message: { header: Message; unhSegment: number } | undefined;
    let group: { header: FunctionalGroup; messages: number; ungSegment: number } | undefined;
    let ungrouped = 0;
    let unz: Segment | undefined;

    const closeMessage = (at: RawSegment | undefined, unt: Segment | undefined) => {
      if (!message) return;
      if (!unt) {
        this.fail(
          'missing_unt',
          `message ${message.header.ref} (UNH at segment ${message.unhSegment}) has no UNT`,
          at?.segment ?? this.segmentCount + 1,
          at?.start ?? this.text.length,
        );
      } else {
        // ISO 9735-2, UNT data element 0074: the number of segments in the message, UNH and UNT included.
        const expected = unt.position.segment - message.unhSegment + 1;
        this.checkCount(unt, 0, expected, 'bad_unt_count', 'UNT segment count', at!);
        if (element0(unt, 1) !== message.header.ref) {
          this.fail(
            'bad_unt_ref',
            `UNT message reference ${JSON.stringify(element0(unt, 1))} differs from UNH ${JSON.stringify(message.header.ref)}`,
            unt.position.segment,
            at!.start,
          );
        }
      }
      messages.push(message.header);
      if (group) group.messages++;
      message = undefined;
    };
    const closeGroup = (at: RawSegment | undefined, une: Segment | undefined) => {
      if (!group) return;
      if (!une) {
        this.fail(
          'missing_une',
          `functional group ${group.header.ref} (UNG at segment ${group.ungSegment}) has no UNE`,
          at?.segment ?? this.segmentCount + 1,
          at?.start ?? this.text.length,
        );
      } else {
        // ISO 9735-2, UNE data element 0060: the number of messages in the group.
        this.checkCount(une, 0, group.messages, 'bad_une_count', 'UNE message count', at!);
        if (element0(une, 1) !== group.header.ref) {
          this.fail(
            'bad_une_ref',
            `UNE group reference ${JSON.stringify(element0(une, 1))} differs from UNG ${JSON.stringify(group.header.ref)}`,
            une.position.segment,
            at!.start,
          );
        }
      }
      groups.push(group.header);
      group = undefined;
    };

    for (let raw = this.nextSegment(); raw; raw = this.nextSegment()) {
      if (unz) {
        this.fail('data_after_unz', 'segments follow the UNZ interchange trailer', raw.segment, raw.start);
        break;
      }
      const segment = this.toSegment(raw);
      if (!segment) continue;
      const tag = segment.tag;
      if (message && !SERVICE_TAGS.has(tag)) {
        message.header.segments.push(segment);
        continue;
      }
      if (segment.repetitions) {
        // ISO 9735-2 (service segment directory): no data element of a service segment is repeatable.
        this.fail('repetition_not_allowed', `${tag} has a repeated data element`, raw.segment, raw.start);
      }
      switch (tag) {
        case 'UNT':
          if (message) closeMessage(raw, segment);
          else this.fail('unexpected_segment', 'UNT outside a message', raw.segment, raw.start);
          break;
        case 'UNH': {
          closeMessage(raw, undefined);
          if (!group) {
            if (groups.length > 0) {
              // ISO 9735-1:2002 (interchange structure): when groups are used, every message is in one.
              this.fail(
                'unexpected_segment',
                'UNH outside a functional group in a grouped interchange',
                raw.segment,
                raw.start,
              );
            }
            ungrouped++;
          }
          const header = this.readUnh(segment, raw);
          if (group) header.groupRef = group.header.ref;
          message = { header, unhSegment: raw.segment };
          break;
        }
        case 'UNG':
          closeMessage(raw, undefined);
          closeGroup(raw, undefined);
          if (ungrouped > 0) {
            this.fail(
              'unexpected_segment',
              'UNG after messages outside functional groups',
              raw.segment,
              raw.start,
            );
          }
          group = { header: this.readUng(segment, raw), messages: 0, ungSegment: raw.segment };
          break;
        case 'UNE':
          closeMessage(raw, undefined);
          if (group) closeGroup(raw, segment);
          else this.fail('unexpected_segment', 'UNE outside a functional group', raw.segment, raw.start);
          break;
        case 'UNZ': {
          closeMessage(raw, undefined);
          closeGroup(raw, undefined);
          unz = segment;
          // ISO 9735-2, UNZ data element 0036: the number of functional groups, or of messages when there are none.
          const counted = groups.length > 0 ? groups.length : messages.length;
          this.checkCount(
            segment,
            0,
            counted,
            'bad_unz_count',
            `UNZ ${groups.length > 0 ? 'group' : 'message'} count`,
            raw,
          );
          if (element0(segment, 1) !== header.controlRef) {
            this.fail(
              'bad_unz_ref',
              `UNZ control reference ${JSON.stringify(element0(segment, 1))} differs from UNB ${JSON.stringify(header.controlRef)}`,
              raw.segment,
              raw.start,
            );
          }
          break;
        }
        default:
          this.fail(
            'unexpected_segment',
            `${tag} outside a message (only UNH, UNG or UNZ may follow here)`,
            raw.segment,
            raw.start,
          );
      }
    }
    if (!unz) {
      closeMessage(undefined, undefined);
      closeGroup(undefined, undefined);
      this.fail(
        'missing_unz',
        'the interchange has no UNZ trailer: it is truncated',
        this.segmentCount + 1,
        this.text.length,
      );
    }
    if (this.errors.length > 0) return undefined;
    const interchange: Interchange = { ...header, messages };
    if (groups.length > 0) interchange.groups = groups;
    return interchange;
  }

  private checkCount(
    segment: Segment,
    index: number,
    expected: number,
    code: EdifactErrorCode,
    what: string,
    raw: RawSegment,
  ): void {
    const value = element0(segment, index);
    if (!isDigits(value) || Number(value) !== expected) {
      this.fail(
        code,
        `${what} is ${JSON.stringify(value)}, counted ${expected}`,
        segment.position.segment,
        raw.start,
      );
    }
  }

  /** UNB, ISO 9735-2 (batch service segments: S001, S002, S003, S004, 0020 mandatory). */
  private readUnb(unb: Segment, raw: RawSegment): Omit<Interchange, 'messages' | 'groups'> | undefined {
    const level = element0(unb, 0, 0);
    const version = element0(unb, 0, 1);
    if (!SUPPORTED_LEVELS.has(level)) {
      this.fail(
        'unsupported_syntax',
        `syntax level ${JSON.stringify(level)} is not UNOA, UNOB or UNOC`,
        1,
        raw.start,
      );
      return undefined;
    }
    if (!/^[1-4]$/.test(version)) {
      this.fail(
        'unsupported_syntax',
        `syntax version ${JSON.stringify(version)} is not 1 to 4`,
        1,
        raw.start,
      );
      return undefined;
    }
    this.level = level;
    this.allowed = repertoire(level);
    this.applySyntaxVersion(version);
    if (this.checkRepertoire) this.recheckRepertoire(raw);

    const sender = party(unb.elements[1]);
    const recipient = party(unb.elements[2]);
    const date = element0(unb, 3, 0);
    const time = element0(unb, 3, 1);
    const controlRef = element0(unb, 4);
    const missing = [
      sender.id ? '' : 'sender (S002)',
      recipient.id ? '' : 'recipient (S003)',
      date && time ? '' : 'date and time of preparation (S004)',
      controlRef ? '' : 'interchange control reference (0020)',
    ].filter(Boolean);
    if (missing.length > 0) {
      this.fail('bad_unb', `UNB lacks the ${missing.join(', ')}`, 1, raw.start);
      return undefined;
    }
    const header: Omit<Interchange, 'messages' | 'groups'> = {
      syntax: { identifier: level, version },
      sender,
      recipient,
      preparedAt: { date, time },
      controlRef,
      serviceChars: { ...this.service },
      hasServiceStringAdvice: this.hasUna,
    };
    const optional: [keyof Interchange, number][] = [
      ['recipientRef', 5],
      ['applicationRef', 6],
      ['processingPriority', 7],
      ['ackRequest', 8],
      ['agreementId', 9],
      ['testIndicator', 10],
    ];
    for (const [key, index] of optional) {
      const value = element0(unb, index);
      if (value) (header as Record<string, unknown>)[key] = value;
    }
    return header;
  }

  /**
   * ISO 9735-1:2002 §5: the repetition separator exists from syntax version 4; before, UNA position 5 is
   * reserved (a space) and the character there, if any, is data.
   */
  private applySyntaxVersion(version: string): void {
    if (Number(version) >= 4) {
      const rep = this.hasUna ? this.service.repetition : '*';
      this.service.repetition = rep;
      this.repetition = rep === ' ' ? -1 : rep.charCodeAt(0);
    } else {
      if (!this.hasUna) this.service.repetition = ' ';
      this.repetition = -1;
    }
  }

  /** The syntax version (S001 0002) of the UNB ahead, read without tokenising: `UNB+UNOA:4+` gives '4'. */
  private peekSyntaxVersion(): string {
    const t = this.text;
    let i = this.position;
    while (i < t.length && (t.charCodeAt(i) === CR || t.charCodeAt(i) === LF)) i++;
    if (!t.startsWith('UNB', i) || t[i + 3] !== this.service.element) return '';
    const limit = Math.min(t.length, i + 40);
    let j = i + 4;
    while (j < limit && t[j] !== this.service.component && t[j] !== this.service.element) j++;
    if (t[j] !== this.service.component) return '';
    const from = ++j;
    while (j < limit && t[j] !== this.service.component && t[j] !== this.service.element) j++;
    return t.slice(from, j);
  }

  /** The UNB was tokenised before its level was known: check its data characters now. */
  private recheckRepertoire(raw: RawSegment): void {
    const s = this.service;
    const service = new Set([s.component, s.element, s.release, s.segment]);
    if (this.repetition >= 0) service.add(s.repetition);
    let released = false;
    for (let i = raw.start; i < raw.end; i++) {
      const ch = this.text[i]!;
      if (!released && service.has(ch)) {
        released = ch === s.release;
        continue;
      }
      released = false;
      const c = ch.charCodeAt(0);
      if (c > 0xff || this.allowed[c] === 0) {
        this.fail(
          'bad_character',
          `character ${JSON.stringify(ch)} is not in the ${this.level} repertoire`,
          1,
          i,
        );
        return;
      }
    }
  }

  /** UNH, ISO 9735-2: 0062 reference and S009 (0065, 0052, 0054, 0051 mandatory, 0057 conditional). */
  private readUnh(unh: Segment, raw: RawSegment): Message {
    const ref = element0(unh, 0);
    const [type = '', version = '', release = '', agency = '', associationCode = ''] = unh.elements[1] ?? [];
    const missing = [
      ref ? '' : 'message reference (0062)',
      type ? '' : 'message type (0065)',
      version ? '' : 'version (0052)',
      release ? '' : 'release (0054)',
      agency ? '' : 'controlling agency (0051)',
    ].filter(Boolean);
    if (missing.length > 0)
      this.fail('bad_unh', `UNH lacks the ${missing.join(', ')}`, raw.segment, raw.start);
    const message: Message = { ref, type, version, release, agency, segments: [], position: unh.position };
    if (associationCode) message.associationCode = associationCode;
    const commonAccessRef = element0(unh, 2);
    if (commonAccessRef) message.commonAccessRef = commonAccessRef;
    return message;
  }

  /** UNG, ISO 9735-2: 0038 group identification, S006 sender, S007 recipient, S004, 0048 reference. */
  private readUng(ung: Segment, raw: RawSegment): FunctionalGroup {
    const ref = element0(ung, 4);
    if (!ref) this.fail('bad_ung', 'UNG lacks the group reference number (0048)', raw.segment, raw.start);
    const group: FunctionalGroup = { ref, position: ung.position };
    const messageType = element0(ung, 0);
    if (messageType) group.messageType = messageType;
    if (ung.elements[1]) group.sender = party(ung.elements[1]);
    if (ung.elements[2]) group.recipient = party(ung.elements[2]);
    return group;
  }
}

/** The service segments that structure an interchange (ISO 9735-2); any other tag is message content. */
const SERVICE_TAGS = new Set(['UNB', 'UNZ', 'UNG', 'UNE', 'UNH', 'UNT']);

function element0(segment: Segment, index: number, component = 0): string {
  return segment.elements[index]?.[component] ?? '';
}

function party(components: Element | undefined): Party {
  const [id = '', qualifier = '', ...extra] = components ?? [];
  const result: Party = { id };
  if (qualifier) result.qualifier = qualifier;
  if (extra.length > 0) result.extra = extra;
  return result;
}

function isTag(tag: string): boolean {
  if (tag.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const c = tag.charCodeAt(i);
    const letter = c >= 0x41 && c <= 0x5a;
    if (!(letter || (i > 0 && c >= 0x30 && c <= 0x39))) return false;
  }
  return true;
}

function isDigits(value: string): boolean {
  if (value.length === 0 || value.length > 10) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
