/**
 * What the gate tells whoever stands at it (issue 10, row F: leak nothing to whoever may not see it). The verdict
 * is recorded in full in the log; the answer is cut to the caller's need-to-know of the box the credential names
 * (`visitVisibility`, as the status views cut holds and freezes):
 *
 * - a caller who sees the box in full (the terminal's own staff, signed in with a passkey) gets every reason;
 * - anyone else — a kiosk's API token, which holds `visit.gate_out` and no `visit.read` — learns only that the
 *   box is not released, never which authority holds it or that an investigation froze it;
 * - when what was scanned is not genuine (a forged credential, or a pass not signed by the driver's active phone),
 *   the answer names no box and is the same whether or not the credential it names exists;
 * - and when it is genuine but does not authenticate whoever presents it (a printed pass where printing is off, a
 *   pass from an earlier step), the answer reports the pass checks and the container number only: every other
 *   check is `not_checked`, whoever asks, so a copied pass is no oracle for a hidden hold, a freeze, the slot or
 *   the release (outside attacker, gate issue 1). Only a fresh pass from the driver's confirmed phone (or a printed
 *   one where the terminal accepts them) learns which check failed, within the cut above;
 * - text that is no pickup pass at all (nothing, a web address, any other text) is said to be so
 *   (`credential.not_a_pass`), with every other check `not_checked`: that depends on the text alone;
 * - the box's yard position, where the truck goes once let out (issue 14), only to whoever sees the box in full: the
 *   terminal's own staff, never a kiosk's token or a haulier.
 */
import type { Principal } from '../../domain/index.js';
import type { LedgerReads } from '../ports.js';
import { visibilityOf } from '../visits/index.js';
import type { GateTransactionResult } from './gate.usecases.js';

/** What the gate read is for which it answers: who asked, and for a token the permissions it was granted. */
export interface GateViewer {
  readonly principal: Principal;
  /** An API token's own permissions; `undefined` for a signed-in person (whose roles say it). */
  readonly tokenPermissions?: readonly string[];
}

/** The checks about what was scanned itself, rather than about the box it names. */
const PASS_CHECKS: ReadonlySet<string> = new Set([
  'credential.not_a_pass',
  'pass.device_signature',
  'pass.fresh',
  'pass.printed_disabled',
  'credential.signature',
]);

/**
 * The checks that say whether what was scanned names its box with our authority: a credential signed by the log's
 * key, or a pass signed by the driver's active phone. A stale pass or a printed one where printing is off still
 * names its box truly; a pass signed by any other key names whatever the attacker typed.
 */
const AUTHENTICATION_CHECKS: ReadonlySet<string> = new Set([
  'credential.not_a_pass',
  'pass.device_signature',
  'credential.signature',
]);

/**
 * The checks that say whether the pass authenticates whoever presents it, beyond being genuine: a copy of the
 * printed pass or a photo of an earlier step is genuine and proves nothing about who holds it.
 */
const PRESENTER_CHECKS: ReadonlySet<string> = new Set(['pass.fresh', 'pass.printed_disabled']);

const NOT_CHECKED = 'not checked: the pass did not open';
const NOT_CHECKED_PASS =
  "not checked: the pass does not show that it comes from the driver's confirmed phone now";
const NOT_CHECKED_NON_PASS = 'not checked: what was scanned is not a pickup pass';
const NOT_VALID =
  "This is not a valid pickup pass: it is signed neither by PortLedger nor by the driver's confirmed phone. Nothing leaves.";
const NOT_RELEASED = 'the box is not released for pickup: the terminal office will tell the driver why';

type Check = GateTransactionResult['checks'][number];

/**
 * The gate's answer as `viewer` may see it.
 *
 * @example
 * ```ts
 * const result = await gateTransaction(deps, operator, presented);
 * return gateAnswerFor(reads, { principal: kiosk, tokenPermissions: ['visit.gate_out'] }, result);
 * ```
 */
export async function gateAnswerFor(
  reads: LedgerReads,
  viewer: GateViewer,
  result: GateTransactionResult,
): Promise<GateTransactionResult> {
  const genuine = result.checks.every((c) => c.passed || !AUTHENTICATION_CHECKS.has(c.check));
  if (!genuine) return unidentified(result);
  const presenter = result.checks.every((c) => c.passed || !PRESENTER_CHECKS.has(c.check));
  if (!presenter) return passChecksOnly(result);
  const record = result.visitRef === 'unidentified' ? undefined : await reads.getVisit(result.visitRef);
  const visibility = record ? await visibilityOf(reads, viewer.principal, record) : 'none';
  const capped = capByToken(visibility, viewer.tokenPermissions);
  if (capped === 'full') return result;
  return { ...result, yardPosition: null, checks: withoutHoldsOrFreeze(result.checks) };
}

/** A token sees no more than its own permissions grant, whatever its organisation's roles would. */
function capByToken(
  visibility: 'full' | 'status' | 'none',
  permissions: readonly string[] | undefined,
): 'full' | 'status' | 'none' {
  if (permissions === undefined || visibility === 'none') return visibility;
  if (!permissions.includes('visit.read')) return 'none';
  if (visibility === 'full' && !permissions.includes('visit.position.read')) return 'status';
  return visibility;
}

/**
 * The answer to a pass that did not authenticate: which of its own checks failed (the caller holds what it
 * scanned), with words that do not depend on what the log holds, and nothing about any box.
 */
function unidentified(result: GateTransactionResult): GateTransactionResult {
  const base = {
    ...result,
    accepted: false,
    visitRef: 'unidentified',
    containerNumber: null,
    yardPosition: null,
  };
  if (result.checks.some((c) => c.check === 'credential.not_a_pass' && !c.passed)) {
    return {
      ...base,
      checks: result.checks.map(
        (c): Check =>
          c.check === 'credential.not_a_pass'
            ? { ...c }
            : notChecked(c, NOT_CHECKED_NON_PASS, 'not_checked.non_pass'),
      ),
    };
  }
  return {
    ...base,
    checks: result.checks.map((c): Check => {
      if (!PASS_CHECKS.has(c.check)) return notChecked(c, NOT_CHECKED, 'not_checked.not_opened');
      // An unknown credential id and a known one whose pass did not verify must look alike.
      const passed = c.check === 'credential.signature' ? false : c.passed;
      return {
        check: c.check,
        passed,
        state: passed ? (c.state === 'not_applicable' ? 'not_applicable' : 'passed') : 'failed',
        reason: passed ? null : NOT_VALID,
        why: passed ? null : { code: 'pass.not_valid', params: {} },
      };
    }),
  };
}

/**
 * The answer to a genuine pass that does not authenticate its presenter: its own checks, as they came out (they
 * depend on what was scanned and the driver's phone only), and the container number, so that the clerk can turn the
 * driver away; nothing about the box's lights, holds, freeze, slot, booking or release, however they stand.
 */
function passChecksOnly(result: GateTransactionResult): GateTransactionResult {
  return {
    ...result,
    accepted: false,
    visitRef: 'unidentified',
    yardPosition: null,
    checks: result.checks.map(
      (c): Check =>
        PASS_CHECKS.has(c.check) ? { ...c } : notChecked(c, NOT_CHECKED_PASS, 'not_checked.presenter'),
    ),
  };
}

/** A check the answer does not report: its reason says why, in English and as a code (`why`) for the console. */
const notChecked = (c: Check, reason: string, code: string): Check => ({
  check: c.check,
  passed: false,
  state: 'not_checked',
  reason,
  why: { code, params: {} },
});

/**
 * Holds and freezes, cut as a status view cuts them (`redactVisitView`): the box is not released, without which
 * authority holds it or that an investigation froze it.
 */
function withoutHoldsOrFreeze(checks: readonly Check[]): Check[] {
  const frozen = checks.some((c) => c.check === 'visit.not_frozen' && !c.passed);
  const lightsRed = checks.some((c) => c.check === 'lights.green' && !c.passed);
  return checks.map((c): Check => {
    if (c.check === 'lights.green' && (lightsRed || frozen)) {
      // Not which lights are red: that would tell which authority holds the box.
      return {
        check: c.check,
        passed: false,
        state: 'failed',
        reason: NOT_RELEASED,
        why: { code: 'lights.not_released', params: {} },
      };
    }
    if (c.check === 'visit.not_frozen')
      return { check: c.check, passed: true, state: 'passed', reason: null, why: null };
    return { ...c };
  });
}
