/**
 * The gate-out transaction (issue 4; MISSION §1, "their own drivers collected the boxes early"): the gate clerk
 * or a kiosk submits the scanned credential, the badge read from the card and the truck plate. Everything the
 * verdict needs is read in one write transaction; the verdict is recorded either way (`GateAttemptAccepted` or
 * `GateAttemptRefused` on the attempt's own `gate-<attemptId>` stream); a refusal also appends `GateAlertRaised`
 * to the `alerts` stream; an acceptance gates the box out (DCSA `GTOT`) and consumes the credential in the same
 * transaction, so a credential can never let two trucks through.
 */
import { openPickupCredential } from '../audit/index.js';
import {
  bookingDecider,
  type FailedCheck,
  type GateCheck,
  type GateInput,
  gateAttemptEvents,
  gateBookingFacts,
  gateChecks,
  gateVerdict,
  greenLights,
  normaliseTruckPlate,
} from '../domain/index.js';
import { raiseGateAlert } from './alerts.usecases.js';
import { appointmentStreamId, foldBooking, type PickupDeps, releaseFacts } from './appointments.usecases.js';
import type { Ledger } from './ledger.js';
import type { JsonObject } from './ports.js';
import type { SecretSealer } from './security.ports.js';
import {
  executeVisitCommand,
  foldVisit,
  gateAttemptStreamId,
  type TerminalLayouts,
  visitStreamId,
} from './visits.usecases.js';

export { ALERTS_STREAM } from './alert-records.js';
export { gateAttemptStreamId } from './visits.usecases.js';
/** Where an attempt whose credential did not open is recorded: we cannot tell which visit it aimed at. */
export const UNIDENTIFIED_VISIT = 'unidentified';

export interface GateDeps {
  readonly ledger: Ledger;
  readonly sealer: SecretSealer;
  readonly pickup: PickupDeps;
  readonly terminals: TerminalLayouts;
}

/** What the gate read. Attacker-controlled: each field is checked by the verdict, none throws. */
export interface GatePresentation {
  readonly credential: string;
  readonly badge: string;
  readonly truckPlate: string;
}

/** The answer at the gate: every check ticked or crossed. */
export interface GateTransactionResult {
  readonly attemptId: string;
  readonly accepted: boolean;
  readonly visitRef: string;
  readonly checks: readonly { check: GateCheck; passed: boolean; reason: string | null }[];
  /** Index of the verdict event in the audit log. */
  readonly index: number;
}

/**
 * Runs one gate-out transaction.
 *
 * @example
 * ```ts
 * const result = await gateTransaction(deps, 'gate-clerk-7', { credential, badge: 'ANR-000123', truckPlate: '1-ABC-123' });
 * result.checks.filter((c) => !c.passed).map((c) => c.check); // ['driver.badge', 'slot.window']
 * ```
 */
export async function gateTransaction(
  deps: GateDeps,
  operator: string,
  presented: GatePresentation,
): Promise<GateTransactionResult> {
  // Outside the transaction: pure work on attacker-controlled input, no reason to hold the log lock for it.
  const opened = openPickupCredential(presented.credential, deps.pickup.verifiers);
  const refs =
    typeof presented.badge === 'string' && presented.badge.trim() !== ''
      ? deps.sealer.badgeRefs(presented.badge)
      : [];
  return deps.ledger.write(async (context) => {
    const { tx } = context;
    const now = context.now.toISOString();
    const visitRef = opened.ok ? opened.payload.visitRef : UNIDENTIFIED_VISIT;
    const record = opened.ok ? await tx.getVisit(visitRef) : undefined;
    const visitState = record ? foldVisit(await tx.readStream(visitStreamId(visitRef))) : undefined;
    const bookingState = record
      ? foldBooking(await tx.readStream(appointmentStreamId(visitRef)))
      : bookingDecider.initialState();
    const release = record ? await releaseFacts(tx, visitRef) : undefined;
    const terminal = bookingState.booking?.terminal;
    const config = terminal === undefined ? undefined : deps.pickup.slots.get(terminal);
    const booking = config ? gateBookingFacts(bookingState, config) : null;
    const credentialId = opened.ok ? opened.payload.credentialId : undefined;
    const stored = credentialId === undefined ? undefined : await tx.gate.getCredential(credentialId);
    // A credential we signed but never recorded is not one we issued for this booking: superseded.
    const superseded = credentialId !== undefined && (stored === undefined || stored.status === 'void');
    const input: GateInput = {
      credential: opened.ok
        ? { ok: true, payload: opened.payload }
        : { ok: false, code: opened.code, message: opened.message },
      presented: {
        badgeRef: refs.find((ref) => ref === booking?.driverBadgeRef) ?? refs[0] ?? '',
        truckPlate: presented.truckPlate,
      },
      now,
      visit: { visitRef, status: visitState?.visit?.status ?? 'announced' },
      release: { rightVersion: release?.rightVersion ?? 0, holder: release?.holder ?? null },
      booking,
      credentialIds: {
        used: stored?.status === 'used' ? [stored.credentialId] : [],
        superseded: superseded ? [credentialId] : [],
      },
      lights:
        visitState && release
          ? greenLights({ visit: visitState, release: release.state, at: now }).lights
          : [],
      // A freeze stops the box whoever presents what: only a two-person unfreeze lets it go.
      frozen: (visitState?.visit?.frozen ?? null) !== null,
    };
    const verdict = gateVerdict(input);
    const attemptId = Buffer.from(context.ids.randomBytes(12)).toString('base64url');
    const [attempt, alert] = gateAttemptEvents({ attemptId, input, verdict });
    const toNew = ({ type, ...data }: { type: string }) => ({
      type,
      data: { ...(data as JsonObject), operator } as JsonObject,
    });
    const [appended] = await context.append(gateAttemptStreamId(attemptId), 0, [toNew(attempt!)]);
    if (alert !== undefined && alert.type === 'GateAlertRaised') {
      await raiseGateAlert(context, { type: alert.type, data: toNew(alert).data }, record, operator);
    }
    if (verdict.accepted && stored) {
      await executeVisitCommand(context, deps.terminals, visitRef, {
        type: 'GateOutContainer',
        truckPlate: normaliseTruckPlate(presented.truckPlate) ?? presented.truckPlate,
        // The decider lets the box out only on this verdict, read back from the log in this transaction.
        gateAttemptId: attemptId,
      });
      await tx.gate.putCredential({ ...stored, status: 'used', closedAt: now });
    }
    const failed = new Map<GateCheck, FailedCheck>(
      verdict.accepted ? [] : verdict.failed.map((f) => [f.check, f] as const),
    );
    return {
      attemptId,
      accepted: verdict.accepted,
      visitRef,
      checks: gateChecks.map((check) => ({
        check,
        passed: !failed.has(check),
        reason: failed.get(check)?.reason ?? null,
      })),
      index: appended!.index,
    };
  });
}
