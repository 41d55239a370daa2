/**
 * Commands on one visit's release right (issue 4). Each carries `at`, the instant it was requested (the domain
 * never reads a clock), and `by`, the party acting as the session knows it. Commands arrive from people and
 * from messages (a COREOR release order), so `decide` re-checks every field (see `release.ts`).
 */
import type { OrgKind } from '../access/index.js';

/**
 * The party acting: a user of an organisation. A `Principal` fits as it is.
 *
 * `orgCode` is the organisation's own code; issuing needs it, because only the line whose carrier code the
 * visit was announced under (or its agent, which acts under that code) may issue the box's release.
 */
export type ReleaseActor = {
  userId: string;
  orgId: string;
  orgKind: OrgKind;
  orgCode?: string;
};

/**
 * The shipping line issues the commercial release of a visit and names the first party, who must accept it
 * like every later party. `releaseId` is made by the caller (the domain has no random source); a COREOR's
 * `RFF+RE` reference may be kept by the caller, but it is never the release's identity nor a secret.
 */
export type IssueRelease = {
  type: 'IssueRelease';
  at: string;
  by: ReleaseActor;
  releaseId: string;
  visitRef: string;
  /** The carrier code the visit was announced under (`Visit.line`). */
  line: string;
  validFrom: string;
  validUntil: string;
  /** The orgId of the first release party: the consignee or its forwarder. */
  firstParty: string;
};

/** The line stops every transfer and pickup until it unblocks; the holder keeps the right. */
export type BlockRelease = { type: 'BlockRelease'; at: string; by: ReleaseActor; reason: string };

/** The line lifts its block. */
export type UnblockRelease = { type: 'UnblockRelease'; at: string; by: ReleaseActor };

/** The line takes the right back for good: the holder and any party it was offered to lose it. */
export type RevokeRelease = { type: 'RevokeRelease'; at: string; by: ReleaseActor; reason: string };

/** The line changes the period in which the box may be collected. */
export type UpdateValidity = {
  type: 'UpdateValidity';
  at: string;
  by: ReleaseActor;
  validFrom: string;
  validUntil: string;
};

/** The holder (or, before anyone holds it, the line) offers the right to another organisation. */
export type OfferTransfer = { type: 'OfferTransfer'; at: string; by: ReleaseActor; to: string };

/** The offered party takes the right over. */
export type AcceptTransfer = { type: 'AcceptTransfer'; at: string; by: ReleaseActor };

/** The offered party refuses it; the sender keeps the right. */
export type DenyTransfer = { type: 'DenyTransfer'; at: string; by: ReleaseActor; reason?: string };

/** The sender takes its offer back before it is accepted. */
export type WithdrawOffer = { type: 'WithdrawOffer'; at: string; by: ReleaseActor };

/** Every command the release decider accepts, discriminated on `type`. */
export type ReleaseCommand =
  | IssueRelease
  | BlockRelease
  | UnblockRelease
  | RevokeRelease
  | UpdateValidity
  | OfferTransfer
  | AcceptTransfer
  | DenyTransfer
  | WithdrawOffer;
