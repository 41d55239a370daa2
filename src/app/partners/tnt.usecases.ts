/**
 * DCSA Track & Trace for partners' systems (issue 16): the equipment events of the visits the caller may see, as
 * T&T 2.2 (`GET /v2/events`) or T&T 3.0 (`GET /v3/events`). Need-to-know is exactly `/v1`'s (`visitVisibility`),
 * said as a scope the store puts in its query, so a page is one range read in log order and never a scan of boxes
 * the caller may not see. No partner ever receives a yard position: the mapping puts the terminal, not the slot, in
 * `eventLocation` (`src/domain/partners`).
 */
import {
  mayDo,
  type PartnerEquipmentEvent,
  type Principal,
  TNT_22_EQUIPMENT_CODES,
  toTnt22Event,
  toTnt30Event,
} from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { JsonObject, LedgerStore } from '../ports.js';
import {
  PARTNER_EVENT_PAGE_MAX,
  type PartnerEventQuery,
  type PartnerEventScope,
  type PartnerEventTimeBound,
} from './partners.ports.js';

/** DCSA T&T 2.2 `limit` default (TNT_v2.2.0 `/v2/events` parameter `limit`: default 100, minimum 1). */
export const TNT_PAGE_DEFAULT = 100;
/**
 * The most events one page holds; a larger `limit` is refused rather than silently cut. One less than the store's
 * page: the query reads one row more to know whether a next page exists.
 */
export const TNT_PAGE_MAX = PARTNER_EVENT_PAGE_MAX - 1;

/** The DCSA event types (T&T 2.2 `eventType`, 3.0 `eventTypes`); we produce only equipment events. */
export const TNT_EVENT_TYPES = ['SHIPMENT', 'TRANSPORT', 'EQUIPMENT'] as const;
export const TNT_30_EVENT_TYPES = ['SHIPMENT', 'TRANSPORT', 'EQUIPMENT', 'IOT', 'REEFER'] as const;

/**
 * Which rows of `partner_event` the principal may see: `visitVisibility` (src/domain/access/visibility.ts) said as
 * a condition. Terminal staff with positions: their terminals' boxes; customs and police: every box; a line: its
 * own boxes and those whose release right it holds or held; a forwarder or haulier: the boxes whose release right
 * it holds or held; port administration: none.
 */
export function partnerEventScope(principal: Principal): PartnerEventScope {
  if (!mayDo(principal, 'visit.read')) return { kind: 'none' };
  switch (principal.orgKind) {
    case 'terminal_operator':
      return mayDo(principal, 'visit.position.read')
        ? { kind: 'terminals', terminals: [...(principal.terminals ?? [])] }
        : { kind: 'none' };
    case 'customs':
    case 'port_police':
      return { kind: 'all' };
    case 'shipping_line':
      return { kind: 'parties', line: principal.orgCode, releasePartyOrgId: principal.orgId };
    case 'forwarder':
    case 'haulier':
      return { kind: 'parties', releasePartyOrgId: principal.orgId };
    case 'port_administration':
      return { kind: 'none' };
  }
}

/** The filters of one listing, as the routes parsed them; a cursor carries them to the next page. */
export interface TntFilters {
  readonly equipmentReference?: string;
  /** DCSA event types asked for; absent: all. */
  readonly eventTypes?: readonly string[];
  /** T&T 2.2 `equipmentEventTypeCode` (any of). */
  readonly equipmentEventTypeCodes?: readonly string[];
  readonly eventCreatedDateTime?: readonly PartnerEventTimeBound[];
  readonly carrierBookingReference?: string;
  readonly transportDocumentReference?: string;
}

export type TntVersion = '2.2' | '3.0';

export interface TntPage {
  readonly events: JsonObject[];
  /** The audit index the next page starts after; null on the last page. */
  readonly nextAfter: number | null;
}

/**
 * An instant as the rows hold it (ISO 8601 UTC with milliseconds), from an RFC 3339 date-time with any offset;
 * 400 `input.invalid` otherwise.
 */
export function tntInstant(value: string, parameter: string): string {
  // RFC 3339 §5.6 date-time (a space for `T` as DCSA's own example writes it).
  const shape = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
  const time = shape.test(value) ? Date.parse(value.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new AppError('input.invalid', `${parameter} is not an RFC 3339 date-time`, { [parameter]: value });
  }
  return new Date(time).toISOString();
}

/**
 * One page of the events the principal may see, in log order, as T&T `version` shapes them.
 *
 * T&T 2.2 has neither the customs codes nor retractions (its `equipmentEventTypeCode` is a closed enum), so a 2.2
 * page holds the LOAD/DISC/GTIN/GTOT events still in force; T&T 3.0 holds every published event and each
 * retraction (`isRetracted`). Both filters are in the store's query, so a page is full unless it is the last.
 */
export async function listTntEvents(
  store: Pick<LedgerStore, 'partnerEvents'>,
  principal: Principal,
  version: TntVersion,
  filters: TntFilters,
  page: { readonly limit: number; readonly after?: number },
): Promise<TntPage> {
  const limit = Math.min(Math.max(Math.trunc(page.limit), 1), TNT_PAGE_MAX);
  if (filters.eventTypes !== undefined && !filters.eventTypes.includes('EQUIPMENT')) {
    // Shipment, transport, IoT and reefer events are a carrier's or a device's to publish, not a terminal's.
    return { events: [], nextAfter: null };
  }
  const codes =
    version === '2.2'
      ? (filters.equipmentEventTypeCodes ?? TNT_22_EQUIPMENT_CODES).filter((code) =>
          (TNT_22_EQUIPMENT_CODES as readonly string[]).includes(code),
        )
      : filters.equipmentEventTypeCodes;
  const query: PartnerEventQuery = {
    scope: partnerEventScope(principal),
    ...(filters.equipmentReference === undefined ? {} : { equipmentReference: filters.equipmentReference }),
    ...(codes === undefined ? {} : { equipmentEventTypeCodes: codes }),
    ...(filters.eventCreatedDateTime === undefined
      ? {}
      : { eventCreatedDateTime: filters.eventCreatedDateTime }),
    ...(filters.carrierBookingReference === undefined
      ? {}
      : { carrierBookingReference: filters.carrierBookingReference }),
    ...(filters.transportDocumentReference === undefined
      ? {}
      : { transportDocumentReference: filters.transportDocumentReference }),
    ...(version === '2.2' ? { current: true } : {}),
    ...(page.after === undefined ? {} : { afterIndex: page.after }),
    // One more than the page: whether a next page exists, without counting.
    limit: limit + 1,
  };
  const rows = await store.partnerEvents.list(query);
  const shown = rows.slice(0, limit);
  const events = shown.flatMap((row) => {
    const event = row.payload as unknown as PartnerEquipmentEvent;
    const shaped = version === '2.2' ? toTnt22Event(event) : toTnt30Event(event);
    return shaped === undefined ? [] : [shaped];
  });
  return { events, nextAfter: rows.length > limit ? (shown.at(-1)?.auditIndex ?? null) : null };
}
