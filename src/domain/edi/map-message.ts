/**
 * One entry for every message of an interchange: dispatches on the UNH message identifier (S009: type, version,
 * release, agency, association code) to the mapper of that message and directory release, or refuses the message
 * naming its UNH and what is taken instead.
 */
import type { Message } from '../../edifact/index.js';
import { BAPLIE_ASSOCIATION_CODES, baplieMapper } from './baplie.js';
import { coarriD00bMapper, coarriD95bMapper } from './coarri.js';
import { codecoD95bMapper } from './codeco.js';
import { coparnD00bMapper } from './coparn.js';
import { copinoD00bMapper, copinoD95bMapper } from './copino.js';
import { coreorD95bMapper } from './coreor.js';
import { isKnownTimeZone } from './fields.js';
import type { MapOptions, MapResult, MessageRefusal, MessageRefusalCode } from './intents.js';
import { type Mapper, runMapper } from './mapper.js';

/** Each message type taken, by directory release (UNH S009 0054), with the association codes allowed (0057). */
const MAPPERS: Readonly<
  Record<string, Readonly<Record<string, { mapper: Mapper; associations?: readonly string[] }>>>
> = {
  BAPLIE: { '95B': { mapper: baplieMapper, associations: BAPLIE_ASSOCIATION_CODES } },
  COARRI: { '95B': { mapper: coarriD95bMapper }, '00B': { mapper: coarriD00bMapper } },
  CODECO: { '95B': { mapper: codecoD95bMapper } },
  COPARN: { '00B': { mapper: coparnD00bMapper } },
  COPINO: { '95B': { mapper: copinoD95bMapper }, '00B': { mapper: copinoD00bMapper } },
  COREOR: { '95B': { mapper: coreorD95bMapper } },
};

/** Why the container messages PortLedger does not take are refused, so the sender's EDI desk knows where to go. */
const NOT_TAKEN: Readonly<Record<string, string>> = {
  COPRAR:
    'a loading/discharge order to the terminal, which the terminal operating system takes; PortLedger takes the announcements of boxes as BAPLIE or COPARN',
  VERMAS: 'verified gross mass is not recorded by PortLedger; send it to the terminal operating system',
  COHAOR:
    'special handling orders are not recorded by PortLedger; send them to the terminal operating system',
  ORDERS: 'a purchase order is not a container message',
  MOVINS: 'stowage instructions are the terminal operating system’s',
  CONTRL: 'an acknowledgement is not applied; PortLedger answers interchanges with its own',
};

/** The supported message types and releases, as a sentence (`BAPLIE D.95B, COARRI D.95B/D.00B, …`). */
export function supportedMessages(): string {
  return Object.entries(MAPPERS)
    .map(
      ([type, releases]) =>
        `${type} ${Object.keys(releases)
          .map((r) => `D.${r}`)
          .join('/')}`,
    )
    .join(', ');
}

function refuse(message: Message, code: MessageRefusalCode, reason: string): MapResult {
  const refusal: MessageRefusal = {
    code,
    reason,
    position: { segment: message.position.segment, offset: message.position.offset, tag: 'UNH' },
    messageRef: message.ref,
    messageType: message.type,
  };
  return { ok: false, refusal, refusals: [refusal] };
}

/**
 * Maps one message read by the UN/EDIFACT reader to the intents it carries, or refuses it (whole) with the segment
 * and the reason. Pure and total: it never throws on any message the reader returns (only on an unknown
 * `options.timeZone`, a RangeError, since that is the caller's configuration).
 *
 * @example
 * ```ts
 * const read = readInterchange(text);
 * if (read.ok) for (const message of read.interchange.messages) mapMessage(message, { timeZone: 'Europe/Brussels' });
 * ```
 */
export function mapMessage(message: Message, options: MapOptions = {}): MapResult {
  // The zone is the caller's setting, not the message's: a wrong one is a configuration fault, said at once.
  if (options.timeZone !== undefined && !isKnownTimeZone(options.timeZone)) {
    throw new RangeError(
      `time zone ${JSON.stringify(options.timeZone)} is not an IANA zone the runtime knows`,
    );
  }
  const identifier = `${message.type}:${message.version}:${message.release}:${message.agency}${message.associationCode ? `:${message.associationCode}` : ''}`;
  const releases = MAPPERS[message.type];
  if (releases === undefined) {
    const why = NOT_TAKEN[message.type] ?? 'it is not one of the container messages PortLedger takes';
    return refuse(
      message,
      'edi.unsupported_message',
      `UNH segment ${message.position.segment}: message ${identifier} is not taken: ${why} (taken: ${supportedMessages()})`,
    );
  }
  const entry = message.version === 'D' && message.agency === 'UN' ? releases[message.release] : undefined;
  const association = message.associationCode ?? '';
  if (
    entry === undefined ||
    (entry.associations !== undefined && association !== '' && !entry.associations.includes(association))
  ) {
    const taken = Object.entries(releases)
      .map(
        ([release, e]) => `D:${release}:UN${e.associations ? ` (${e.associations.join(', ')} or none)` : ''}`,
      )
      .join(', ');
    return refuse(
      message,
      'edi.unsupported_version',
      `UNH segment ${message.position.segment}: ${identifier} is not taken; ${message.type} is taken as ${taken}`,
    );
  }
  return runMapper(entry.mapper, message, options);
}
