/** The release inboxes (`GET /v1/releases`): offers awaiting the organisation, and the rights it holds or issued. */
import { apiGet } from '../api.js';
import { i18next } from '../i18n/index.js';
import { type Directory, partyLabel } from './party-directory.js';
import type { Release } from './release-api.js';

/** One row of a release inbox, as `GET /v1/releases` answers (src/http/release.routes.ts). */
export interface InboxItem {
  visitRef: string;
  containerNumber: string | null;
  releaseId: string;
  line: string;
  state: 'offered' | 'held' | 'issued' | 'blocked' | 'revoked';
  from: string | null;
  to: string | null;
  offeredAt: string | null;
  acceptedAt: string | null;
  validFrom: string;
  validUntil: string;
  updatedAt: string;
  release: Release;
}

export interface InboxList {
  items: InboxItem[];
  nextCursor: string | null;
}

export type InboxView = 'offers' | 'held' | 'issued';

const PAGE_SIZE = 25;

/** Which of a line's releases its list shows (issue 14): the server filters, a page at a time. */
export type StateFilter = 'all' | 'in_force' | 'blocked' | 'revoked';

/** The order of a release list by its last change (issue 14): latest first (`desc`, the server's default) or oldest. */
export type ChangeOrder = 'asc' | 'desc';

/** The query of one inbox list's filter and order: what its pages and its CSV share. */
export function inboxSearch(
  view: InboxView,
  state: StateFilter = 'all',
  direction: ChangeOrder = 'desc',
  extra: Record<string, string> = {},
): string {
  return new URLSearchParams({
    view,
    ...(state === 'all' ? {} : { state }),
    direction,
    ...extra,
  }).toString();
}

export async function inboxPage(
  view: InboxView,
  cursor?: string,
  state: StateFilter = 'all',
  direction: ChangeOrder = 'desc',
): Promise<InboxList> {
  const query = inboxSearch(view, state, direction, {
    limit: String(PAGE_SIZE),
    ...(cursor ? { cursor } : {}),
  });
  const { items, nextCursor } = await apiGet<InboxList>(`/v1/releases?${query}`);
  return { items, nextCursor };
}

/** A row the page acts on: the box (its number when the caller may know it) and the chain as the caller sees it. */
export type ReleaseRow = Pick<InboxItem, 'visitRef' | 'containerNumber' | 'release'>;

/** What the caller's organisation is to this release; parties by name where the directory knows them. */
export function partOf(row: ReleaseRow, orgId: string, isLine: boolean, directory: Directory): string {
  const { release } = row;
  const party = (id: string) => partyLabel(directory, id);
  const t = i18next.t;
  if (release.revoked) return t('releases:part.revoked');
  if (release.offer?.to === orgId) return t('releases:part.offeredToYou');
  if (release.holder === orgId)
    return release.offer
      ? t('releases:part.youHoldOffered', { party: party(release.offer.to) })
      : t('releases:part.youHold');
  if (isLine) {
    if (release.holder) return t('releases:part.heldBy', { party: party(release.holder) });
    return release.offer
      ? t('releases:part.offeredTo', { party: party(release.offer.to) })
      : t('releases:part.yourLine');
  }
  if (release.chain.some((link) => link.orgId === orgId)) return t('releases:part.passedOn');
  return '—';
}
