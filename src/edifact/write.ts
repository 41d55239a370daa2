/**
 * The UN/EDIFACT writer (issue 17): the syntax half of our CODECO/COARRI writers. It takes the envelope fields and
 * each message's body segments, and writes UNA (optional), UNB, UNH … UNT per message with the segment count
 * computed, and UNZ with the message count, escaping the service characters in data with the release character.
 * `readInterchange(writeInterchange(x))` gives `x` back (without positions).
 *
 * The writer refuses (throws a RangeError, a programming error, not bad input from a partner) what it cannot write
 * faithfully: a tag that is not three upper case letters or digits, or a character outside the syntax level's
 * repertoire (e.g. lower case under UNOA) — so we never send what our own reader would refuse.
 */
import {
  DEFAULT_SERVICE_CHARS,
  defaultServiceChars,
  type Element,
  type Interchange,
  type InterchangeInput,
  type MessageInput,
  type Party,
  type SegmentInput,
  type ServiceChars,
  type WriteOptions,
} from './interchange.js';

const LEVEL_A = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/=\'+:?!"%&*;<>');
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** ISO 9735-1:2002 §6 (character repertoires): may `c` appear in data at this syntax level? */
function inRepertoire(level: string, c: string): boolean {
  if (LEVEL_A.has(c)) return true;
  if (level === 'UNOB') return LOWER.includes(c);
  if (level === 'UNOC') {
    const code = c.charCodeAt(0);
    return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
  }
  return false;
}

/** Writes a UN/EDIFACT interchange (see the module comment). */
export function writeInterchange(input: InterchangeInput, options: WriteOptions = {}): string {
  const level = input.syntax.identifier;
  if (level !== 'UNOA' && level !== 'UNOB' && level !== 'UNOC') {
    throw new RangeError(`writeInterchange: syntax level ${JSON.stringify(level)} is not UNOA, UNOB or UNOC`);
  }
  const version = input.syntax.version;
  const service: ServiceChars = { ...defaultServiceChars(version), ...input.serviceChars };
  // ISO 9735-1:2002 §5: the repetition separator exists from syntax version 4 only.
  const repetitionInUse = Number(version) >= 4 && service.repetition !== ' ';
  if (!repetitionInUse) service.repetition = ' ';
  const defaults = defaultServiceChars(version);
  const isDefault = (Object.keys(defaults) as (keyof ServiceChars)[]).every(
    (k) => service[k] === defaults[k],
  );
  const withUna = options.serviceStringAdvice ?? !isDefault;
  if (!withUna && !isDefault) {
    throw new RangeError('writeInterchange: service characters other than the defaults need the UNA advice');
  }
  const newline = options.newlines === false ? '' : '\n';

  const specials = new Set([service.component, service.element, service.release, service.segment]);
  if (repetitionInUse) specials.add(service.repetition);

  /** ISO 9735-1:2002 §5 (release character): a service character in data is preceded by the release character. */
  const released = (value: string): string => {
    let out = '';
    for (const c of value) {
      if (!inRepertoire(level, c) && !specials.has(c)) {
        throw new RangeError(
          `writeInterchange: character ${JSON.stringify(c)} is not in the ${level} repertoire (value ${JSON.stringify(value.slice(0, 40))})`,
        );
      }
      out += specials.has(c) ? service.release + c : c;
    }
    return out;
  };
  const writeElement = (element: Element): string => element.map(released).join(service.component);
  const segment = (s: SegmentInput): string => {
    if (!/^[A-Z][A-Z0-9]{2}$/.test(s.tag)) {
      throw new RangeError(
        `writeInterchange: segment tag ${JSON.stringify(s.tag)} is not three upper case letters`,
      );
    }
    let out = s.tag;
    if (s.repetitions) {
      if (!repetitionInUse) {
        throw new RangeError(`writeInterchange: ${s.tag} repeats an element, which needs syntax version 4`);
      }
      for (const occurrences of s.repetitions) {
        out += service.element + occurrences.map(writeElement).join(service.repetition);
      }
    } else {
      for (const element of s.elements) out += service.element + writeElement(element);
    }
    return out + service.segment + newline;
  };

  let text = '';
  if (withUna) {
    // ISO 9735-1:2002 §5: UNA then the six characters in their fixed order.
    text += `UNA${service.component}${service.element}${service.decimal}${service.release}${service.repetition}${service.segment}${newline}`;
  }
  text += segment({
    tag: 'UNB',
    elements: trimTrailing([
      [input.syntax.identifier, input.syntax.version],
      partyComponents(input.sender),
      partyComponents(input.recipient),
      [input.preparedAt.date, input.preparedAt.time],
      [input.controlRef],
      [input.recipientRef ?? ''],
      [input.applicationRef ?? ''],
      [input.processingPriority ?? ''],
      [input.ackRequest ?? ''],
      [input.agreementId ?? ''],
      [input.testIndicator ?? ''],
    ]),
  });
  for (const message of input.messages) text += writeMessage(message, segment);
  // ISO 9735-2, UNZ data element 0036: the number of messages (no functional groups are written).
  text += segment({ tag: 'UNZ', elements: [[String(input.messages.length)], [input.controlRef]] });
  return text;
}

function writeMessage(message: MessageInput, segment: (s: SegmentInput) => string): string {
  const identifier = [message.type, message.version, message.release, message.agency];
  if (message.associationCode) identifier.push(message.associationCode);
  const unh: Element[] = [[message.ref], identifier];
  if (message.commonAccessRef) unh.push([message.commonAccessRef]);
  let text = segment({ tag: 'UNH', elements: unh });
  for (const s of message.segments) text += segment(s);
  // ISO 9735-2, UNT data element 0074: every segment of the message, UNH and UNT included.
  text += segment({ tag: 'UNT', elements: [[String(message.segments.length + 2)], [message.ref]] });
  return text;
}

function partyComponents(party: Party): Element {
  const components = [party.id, party.qualifier ?? '', ...(party.extra ?? [])];
  while (components.length > 1 && components[components.length - 1] === '') components.pop();
  return components;
}

/** Drops trailing empty elements of a service segment (ISO 9735-1:2002, omission of data: trailing empty elements are not sent). */
function trimTrailing(elements: Element[]): Element[] {
  const out = [...elements];
  while (out.length > 0 && out[out.length - 1]!.every((c) => c === '')) out.pop();
  return out;
}

/**
 * What the writer needs from a read interchange (positions, groups and the UNA bookkeeping dropped), e.g. to
 * write back what was read. Messages of functional groups are kept, the groups themselves are not.
 */
export function interchangeInput(interchange: Interchange): InterchangeInput {
  const { messages, groups: _groups, hasServiceStringAdvice: _una, serviceChars, ...header } = interchange;
  const input: InterchangeInput = {
    ...header,
    messages: messages.map(({ position: _p, groupRef: _g, segments, ...m }) => ({
      ...m,
      segments: segments.map(({ position: _s, ...s }) => s),
    })),
  };
  const defaults = defaultServiceChars(interchange.syntax.version);
  if (
    (Object.keys(DEFAULT_SERVICE_CHARS) as (keyof ServiceChars)[]).some(
      (k) => serviceChars[k] !== defaults[k],
    )
  ) {
    input.serviceChars = serviceChars;
  }
  return input;
}
