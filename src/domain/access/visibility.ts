/**
 * Need-to-know (MISSION §2): which containers a user may see, and how much of them. The Antwerp attackers used
 * stolen logins to look up exactly where their containers stood; here a yard position is shown only to the
 * staff of the terminal where the box stands, to customs and to the police.
 *
 * The caller answers `none` with 404 (`visit.not_found`), never 403, so that asking for another party's container
 * does not even confirm it exists.
 */
import type { HoldKind, VisitView } from '../visits/index.js';
import type { OrgKind } from './organisations.js';
import { mayDo, type SignInMethod } from './policy.js';
import type { Role } from './roles.js';

/** The logged-in user (or API token) a request acts for. */
export type Principal = {
  userId: string;
  orgId: string;
  orgKind: OrgKind;
  /** The organisation's own code: a shipping line's carrier code, compared with a visit's `line`. */
  orgCode: string;
  /** Terminal codes run by the user's organisation; only terminal operators have any. */
  terminals?: readonly string[];
  roles: readonly Role[];
  /** How the person signed in: a password + TOTP session never sees yard positions (`policy.ts`, passkeySession). */
  signedInWith?: SignInMethod;
};

/** What need-to-know decides about one visit. */
export type VisitVisibilityFacts = {
  /** The carrier code the visit was announced under. */
  line: string;
  /**
   * The terminal the visit belongs to: where the box stands, or before arrival the terminal it is announced to,
   * or after departure the terminal it left from; `null` when not known yet.
   */
  terminal: string | null;
  /** Organisations that hold or held the visit's release right (issue 4); none until then. */
  releaseParties?: readonly string[];
  /** The badge of the driver nominated to collect; drivers see their own jobs in issue 4, not through this. */
  driverBadge?: string | null;
};

/** `full`: every field including the yard position; `status`: no position; `none`: not even that it exists. */
export type VisitVisibility = 'full' | 'status' | 'none';

/**
 * How much of one visit `principal` may see.
 *
 * - terminal staff of the operator running the visit's terminal, customs and port police: `full`; customs and
 *   police signed in with a password + TOTP: `status`, since a keylogged password must not show where a box stands;
 * - a shipping line: `status` of its own containers (`line` equals its code), never the yard position;
 * - a forwarder or haulier: `status` of containers whose release right it holds or held;
 * - a driver, an administrator, anyone else: `none` (a driver's own jobs come with issue 4).
 *
 * The principal must also hold `visit.read` (and `visit.position.read` for `full`) in the policy table, so a
 * role without either sees nothing whatever its organisation.
 *
 * @example
 * ```ts
 * visitVisibility(lineClerk, { line: 'MSCU', terminal: 'T1' }); // 'status'
 * visitVisibility(yardPlannerAtT2, { line: 'MSCU', terminal: 'T1' }); // 'none'
 * ```
 */
export function visitVisibility(principal: Principal, visit: VisitVisibilityFacts): VisitVisibility {
  if (!mayDo(principal, 'visit.read')) return 'none';
  const full = mayDo(principal, 'visit.position.read');
  switch (principal.orgKind) {
    case 'terminal_operator':
      return full && visit.terminal !== null && (principal.terminals ?? []).includes(visit.terminal)
        ? 'full'
        : 'none';
    case 'customs':
    case 'port_police':
      return full ? 'full' : 'status';
    case 'shipping_line':
      if (visit.line === principal.orgCode) return 'status';
      return heldRelease(principal, visit) ? 'status' : 'none';
    case 'forwarder':
    case 'haulier':
      return heldRelease(principal, visit) ? 'status' : 'none';
    case 'port_administration':
      return 'none';
  }
}

function heldRelease(principal: Principal, visit: VisitVisibilityFacts): boolean {
  return (visit.releaseParties ?? []).includes(principal.orgId);
}

/** A hold as a `status` viewer sees it: that it exists and since when, not why. */
export type StatusHold = { holdId: string; kind: Exclude<HoldKind, 'police'>; placedAt: string };

/**
 * A visit as a `status` viewer sees it: no `slot` or `slotText` at all, holds without reason or reference,
 * no police holds, and no stream version (which would count the hidden events).
 */
export type StatusVisitView = Omit<
  VisitView,
  'slot' | 'slotText' | 'holds' | 'version' | 'voidedVersions'
> & {
  holds: StatusHold[];
};

/**
 * The view a viewer of `visibility` may receive; `undefined` for `none`, which the caller answers with 404
 * (`visit.not_found`) so that existence does not leak.
 *
 * For `status` the yard position fields are left out (not nulled, so a client cannot mistake them for "not in
 * the yard"). Holds keep their kind and time but lose reason and reference (a customs "selected for scan" tells
 * a smuggler to stay away); police holds are left out and `onHold` counts only the holds shown, because a
 * police hold must not tip off a party who may be the suspect (the gate still refuses the box).
 *
 * @example
 * ```ts
 * const shown = redactVisitView(visitView(state), visitVisibility(principal, facts));
 * if (shown === undefined) throw new DomainError('visit.not_found', 'no such visit');
 * ```
 */
export function redactVisitView(view: VisitView, visibility: 'full'): VisitView;
export function redactVisitView(view: VisitView, visibility: 'status'): StatusVisitView;
export function redactVisitView(view: VisitView, visibility: 'none'): undefined;
export function redactVisitView(
  view: VisitView,
  visibility: VisitVisibility,
): VisitView | StatusVisitView | undefined;
export function redactVisitView(
  view: VisitView,
  visibility: VisitVisibility,
): VisitView | StatusVisitView | undefined {
  switch (visibility) {
    case 'full':
      return structuredCopy(view);
    case 'none':
      return undefined;
    case 'status': {
      // The stream version and the voided versions are left out too: a version that grows while nothing shown
      // changed would tell a status viewer that a hidden police hold or freeze was placed (found by an outside
      // attacker, issue 10).
      const {
        slot: _slot,
        slotText: _slotText,
        version: _version,
        voidedVersions: _voidedVersions,
        holds,
        ...rest
      } = structuredCopy(view);
      const shown: StatusHold[] = [];
      for (const hold of holds) {
        if (hold.kind !== 'police')
          shown.push({ holdId: hold.holdId, kind: hold.kind, placedAt: hold.placedAt });
      }
      // A freeze is an investigation's stop: like a police hold, it must not tip off a party who may be the suspect.
      return { ...rest, holds: shown, onHold: shown.length > 0, frozen: null };
    }
  }
}

// The view is plain JSON; a copy keeps the caller's object from being shared with what is sent out.
function structuredCopy(view: VisitView): VisitView {
  return JSON.parse(JSON.stringify(view)) as VisitView;
}
