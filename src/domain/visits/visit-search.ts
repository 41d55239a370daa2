/**
 * What a box is found by (issue 14): its container number, the bill of lading and carrier booking its line named
 * (DCSA `transportDocumentReference`, `carrierBookingReference`), the vessel call it came or left on, and the truck
 * that brought it, was booked to collect it or took it away. People type these as they read them off a document or
 * a truck — `msc-ab 123`, `1-ABC-123` — so every key is compared in one search form: Unicode NFKC, without spaces,
 * dashes, dots, slashes or middle dots, in capitals. Truck plates are kept that way by the booking already
 * (`normaliseTruckPlate`), so the same plate matches whichever record it comes from.
 */
import { parseContainerNumber } from './container-number.js';
import type { VisitState } from './visit.js';

/** The five keys, in the order a search names what matched. */
export const SEARCH_KEYS = [
  'containerNumber',
  'transportDocumentReference',
  'carrierBookingReference',
  'vesselCall',
  'truckPlate',
] as const;

/** One key a box is found by. */
export type SearchKey = (typeof SEARCH_KEYS)[number];

// Whitespace, any dash (Unicode Pd), dots, slashes and the middle dot some plates carry.
const SEPARATORS = /[\s\p{Pd}./\\·]/gu;
/** Longer than any key a visit holds (a carrier booking is at most 35 characters): nothing longer can match. */
export const MAX_SEARCH_TEXT = 64;

/**
 * The search form of a key or a query: NFKC, separators dropped, in capitals; `undefined` when nothing is left or
 * it is longer than any key.
 *
 * @example
 * ```ts
 * searchText(' 1-abc-123 '); // '1ABC123'
 * searchText('MSC ANNA / 042W'); // 'MSCANNA042W'
 * ```
 */
export function searchText(value: string): string | undefined {
  const text = value.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
  return text.length === 0 || text.length > MAX_SEARCH_TEXT ? undefined : text;
}

/**
 * What one visit is found by besides its container number, each in search form, `null` where the visit has none.
 * The booking's truck is not the visit's: it is the appointment's (`driver_job`), found there.
 */
export type VisitSearchKeys = {
  readonly transportDocumentReference: string | null;
  readonly carrierBookingReference: string | null;
  readonly arrivalVesselCall: string | null;
  readonly departureVesselCall: string | null;
  readonly arrivalTruckPlate: string | null;
  readonly departureTruckPlate: string | null;
};

/** The search key of each field, in the order {@link VisitSearchKeys} lists them. */
export const VISIT_SEARCH_FIELDS: { readonly [F in keyof VisitSearchKeys]: SearchKey } = {
  transportDocumentReference: 'transportDocumentReference',
  carrierBookingReference: 'carrierBookingReference',
  arrivalVesselCall: 'vesselCall',
  departureVesselCall: 'vesselCall',
  arrivalTruckPlate: 'truckPlate',
  departureTruckPlate: 'truckPlate',
};

const formOf = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : (searchText(value) ?? null);

/**
 * The search keys of a visit, from its folded facts; `undefined` when it has none (an empty stream, or a box
 * announced by truck with no document and not yet arrived), so that such a visit's read-model row is what it was
 * before search existed.
 *
 * @example
 * ```ts
 * visitSearchKeys(state)?.arrivalVesselCall; // 'MSCANNA042W'
 * ```
 */
export function visitSearchKeys(state: VisitState): VisitSearchKeys | undefined {
  const visit = state.visit;
  if (visit === null) return undefined;
  return searchKeysOrNone({
    transportDocumentReference: formOf(visit.transportDocumentReference),
    carrierBookingReference: formOf(visit.carrierBookingReference),
    arrivalVesselCall: visit.arrival.mode === 'vessel' ? formOf(visit.arrival.vesselCall) : null,
    departureVesselCall: visit.departure?.mode === 'vessel' ? formOf(visit.departure.vesselCall) : null,
    arrivalTruckPlate: formOf(visit.gateInTruckPlate),
    departureTruckPlate: visit.departure?.mode === 'truck' ? formOf(visit.departure.truckPlate) : null,
  });
}

/**
 * `keys`, or `undefined` when every key is `null`: one rule for the writer and for the store that reads the row
 * back, so that the integrity watch compares like with like.
 */
export function searchKeysOrNone(keys: VisitSearchKeys): VisitSearchKeys | undefined {
  return Object.values(keys).every((value) => value === null) ? undefined : keys;
}

/** A query as the store looks it up: its search form, and the container number it is, when it is one. */
export type SearchQuery = { readonly text: string; readonly containerNumber: string | null };

/**
 * A query typed into the search box, in the forms the store compares; `undefined` when nothing searchable is left
 * (only separators, or longer than any key). A container number is one only with its right check digit (ISO 6346):
 * anything else is still looked up as the other four keys.
 *
 * @example
 * ```ts
 * searchQueryOf('mscu 123456-6'); // { text: 'MSCU1234566', containerNumber: 'MSCU1234566' }
 * searchQueryOf('1-ABC-123'); // { text: '1ABC123', containerNumber: null }
 * ```
 */
export function searchQueryOf(query: string): SearchQuery | undefined {
  const text = searchText(query);
  if (text === undefined) return undefined;
  let containerNumber: string | null = null;
  try {
    containerNumber = parseContainerNumber(text).text;
  } catch {
    containerNumber = null;
  }
  return { text, containerNumber };
}

/**
 * Which keys of a visit match a query, in {@link SEARCH_KEYS} order: its own number and keys, and the truck of its
 * booking when the caller has it (`bookedTruckPlate`, already in search form).
 *
 * @example
 * ```ts
 * matchedKeys(query, { containerNumber: 'MSCU1234566', keys, bookedTruckPlate: null }); // ['containerNumber']
 * ```
 */
export function matchedKeys(
  query: SearchQuery,
  visit: {
    readonly containerNumber: string;
    readonly keys: VisitSearchKeys | undefined;
    readonly bookedTruckPlate: string | null;
  },
): SearchKey[] {
  const matched = new Set<SearchKey>();
  if (query.containerNumber !== null && visit.containerNumber === query.containerNumber) {
    matched.add('containerNumber');
  }
  for (const [field, key] of Object.entries(VISIT_SEARCH_FIELDS)) {
    if (visit.keys?.[field as keyof VisitSearchKeys] === query.text) matched.add(key);
  }
  if (visit.bookedTruckPlate === query.text) matched.add('truckPlate');
  return SEARCH_KEYS.filter((key) => matched.has(key));
}
