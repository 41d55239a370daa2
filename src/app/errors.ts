/**
 * Errors the use cases raise themselves (the domain raises `DomainError`). Codes are namespaced strings; the
 * HTTP edge maps every code to a status in one table (`src/http/problem.ts`), the CLI prints the message.
 */
export type AppErrorCode =
  | 'visit.not_found'
  | 'visit.container_active'
  | 'terminal.unknown'
  | 'audit.checkpoint_missing'
  | 'audit.index_out_of_range'
  | 'audit.size_out_of_range'
  | 'audit.tile_not_found'
  | 'input.invalid'
  | 'auth.unauthenticated'
  | 'auth.csrf'
  | 'auth.forbidden'
  | 'auth.enrolment_link_invalid'
  | 'auth.challenge_invalid'
  | 'auth.passkey_invalid'
  | 'auth.credentials_invalid'
  | 'auth.passkey_required'
  | 'auth.passkey_session_required'
  | 'auth.throttled'
  | 'auth.account_locked'
  | 'auth.step_up_required'
  | 'auth.last_passkey'
  | 'auth.user_unknown'
  | 'auth.enrolment_not_allowed'
  | 'auth.passkey_pending'
  | 'auth.passkey_already_registered'
  | 'enrolment.not_found'
  | 'enrolment.not_pending'
  | 'enrolment.self_confirmation'
  | 'enrolment.ambiguous'
  | 'enrolment.code_mismatch'
  | 'enrolment.locked'
  | 'approval.not_found'
  | 'alert.not_found'
  | 'alert.resolved'
  | 'gate.rate_limited'
  | 'queues.too_many_streams'
  // A Prometheus scrape without the metrics token, or from an address outside the allow-list (issue 16).
  | 'metrics.token_invalid'
  | 'metrics.address_not_allowed'
  | 'integrity.entry_unauthenticated'
  | 'integrity.entry_mismatch'
  | 'auth.token_invalid'
  | 'token.permission_not_allowed'
  | 'token.not_found'
  | 'subscription.not_found'
  | 'subscription.callback_refused'
  | 'token.already_revoked'
  | 'org.not_found'
  | 'driver.not_found'
  | 'driver.device_key_invalid'
  | 'driver.device_not_found'
  | 'driver.device_not_pending'
  | 'driver.device_code_mismatch'
  | 'driver.device_locked'
  | 'driver.device_pending_exists'
  | 'yard.terminal_not_found'
  // The same survey file was recorded at this terminal already (issue 15): importing it again would raise its alerts twice.
  | 'yard.survey_duplicate'
  // A survey that missed too many boxes to be of the whole yard it says it covered (issue 15): recorded, it would
  // freeze each box it did not pass.
  | 'yard.survey_implausible'
  // A UN/EDIFACT interchange refused whole (issue 17): its syntax, its sender, or one of its messages.
  | 'edi.syntax_invalid'
  | 'edi.sender_unknown'
  | 'edi.interchange_refused'
  | 'edi.interchange_not_found';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}
