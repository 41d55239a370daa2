/**
 * Every way the domain can refuse something, as one closed union of namespaced codes.
 *
 * Callers switch on `code` (the HTTP edge maps each code to a status in one table); the message is for
 * humans and the `details` object carries the values a client needs to fix its request.
 */
export const domainErrorCodes = [
  'container.malformed',
  'container.check_digit',
  'container.size_type',
  'container.size_type_unsupported',
  'visit.command_invalid',
  'visit.reference_invalid',
  'visit.not_found',
  'visit.correction_needs_two',
  'visit.already_exists',
  'visit.wrong_arrival_mode',
  'visit.vessel_call_mismatch',
  'visit.not_in_yard',
  'visit.already_in_yard',
  'visit.already_gated_out',
  'visit.already_loaded',
  'visit.ended',
  'visit.on_hold',
  'visit.frozen',
  'visit.gate_out_needs_verdict',
  'visit.already_frozen',
  'visit.not_frozen',
  'visit.unfreeze_needs_two',
  'visit.void_target_invalid',
  'visit.void_breaks_history',
  'yard.slot_malformed',
  'yard.bay_parity',
  'yard.slot_unknown',
  'yard.slot_occupied',
  'yard.no_support',
  'yard.box_blocked',
  'yard.same_slot',
  'yard.from_mismatch',
  // A yard survey's file (issue 15): one bad row refuses the whole survey, naming its line.
  'yard.survey_invalid',
  'hold.already_active',
  'hold.not_found',
  'hold.second_officer_required',
  'access.invalid',
  'access.organisation_invalid',
  'access.role_unknown',
  'access.role_not_allowed',
  'approval.command_invalid',
  'approval.not_found',
  'approval.already_exists',
  'approval.not_permitted',
  'approval.self_approval',
  'approval.not_eligible',
  'approval.wrong_organisation',
  'approval.not_pending',
  'approval.expired',
  'approval.not_requester',
  'user.command_invalid',
  'user.not_found',
  'user.already_exists',
  'user.role_already_held',
  'user.role_not_held',
  'user.approval_mismatch',
  'user.approval_used',
  'user.passkey_exists',
  'user.passkey_not_found',
  'user.last_passkey',
  'user.self_confirmation',
  'user.passkey_not_pending',
  'user.passkey_required',
  'user.enrolment_link_invalid',
  'user.enrolment_required',
  'user.locked',
  'user.not_locked',
  'release.command_invalid',
  'release.not_found',
  'release.already_issued',
  'release.not_line',
  'release.not_holder',
  'release.not_offered_party',
  'release.not_sender',
  'release.no_offer',
  'release.offer_pending',
  'release.already_holder',
  'release.blocked',
  'release.already_blocked',
  'release.not_blocked',
  'release.revoked',
  'release.validity_invalid',
  'release.validity_unchanged',
  'appointment.config_invalid',
  'appointment.slot_invalid',
  'appointment.command_invalid',
  'appointment.not_found',
  'appointment.already_booked',
  'appointment.not_holder',
  'appointment.slot_full',
  'appointment.slot_in_past',
  'appointment.no_change',
  'appointment.approval_required',
  'appointment.approval_mismatch',
  'appointment.approval_used',
  'gate.input_invalid',
] as const;

/** The closed union of domain error codes. */
export type DomainErrorCode = (typeof domainErrorCodes)[number];

/**
 * A refusal by a domain rule.
 *
 * @example
 * ```ts
 * try {
 *   parseContainerNumber('CBHU1234567');
 * } catch (error) {
 *   if (isDomainError(error, 'container.check_digit')) console.log(error.details.expected); // 1
 * }
 * ```
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Narrows `error` to a {@link DomainError}, optionally of one code.
 *
 * @example
 * ```ts
 * if (isDomainError(error, 'visit.on_hold')) return { verdict: 'refused', holds: error.details.holds };
 * ```
 */
export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}
