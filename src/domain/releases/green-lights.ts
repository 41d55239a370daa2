/**
 * The four green lights of a visit (MISSION §3; issue 4), computed from the facts the caller folded: the visit
 * stream and the release stream. A box leaves only when every light is green; each light that is not green says
 * why, in words a gate clerk or a haulier's planner can act on.
 *
 * - commercial release: the line issued a release for this visit, it is neither blocked nor revoked, and `at`
 *   lies in its validity period, `validFrom` included and `validUntil` excluded;
 * - customs release: no customs hold is in force. Customs acts by exception in this port (MISSION §2: customs
 *   places and lifts holds and selects boxes for scan), and no declaration feed reaches PortLedger yet; when one
 *   does, its clearance becomes one more fact here;
 * - discharge confirmed: the box is in the yard, discharged or gated in, and has not left;
 * - no hold or block: no hold of any kind is in force and the line has not blocked the release.
 *
 * Reasons name a hold by kind, id and time, never by its reason or reference: a customs "selected for scan"
 * tells a smuggler to stay away.
 */
import { effectiveEvents, type VisitState } from '../visits/index.js';
import { instant } from './fields.js';
import type { ReleaseState } from './release.js';

/** The four lights, in the order the gate shows them. */
export const greenLightNames = [
  'commercial_release',
  'customs_release',
  'discharge_confirmed',
  'no_hold_or_block',
] as const;

/** One of the four lights. */
export type GreenLightName = (typeof greenLightNames)[number];

/** One light; `reasons` is empty when it is green and names every cause when it is not. */
export type GreenLight = { light: GreenLightName; green: boolean; reasons: string[] };

/**
 * DCSA Track & Trace 3.0 equipment event type codes for release and customs status, with their meaning as the
 * schema gives it (`/work/shared/conformance/dcsa/schemas/TNT_v3.0.0.yaml`, `EventClassification`,
 * `equipmentEventTypeCode`):
 * - `AVPU` Available for Pick-up — every light is green;
 * - `CUSR` Customs Released — customs lifted its holds and none is in force;
 * - `CUSS` Customs Selected for Scan — a customs hold in force was a selection for scan;
 * - `CUSI` Customs Selected for Inspection — a customs hold in force was a selection for inspection.
 */
export type DcsaReleaseEventCode = 'AVPU' | 'CUSR' | 'CUSS' | 'CUSI';

/** What customs selected a box for; customs' hold alone does not say, the selection does. */
export type CustomsSelection = { holdId: string; selectedFor: 'scan' | 'inspection' };

/** The facts the lights are computed from. */
export type GreenLightFacts = {
  visit: VisitState;
  /** The visit's release stream; `initialReleaseState()` when none was issued. */
  release: ReleaseState;
  /** The instant the lights are asked for (the gate's clock, passed in). */
  at: string;
  /** Customs selections by hold, where customs recorded them; they decide between `CUSS` and `CUSI`. */
  customsSelections?: readonly CustomsSelection[];
};

/** The lights of a visit at an instant. */
export type GreenLights = {
  visitRef: string | null;
  at: string;
  lights: GreenLight[];
  allGreen: boolean;
  dcsaCodes: DcsaReleaseEventCode[];
};

/**
 * The four lights of a visit at `facts.at`, and the DCSA 3.0 codes that apply.
 *
 * With `visibility: 'status'` (a line, forwarder or haulier, see `visitVisibility`) police holds are left out,
 * as `redactVisitView` leaves them out, so the lights do not tip off a party that may be the suspect; the gate
 * asks with `full` (the default) and still refuses the box.
 *
 * `CUSR` is reported only when customs did release the box (lifted a hold of its own and holds none now):
 * a DCSA event states something that happened, and customs never released a box it never held. `CUSS` and
 * `CUSI` need the selection of an active customs hold; without one the customs light is red but no code is sent.
 *
 * @example
 * ```ts
 * const lights = greenLights({ visit, release, at: now.toISOString() });
 * lights.allGreen; // false
 * lights.lights.find((l) => l.light === 'customs_release')?.reasons; // ['customs hold CUS-1 in force since …']
 * ```
 */
export function greenLights(
  facts: GreenLightFacts,
  options: { visibility?: 'full' | 'status' } = {},
): GreenLights {
  const at = instant('at', facts.at);
  const visit = facts.visit.visit;
  const holds = (visit?.holds ?? []).filter(
    (hold) => options.visibility !== 'status' || hold.kind !== 'police',
  );
  const customsHolds = holds.filter((hold) => hold.kind === 'customs');
  const release = facts.release.release;

  const commercial: string[] = [];
  if (release === null) {
    commercial.push('the shipping line has not issued a commercial release');
  } else {
    if (visit !== null && release.visitRef !== visit.visitRef) {
      commercial.push(`the release is for visit ${release.visitRef}, not ${visit.visitRef}`);
    }
    if (visit !== null && release.line !== visit.line) {
      commercial.push(
        `the release was issued under line ${release.line}, the box is announced under ${visit.line}`,
      );
    }
    if (release.revocation !== null) {
      commercial.push(`the line revoked the release at ${release.revocation.revokedAt}`);
    }
    if (release.block !== null) commercial.push(`the line blocked the release at ${release.block.blockedAt}`);
    if (Date.parse(at) < Date.parse(release.validFrom)) {
      commercial.push(`the release is valid only from ${release.validFrom}`);
    }
    if (Date.parse(at) >= Date.parse(release.validUntil)) {
      commercial.push(`the release expired at ${release.validUntil}`);
    }
  }

  const customs: string[] = [];
  if (visit === null) customs.push('no such visit');
  for (const hold of customsHolds)
    customs.push(`customs hold ${hold.holdId} in force since ${hold.placedAt}`);

  const discharge: string[] = [];
  switch (visit?.status) {
    case undefined:
      discharge.push('no such visit');
      break;
    case 'announced':
      discharge.push(
        visit.arrival.mode === 'vessel'
          ? `the box has not been discharged from vessel call ${visit.arrival.vesselCall}`
          : 'the box has not gated in',
      );
      break;
    case 'in_yard':
      break;
    case 'gated_out':
      discharge.push(`the box gated out at ${visit.departedAt}`);
      break;
    case 'loaded':
      discharge.push(`the box was loaded at ${visit.departedAt}`);
      break;
    case 'cancelled':
      discharge.push(`the visit was cancelled at ${visit.cancelledAt}`);
      break;
  }

  const holdOrBlock: string[] = holds.map(
    (hold) => `${hold.kind} hold ${hold.holdId} in force since ${hold.placedAt}`,
  );
  if (release?.block) holdOrBlock.push(`the line blocked the release at ${release.block.blockedAt}`);

  const lights: GreenLight[] = [
    light('commercial_release', commercial),
    light('customs_release', customs),
    light('discharge_confirmed', discharge),
    light('no_hold_or_block', holdOrBlock),
  ];
  const allGreen = lights.every((l) => l.green);

  const dcsaCodes: DcsaReleaseEventCode[] = [];
  if (allGreen) dcsaCodes.push('AVPU');
  if (visit !== null && customsHolds.length === 0 && customsLifted(facts.visit)) dcsaCodes.push('CUSR');
  const selected = new Set(
    (facts.customsSelections ?? [])
      .filter((s) => customsHolds.some((hold) => hold.holdId === s.holdId))
      .map((s) => s.selectedFor),
  );
  if (selected.has('scan')) dcsaCodes.push('CUSS');
  if (selected.has('inspection')) dcsaCodes.push('CUSI');

  return { visitRef: visit?.visitRef ?? release?.visitRef ?? null, at, lights, allGreen, dcsaCodes };
}

function light(name: GreenLightName, reasons: string[]): GreenLight {
  return { light: name, green: reasons.length === 0, reasons };
}

function customsLifted(state: VisitState): boolean {
  return effectiveEvents(state).some(({ event }) => event.type === 'HoldLifted' && event.kind === 'customs');
}
