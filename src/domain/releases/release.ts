/**
 * The release right of one visit (issue 4; MISSION §3, Release chain): one stream per release. It replaces the
 * nine-digit PIN that was passed by e-mail and fax in Antwerp and let whoever typed it drive off with the box.
 * Here the right to collect is bound to identities: the shipping line issues it, it passes from party to party,
 * each accepting it, and only the current holder may pass it on (and, in the appointment issue, name a driver).
 *
 * The first party named at issue does not hold the right until it accepts, as in Antwerp's Certified Pick-up
 * and Rotterdam's Secure Chain, where the release party must accept each assignment: a right nobody has
 * accepted is a right nobody has checked, and a line clerk's typo must not hand a box to the wrong company.
 * Until then the line is the sender of the offer, may withdraw it, and may offer the right again when the first
 * party denies. A re-issue after a revoke is a new release, with a new `releaseId` and stream; the revoked one
 * stays as the record.
 *
 * The `rightVersion` changes whenever the right changes hands, is blocked, unblocked or revoked, or its validity
 * changes; a pickup credential binds to it, so every credential issued before such a change is void.
 *
 * Rules, each with its code:
 * - only a shipping line acting under the visit's carrier code issues (`release.not_line`), once per stream
 *   (`release.already_issued`), to a first party other than itself (`release.command_invalid`);
 * - only the line that issued blocks, unblocks, revokes or changes the validity (`release.not_line`); blocking
 *   twice or unblocking what is not blocked is refused (`release.already_blocked`, `release.not_blocked`);
 * - validity is a proper interval that has not already ended (`release.validity_invalid`), and an update
 *   changes it (`release.validity_unchanged`);
 * - only the current holder, or the line before anyone holds, offers the right (`release.not_holder`), one offer
 *   at a time (`release.offer_pending`), never to the holder itself (`release.already_holder`) nor back to the
 *   line, which takes a right back by revoking it (`release.command_invalid`);
 * - only the offered party accepts or denies (`release.not_offered_party`); only the sender withdraws
 *   (`release.not_sender`), and only while the offer is pending (`release.no_offer`);
 * - no offer and no acceptance while blocked (`release.blocked`); a denial or a withdrawal, which hand nothing
 *   over, are allowed;
 * - nothing after a revoke (`release.revoked`); nothing before the issue (`release.not_found`).
 */
import type { Decider } from '../decider.js';
import { DomainError } from '../errors.js';
import { parseVisitReference } from '../visits/index.js';
import { carrierCode, id, instant, invalid, party, text } from './fields.js';
import type { IssueRelease, ReleaseCommand } from './release.commands.js';
import type { RecordedParty, ReleaseEvent } from './release.events.js';

/** One link of the chain: `orgId` accepted the right from `from` (the line, for the first link). */
export type ReleaseHolding = { readonly orgId: string; readonly from: string; readonly acceptedAt: string };

/** An offer not yet accepted, denied or withdrawn. */
export type ReleaseOffer = { readonly from: string; readonly to: string; readonly offeredAt: string };

/** The line's block in force. */
export type ReleaseBlock = {
  readonly reason: string;
  readonly blockedAt: string;
  readonly by: RecordedParty;
};

/** The line's revoke, and whom it cut off (`null` where there was nobody). */
export type ReleaseRevocation = {
  readonly reason: string;
  readonly revokedAt: string;
  readonly by: RecordedParty;
  /** Held the right when it was revoked; credentials bound to it are void. */
  readonly cutOffHolder: string | null;
  /** Had been offered the right and had not yet accepted it. */
  readonly cutOffOffer: string | null;
};

/** The facts of a release, folded from its events. */
export type Release = {
  readonly releaseId: string;
  readonly visitRef: string;
  /** The carrier code the visit was announced under. */
  readonly line: string;
  /** The organisation that issued, and the only one that blocks, revokes or changes the validity. */
  readonly lineOrgId: string;
  readonly issuedAt: string;
  readonly validFrom: string;
  readonly validUntil: string;
  /** `null` unless blocked. */
  readonly block: ReleaseBlock | null;
  /** `null` unless revoked; a revoke is final. */
  readonly revocation: ReleaseRevocation | null;
  /** Every party that accepted the right, in order; it keeps past holders and survives a revoke. */
  readonly chain: readonly ReleaseHolding[];
  readonly offer: ReleaseOffer | null;
  /** The last link of the chain while the release stands; `null` before the first acceptance and after a revoke. */
  readonly holder: string | null;
  /** Starts at 1 on issue; a pickup credential binds to it. */
  readonly rightVersion: number;
};

/** The state of a release stream. */
export type ReleaseState = {
  /** Stream version: the number of events folded. */
  readonly version: number;
  /** `null` for an empty stream. */
  readonly release: Release | null;
};

/**
 * The release decider.
 *
 * @example
 * ```ts
 * const state = foldEvents(releaseDecider, stored.map((e) => e.data as ReleaseEvent));
 * const events = releaseDecider.decide({ type: 'AcceptTransfer', at: now.toISOString(), by: principal }, state);
 * ```
 */
export const releaseDecider: Decider<ReleaseCommand, ReleaseEvent, ReleaseState> = {
  decide: decideRelease,
  evolve: evolveRelease,
  initialState: initialReleaseState,
};

/**
 * The state of an empty release stream.
 *
 * @example
 * ```ts
 * initialReleaseState(); // { version: 0, release: null }
 * ```
 */
export function initialReleaseState(): ReleaseState {
  return { version: 0, release: null };
}

/**
 * The events a command causes; throws `DomainError` when a rule refuses it. Fields are checked and normalised
 * before the state, so a malformed request is told so whatever the stream holds.
 *
 * @example
 * ```ts
 * decideRelease({ type: 'OfferTransfer', at, by: forwarderDesk, to: 'org-haulier-7' }, state);
 * // [{ type: 'ReleaseTransferOffered', from: 'org-fwd-3', to: 'org-haulier-7', … }]
 * ```
 */
export function decideRelease(command: ReleaseCommand, state: ReleaseState): ReleaseEvent[] {
  const at = instant('at', command.at);
  const by = party('by', command.by);
  if (command.type === 'IssueRelease') return decideIssue(command, at, by, state);
  switch (command.type) {
    case 'BlockRelease': {
      const reason = text('reason', command.reason);
      const release = requireLine(state, by);
      if (release.block !== null) {
        throw new DomainError('release.already_blocked', `release ${release.releaseId} is already blocked`, {
          releaseId: release.releaseId,
          blockedAt: release.block.blockedAt,
        });
      }
      return [{ type: 'ReleaseBlocked', ...refs(release), reason, rightVersion: next(release), by, at }];
    }
    case 'UnblockRelease': {
      const release = requireLine(state, by);
      if (release.block === null) {
        throw new DomainError('release.not_blocked', `release ${release.releaseId} is not blocked`, {
          releaseId: release.releaseId,
        });
      }
      return [{ type: 'ReleaseUnblocked', ...refs(release), rightVersion: next(release), by, at }];
    }
    case 'RevokeRelease': {
      const reason = text('reason', command.reason);
      const release = requireLine(state, by);
      return [
        {
          type: 'ReleaseRevoked',
          ...refs(release),
          reason,
          cutOffHolder: release.holder,
          cutOffOffer: release.offer?.to ?? null,
          rightVersion: next(release),
          by,
          at,
        },
      ];
    }
    case 'UpdateValidity': {
      const validity = checkValidity(command, at);
      const release = requireLine(state, by);
      if (validity.validFrom === release.validFrom && validity.validUntil === release.validUntil) {
        throw new DomainError(
          'release.validity_unchanged',
          `release ${release.releaseId} is already valid from ${release.validFrom} until ${release.validUntil}`,
          { releaseId: release.releaseId, ...validity },
        );
      }
      return [
        {
          type: 'ReleaseValidityUpdated',
          ...refs(release),
          ...validity,
          previousValidFrom: release.validFrom,
          previousValidUntil: release.validUntil,
          rightVersion: next(release),
          by,
          at,
        },
      ];
    }
    case 'OfferTransfer': {
      const to = id('to', command.to);
      const release = requireStanding(state);
      const sender = release.holder ?? release.lineOrgId;
      if (by.orgId !== sender) {
        throw new DomainError(
          'release.not_holder',
          `only the holder of release ${release.releaseId} may pass it on`,
          { releaseId: release.releaseId, orgId: by.orgId },
        );
      }
      requireNotBlocked(release);
      if (release.offer !== null) {
        throw new DomainError(
          'release.offer_pending',
          `release ${release.releaseId} is already offered to ${release.offer.to}; withdraw that offer first`,
          { releaseId: release.releaseId, offeredTo: release.offer.to, offeredAt: release.offer.offeredAt },
        );
      }
      if (to === release.holder) {
        throw new DomainError('release.already_holder', `${to} already holds release ${release.releaseId}`, {
          releaseId: release.releaseId,
          to,
        });
      }
      if (to === release.lineOrgId) {
        throw invalid('to', 'must not be the issuing line; the line takes a right back by revoking it');
      }
      return [{ type: 'ReleaseTransferOffered', ...refs(release), from: sender, to, by, at }];
    }
    case 'AcceptTransfer': {
      const release = requireStanding(state);
      const offer = requireOfferTo(release, by);
      requireNotBlocked(release);
      return [
        {
          type: 'ReleaseTransferAccepted',
          ...refs(release),
          from: offer.from,
          to: offer.to,
          rightVersion: next(release),
          by,
          at,
        },
      ];
    }
    case 'DenyTransfer': {
      const reason =
        command.reason === undefined || command.reason === null ? null : text('reason', command.reason);
      const release = requireStanding(state);
      const offer = requireOfferTo(release, by);
      return [
        { type: 'ReleaseTransferDenied', ...refs(release), from: offer.from, to: offer.to, reason, by, at },
      ];
    }
    case 'WithdrawOffer': {
      const release = requireStanding(state);
      const offer = requireOffer(release, by);
      if (by.orgId !== offer.from) {
        throw new DomainError(
          'release.not_sender',
          `only ${offer.from}, who made the offer, may withdraw it`,
          {
            releaseId: release.releaseId,
            orgId: by.orgId,
          },
        );
      }
      return [{ type: 'ReleaseOfferWithdrawn', ...refs(release), from: offer.from, to: offer.to, by, at }];
    }
    default:
      throw invalid('type', 'must be a release command');
  }
}

/**
 * The state after one more event. It trusts the event's `rightVersion`, the number credentials were bound to.
 *
 * @example
 * ```ts
 * const state = events.reduce(evolveRelease, initialReleaseState());
 * ```
 */
export function evolveRelease(state: ReleaseState, event: ReleaseEvent): ReleaseState {
  return { version: state.version + 1, release: applyEvent(state.release, event) };
}

/**
 * The organisations a revoke cut off: the holder and the party with an offer pending, in that order; empty
 * unless revoked. The caller voids the pickup credentials bound to them and notifies them.
 *
 * @example
 * ```ts
 * cutOffParties(state); // ['org-haulier-7', 'org-haulier-9']
 * ```
 */
export function cutOffParties(state: ReleaseState): string[] {
  const revocation = state.release?.revocation;
  if (!revocation) return [];
  return [revocation.cutOffHolder, revocation.cutOffOffer].filter((orgId) => orgId !== null);
}

function decideIssue(
  command: IssueRelease,
  at: string,
  by: RecordedParty,
  state: ReleaseState,
): ReleaseEvent[] {
  const releaseId = id('releaseId', command.releaseId);
  const visitRef = parseVisitReference(command.visitRef);
  const line = carrierCode('line', command.line);
  const validity = checkValidity(command, at);
  const firstParty = id('firstParty', command.firstParty);
  const existing = state.release;
  if (existing !== null) {
    throw new DomainError('release.already_issued', `release ${existing.releaseId} was already issued`, {
      releaseId: existing.releaseId,
      visitRef: existing.visitRef,
    });
  }
  const orgCode = typeof command.by.orgCode === 'string' ? command.by.orgCode.trim().toUpperCase() : null;
  if (by.orgKind !== 'shipping_line' || orgCode !== line) {
    throw new DomainError(
      'release.not_line',
      `only shipping line ${line} (or its agent, acting under that code) issues this release`,
      { line, orgId: by.orgId, orgKind: by.orgKind, orgCode },
    );
  }
  if (firstParty === by.orgId)
    throw invalid('firstParty', 'must be another organisation than the issuing line');
  const issued: ReleaseEvent = {
    type: 'ReleaseIssued',
    releaseId,
    visitRef,
    line,
    lineOrgId: by.orgId,
    ...validity,
    firstParty,
    rightVersion: 1,
    by,
    at,
  };
  return [
    issued,
    { type: 'ReleaseTransferOffered', releaseId, visitRef, from: by.orgId, to: firstParty, by, at },
  ];
}

function applyEvent(release: Release | null, event: ReleaseEvent): Release | null {
  if (event.type === 'ReleaseIssued') {
    return {
      releaseId: event.releaseId,
      visitRef: event.visitRef,
      line: event.line,
      lineOrgId: event.lineOrgId,
      issuedAt: event.at,
      validFrom: event.validFrom,
      validUntil: event.validUntil,
      block: null,
      revocation: null,
      chain: [],
      offer: null,
      holder: null,
      rightVersion: event.rightVersion,
    };
  }
  if (release === null) return null;
  switch (event.type) {
    case 'ReleaseTransferOffered':
      return { ...release, offer: { from: event.from, to: event.to, offeredAt: event.at } };
    case 'ReleaseTransferAccepted':
      return {
        ...release,
        chain: [...release.chain, { orgId: event.to, from: event.from, acceptedAt: event.at }],
        holder: event.to,
        offer: null,
        rightVersion: event.rightVersion,
      };
    case 'ReleaseTransferDenied':
    case 'ReleaseOfferWithdrawn':
      return { ...release, offer: null };
    case 'ReleaseBlocked':
      return {
        ...release,
        block: { reason: event.reason, blockedAt: event.at, by: event.by },
        rightVersion: event.rightVersion,
      };
    case 'ReleaseUnblocked':
      return { ...release, block: null, rightVersion: event.rightVersion };
    case 'ReleaseRevoked':
      return {
        ...release,
        revocation: {
          reason: event.reason,
          revokedAt: event.at,
          by: event.by,
          cutOffHolder: event.cutOffHolder,
          cutOffOffer: event.cutOffOffer,
        },
        holder: null,
        offer: null,
        rightVersion: event.rightVersion,
      };
    case 'ReleaseValidityUpdated':
      return {
        ...release,
        validFrom: event.validFrom,
        validUntil: event.validUntil,
        rightVersion: event.rightVersion,
      };
  }
}

function refs(release: Release): { releaseId: string; visitRef: string } {
  return { releaseId: release.releaseId, visitRef: release.visitRef };
}

function next(release: Release): number {
  return release.rightVersion + 1;
}

function checkValidity(
  command: { validFrom: unknown; validUntil: unknown },
  at: string,
): { validFrom: string; validUntil: string } {
  const validFrom = instant('validFrom', command.validFrom);
  const validUntil = instant('validUntil', command.validUntil);
  if (Date.parse(validFrom) >= Date.parse(validUntil)) {
    throw new DomainError('release.validity_invalid', 'validFrom must be before validUntil', {
      validFrom,
      validUntil,
    });
  }
  // A right that has already run out when it is given can never be used: a mistake, not a release.
  if (Date.parse(validUntil) <= Date.parse(at)) {
    throw new DomainError(
      'release.validity_invalid',
      `validUntil must be after the command's instant ${at}`,
      {
        validFrom,
        validUntil,
        at,
      },
    );
  }
  return { validFrom, validUntil };
}

/** The release, issued and not revoked. */
function requireStanding(state: ReleaseState): Release {
  const release = state.release;
  if (release === null) throw new DomainError('release.not_found', 'no release has been issued', {});
  if (release.revocation !== null) {
    throw new DomainError(
      'release.revoked',
      `release ${release.releaseId} was revoked at ${release.revocation.revokedAt}`,
      { releaseId: release.releaseId, revokedAt: release.revocation.revokedAt },
    );
  }
  return release;
}

function requireLine(state: ReleaseState, by: RecordedParty): Release {
  const release = requireStanding(state);
  if (by.orgKind !== 'shipping_line' || by.orgId !== release.lineOrgId) {
    throw new DomainError(
      'release.not_line',
      `only the line that issued release ${release.releaseId} may do this`,
      { releaseId: release.releaseId, orgId: by.orgId },
    );
  }
  return release;
}

function requireNotBlocked(release: Release): void {
  if (release.block === null) return;
  throw new DomainError(
    'release.blocked',
    `release ${release.releaseId} is blocked by the line; the right cannot change hands`,
    { releaseId: release.releaseId, blockedAt: release.block.blockedAt },
  );
}

function requireOffer(release: Release, by: RecordedParty): ReleaseOffer {
  if (release.offer !== null) return release.offer;
  // Say why, when the caller's own offer was just accepted: only the line can take the right back now.
  const last = release.chain.at(-1);
  const accepted = last !== undefined && last.from === by.orgId;
  throw new DomainError(
    'release.no_offer',
    accepted
      ? `the offer to ${last.orgId} was accepted at ${last.acceptedAt}; it can no longer be withdrawn`
      : `release ${release.releaseId} has no offer pending`,
    {
      releaseId: release.releaseId,
      ...(accepted ? { acceptedBy: last.orgId, acceptedAt: last.acceptedAt } : {}),
    },
  );
}

function requireOfferTo(release: Release, by: RecordedParty): ReleaseOffer {
  const offer = requireOffer(release, by);
  if (by.orgId !== offer.to) {
    throw new DomainError(
      'release.not_offered_party',
      `release ${release.releaseId} is offered to another organisation`,
      { releaseId: release.releaseId, orgId: by.orgId },
    );
  }
  return offer;
}
