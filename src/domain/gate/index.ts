/** The gate: the verdict on a truck at the lane, its events, and which commands can let a box leave at all. */
export {
  type GateAlertRaised,
  type GateAttemptAccepted,
  type GateAttemptRefused,
  type GateEvent,
  gateAttemptEvents,
} from './gate.events.js';
export {
  type GateCheckReason,
  type GateRead,
  gateCheckReasons,
  gateCheckSentences,
} from './gate-sentences.js';
export {
  DEFAULT_TIMING_LEAD_MINUTES,
  type FailedCheck,
  type GateBookingFacts,
  type GateCheck,
  type GateInput,
  type GateLight,
  type GatePass,
  type GateTiming,
  type GateVerdict,
  gateBookingFacts,
  gateChecks,
  gateTiming,
  gateVerdict,
  type NotAPass,
  notAPass,
  type OpenedCredential,
} from './verdict.js';
