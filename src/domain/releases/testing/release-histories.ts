/**
 * Test support: the parties and events of the release tests, so that the decider, chain-visibility and
 * green-light tests tell the same story. Line MAEU issues to forwarder F1, who passes the right to forwarder
 * F2, who passes it to haulier H1; H2 is a second haulier, X a party with nothing to do with the box.
 *
 * Only `*.test.ts` files import this module.
 */
import { newVisitReference } from '../../visits/index.js';
import type { ReleaseActor } from '../release.commands.js';
import type {
  RecordedParty,
  ReleaseBlocked,
  ReleaseIssued,
  ReleaseOfferWithdrawn,
  ReleaseRevoked,
  ReleaseTransferAccepted,
  ReleaseTransferDenied,
  ReleaseTransferOffered,
  ReleaseUnblocked,
  ReleaseValidityUpdated,
} from '../release.events.js';

/** Minutes after 2025-03-01T08:00Z, as an instant. */
export const at = (minute: number): string => new Date(Date.UTC(2025, 2, 1, 8, minute)).toISOString();

export const visitRef = newVisitReference(new Uint8Array(13).fill(0xa5));
export const releaseId = 'rel-1';

export const lineDesk: ReleaseActor = {
  userId: 'u-maeu-1',
  orgId: 'org-maeu',
  orgKind: 'shipping_line',
  orgCode: 'MAEU',
};
export const otherLineDesk: ReleaseActor = {
  userId: 'u-mscu-1',
  orgId: 'org-mscu',
  orgKind: 'shipping_line',
  orgCode: 'MSCU',
};
export const f1Desk: ReleaseActor = { userId: 'u-f1', orgId: 'org-f1', orgKind: 'forwarder' };
export const f2Desk: ReleaseActor = { userId: 'u-f2', orgId: 'org-f2', orgKind: 'forwarder' };
export const h1Planner: ReleaseActor = { userId: 'u-h1', orgId: 'org-h1', orgKind: 'haulier' };
export const h2Planner: ReleaseActor = { userId: 'u-h2', orgId: 'org-h2', orgKind: 'haulier' };
export const xDesk: ReleaseActor = { userId: 'u-x', orgId: 'org-x', orgKind: 'forwarder' };

/** The actor as an event records it. */
export const rec = ({ userId, orgId, orgKind }: ReleaseActor): RecordedParty => ({ userId, orgId, orgKind });

const refs = { releaseId, visitRef };

export const issued: ReleaseIssued = {
  type: 'ReleaseIssued',
  ...refs,
  line: 'MAEU',
  lineOrgId: 'org-maeu',
  validFrom: at(0),
  validUntil: at(600),
  firstParty: 'org-f1',
  rightVersion: 1,
  by: rec(lineDesk),
  at: at(1),
};

export const offered = (
  by: ReleaseActor,
  to: string,
  minute: number,
  from: string = by.orgId,
): ReleaseTransferOffered => ({
  type: 'ReleaseTransferOffered',
  ...refs,
  from,
  to,
  by: rec(by),
  at: at(minute),
});

export const accepted = (
  by: ReleaseActor,
  from: string,
  rightVersion: number,
  minute: number,
): ReleaseTransferAccepted => ({
  type: 'ReleaseTransferAccepted',
  ...refs,
  from,
  to: by.orgId,
  rightVersion,
  by: rec(by),
  at: at(minute),
});

export const denied = (
  by: ReleaseActor,
  from: string,
  minute: number,
  reason: string | null = null,
): ReleaseTransferDenied => ({
  type: 'ReleaseTransferDenied',
  ...refs,
  from,
  to: by.orgId,
  reason,
  by: rec(by),
  at: at(minute),
});

export const withdrawn = (by: ReleaseActor, to: string, minute: number): ReleaseOfferWithdrawn => ({
  type: 'ReleaseOfferWithdrawn',
  ...refs,
  from: by.orgId,
  to,
  by: rec(by),
  at: at(minute),
});

export const blocked = (rightVersion: number, minute: number): ReleaseBlocked => ({
  type: 'ReleaseBlocked',
  ...refs,
  reason: 'freight unpaid',
  rightVersion,
  by: rec(lineDesk),
  at: at(minute),
});

export const unblocked = (rightVersion: number, minute: number): ReleaseUnblocked => ({
  type: 'ReleaseUnblocked',
  ...refs,
  rightVersion,
  by: rec(lineDesk),
  at: at(minute),
});

export const revoked = (
  cutOffHolder: string | null,
  cutOffOffer: string | null,
  rightVersion: number,
  minute: number,
): ReleaseRevoked => ({
  type: 'ReleaseRevoked',
  ...refs,
  reason: 'release issued to the wrong consignee',
  cutOffHolder,
  cutOffOffer,
  rightVersion,
  by: rec(lineDesk),
  at: at(minute),
});

export const validityUpdated = (
  validFrom: string,
  validUntil: string,
  previous: { validFrom: string; validUntil: string },
  rightVersion: number,
  minute: number,
): ReleaseValidityUpdated => ({
  type: 'ReleaseValidityUpdated',
  ...refs,
  validFrom,
  validUntil,
  previousValidFrom: previous.validFrom,
  previousValidUntil: previous.validUntil,
  rightVersion,
  by: rec(lineDesk),
  at: at(minute),
});

/** Line → F1 (accepted, v2). */
export const heldByF1 = [issued, offered(lineDesk, 'org-f1', 1), accepted(f1Desk, 'org-maeu', 2, 5)];

/** Line → F1 → F2 → H1 (v4). */
export const heldByH1 = [
  ...heldByF1,
  offered(f1Desk, 'org-f2', 10),
  accepted(f2Desk, 'org-f1', 3, 12),
  offered(f2Desk, 'org-h1', 20),
  accepted(h1Planner, 'org-f2', 4, 22),
];

/** Line → F1 → F2 → H1, and H1 has offered the right to H2 (v4). */
export const offeredToH2 = [...heldByH1, offered(h1Planner, 'org-h2', 30)];
