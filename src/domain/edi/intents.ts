/**
 * What an SMDG container message asks PortLedger to do (issue 17): typed intents, one per box or per order, each
 * naming the segment it came from, or a refusal naming the segment and the reason.
 *
 * The mappers (`baplie.ts`, `coparn.ts`, `coreor.ts`, `copino.ts`, `coarri.ts`, `codeco.ts`) are pure: they read a
 * message the UN/EDIFACT reader (src/edifact) returned and answer with intents or a refusal; they look nothing up.
 * Applying an intent (finding the visit, the organisation a party code names, the release right, checking that
 * the message speaks only for its sender) is the use case's work in src/app/edi, through the same commands the
 * console and the API use: `AnnounceBox` → `AnnounceVisit`, `IssueRelease` → the release decider's
 * `IssueRelease`, `NominateTruck` → `BookSlot`/`ChangeDriver`, `Discharge` → `DischargeContainer`, `Load` →
 * `LoadContainer`, `GateIn` → `GateInContainer`, `GateOut` → `GateOutContainer`.
 *
 * Values are kept as the message sent them, normalised only where the domain has one form (container numbers,
 * size-type codes, instants): a mapper does not invent what the message does not say.
 */
import type { FullEmpty } from '../visits/index.js';

/**
 * Where a thing is in the interchange: the 1-based ordinal of the segment in the interchange (UNB = 1) and its
 * 0-based byte offset, as the reader reports them (src/edifact/interchange.ts `Position`), plus the segment's tag.
 */
export interface SegmentPosition {
  readonly segment: number;
  readonly offset: number;
  readonly tag: string;
}

/** The message types the mappers know. */
export const EDI_MESSAGE_TYPES = ['BAPLIE', 'COPARN', 'COREOR', 'COPINO', 'COARRI', 'CODECO'] as const;
export type EdiMessageType = (typeof EDI_MESSAGE_TYPES)[number];

/** Where an intent came from: the message (UNH 0062 reference and type) and its group's first segment. */
export interface IntentSource {
  readonly messageType: EdiMessageType;
  /** UNH 0062, the message reference number. */
  readonly messageRef: string;
  /** The first segment of the intent's segment group: the EQD of a box (in BAPLIE too), the NAD of a party. */
  readonly position: SegmentPosition;
  /** BGM 1225: an original message (9) or a replacement of an earlier one (5); the use case decides what it redoes. */
  readonly messageFunction: 'original' | 'replacement';
}

/**
 * The vessel call a message names (TDT+20, main carriage). `callKey` is the one string PortLedger keeps as the
 * visit's `vesselCall`: the vessel's identification (call sign or IMO number, TDT C222 8213) and the voyage
 * (TDT 8028), `<vessel>/<voyage>`, at most 35 characters; the vessel's name alone is never a key.
 */
export interface VesselCallRef {
  readonly callKey: string;
  /** TDT C222 8213: call sign (code list 103) or IMO number (code list 146 / `IMO`). */
  readonly vesselId: string;
  /** TDT C222 1131: which code list `vesselId` is from, when sent (103 call sign, 146 Lloyd's/IMO). */
  readonly vesselIdList?: string;
  /** TDT C222 8212, the vessel's name, when sent. */
  readonly vesselName?: string;
  /** TDT 8028, the conveyance reference (voyage number). */
  readonly voyage: string;
  /** TDT C040 3127: the carrier (line) operating the vessel, when sent. */
  readonly carrier?: string;
}

/**
 * A stowage cell on board (LOC+147, ISO 9711-1: bay, row, tier). Kept as data: the yard slot is the terminal's, not
 * the vessel's. `cell` is the code as sent (7 digits BBBRRTT, or 6 digits BBRRTT in older messages).
 */
export interface StowageCell {
  readonly cell: string;
  readonly bay: number;
  readonly row: number;
  readonly tier: number;
}

/** A dangerous goods line (DGS): IMDG class and UN number. */
export interface DangerousGoods {
  readonly imdgClass: string;
  readonly unNumber?: string;
}

/** Fields every box intent carries. */
interface BoxFields {
  /** ISO 6346, check digit checked (parseContainerNumber). */
  readonly containerNumber: string;
  /**
   * ISO 6346:1995 size-type code (e.g. `22G1`); a code in the ISO 6346:1984 numeric form (`4500`) is converted,
   * and `sizeTypeAsSent` keeps the code the message sent.
   */
  readonly sizeType?: string;
  readonly sizeTypeAsSent?: string;
  /** EQD 8169: 4 empty, 5 full; absent when the message does not say. */
  readonly fullEmpty?: FullEmpty;
  /** Verified or declared gross mass in kg (MEA+AAE+VGM/G/EGW, MEA+WT), when sent. */
  readonly grossMassKg?: number;
}

/**
 * The line announces a box (BAPLIE for a vessel call's boxes, COPARN for an announcement or pre-advice); maps onto
 * `AnnounceVisit`. The caller makes the visit reference.
 */
export interface AnnounceBox extends BoxFields {
  readonly kind: 'AnnounceBox';
  readonly source: IntentSource;
  readonly sizeType: string;
  readonly sizeTypeAsSent: string;
  /** The operator's code (NAD+CA in BAPLIE, NAD+CF in COPARN), as the message names it. */
  readonly line: string;
  readonly fullEmpty: FullEmpty;
  /** By vessel (BAPLIE, an import COPARN) or by truck (an export pre-advice: the box comes through the gate). */
  readonly arrival: { mode: 'vessel'; vesselCall: string } | { mode: 'truck' };
  /** The vessel call the message names, whichever way the box comes. */
  readonly vessel?: VesselCallRef;
  /** BAPLIE: where the box stands on board. */
  readonly stowage?: StowageCell;
  /** RFF+BN (booking). */
  readonly bookingReference?: string;
  /** RFF+BM / RFF+BL (bill of lading). */
  readonly billOfLading?: string;
  /** UN/LOCODE of the port of loading (LOC+9) and of discharge (LOC+11), when sent. */
  readonly portOfLoading?: string;
  readonly portOfDischarge?: string;
  readonly dangerousGoods?: readonly DangerousGoods[];
  /** COPARN BGM 1001: the announcement kind as sent (e.g. 126 pre-advice, 11 discharge order). */
  readonly documentCode?: string;
}

/**
 * A line's release order for a box to a named party (COREOR); maps onto the release decider's `IssueRelease`. The
 * release reference (RFF+RE, the old PIN) is kept as a reference only, never used as a bearer secret (MISSION §5).
 */
export interface IssueReleaseIntent {
  readonly kind: 'IssueRelease';
  readonly source: IntentSource;
  readonly containerNumber: string;
  readonly sizeType?: string;
  /** The line issuing the release (NAD+CF container operator, else NAD+CA carrier, else NAD+MS sender). */
  readonly line: string;
  /** The release party's code as the message names it (NAD+FW forwarder, else NAD+CN consignee). */
  readonly partyCode: string;
  /** NAD 3035: FW freight forwarder or CN consignee (a haulier is named by COPINO, not by the release). */
  readonly partyRole: 'FW' | 'CN';
  /** RFF+RE (release number) or the BGM document number when no RFF+RE is sent. */
  readonly releaseReference: string;
  readonly billOfLading?: string;
  readonly vessel?: VesselCallRef;
  /** DTM+7 / DTM+400 (valid from) and DTM+36 / DTM+405 (valid until), ISO 8601 UTC. */
  readonly validFrom?: string;
  readonly validUntil?: string;
}

/**
 * A haulier's truck pre-notification (COPINO); maps onto `BookSlot` or `ChangeDriver`. The driver's name and
 * licence are personal data: the use case stores them encrypted and books with a keyed hash (driver-truck.ts).
 */
export interface NominateTruck {
  readonly kind: 'NominateTruck';
  readonly source: IntentSource;
  readonly containerNumber?: string;
  readonly sizeType?: string;
  /** RFF+BN (booking) or RFF+RE (release) the pickup or delivery rests on. */
  readonly bookingReference?: string;
  readonly releaseReference?: string;
  /** The haulier's code or name (NAD+CZ/HI, else the TDT carrier). */
  readonly haulier: string;
  /** TDT+1 C222 8213: the truck's plate. */
  readonly truckPlate?: string;
  /** The driver as the message names them (TDT 8212 or NAD+DR); personal data. */
  readonly driverName?: string;
  /** BGM 1001: 661 pick-up (import), 662 delivery (export), as sent. */
  readonly direction: 'pickup' | 'delivery' | 'unknown';
  /** DTM+132 (expected arrival) and any window end (DTM+133), ISO 8601 UTC. */
  readonly windowFrom?: string;
  readonly windowUntil?: string;
}

/** A terminal's TOS reports a discharge off a vessel (COARRI BGM+44); maps onto `DischargeContainer`. */
export interface Discharge extends BoxFields {
  readonly kind: 'Discharge';
  readonly source: IntentSource;
  readonly vessel: VesselCallRef;
  /** DTM+203 (execution), ISO 8601 UTC. */
  readonly at: string;
  readonly stowage?: StowageCell;
  /** LOC+147 as sent, when it is not a bay-row-tier cell (kept, not refused: the move is what counts). */
  readonly stowageAsSent?: string;
  readonly line?: string;
  readonly bookingReference?: string;
}

/** A terminal's TOS reports a load onto a vessel (COARRI BGM+46); maps onto `LoadContainer`. */
export interface Load extends BoxFields {
  readonly kind: 'Load';
  readonly source: IntentSource;
  readonly vessel: VesselCallRef;
  readonly at: string;
  readonly stowage?: StowageCell;
  /** LOC+147 as sent, when it is not a bay-row-tier cell (kept, not refused: the move is what counts). */
  readonly stowageAsSent?: string;
  readonly line?: string;
  readonly bookingReference?: string;
}

/** A gate move reported by a TOS (CODECO BGM+34 gate-in, BGM+36 gate-out). */
export interface GateIn extends BoxFields {
  readonly kind: 'GateIn';
  readonly source: IntentSource;
  readonly at: string;
  readonly truckPlate?: string;
  readonly line?: string;
  readonly bookingReference?: string;
}

export interface GateOut extends BoxFields {
  readonly kind: 'GateOut';
  readonly source: IntentSource;
  readonly at: string;
  readonly truckPlate?: string;
  readonly line?: string;
  readonly bookingReference?: string;
}

/** Every intent a message can carry, discriminated on `kind`. */
export type EdiIntent =
  | AnnounceBox
  | IssueReleaseIntent
  | NominateTruck
  | Discharge
  | Load
  | GateIn
  | GateOut;
export type EdiIntentKind = EdiIntent['kind'];

/** The stable codes of a message's refusal. */
export const messageRefusalCodes = [
  /** A message type the mappers do not take (VERMAS, COHAOR, ORDERS, COPRAR …). */
  'edi.unsupported_message',
  /** A known type in a directory version or association code the mapper does not take. */
  'edi.unsupported_version',
  /** A segment tag the message's guide does not have at all. */
  'edi.unknown_segment',
  /** A segment the guide has, but not at this place (out of order, or too many). */
  'edi.segment_out_of_place',
  /** A segment the mapper needs is missing (no BGM, no TDT+20 for a vessel message, no EQD …). */
  'edi.missing_segment',
  /** A data element the mapper needs is missing or empty. */
  'edi.missing_element',
  /** A code the guide does not list at that place (BGM document code, EQD full/empty …). */
  'edi.bad_code',
  /** A container number that is not ISO 6346 or whose check digit is wrong. */
  'edi.container_number',
  /** A size-type code that is not ISO 6346 (1995, or the 1984 numeric form). */
  'edi.size_type',
  /** A date/time that is not one of the formats the guide allows (DTM 2379: 102, 203, 204) or not a real date. */
  'edi.bad_datetime',
  /** A number (mass, cell) that is not one. */
  'edi.bad_number',
  /** The CNT control total does not match the message's content. */
  'edi.bad_control_total',
] as const;
export type MessageRefusalCode = (typeof messageRefusalCodes)[number];

/** Why a message is refused, and at which segment. */
export interface MessageRefusal {
  readonly code: MessageRefusalCode;
  /** A sentence for the partner's EDI desk, naming the segment and the value. */
  readonly reason: string;
  readonly position: SegmentPosition;
  readonly messageRef: string;
  readonly messageType: string;
}

/** The mappers' answer for one message: every intent, or the refusals (at most {@link MAX_REFUSALS}). */
export type MapResult =
  | { readonly ok: true; readonly messageType: EdiMessageType; readonly intents: readonly EdiIntent[] }
  | {
      readonly ok: false;
      /** The first refusal, in segment order. */
      readonly refusal: MessageRefusal;
      /** Every refusal found, in segment order (the first is `refusal`), so a partner can fix them at once. */
      readonly refusals: readonly MessageRefusal[];
    };

/** A message is refused whole; the mapper keeps looking for further faults up to this many. */
export const MAX_REFUSALS = 50;

/** What the caller may tell the mappers. */
export interface MapOptions {
  /**
   * The UN/LOCODE of this terminal's port. When given, a BAPLIE announces only the boxes to be discharged here
   * (LOC+11 equals it); the others stay on board and are not PortLedger's. When absent, every box is announced.
   */
  readonly portOfCall?: string;
  /**
   * The IANA time zone of the terminal (e.g. `Europe/Brussels`): the SMDG guides send local times, which the mappers
   * turn into UTC instants in this zone. UTC when absent; `mapMessage` throws a RangeError for a zone the runtime
   * does not know (see `isKnownTimeZone`), since that is a setting to fix, not a message to refuse.
   */
  readonly timeZone?: string;
}
