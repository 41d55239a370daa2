/**
 * Who confirms a passkey registered through a one-time enrolment link (issue 10, row D). A link travels by mail,
 * on paper or in a secrets file, and can be stolen on the way (MISSION §1: "a one-time enrolment link in transit");
 * so the passkey it registers signs nobody in until a second person who knows the holder has looked at the device,
 * the time and the network it came from, and confirmed it.
 *
 * The confirmers: a terminal supervisor of the same organisation (they know their staff), or a port administrator
 * of any organisation (they issued the link; the only confirmers of organisations without supervisors). Never the
 * person themselves. The very first administrator is confirmed by the operator at the machine (the CLI), who is
 * the root of trust of a fresh installation.
 */
import type { Role } from './roles.js';

/** The roles that confirm enrolments, as the policy table's `enrolment.confirm` row grants them. */
export const enrolmentConfirmerRoles = [
  'terminal_supervisor',
  'administrator',
] as const satisfies readonly Role[];

/** The one who would confirm, and the person whose passkey waits. */
export interface EnrolmentConfirmation {
  readonly confirmer: { readonly userId: string; readonly orgId: string; readonly roles: readonly string[] };
  readonly person: { readonly userId: string; readonly orgId: string };
}

/** Why a confirmer may not confirm: it is their own passkey, or not a person they confirm for. */
export type EnrolmentConfirmRefusal = 'self' | 'not_confirmer';

/**
 * Whether `confirmer` may confirm or reject `person`'s pending passkey: `undefined` when they may, else why not.
 *
 * @example
 * ```ts
 * enrolmentConfirmRefusal({
 *   confirmer: { userId: 'u-sup', orgId: 'nqt', roles: ['terminal_supervisor'] },
 *   person: { userId: 'u-clerk', orgId: 'nqt' },
 * }); // undefined
 * enrolmentConfirmRefusal({
 *   confirmer: { userId: 'u-sup', orgId: 'nqt', roles: ['terminal_supervisor'] },
 *   person: { userId: 'u-line', orgId: 'mscu' },
 * }); // 'not_confirmer'
 * ```
 */
export function enrolmentConfirmRefusal(args: EnrolmentConfirmation): EnrolmentConfirmRefusal | undefined {
  const { confirmer, person } = args;
  if (confirmer.userId === person.userId) return 'self';
  if (confirmer.roles.includes('administrator')) return undefined;
  if (confirmer.roles.includes('terminal_supervisor') && confirmer.orgId === person.orgId) return undefined;
  return 'not_confirmer';
}
