/**
 * Events of one visit's release right. Each is plain JSON, because its RFC 8785 canonical bytes become an
 * audit leaf, and each reads on its own: it names the release, the visit, who acted and when. Every event that
 * changes the right (who holds it, its validity, a block, a revoke) carries the new `rightVersion`, the number a
 * pickup credential binds to.
 */
import type { OrgKind } from '../access/index.js';

/** The acting party as recorded: plain JSON, without the organisation code. */
export type RecordedParty = { userId: string; orgId: string; orgKind: OrgKind };

/** The line issued the commercial release; the right is offered to `firstParty` in the same step. */
export type ReleaseIssued = {
  type: 'ReleaseIssued';
  releaseId: string;
  visitRef: string;
  line: string;
  /** The organisation that issued, the only one that blocks, revokes or changes the validity. */
  lineOrgId: string;
  validFrom: string;
  validUntil: string;
  firstParty: string;
  rightVersion: number;
  by: RecordedParty;
  at: string;
};

/** The right was offered by `from` (its holder, or the line before anyone held it) to `to`. */
export type ReleaseTransferOffered = {
  type: 'ReleaseTransferOffered';
  releaseId: string;
  visitRef: string;
  from: string;
  to: string;
  by: RecordedParty;
  at: string;
};

/** `to` accepted the right from `from` and holds it now. */
export type ReleaseTransferAccepted = {
  type: 'ReleaseTransferAccepted';
  releaseId: string;
  visitRef: string;
  from: string;
  to: string;
  rightVersion: number;
  by: RecordedParty;
  at: string;
};

/** `to` refused the right; `from` keeps it. */
export type ReleaseTransferDenied = {
  type: 'ReleaseTransferDenied';
  releaseId: string;
  visitRef: string;
  from: string;
  to: string;
  reason: string | null;
  by: RecordedParty;
  at: string;
};

/** `from` took back its offer to `to` before it was accepted. */
export type ReleaseOfferWithdrawn = {
  type: 'ReleaseOfferWithdrawn';
  releaseId: string;
  visitRef: string;
  from: string;
  to: string;
  by: RecordedParty;
  at: string;
};

/** The line blocked the release. */
export type ReleaseBlocked = {
  type: 'ReleaseBlocked';
  releaseId: string;
  visitRef: string;
  reason: string;
  rightVersion: number;
  by: RecordedParty;
  at: string;
};

/** The line lifted its block. */
export type ReleaseUnblocked = {
  type: 'ReleaseUnblocked';
  releaseId: string;
  visitRef: string;
  rightVersion: number;
  by: RecordedParty;
  at: string;
};

/**
 * The line revoked the release. `cutOffHolder` held the right and `cutOffOffer` had been offered it (either
 * `null` when there was none): both lose it, and the caller voids the credentials bound to them.
 */
export type ReleaseRevoked = {
  type: 'ReleaseRevoked';
  releaseId: string;
  visitRef: string;
  reason: string;
  cutOffHolder: string | null;
  cutOffOffer: string | null;
  rightVersion: number;
  by: RecordedParty;
  at: string;
};

/** The line changed the validity; the previous period is kept so the event reads on its own. */
export type ReleaseValidityUpdated = {
  type: 'ReleaseValidityUpdated';
  releaseId: string;
  visitRef: string;
  validFrom: string;
  validUntil: string;
  previousValidFrom: string;
  previousValidUntil: string;
  rightVersion: number;
  by: RecordedParty;
  at: string;
};

/** Every event of a release stream, discriminated on `type`. */
export type ReleaseEvent =
  | ReleaseIssued
  | ReleaseTransferOffered
  | ReleaseTransferAccepted
  | ReleaseTransferDenied
  | ReleaseOfferWithdrawn
  | ReleaseBlocked
  | ReleaseUnblocked
  | ReleaseRevoked
  | ReleaseValidityUpdated;
