import type { AuthDeps } from '../app/access/index.js';
import type { PositionViewRecorder } from '../app/alerts/index.js';
import type { PickupDeps } from '../app/appointments/index.js';
import type { GateThrottle } from '../app/gate/index.js';
import type { TerminalLayouts } from '../app/visits/index.js';
import type { SurveyWalkLimits } from '../domain/index.js';

/** What the signed-in routes need: the identity layer (which holds the ledger) and the yards the port runs. */
export interface HttpDeps {
  readonly auth: AuthDeps;
  readonly terminals: TerminalLayouts;
  /** The URL people open: enrolment links are made from it. */
  readonly publicUrl: string;
  /** Slot tables, the sensitivity rule and the pickup credential keys (issue 4). */
  readonly pickup: PickupDeps;
  /** Records the positions reads show people as `PositionsViewed` events (issue 15); without it, views are not recorded. */
  readonly positionViews?: PositionViewRecorder;
  /** The gate's rate limits per kiosk and per credential (issue 10, row G); without it, the gate is not limited. */
  readonly gateThrottle?: GateThrottle;
  /** Minutes early or late within which a refusal for timing alone raises no alert (issue 14); a default when absent. */
  readonly gateTimingLeadMinutes?: number;
  /** How long a yard survey's walk may take and how old its rows may be (issue 15); the domain's defaults when absent. */
  readonly surveyWalk?: SurveyWalkLimits;
}
