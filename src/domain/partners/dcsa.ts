/**
 * Our visit events as DCSA Track & Trace equipment events (issue 16): the one mapping table, and the serialisers of
 * one mapped event to the T&T 2.2 (`/v2/events`) and T&T 3.0 (`/v3/events`) shapes. Pure: the caller gives the
 * event's DCSA id (a UUID derived from our event id) and the terminals' locations.
 *
 * Need-to-know is part of the mapping, not only of the read: `eventLocation` is the terminal (UN/LOCODE and facility
 * code), never the yard slot, so no partner of any kind receives a position through DCSA; police holds, line and
 * terminal holds and the reasons of any hold are never mapped (a police hold must not tip off a suspect, and
 * "selected for scan" tells a smuggler to stay away, MISSION §2).
 */

import type { JsonObject } from '../json.js';
import type { FullEmpty, HoldKind, VisitEvent, VisitFactEventType, VisitView } from '../visits/index.js';

/** DCSA equipment event type codes we produce: T&T 2.2 codes and the T&T 3.0 customs codes. */
export type PartnerEquipmentEventCode = 'DISC' | 'GTIN' | 'GTOT' | 'LOAD' | 'CUSI' | 'CUSR';

/** The codes DCSA T&T 2.2 knows (`equipmentEventTypeCode` enum of TNT_v2.2.0): a 2.2 response holds only these. */
export const TNT_22_EQUIPMENT_CODES: readonly PartnerEquipmentEventCode[] = ['LOAD', 'DISC', 'GTIN', 'GTOT'];

/**
 * THE mapping table: which of our events is which DCSA equipment event. A row names the event type, optionally the
 * hold kind it applies to, and the code. An event no row matches is not published.
 *
 * Customs holds (T&T 3.0 `equipmentEventTypeCode`): a customs hold placed is `CUSI` ("Customs Selected for
 * Inspection"): the hold keeps the box until customs has inspected it, which is what a hold means here. `CUSS`
 * ("Customs Selected for Scan") is never produced: telling a scan from a physical inspection would need the hold's
 * reason, which no line, forwarder or haulier may learn (see `redactVisitView`). A customs hold lifted is `CUSR`
 * ("Customs Released"). T&T 2.2's `equipmentEventTypeCode` is a closed enum without these codes, and its deprecated
 * `eventTypeCode` is limited to LOAD/DISC/GTIN/GTOT/STUF/STRP, so 2.2 has no way to carry them: `/v2/events` leaves
 * them out and `/v3/events` carries them.
 */
export const DCSA_EQUIPMENT_EVENT_MAP: readonly {
  readonly type: VisitFactEventType;
  readonly holdKind?: HoldKind;
  readonly code: PartnerEquipmentEventCode;
}[] = [
  { type: 'ContainerDischarged', code: 'DISC' },
  { type: 'ContainerGatedIn', code: 'GTIN' },
  { type: 'ContainerGatedOut', code: 'GTOT' },
  { type: 'ContainerLoaded', code: 'LOAD' },
  { type: 'HoldPlaced', holdKind: 'customs', code: 'CUSI' },
  { type: 'HoldLifted', holdKind: 'customs', code: 'CUSR' },
];

/** The DCSA code of one of our events (by the table), or `undefined` when it is not published. */
export function partnerEquipmentEventCode(event: VisitEvent): PartnerEquipmentEventCode | undefined {
  const holdKind = event.type === 'HoldPlaced' || event.type === 'HoldLifted' ? event.kind : undefined;
  return DCSA_EQUIPMENT_EVENT_MAP.find(
    (row) => row.type === event.type && (row.holdKind === undefined || row.holdKind === holdKind),
  )?.code;
}

/** Where a terminal is, as DCSA names a place: UN/LOCODE (UNECE Rec. 16) and a facility code (SMDG list). */
export interface TerminalLocation {
  readonly unLocode: string;
  readonly facilityCode: string;
}

/** One mapped event, version-neutral: what `partner_event.payload` holds and the serialisers read. */
export interface PartnerEquipmentEvent {
  readonly eventId: string;
  readonly equipmentEventTypeCode: PartnerEquipmentEventCode;
  /** When we recorded it (our `recordedAt`). */
  readonly eventCreatedDateTime: string;
  /** When it happened (the event's `at`). */
  readonly eventDateTime: string;
  readonly equipmentReference: string;
  /** ISO 6346 size-type code. */
  readonly isoEquipmentCode: string;
  readonly emptyIndicatorCode: 'EMPTY' | 'LADEN';
  /** The terminal it happened at (our code); `null` when the event names none (a hold on an announced box). */
  readonly terminal: string | null;
  readonly line: string;
  readonly location: TerminalLocation | null;
  /** The vessel call of a discharge or load (DCSA transport call). */
  readonly vesselCall: string | null;
  readonly carrierBookingReference: string | null;
  readonly transportDocumentReference: string | null;
  /** For a void: the DCSA id of the event it retracts. The other fields are those of the retracted event. */
  readonly retractedEventId: string | null;
}

/** What mapping one event needs besides the event itself. */
export interface PartnerMappingContext {
  /** The DCSA `eventID` of this event (a UUID derived from our event id). */
  readonly eventId: string;
  /** Our `recordedAt` of this event. */
  readonly recordedAt: string;
  /** The visit as it stands after the event (box, line, size-type, bookings). */
  readonly visit: Pick<
    VisitView,
    | 'containerNumber'
    | 'line'
    | 'sizeType'
    | 'fullEmpty'
    | 'slot'
    | 'carrierBookingReference'
    | 'transportDocumentReference'
  >;
  /** The UN/LOCODE and facility code of a terminal, when configured. */
  readonly locationOf: (terminal: string) => TerminalLocation | undefined;
  /**
   * For a void: the voided event and its DCSA id. A void of an event the table does not publish is not published
   * either.
   */
  readonly voided?: { readonly event: VisitEvent; readonly eventId: string };
}

const emptyIndicator = (fullEmpty: FullEmpty): 'EMPTY' | 'LADEN' =>
  fullEmpty === 'empty' ? 'EMPTY' : 'LADEN';

/** The terminal an event happened at: where it put the box, where it took it from, else where the box stands. */
function terminalOf(event: VisitEvent, visit: PartnerMappingContext['visit']): string | null {
  switch (event.type) {
    case 'ContainerDischarged':
    case 'ContainerGatedIn':
      return event.slot.terminal;
    case 'ContainerGatedOut':
    case 'ContainerLoaded':
      return event.from.terminal;
    default:
      return visit.slot?.terminal ?? null;
  }
}

/**
 * One of our visit events as a DCSA equipment event, or `undefined` when the table does not publish it.
 *
 * @example
 * ```ts
 * mapVisitEvent(discharged, { eventId, recordedAt, visit, locationOf }); // { equipmentEventTypeCode: 'DISC', … }
 * ```
 */
export function mapVisitEvent(
  event: VisitEvent,
  context: PartnerMappingContext,
): PartnerEquipmentEvent | undefined {
  const { visit } = context;
  // A void publishes the retraction of the event it voids: that event's code, place and vessel call.
  const subject = event.type === 'EventVoided' ? context.voided?.event : event;
  if (subject === undefined || subject.type === 'EventVoided') return undefined;
  const code = partnerEquipmentEventCode(subject);
  if (code === undefined) return undefined;
  const terminal = terminalOf(subject, visit);
  const vesselCall =
    subject.type === 'ContainerDischarged' || subject.type === 'ContainerLoaded' ? subject.vesselCall : null;
  return {
    eventId: context.eventId,
    equipmentEventTypeCode: code,
    eventCreatedDateTime: context.recordedAt,
    eventDateTime: event.at,
    equipmentReference: visit.containerNumber,
    isoEquipmentCode: visit.sizeType,
    emptyIndicatorCode: emptyIndicator(visit.fullEmpty),
    terminal,
    line: visit.line,
    location: terminal === null ? null : (context.locationOf(terminal) ?? null),
    vesselCall,
    carrierBookingReference: visit.carrierBookingReference ?? null,
    transportDocumentReference: visit.transportDocumentReference ?? null,
    retractedEventId: event.type === 'EventVoided' ? (context.voided?.eventId ?? null) : null,
  };
}

const withOptional = <T extends object>(present: boolean, value: T): T | Record<string, never> =>
  present ? value : {};

/**
 * One mapped event in the T&T 2.2 `equipmentEvent` shape (TNT_v2.2.0 `components.schemas.equipmentEvent`), or
 * `undefined` when 2.2 cannot say it: a customs code (not in 2.2's enum) or a retraction (2.2 has no retraction;
 * `/v2/events` leaves the retracted event out instead).
 */
export function toTnt22Event(event: PartnerEquipmentEvent): JsonObject | undefined {
  if (event.retractedEventId !== null) return undefined;
  if (!TNT_22_EQUIPMENT_CODES.includes(event.equipmentEventTypeCode)) return undefined;
  const documentReferences = [
    ...(event.carrierBookingReference === null
      ? []
      : [{ documentReferenceType: 'BKG', documentReferenceValue: event.carrierBookingReference }]),
    ...(event.transportDocumentReference === null
      ? []
      : [{ documentReferenceType: 'TRD', documentReferenceValue: event.transportDocumentReference }]),
  ];
  return {
    eventID: event.eventId,
    eventCreatedDateTime: event.eventCreatedDateTime,
    eventType: 'EQUIPMENT',
    // DCSA: ACT = actual; we publish what happened, never plans or estimates.
    eventClassifierCode: 'ACT',
    eventDateTime: event.eventDateTime,
    equipmentEventTypeCode: event.equipmentEventTypeCode,
    equipmentReference: event.equipmentReference,
    ISOEquipmentCode: event.isoEquipmentCode,
    emptyIndicatorCode: event.emptyIndicatorCode,
    ...withOptional(event.location !== null, {
      eventLocation: {
        UNLocationCode: event.location?.unLocode ?? '',
        facilityCode: event.location?.facilityCode ?? '',
        facilityCodeListProvider: 'SMDG',
      },
    }),
    ...withOptional(event.vesselCall !== null, {
      transportCall: {
        transportCallID: event.vesselCall ?? '',
        modeOfTransport: 'VESSEL',
        ...withOptional(event.location !== null, {
          UNLocationCode: event.location?.unLocode ?? '',
          facilityCode: event.location?.facilityCode ?? '',
          facilityCodeListProvider: 'SMDG',
        }),
      },
    }),
    ...withOptional(documentReferences.length > 0, { documentReferences }),
  } as JsonObject;
}

/**
 * One mapped event in the T&T 3.0 `Event` shape (TNT_v3.0.0 `components.schemas.Event`). A void is the retracted
 * event's id with `isRetracted: true` (T&T 3.0: "all previously transmitted events with the same eventID must be
 * discarded"), stamped with the void's own time as `eventUpdatedDateTime`.
 */
export function toTnt30Event(event: PartnerEquipmentEvent): JsonObject {
  if (event.retractedEventId !== null) {
    return {
      eventID: event.retractedEventId,
      isRetracted: true,
      eventUpdatedDateTime: event.eventCreatedDateTime,
    };
  }
  const documentReferences = [
    ...(event.carrierBookingReference === null
      ? []
      : [{ typeCode: 'BKG', reference: event.carrierBookingReference }]),
    ...(event.transportDocumentReference === null
      ? []
      : [{ typeCode: 'TRD', reference: event.transportDocumentReference }]),
  ];
  const [documentReference, ...additionalDocumentReferences] = documentReferences;
  return {
    eventID: event.eventId,
    isRetracted: false,
    eventDateTime: event.eventDateTime,
    eventUpdatedDateTime: event.eventCreatedDateTime,
    ...withOptional(event.location !== null, {
      eventLocation: {
        UNLocationCode: event.location?.unLocode ?? '',
        facility: { facilityCode: event.location?.facilityCode ?? '', facilityCodeListProvider: 'SMDG' },
      },
    }),
    eventClassification: {
      eventTypeCode: 'EQUIPMENT',
      eventClassifierCode: 'ACT',
      equipmentEventTypeCode: event.equipmentEventTypeCode,
    },
    equipmentDetails: {
      equipmentReference: event.equipmentReference,
      ISOEquipmentCode: event.isoEquipmentCode,
      emptyIndicatorCode: event.emptyIndicatorCode,
    },
    ...withOptional(documentReference !== undefined, {
      shipmentDetails: {
        documentReference,
        ...withOptional(additionalDocumentReferences.length > 0, { additionalDocumentReferences }),
      },
    }),
    ...withOptional(event.vesselCall !== null, {
      transportDetails: {
        transportCall: { transportCallReference: event.vesselCall ?? '', modeOfTransport: 'VESSEL' },
      },
    }),
  } as JsonObject;
}
