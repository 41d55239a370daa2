/**
 * The detection rules the engine runs (issue 15), one file each beside this one. Each rule's settings become
 * `PORTLEDGER_DETECT_<RULE>_<NAME>` settings (`src/config/settings.ts`), generated from its `defaults`.
 *
 * Add a rule with one import and one entry below.
 */
import type { Rule } from '../rule.js';
import { activityFirstInRoleRule } from './activity-first-in-role.js';
import { activityOffHoursRule } from './activity-off-hours.js';
import { approvalCollusionRule } from './approval-collusion.js';
import { authDormantAccountRule } from './auth-dormant-account.js';
import { authFailuresThenSuccessRule } from './auth-failures-then-success.js';
import { authImpossibleTravelRule } from './auth-impossible-travel.js';
import { authNewDeviceOrNetworkRule } from './auth-new-device-or-network.js';
import { lookupAboveBaselineRule } from './lookup-above-baseline.js';
import { lookupBulkRule } from './lookup-bulk.js';
import { lookupOutsideChainRule } from './lookup-outside-chain.js';
import { pickupChangedLateRule } from './pickup-changed-late.js';
import { releasePassedAndUsedRule } from './release-passed-and-used.js';
import { visitVanishedRule } from './visit-vanished.js';
import { visitVoidWithLiveReleaseRule } from './visit-void-with-live-release.js';
import { yardCorrectionUnexplainedRule } from './yard-correction-unexplained.js';

export const DETECTION_RULE_SET: readonly Rule[] = [
  lookupBulkRule,
  activityFirstInRoleRule,
  lookupAboveBaselineRule,
  activityOffHoursRule,
  authDormantAccountRule,
  authFailuresThenSuccessRule,
  authNewDeviceOrNetworkRule,
  authImpossibleTravelRule,
  pickupChangedLateRule,
  yardCorrectionUnexplainedRule,
  releasePassedAndUsedRule,
  visitVoidWithLiveReleaseRule,
  lookupOutsideChainRule,
  visitVanishedRule,
  approvalCollusionRule,
];
