/**
 * Importing a UN/EDIFACT interchange (issue 17): read it (src/edifact), map each message to intents
 * (src/domain/edi), check that it speaks only for the organisation it is applied for, and apply the intents through
 * the same use cases the console and the API use — all in ONE write transaction, with the interchange's own
 * `EdiInterchangeReceived` event and receipt row. The answer lists each message, and a CONTRL acknowledgement
 * (`contrl.ts`) goes with it.
 *
 * Decisions (issue 17, "The rules"):
 * - Whole or nothing: see {@link APPLY_UNIT}. Every message type applies as part of the whole interchange: a bay
 *   plan half-announced, or a discharge list half-recorded, is worse than none, and the partner resends the
 *   interchange corrected. Any refusal rolls the whole transaction back: the log's size is unchanged.
 * - A refused interchange is NOT written anywhere: not to the log (the acceptance: a refused interchange leaves the
 *   log's size unchanged), nor to the receipts table (a receipt there would make the corrected resend under the
 *   same UNB reference look like a duplicate). Its refusal is in the answer and in the CONTRL sent back, which the
 *   partner keeps; the CLI and the HTTP access log record that it was tried.
 * - The same interchange twice (same UNB sender and control reference, ISO 9735-1 §5: 0020 is unique per sender)
 *   changes nothing the second time and the answer points at the first receipt.
 * - A BAPLIE is the whole vessel's plan, with the boxes of the vessel-sharing partners: the sending line announces
 *   its own boxes (NAD+CA equal to its code) and the others are left out and counted, never announced for them. Any
 *   other message naming another line's box is refused (`auth.forbidden`).
 */
import { sha256, toHex } from '../../audit/index.js';
import { type EdiIntent, type MapOptions, type MapResult, mapMessage } from '../../domain/edi/index.js';
import {
  DomainError,
  mayDo,
  newVisitReference,
  type OrgKind,
  type Permission,
  type Principal,
  rolesFor,
} from '../../domain/index.js';
import {
  type EdifactSyntaxError,
  type Interchange,
  type Message,
  readInterchange,
} from '../../edifact/index.js';
import type { OrganisationRecord } from '../access/index.js';
import { AppError } from '../errors.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import type { StoredEvent } from '../ports.js';
import { executeReleaseCommand } from '../releases/index.js';
import {
  executeVisitBatch,
  type TerminalLayouts,
  type VisitBatchStep,
  visibilityOf,
} from '../visits/index.js';
import {
  type ContrlMessage,
  type ContrlSubject,
  contrlInterchange,
  syntaxErrorCode,
  writePlainInterchange,
} from './contrl.js';
import type { EdiInterchangeRecord, EdiMessageOutcome } from './edi.ports.js';

/**
 * How much of an interchange one refusal undoes, per message type. Stated in one table so that it is one decision:
 * every type is `interchange` (see the file's comment for why).
 */
export const APPLY_UNIT = {
  BAPLIE: 'interchange',
  COPARN: 'interchange',
  COREOR: 'interchange',
  COPINO: 'interchange',
  COARRI: 'interchange',
  CODECO: 'interchange',
} as const satisfies Record<string, 'interchange' | 'message'>;

/** The event that records a received interchange, on the `edi-<sender>` stream. */
export const EDI_INTERCHANGE_RECEIVED = 'EdiInterchangeReceived';
export const ediStreamId = (sender: string) => `edi-${sender}`;

export interface EdiImportDeps {
  readonly ledger: Ledger;
  readonly terminals: TerminalLayouts;
  /** The message mappers; src/domain/edi `mapMessage` when absent. */
  readonly mapMessage?: (message: Message, options?: MapOptions) => MapResult;
  /** The UN/LOCODE of this port: a BAPLIE announces only the boxes discharged here when set. */
  readonly portOfCall?: string;
  /** The writer of the CONTRL text (src/edifact `writeInterchange` once it writes). */
  readonly writeInterchange?: (input: Parameters<typeof writePlainInterchange>[0]) => string;
}

export interface EdiImportInput {
  /** The interchange as received, its bytes as ISO 8859-1 characters (one character per byte; see src/edifact). */
  readonly text: string;
  /** The organisation it is applied for (its id); by default the one whose code is the UNB sender. */
  readonly as?: string;
  /** Who submitted it: a user id, `token:<id>`, or `cli:<operator>`. */
  readonly by: string;
  /** Called as boxes are applied: `done` of `total` intents. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
}

/** Where and why a message (or the interchange) was refused. */
export interface EdiRefusal {
  readonly code: string;
  readonly reason: string;
  /** The segment's ordinal in the interchange (UNB = 1) and byte offset, when one segment is at fault. */
  readonly segment?: number;
  readonly offset?: number;
  readonly tag?: string;
}

export interface EdiMessageAnswer {
  readonly ref: string;
  readonly type: string;
  /** `not_applied`: the message was fine, but another one refused the interchange. */
  readonly outcome: 'applied' | 'refused' | 'not_applied';
  readonly summary: string;
  readonly eventIndexes: readonly number[];
  readonly refusal?: EdiRefusal;
}

export interface EdiImportAnswer {
  readonly outcome: 'applied' | 'refused' | 'duplicate';
  /** The new receipt (applied) or the first one (duplicate); null when refused. */
  readonly interchangeId: string | null;
  readonly sender: string;
  readonly controlRef: string;
  readonly sha256: string;
  /** The audit index of the `EdiInterchangeReceived` event (of the first receipt, for a duplicate). */
  readonly receiptIndex: number | null;
  /** Applied: when; duplicate: when the first was received. */
  readonly receivedAt: string | null;
  /** The organisation it was applied for, when known. */
  readonly orgId: string | null;
  /** The interchange-level refusal: `edi.syntax_invalid`, `edi.sender_unknown`, `auth.forbidden`, `edi.interchange_refused`. */
  readonly refusal?: EdiRefusal;
  /** The reader's errors, for an interchange refused on its syntax. */
  readonly syntaxErrors?: readonly EdifactSyntaxError[];
  readonly messages: readonly EdiMessageAnswer[];
  /** The CONTRL acknowledgement, as UN/EDIFACT text. */
  readonly contrl: string;
}

/** Thrown inside the transaction to roll everything back; carries the message answers. */
class InterchangeRefused extends Error {
  constructor(
    readonly refusal: EdiRefusal,
    readonly messageIndex: number,
  ) {
    super(refusal.reason);
  }
}

class AlreadyReceived extends Error {
  constructor(readonly first: EdiInterchangeRecord) {
    super('already received');
  }
}

/** The principal an interchange acts as: the organisation, with every role its kind may hold, as `edi:<code>`. */
export function ediPrincipal(org: OrganisationRecord): Principal {
  return {
    userId: `edi:${org.code}`,
    orgId: org.orgId,
    orgKind: org.kind as OrgKind,
    orgCode: org.code,
    terminals: [...org.terminals],
    roles: rolesFor(org.kind as OrgKind),
  };
}

/** Hex SHA-256 of the interchange's bytes (its characters are the bytes, ISO 8859-1). */
const sha256Hex = (text: string) => toHex(sha256(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff)));

/**
 * The UNB sender, recipient and reference of a text the reader refused, read leniently (default separators or the
 * UNA's), so the CONTRL can still name the subject interchange. Empty strings when not found.
 */
function looseHeader(text: string): {
  sender: string;
  recipient: string;
  controlRef: string;
  syntax: string;
} {
  const una = text.startsWith('UNA') && text.length >= 9 ? text.slice(3, 9) : ":+.? '";
  const [component, element, , , , segment] = una;
  const start = text.indexOf('UNB');
  if (start < 0) return { sender: '', recipient: '', controlRef: '', syntax: 'UNOA' };
  const end = text.indexOf(segment ?? "'", start);
  const elements = text.slice(start, end < 0 ? undefined : end).split(element ?? '+');
  const first = (i: number) => (elements[i] ?? '').split(component ?? ':')[0] ?? '';
  return { syntax: first(1) || 'UNOA', sender: first(2), recipient: first(3), controlRef: first(5) };
}

/** The permission each intent needs of the organisation (the policy table's rows the console's commands use). */
const PERMISSION_OF: Record<EdiIntent['kind'], Permission> = {
  AnnounceBox: 'visit.announce',
  IssueRelease: 'release.issue',
  NominateTruck: 'appointment.book' as Permission,
  Discharge: 'visit.discharge',
  Load: 'visit.load',
  GateIn: 'visit.gate_in',
  GateOut: 'visit.gate_out',
};

const refusalAt = (intent: EdiIntent, code: string, reason: string): EdiRefusal => ({
  code,
  reason,
  segment: intent.source.position.segment,
  offset: intent.source.position.offset,
  tag: intent.source.position.tag,
});

const fmt = (n: number) => n.toLocaleString('en-GB');

/**
 * Reads, checks and applies one interchange for one organisation, whole or not at all, and answers per message
 * with a CONTRL acknowledgement. Never throws for what the partner sent: a bad interchange is an answer.
 *
 * @example
 * ```ts
 * const answer = await importInterchange(deps, { text, by: 'cli:ops' });
 * answer.outcome; // 'applied' | 'refused' | 'duplicate'
 * ```
 */
export async function importInterchange(
  deps: EdiImportDeps,
  input: EdiImportInput,
): Promise<EdiImportAnswer> {
  const { ledger } = deps;
  const sha256 = sha256Hex(input.text);
  const write = deps.writeInterchange ?? writePlainInterchange;
  const now = () => ledger.clock.now();
  const contrlOf = (subject: ContrlSubject) =>
    write(
      contrlInterchange(subject, { controlRef: `C${sha256.slice(0, 13).toUpperCase()}`, preparedAt: now() }),
    );

  const read = readInterchange(input.text);
  if (!read.ok) {
    const header = looseHeader(input.text);
    const first = read.errors[0];
    const mapped = first ? syntaxErrorCode(first.code) : { error: '18' };
    return {
      outcome: 'refused',
      interchangeId: null,
      sender: header.sender,
      controlRef: header.controlRef,
      sha256,
      receiptIndex: null,
      receivedAt: null,
      orgId: null,
      refusal: {
        code: 'edi.syntax_invalid',
        reason: first
          ? `${first.message} (segment ${first.segment}, byte ${first.offset})`
          : 'the interchange could not be read',
        ...(first ? { segment: first.segment, offset: first.offset } : {}),
      },
      syntaxErrors: read.errors,
      messages: [],
      contrl: contrlOf({
        syntax: { identifier: header.syntax, version: '3' },
        sender: { id: header.sender },
        recipient: { id: header.recipient },
        controlRef: header.controlRef,
        action: '4',
        error: mapped.error,
        ...(mapped.segment ? { errorSegment: mapped.segment } : {}),
        messages: [],
      }),
    };
  }
  const interchange = read.interchange;
  const sender = interchange.sender.id;
  const base = {
    sender,
    controlRef: interchange.controlRef,
    sha256,
  };
  const ackOf = (
    action: '4' | '7',
    messages: readonly ContrlMessage[],
    error?: string,
    errorSegment?: string,
  ) =>
    contrlOf({
      syntax: interchange.syntax,
      sender: interchange.sender,
      recipient: interchange.recipient,
      controlRef: interchange.controlRef,
      action,
      ...(error ? { error } : {}),
      ...(errorSegment ? { errorSegment } : {}),
      messages,
    });
  const contrlMessages = (answers: readonly EdiMessageAnswer[]): ContrlMessage[] =>
    interchange.messages.map((message, i) => {
      const answer = answers[i];
      const refused = answer?.outcome === 'refused';
      const segment = answer?.refusal?.segment;
      return {
        ref: message.ref,
        type: message.type,
        version: message.version,
        release: message.release,
        agency: message.agency,
        ...(message.associationCode ? { associationCode: message.associationCode } : {}),
        action: answer?.outcome === 'applied' ? '7' : '4',
        ...(refused ? { error: '18' } : {}),
        ...(refused && segment !== undefined
          ? { segment: { position: segment - message.position.segment + 1, error: '18' } }
          : {}),
      } satisfies ContrlMessage;
    });

  const org = await organisationFor(ledger, input.as, sender);
  if (!org) {
    const refusal: EdiRefusal = {
      code: 'edi.sender_unknown',
      reason: input.as
        ? `no organisation ${input.as}`
        : `the UNB sender ${sender} is not a registered organisation's code (name one with --as)`,
      segment: 1,
      offset: 0,
      tag: 'UNB',
    };
    const messages = notApplied(interchange);
    return {
      outcome: 'refused',
      interchangeId: null,
      ...base,
      receiptIndex: null,
      receivedAt: null,
      orgId: null,
      refusal,
      messages,
      contrl: ackOf('4', contrlMessages(messages), '23', 'UNB'),
    };
  }
  // A resend is recognised per organisation and changes nothing. Any organisation may write any UNB sender, so
  // another organisation's receipt of this sender and reference is not a duplicate of this one: it must neither
  // swallow this interchange nor tell of its own (an outside test claimed a terminal's next references that way).
  const earlier = await ledger.store.edi.findEdiInterchange(org.orgId, sender, interchange.controlRef);
  if (earlier) return duplicateAnswer(earlier, interchange, base, ackOf);
  const principal = ediPrincipal(org);

  // Mapping is pure: every message is mapped before the transaction, so the transaction holds the log only to apply.
  const map = deps.mapMessage ?? mapMessage;
  const mapped = interchange.messages.map((message) =>
    map(message, deps.portOfCall ? { portOfCall: deps.portOfCall } : {}),
  );
  const refusedMap = mapped.findIndex((result) => !result.ok);
  if (refusedMap >= 0) {
    const result = mapped[refusedMap] as Extract<MapResult, { ok: false }>;
    const { refusal } = result;
    return refusedAnswer(
      interchange,
      base,
      org,
      refusedMap,
      {
        code: refusal.code,
        reason: refusal.reason,
        segment: refusal.position.segment,
        offset: refusal.position.offset,
        tag: refusal.position.tag,
      },
      ackOf,
      contrlMessages,
    );
  }
  const intentsOf = mapped.map((result) => (result.ok ? result.intents : []));
  const total = intentsOf.reduce((sum, intents) => sum + intents.length, 0);

  // Of the text and the organisation: two organisations may send the same bytes, each its own receipt.
  const interchangeId = `EDI-${sha256Hex(`${org.orgId}\n${sha256}`).slice(0, 24)}`;
  try {
    const applied = await ledger.write(async (context) => {
      const again = await context.tx.edi.findEdiInterchange(org.orgId, sender, interchange.controlRef);
      if (again) throw new AlreadyReceived(again);
      let done = 0;
      const outcomes: EdiMessageOutcome[] = [];
      for (const [i, message] of interchange.messages.entries()) {
        const result = await applyMessage(deps, context, principal, intentsOf[i] ?? [], i, (n) => {
          done += n;
          input.onProgress?.({ done, total });
        });
        outcomes.push({
          ref: message.ref,
          type: message.type,
          eventIndexes: result.events.map((event) => event.index),
          summary: result.summary,
        });
      }
      const receivedAt = context.now.toISOString();
      const [receipt] = await context.appendAtEnd(ediStreamId(sender), [
        {
          type: EDI_INTERCHANGE_RECEIVED,
          data: {
            interchangeId,
            sender,
            recipient: interchange.recipient.id,
            controlRef: interchange.controlRef,
            sha256,
            orgId: org.orgId,
            receivedBy: input.by,
            messages: outcomes.map((outcome) => ({
              ref: outcome.ref,
              type: outcome.type,
              summary: outcome.summary,
              events: outcome.eventIndexes.length,
              // The interchange's events are appended in one transaction: each message's are one range of the log.
              firstIndex: outcome.eventIndexes[0] ?? null,
              lastIndex: outcome.eventIndexes.at(-1) ?? null,
            })),
          },
        },
      ]);
      const record: EdiInterchangeRecord = {
        interchangeId,
        sender,
        recipient: interchange.recipient.id,
        controlRef: interchange.controlRef,
        orgId: org.orgId,
        receivedBy: input.by,
        sha256,
        receivedAt,
        auditIndex: receipt?.index ?? -1,
        messages: outcomes,
      };
      await context.tx.edi.putEdiInterchange(record);
      return record;
    });
    const messages: EdiMessageAnswer[] = applied.messages.map((message) => ({
      ref: message.ref,
      type: message.type,
      outcome: 'applied',
      summary: message.summary,
      eventIndexes: message.eventIndexes,
    }));
    return {
      outcome: 'applied',
      interchangeId,
      ...base,
      receiptIndex: applied.auditIndex,
      receivedAt: applied.receivedAt,
      orgId: org.orgId,
      messages,
      contrl: ackOf('7', contrlMessages(messages)),
    };
  } catch (error) {
    if (error instanceof AlreadyReceived) return duplicateAnswer(error.first, interchange, base, ackOf);
    if (error instanceof InterchangeRefused) {
      return refusedAnswer(interchange, base, org, error.messageIndex, error.refusal, ackOf, contrlMessages);
    }
    throw error;
  }
}

type AckOf = (
  action: '4' | '7',
  messages: readonly ContrlMessage[],
  error?: string,
  errorSegment?: string,
) => string;

function notApplied(interchange: Interchange): EdiMessageAnswer[] {
  return interchange.messages.map((message) => ({
    ref: message.ref,
    type: message.type,
    outcome: 'not_applied',
    summary: 'not applied: the interchange was refused',
    eventIndexes: [],
  }));
}

function refusedAnswer(
  interchange: Interchange,
  base: { sender: string; controlRef: string; sha256: string },
  org: OrganisationRecord,
  messageIndex: number,
  refusal: EdiRefusal,
  ackOf: AckOf,
  contrlMessages: (answers: readonly EdiMessageAnswer[]) => ContrlMessage[],
): EdiImportAnswer {
  const messages = notApplied(interchange).map((answer, i) =>
    i === messageIndex
      ? { ...answer, outcome: 'refused' as const, summary: `refused: ${refusal.reason}`, refusal }
      : answer,
  );
  const message = interchange.messages[messageIndex];
  return {
    outcome: 'refused',
    interchangeId: null,
    ...base,
    receiptIndex: null,
    receivedAt: null,
    orgId: org.orgId,
    refusal: {
      code: refusal.code === 'auth.forbidden' ? 'auth.forbidden' : 'edi.interchange_refused',
      reason: `message ${message?.ref ?? messageIndex + 1} (${message?.type ?? '?'}): ${refusal.reason}`,
      ...(refusal.segment !== undefined ? { segment: refusal.segment } : {}),
      ...(refusal.offset !== undefined ? { offset: refusal.offset } : {}),
      ...(refusal.tag !== undefined ? { tag: refusal.tag } : {}),
    },
    messages,
    contrl: ackOf('4', contrlMessages(messages)),
  };
}

function duplicateAnswer(
  first: EdiInterchangeRecord,
  interchange: Interchange,
  base: { sender: string; controlRef: string; sha256: string },
  ackOf: AckOf,
): EdiImportAnswer {
  return {
    outcome: 'duplicate',
    interchangeId: first.interchangeId,
    ...base,
    receiptIndex: first.auditIndex,
    receivedAt: first.receivedAt,
    orgId: first.orgId,
    refusal: {
      code: 'edi.already_received',
      reason: `already received on ${first.receivedAt} as ${first.interchangeId} (audit index ${first.auditIndex}); nothing changed`,
      segment: 1,
      offset: 0,
      tag: 'UNB',
    },
    messages: interchange.messages.map((message) => ({
      ref: message.ref,
      type: message.type,
      outcome: 'not_applied',
      summary: `already received as ${first.interchangeId}`,
      eventIndexes: [],
    })),
    // 26: duplicate detected (UN/EDIFACT 0085).
    contrl: ackOf('4', [], '26', 'UNB'),
  };
}

async function organisationFor(
  ledger: Ledger,
  as: string | undefined,
  sender: string,
): Promise<OrganisationRecord | undefined> {
  const identity = ledger.store.identity;
  if (as === undefined) return identity.findOrganisationByCode(sender.toUpperCase());
  return (await identity.getOrganisation(as)) ?? identity.findOrganisationByCode(as.toUpperCase());
}

/**
 * Applies one message's intents in the interchange's transaction. Throws `InterchangeRefused` on the first refusal,
 * which rolls the whole interchange back.
 */
async function applyMessage(
  deps: EdiImportDeps,
  context: WriteContext,
  principal: Principal,
  intents: readonly EdiIntent[],
  messageIndex: number,
  progress: (n: number) => void,
): Promise<{ events: StoredEvent[]; summary: string }> {
  const refuse = (intent: EdiIntent, code: string, reason: string) =>
    new InterchangeRefused(refusalAt(intent, code, reason), messageIndex);
  const { tx } = context;
  const events: StoredEvent[] = [];
  const counts = new Map<string, number>();
  const count = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1);
  const otherLines = new Set<string>();

  // Visit commands run as one batch (`executeVisitBatch`): the same use case, its reads and writes paid per batch.
  const steps: { intent: EdiIntent; step: VisitBatchStep }[] = [];
  const containers = intents.flatMap((intent) =>
    intent.kind === 'Load' || intent.kind === 'Discharge' || intent.kind === 'GateIn'
      ? [intent.containerNumber]
      : [],
  );
  const active = containers.length > 0 ? await tx.findActiveVisits(containers) : new Map();

  for (const intent of intents) {
    if (!mayDo(principal, PERMISSION_OF[intent.kind])) {
      throw refuse(
        intent,
        'auth.forbidden',
        `a ${principal.orgKind.replace('_', ' ')} may not ${intent.kind} (${PERMISSION_OF[intent.kind]})`,
      );
    }
    switch (intent.kind) {
      case 'AnnounceBox': {
        if (intent.line.toUpperCase() !== principal.orgCode) {
          // A bay plan carries every line's boxes on board: the sender speaks for its own only.
          if (intent.source.messageType === 'BAPLIE') {
            otherLines.add(intent.line.toUpperCase());
            count('left out (another line’s)');
            progress(1);
            continue;
          }
          throw refuse(
            intent,
            'auth.forbidden',
            `box ${intent.containerNumber} is line ${intent.line}'s, not ${principal.orgCode}'s`,
          );
        }
        const visitRef = newVisitReference(context.ids.randomBytes(13));
        steps.push({
          intent,
          step: {
            visitRef,
            command: {
              type: 'AnnounceVisit',
              visitRef,
              containerNumber: intent.containerNumber,
              line: principal.orgCode,
              sizeType: intent.sizeType,
              fullEmpty: intent.fullEmpty,
              arrival: intent.arrival,
              ...(intent.billOfLading ? { transportDocumentReference: intent.billOfLading } : {}),
              ...(intent.bookingReference ? { carrierBookingReference: intent.bookingReference } : {}),
            },
          },
        });
        count('announced');
        break;
      }
      case 'Load': {
        const visit = active.get(intent.containerNumber);
        if (!visit) throw refuse(intent, 'visit.not_found', `no active visit of ${intent.containerNumber}`);
        if (visit.terminal === null || !principal.terminals?.includes(visit.terminal)) {
          throw refuse(
            intent,
            'auth.forbidden',
            `box ${intent.containerNumber} is not at a terminal ${principal.orgCode} runs`,
          );
        }
        // A load takes the box out of the yard and the port. Until a load is checked against a vessel call the port
        // knows and the box's outbound booking, a TOS's word is not enough: an outside test made an import box
        // "sail" on a made-up ship with a stolen TOS token, and it left the yard map. Loads are recorded from the
        // console until then.
        throw refuse(
          intent,
          'edi.unsupported_intent',
          `a COARRI load of ${intent.containerNumber} is not applied yet: PortLedger does not yet check a load against a known vessel call and the box's outbound booking`,
        );
      }
      case 'Discharge':
      case 'GateIn':
        // The visit decider puts an arriving box into a yard slot, and a TOS message names none (the TOS keeps its
        // own yard): until a terminal's TOS landing area is configured, these are recorded from the console.
        throw refuse(
          intent,
          'edi.yard_slot_required',
          `${intent.kind === 'Discharge' ? 'a discharge' : 'a gate-in'} of ${intent.containerNumber} names no yard slot, and PortLedger records a box's arrival into one`,
        );
      case 'GateOut':
        // Only the gate lets a box out, on its own verdict (issue 10, row A): a message cannot.
        throw refuse(
          intent,
          'visit.gate_out_needs_verdict',
          `a gate-out of ${intent.containerNumber} is the gate's verdict to record, not a message's`,
        );
      case 'NominateTruck':
        throw refuse(
          intent,
          'edi.unsupported_intent',
          'a COPINO nomination is not applied yet: a driver is nominated by badge number, which a COPINO does not carry',
        );
      case 'IssueRelease': {
        if (intent.line.toUpperCase() !== principal.orgCode) {
          throw refuse(
            intent,
            'auth.forbidden',
            `box ${intent.containerNumber} is line ${intent.line}'s, not ${principal.orgCode}'s`,
          );
        }
        break;
      }
    }
  }

  if (steps.length > 0) {
    let done = 0;
    const outcomes = await executeVisitBatch(
      context,
      deps.terminals,
      steps.map(({ step }) => step),
      () => {
        done += 1;
        if (done % 100 === 0) progress(100);
      },
    );
    progress(done % 100);
    for (const [i, outcome] of outcomes.entries()) {
      const { intent } = steps[i] as { intent: EdiIntent };
      if (!outcome.ok) throw refuse(intent, outcome.error.code, outcome.error.message);
      else events.push(...outcome.result.events);
    }
  }

  for (const intent of intents) {
    if (intent.kind !== 'IssueRelease') continue;
    const visit = await tx.findActiveVisit(intent.containerNumber);
    if (!visit || (await visibilityOf(tx, principal, visit)) === 'none') {
      throw refuse(
        intent,
        'visit.not_found',
        `no active visit of ${intent.containerNumber} of line ${principal.orgCode}`,
      );
    }
    const party = await tx.identity.findOrganisationByCode(intent.partyCode.toUpperCase());
    if (!party)
      throw refuse(intent, 'release.party_unknown', `no organisation has the code ${intent.partyCode}`);
    const validFrom = intent.validFrom ?? context.now.toISOString();
    const validUntil =
      intent.validUntil ?? new Date(Date.parse(validFrom) + 30 * 24 * 60 * 60_000).toISOString();
    try {
      const result = await executeReleaseCommand(context, principal, visit.visitRef, {
        type: 'IssueRelease',
        releaseId: `REL-${Buffer.from(context.ids.randomBytes(10)).toString('hex')}`,
        visitRef: visit.visitRef,
        line: principal.orgCode,
        firstParty: party.orgId,
        validFrom,
        validUntil,
      });
      events.push(...result.events);
      count('released');
      progress(1);
    } catch (error) {
      if (error instanceof DomainError || error instanceof AppError)
        throw refuse(intent, error.code, error.message);
      throw error;
    }
  }

  const parts = [...counts].map(([what, n]) => `${what} ${fmt(n)}`);
  if (otherLines.size > 0) parts.push(`other lines: ${[...otherLines].sort().join(', ')}`);
  return { events, summary: parts.length > 0 ? parts.join('; ') : 'nothing to apply' };
}
