/**
 * One search box (issue 14): a box is found by its container number, bill of lading, carrier booking, vessel call or
 * truck plate, within the caller's need-to-know. The store finds the visits one of whose keys equals the query; each
 * is then judged exactly as a read of that visit is (`visibilityOf`), and one the caller may not see is left out
 * silently, so a search for another party's box answers what a search for no box answers.
 */
import { mayDo, type Principal, type SearchKey, searchQueryOf } from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { LedgerReads } from '../ports.js';
import { type ShownVisit, shownVisit, visibilityOf } from './visit-access.usecases.js';

/** Matches on one page when the caller names no limit, and the most one page holds. */
export const SEARCH_PAGE_DEFAULT = 20;
export const SEARCH_PAGE_MAX = 100;
/**
 * How many visits one search request examines at most, as a multiple of the page size: a vessel call names every
 * box of the ship, and a line's clerk may see a few of them. The answer then says where to go on (`next`).
 */
const SCAN_FACTOR = 10;

/** A box the search found, as the caller may see it, and which of its keys equal the query. */
export interface SearchMatch {
  readonly visit: ShownVisit;
  readonly matched: readonly SearchKey[];
}

/**
 * The visits matching `query` that the principal may see, in visit reference order, each redacted as a read of it
 * would be. `next` is the last visit examined when more may follow (pass it as `after`), `null` at the end; a page
 * may hold fewer matches than `limit` and still have a next one, when the visits examined were not the caller's.
 * A query with nothing searchable in it (only spaces or dashes, or longer than any key) is `input.invalid`.
 *
 * @example
 * ```ts
 * const { matches } = await searchVisibleVisits(store, lineClerk, { query: 'MSCUAB123456' });
 * matches[0]?.matched; // ['transportDocumentReference']
 * ```
 */
export async function searchVisibleVisits(
  reads: LedgerReads,
  principal: Principal,
  input: {
    query: string;
    limit?: number;
    after?: string;
    /** Whether the caller may read pickup appointments; by its roles and session when not said (a token's list caps it). */
    readsAppointments?: boolean;
  },
): Promise<{ matches: SearchMatch[]; next: string | null }> {
  const query = searchQueryOf(input.query);
  if (query === undefined) {
    throw new AppError(
      'input.invalid',
      'type a container number, bill of lading, booking, vessel call or truck plate',
      { field: 'q' },
    );
  }
  const limit = Math.min(Math.max(Math.trunc(input.limit ?? SEARCH_PAGE_DEFAULT), 1), SEARCH_PAGE_MAX);
  // A truck plate finds the boxes a truck brings, takes or is booked to collect: pickup facts, which only a caller who
  // may read appointments sees (issue 14's outside attacker found the boxes a truck would collect with a keylogged
  // customs password). For anyone else the plate finds nothing, as a plate of no truck would.
  const byPlate = input.readsAppointments ?? mayDo(principal, 'appointment.read');
  const matches: SearchMatch[] = [];
  let after = input.after;
  let examined = 0;
  while (examined < limit * SCAN_FACTOR) {
    const hits = await reads.searchVisits({ ...query, ...(after === undefined ? {} : { after }), limit });
    for (const hit of hits) {
      examined += 1;
      after = hit.visit.visitRef;
      const matched = byPlate ? hit.matched : hit.matched.filter((key) => key !== 'truckPlate');
      const visibility = matched.length === 0 ? 'none' : await visibilityOf(reads, principal, hit.visit);
      if (visibility !== 'none') matches.push({ visit: shownVisit(hit.visit, visibility), matched });
      if (matches.length === limit) return { matches, next: after };
    }
    if (hits.length < limit) return { matches, next: null };
  }
  return { matches, next: after ?? null };
}
