/**
 * The `partner_event` rows of a visit command's events (issue 16): each event the DCSA mapping table publishes
 * (`src/domain/partners`), as a row written in the same transaction as the event, so that `/v2/events`, `/v3/events`
 * and the subscription outbox never see an event the log does not hold, nor miss one it does.
 */
import { sha256 } from '../../audit/index.js';
import {
  mapVisitEvent,
  type TerminalLocation,
  type VisitEvent,
  type VisitView,
  type YardLayout,
} from '../../domain/index.js';
import type { PartnerEventRow } from '../partners/partners.ports.js';
import type { JsonObject, StoredEvent } from '../ports.js';

/** Fixed name-space of the derived ids: changing it would change every eventID partners already hold. */
const EVENT_ID_NAMESPACE = 'portledger:dcsa:event:';

/**
 * The DCSA `eventID` of one of our events: a name-based UUID version 8 (RFC 9562 §5.8, with SHA-256 as in its
 * appendix B.2) of our event id. Stable (a rebuild gives the same id), unique as our ids are, and not our id itself,
 * which stays an internal key.
 */
export function dcsaEventId(eventId: string): string {
  const bytes = sha256(new TextEncoder().encode(EVENT_ID_NAMESPACE + eventId)).slice(0, 16);
  bytes[6] = 0x80 | (bytes[6]! & 0x0f); // version 8
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The UN/LOCODE and facility code of each configured terminal that has them. */
export function terminalLocations(
  terminals: ReadonlyMap<string, YardLayout>,
): (terminal: string) => TerminalLocation | undefined {
  return (terminal) => {
    const layout = terminals.get(terminal);
    return layout?.unLocode && layout.facilityCode
      ? { unLocode: layout.unLocode, facilityCode: layout.facilityCode }
      : undefined;
  };
}

const visitEventOf = (stored: StoredEvent): VisitEvent =>
  ({ ...stored.data, type: stored.type }) as unknown as VisitEvent;

/**
 * The rows of `events`, just appended to a visit stream whose earlier events are `history`, the visit standing as
 * `view` after them. A void names an earlier event by stream version; it is looked up in `history` or `events`.
 */
export function partnerEventRowsOf(input: {
  readonly visitRef: string;
  readonly history: readonly StoredEvent[];
  readonly events: readonly StoredEvent[];
  readonly view: VisitView;
  readonly locationOf: (terminal: string) => TerminalLocation | undefined;
}): PartnerEventRow[] {
  const { visitRef, history, events, view, locationOf } = input;
  const atVersion = (version: number) =>
    history[version - 1] ?? events.find((event) => event.streamVersion === version);
  const rows: PartnerEventRow[] = [];
  for (const stored of events) {
    const event = visitEventOf(stored);
    const voidedStored = event.type === 'EventVoided' ? atVersion(event.voidedVersion) : undefined;
    const mapped = mapVisitEvent(event, {
      eventId: dcsaEventId(stored.eventId),
      recordedAt: stored.recordedAt,
      visit: view,
      locationOf,
      ...(voidedStored
        ? { voided: { event: visitEventOf(voidedStored), eventId: dcsaEventId(voidedStored.eventId) } }
        : {}),
    });
    if (mapped === undefined) continue;
    rows.push({
      auditIndex: stored.index,
      eventId: mapped.eventId,
      visitRef,
      line: mapped.line,
      terminal: mapped.terminal,
      eventKind: 'EQUIPMENT',
      equipmentEventTypeCode: mapped.equipmentEventTypeCode,
      eventCreatedDateTime: mapped.eventCreatedDateTime,
      eventDateTime: mapped.eventDateTime,
      equipmentReference: mapped.equipmentReference,
      carrierBookingReference: mapped.carrierBookingReference,
      transportDocumentReference: mapped.transportDocumentReference,
      retractedEventId: mapped.retractedEventId,
      payload: mapped as unknown as JsonObject,
    });
  }
  return rows;
}
