/** The gate transaction (issue 4) as the kiosk calls it (`gate.routes.ts`); types follow its response schema. */
import { apiPost } from '../api.js';

export interface GateCheck {
  check: string;
  /** True exactly when `state` is `passed`. */
  passed: boolean;
  /**
   * `not_checked`: the pass did not show it comes from the driver's confirmed phone now (a printed copy, an earlier
   * step), so the gate reports its own checks only.
   */
  state: 'passed' | 'failed' | 'not_checked' | 'not_applicable';
  /** The server's English sentence, for API users: the console says `why` in its own language. */
  reason: string | null;
  /** The reason as a stable code and the facts it names; absent from a server that does not send it. */
  why?: GateCheckWhy | null;
}

/** Why a check failed or was not checked (`gate:reasons.<code>` in the catalogue), with its parameters. */
export interface GateCheckWhy {
  code: string;
  params: Record<string, string | number>;
}

export interface GateVerdict {
  attemptId: string;
  accepted: boolean;
  /** `unidentified` when the pass did not authenticate whoever presents it. */
  visitRef: string;
  /** The box the credential names; `null` when what was scanned is not genuine. */
  containerNumber: string | null;
  /**
   * Where the truck goes: the box's yard slot, when the gate let it out and the clerk may see positions (issue 14);
   * absent from a server that does not tell it yet.
   */
  yardPosition?: { terminal: string; block: string; bay: number; row: number; tier: number } | null;
  checks: GateCheck[];
  index: number;
}

export function gateTransaction(input: {
  credential: string;
  badge: string;
  truckPlate: string;
}): Promise<GateVerdict> {
  return apiPost<GateVerdict>('/v1/gate/transactions', input);
}
