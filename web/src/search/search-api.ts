/** `GET /v1/search` (issue 14): the boxes one search finds, within the caller's need-to-know. */
import { apiGet } from '../api.js';

/** The five keys a box is found by, as the server names what matched. */
export type SearchKey =
  | 'containerNumber'
  | 'transportDocumentReference'
  | 'carrierBookingReference'
  | 'vesselCall'
  | 'truckPlate';

export interface SearchMatch {
  matched: SearchKey[];
  visit: {
    visitRef: string;
    containerNumber: string;
    status: string;
    line: string;
    sizeType: string;
    arrival: { mode: 'vessel'; vesselCall: string } | { mode: 'truck' };
    transportDocumentReference?: string;
    carrierBookingReference?: string;
    slotText?: string | null;
    onHold: boolean;
  };
}

export interface SearchPage {
  matches: SearchMatch[];
  nextCursor: string | null;
}

export function searchBoxes(query: string, cursor?: string | null): Promise<SearchPage> {
  const params = new URLSearchParams({ q: query, limit: '20' });
  if (cursor) params.set('cursor', cursor);
  return apiGet<SearchPage>(`/v1/search?${params}`);
}

/**
 * Where one search answer leads straight to, if anywhere: the container page when every match is the same box by
 * its number (its visits over the years; the page shows the current one), the visit when there is one match and no
 * more to come. Otherwise the list of matches.
 */
export function straightTo(page: SearchPage): string | undefined {
  if (page.nextCursor !== null || page.matches.length === 0) return undefined;
  const numbers = new Set(page.matches.map((match) => match.visit.containerNumber));
  const byNumber = page.matches.every((match) => match.matched.includes('containerNumber'));
  if (byNumber && numbers.size === 1) return `/containers/${encodeURIComponent([...numbers][0]!)}`;
  if (page.matches.length === 1) return `/visits/${encodeURIComponent(page.matches[0]!.visit.visitRef)}`;
  return undefined;
}
