/**
 * Events of the gate, recorded either way (issue 4): an accepted attempt consumes its credential (the caller
 * then gates the box out, DCSA `GTOT`); a refused one lists every failed check and raises an alert that the
 * detection engine will later read with other signals. The driver appears only as his badge reference.
 */
import { checkTruckPlate, isDriverBadgeRef, normaliseTruckPlate } from '../appointments/index.js';
import { DomainError } from '../errors.js';
import { id, instant } from '../pickup-fields.js';
import type { FailedCheck, GateInput, GateVerdict } from './verdict.js';

/** The gate let the box out; `credentialId` is consumed. */
export type GateAttemptAccepted = {
  type: 'GateAttemptAccepted';
  attemptId: string;
  visitRef: string;
  credentialId: string;
  badgeRef: string;
  truckPlate: string;
  at: string;
};

/** The gate refused; the credential, if it opened, is not consumed. */
export type GateAttemptRefused = {
  type: 'GateAttemptRefused';
  attemptId: string;
  visitRef: string;
  /** `null` when the credential did not open. */
  credentialId: string | null;
  /** The badge reference read, `null` when it was not one (the card number never goes into a leaf). */
  badgeRef: string | null;
  /** The plate read, normalised; `null` when unreadable. */
  truckPlate: string | null;
  failed: FailedCheck[];
  at: string;
};

/** An alert for the caller to append and notify on: the gate refused a pickup. */
export type GateAlertRaised = {
  type: 'GateAlertRaised';
  rule: 'gate.refused';
  attemptId: string;
  visitRef: string;
  failed: FailedCheck[];
  at: string;
};

/** Every gate event. */
export type GateEvent = GateAttemptAccepted | GateAttemptRefused | GateAlertRaised;

const INVALID = 'gate.input_invalid';

/**
 * The events to append for a verdict: `GateAttemptAccepted`, or `GateAttemptRefused` and `GateAlertRaised`.
 * `attemptId` is made by the caller; `at` is `input.now`.
 *
 * @example
 * ```ts
 * const verdict = gateVerdict(input);
 * const events = gateAttemptEvents({ attemptId, input, verdict });
 * ```
 */
export function gateAttemptEvents(args: {
  attemptId: string;
  input: GateInput;
  verdict: GateVerdict;
}): GateEvent[] {
  const { input, verdict } = args;
  const attemptId = id(INVALID, 'attemptId', args.attemptId);
  const at = instant(INVALID, 'now', input.now);
  const visitRef = id(INVALID, 'visit.visitRef', input.visit.visitRef);
  const credentialId = input.credential.ok ? input.credential.payload.credentialId : null;
  if (verdict.accepted) {
    if (credentialId === null) {
      throw new DomainError(INVALID, 'an accepted verdict needs a credential that opened', {
        field: 'verdict',
      });
    }
    return [
      {
        type: 'GateAttemptAccepted',
        attemptId,
        visitRef,
        credentialId,
        badgeRef: input.presented.badgeRef,
        truckPlate: checkTruckPlate(INVALID, 'presented.truckPlate', input.presented.truckPlate),
        at,
      },
    ];
  }
  const badgeRef = input.presented.badgeRef;
  const failed = verdict.failed.map(
    ({ check, reason, timing }): FailedCheck =>
      timing === undefined ? { check, reason } : { check, reason, timing: { ...timing } },
  );
  const refused: GateAttemptRefused = {
    type: 'GateAttemptRefused',
    attemptId,
    visitRef,
    credentialId,
    badgeRef: isDriverBadgeRef(badgeRef) ? badgeRef : null,
    truckPlate: normaliseTruckPlate(input.presented.truckPlate) ?? null,
    failed,
    at,
  };
  // A truck refused for its timing alone, early or late by no more than the terminal's lead, is a driver on the
  // road: the clerk tells him when the window opens, or that the haulier books again, and the refusal stays in the
  // log as information (this event), not an alert (issue 10 row G, issue 14). Further out it is an alert: early,
  // for the clerk to look at; late, a pass used long after its window, for security (`gateRefusalSeverity`).
  const onlyTiming = failed.every((f) => f.check === 'slot.window' && f.timing?.withinLead === true);
  if (failed.length > 0 && onlyTiming) return [refused];
  return [
    refused,
    {
      type: 'GateAlertRaised',
      rule: 'gate.refused',
      attemptId,
      visitRef,
      failed: failed.map((f) => (f.timing === undefined ? { ...f } : { ...f, timing: { ...f.timing } })),
      at,
    },
  ];
}
