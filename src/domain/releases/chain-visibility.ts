/**
 * Need-to-know over a release chain (MISSION §2, issue 4). A forwarder or haulier sees only the party it took
 * the right from and the party it passed it to (and itself); the line sees the whole chain it issued; customs
 * and port police see everything; nobody else sees anything. A chain is a map of who moves a box for whom:
 * in Antwerp the attackers needed exactly that to intercept a box, so no party learns more of it than its own
 * hand-over.
 *
 * The caller answers `none` with 404 (`release.not_found`), never 403, so that asking does not confirm that a
 * release exists.
 */
import type { OrgKind, Role } from '../access/index.js';
import { mayDo } from '../access/index.js';
import type { ReleaseHolding, ReleaseState } from './release.js';

/** The user looking at a chain; a `Principal` fits as it is. */
export type ChainViewer = { orgId: string; orgKind: OrgKind; roles: readonly Role[] };

/** `full`: every link and reason; `neighbours`: the viewer's own hand-overs only; `none`: nothing at all. */
export type ChainVisibility = 'full' | 'neighbours' | 'none';

/** One link of the chain as shown: `position` counts from 1, the first party to accept. */
export type ChainLinkView = {
  position: number;
  orgId: string;
  /**
   * Whom the right came from: the line's orgId for the first link; `null` when that party is one the viewer may
   * not see (a haulier learns its predecessor, not the predecessor's predecessor).
   */
  from: string | null;
  acceptedAt: string;
};

/** A release chain as a viewer may see it: plain JSON. */
export type ReleaseChainView = {
  visibility: 'full' | 'neighbours';
  releaseId: string;
  visitRef: string;
  line: string;
  validFrom: string;
  validUntil: string;
  rightVersion: number;
  blocked: boolean;
  blockedAt: string | null;
  revoked: boolean;
  revokedAt: string | null;
  /** The line's reasons: `full` only, because "suspected fraud" must not reach a party that may be the suspect. */
  blockReason?: string | null;
  revokeReason?: string | null;
  /** The visible links, in chain order. */
  chain: ChainLinkView[];
  /** The offer pending, when the viewer is its sender or recipient (or sees everything). */
  offer: { from: string; to: string; offeredAt: string } | null;
  /**
   * Who holds the right now (`null`: nobody). Left out, not nulled, when the viewer may not know it, so that a
   * client cannot mistake "hidden" for "nobody".
   */
  holder?: string | null;
  /** The parties the revoke cut off that the viewer may know of (itself, or everyone for `full`). */
  cutOff: string[];
};

/**
 * How much of a release chain `viewer` may see.
 *
 * - customs and port police (with `release.read`): `full`;
 * - the shipping line that issued it (with `release.read`): `full`;
 * - a party that holds or held the right, is offered it, or was cut off while offered it (with `release.read`):
 *   `neighbours`;
 * - anyone else, and any user without `release.read` (a driver, say): `none`.
 *
 * @example
 * ```ts
 * releaseChainVisibility({ orgId: 'org-h1', orgKind: 'haulier', roles: ['haulier_planner'] }, state); // 'neighbours'
 * releaseChainVisibility({ orgId: 'org-h1', orgKind: 'haulier', roles: ['driver'] }, state); // 'none'
 * ```
 */
export function releaseChainVisibility(viewer: ChainViewer, state: ReleaseState): ChainVisibility {
  const release = state.release;
  if (release === null || !mayDo(viewer, 'release.read')) return 'none';
  switch (viewer.orgKind) {
    case 'customs':
    case 'port_police':
      return 'full';
    case 'shipping_line':
      if (viewer.orgId === release.lineOrgId) return 'full';
      return isParty(viewer.orgId, state) ? 'neighbours' : 'none';
    case 'forwarder':
    case 'haulier':
      return isParty(viewer.orgId, state) ? 'neighbours' : 'none';
    case 'terminal_operator':
    case 'port_administration':
      return 'none';
  }
}

/**
 * The chain as `viewer` may see it; `undefined` for `none`, which the caller answers with 404.
 *
 * A party sees the links at, just before and just after each of its own positions (a right handed back to an
 * earlier party gives it two), the offer it made or received, and who holds the right only when that link is
 * one it sees.
 *
 * @example
 * ```ts
 * // line → F1 → F2 → H1, viewed by F2:
 * releaseChainView(state, f2Desk)?.chain.map((link) => link.orgId); // ['org-f1', 'org-f2', 'org-h1']
 * ```
 */
export function releaseChainView(state: ReleaseState, viewer: ChainViewer): ReleaseChainView | undefined {
  const visibility = releaseChainVisibility(viewer, state);
  const release = state.release;
  if (visibility === 'none' || release === null) return undefined;
  const full = visibility === 'full';
  const chain = release.chain;
  const shown = new Set<number>();
  chain.forEach((link, i) => {
    if (full || link.orgId === viewer.orgId) for (const j of [i - 1, i, i + 1]) shown.add(j);
  });
  // The offer (pending, or cut off by a revoke) is the sender's successor; its recipient sees the sender's link.
  const offer = release.offer;
  const offeredTo = offer?.to ?? release.revocation?.cutOffOffer ?? null;
  if (offeredTo === viewer.orgId) shown.add(chain.length - 1);
  const holderIndex = release.holder === null ? -1 : chain.length - 1;
  const offerShown =
    offer !== null && (full || offer.to === viewer.orgId || offer.from === viewer.orgId)
      ? { ...offer }
      : null;
  const cutOff = [release.revocation?.cutOffHolder ?? null, release.revocation?.cutOffOffer ?? null].filter(
    (orgId): orgId is string => orgId !== null && (full || orgId === viewer.orgId),
  );
  const view: ReleaseChainView = {
    visibility,
    releaseId: release.releaseId,
    visitRef: release.visitRef,
    line: release.line,
    validFrom: release.validFrom,
    validUntil: release.validUntil,
    rightVersion: release.rightVersion,
    blocked: release.block !== null,
    blockedAt: release.block?.blockedAt ?? null,
    revoked: release.revocation !== null,
    revokedAt: release.revocation?.revokedAt ?? null,
    chain: chain.flatMap((link, i) => (shown.has(i) ? [linkView(link, i, i === 0 || shown.has(i - 1))] : [])),
    offer: offerShown,
    cutOff,
  };
  if (full) {
    view.blockReason = release.block?.reason ?? null;
    view.revokeReason = release.revocation?.reason ?? null;
  }
  if (full || release.holder === null || shown.has(holderIndex)) view.holder = release.holder;
  return view;
}

/**
 * The organisations that hold or held the right, in the order they first accepted it; a revoke does not take
 * them off (they did hold it). The visit read access of forwarders and hauliers is built on it
 * (`VisitVisibilityFacts.releaseParties`). A party that was only offered the right is not in it: it sees the
 * offer through {@link releaseChainView}, not the box.
 *
 * @example
 * ```ts
 * partiesThatHoldOrHeld(state); // ['org-f1', 'org-h1']
 * ```
 */
export function partiesThatHoldOrHeld(state: ReleaseState): string[] {
  return [...new Set((state.release?.chain ?? []).map((link) => link.orgId))];
}

function isParty(orgId: string, state: ReleaseState): boolean {
  const release = state.release;
  if (release === null) return false;
  return (
    release.chain.some((link) => link.orgId === orgId) ||
    release.offer?.to === orgId ||
    release.revocation?.cutOffOffer === orgId
  );
}

function linkView(link: ReleaseHolding, i: number, fromVisible: boolean): ChainLinkView {
  return {
    position: i + 1,
    orgId: link.orgId,
    from: fromVisible ? link.from : null,
    acceptedAt: link.acceptedAt,
  };
}
