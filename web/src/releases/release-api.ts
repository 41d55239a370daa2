/**
 * The release chain as the console calls it (`release.routes.ts`), with the party directory and the line's
 * pre-advice it needs. Types follow the server's response schemas.
 */
import { apiGet, apiPost, isApiError } from '../api.js';
import { allPages } from '../pages-of.js';

export interface VisitSummary {
  visitRef: string;
  containerNumber: string;
  status: string;
  line: string;
  sizeType: string;
  onHold: boolean;
}

export interface ChainLink {
  position: number;
  orgId: string;
  from: string | null;
  acceptedAt: string;
}

export interface Release {
  visibility: 'full' | 'neighbours';
  releaseId: string;
  visitRef: string;
  line: string;
  validFrom: string;
  validUntil: string;
  rightVersion: number;
  blocked: boolean;
  revoked: boolean;
  blockReason?: string | null;
  revokeReason?: string | null;
  chain: ChainLink[];
  offer: { from: string; to: string; offeredAt: string } | null;
  holder?: string | null;
  cutOff: string[];
}

async function releaseOf(visitRef: string): Promise<Release | undefined> {
  try {
    return await apiGet<Release>(`/v1/visits/${encodeURIComponent(visitRef)}/release`);
  } catch (error) {
    // No release issued yet, or not one the caller may see.
    if (isApiError(error) && (error.status === 404 || error.status === 403)) return undefined;
    throw error;
  }
}

/** The release chain of one visit reference, or undefined when there is none the caller may see. */
export const findRelease = releaseOf;

const releasePath = (visitRef: string, rest: string) =>
  `/v1/visits/${encodeURIComponent(visitRef)}/release${rest}`;

export const releaseActions = {
  offer: (visitRef: string, to: string) => apiPost(releasePath(visitRef, '/offers'), { to }),
  accept: (visitRef: string) => apiPost(releasePath(visitRef, '/offers/accept')),
  deny: (visitRef: string, reason?: string) =>
    apiPost(releasePath(visitRef, '/offers/deny'), reason ? { reason } : {}),
  withdraw: (visitRef: string) => apiPost(releasePath(visitRef, '/offers/withdraw')),
  revoke: (visitRef: string, reason: string) => apiPost(releasePath(visitRef, '/revoke'), { reason }),
  /** The line issues the commercial release of its own box and offers it to the first party (`release.issue`). */
  issue: (visitRef: string, input: { firstParty: string; validFrom: string; validUntil: string }) =>
    apiPost(releasePath(visitRef, ''), input),
  block: (visitRef: string, reason: string) => apiPost(releasePath(visitRef, '/block'), { reason }),
  unblock: (visitRef: string) => apiPost(releasePath(visitRef, '/unblock')),
  /** Several releases at once (issue 14): each changed as its single route changes it; says which could not be. */
  blockMany: (visitRefs: readonly string[], reason: string) =>
    apiPost<BulkResults>('/v1/releases/blocks', { visitRefs, reason }),
  revokeMany: (visitRefs: readonly string[], reason: string) =>
    apiPost<BulkResults>('/v1/releases/revocations', { visitRefs, reason }),
};

/** What a bulk block or revocation answers: each visit's outcome. */
export interface BulkResults {
  results: { visitRef: string; outcome: 'changed' | 'refused'; code?: string }[];
}

/** An organisation a release can be offered to, as the party directory (`GET /v1/parties`) lists it. */
export interface Party {
  orgId: string;
  name: string;
  code: string;
  kind: 'forwarder' | 'haulier' | 'shipping_line';
}

/** The whole directory, every page of it (issue 13: the server answers it a page at a time). */
export const partyDirectory = (): Promise<Party[]> => allPages<Party>('/v1/parties', 'parties');

/** What a line's pre-advice (`POST /v1/visits`, COPARN) carries; the line is the caller's own. */
export interface Announcement {
  containerNumber: string;
  sizeType: string;
  fullEmpty: 'full' | 'empty';
  arrival: { mode: 'truck' } | { mode: 'vessel'; vesselCall: string };
  /** DCSA names: the bill of lading and the carrier booking, when the line has them (issue 14: a box is found by them). */
  transportDocumentReference?: string;
  carrierBookingReference?: string;
}

export const announceVisit = (input: Announcement) => apiPost<VisitSummary>('/v1/visits', input);

/** The caller's visits in one status (a line sees its own boxes), newest pages first as the server lists them. */
export const visitsInStatus = async (status: 'announced' | 'in_yard'): Promise<VisitSummary[]> =>
  (await apiGet<{ visits: VisitSummary[] }>(`/v1/visits?status=${status}&limit=100`)).visits;
