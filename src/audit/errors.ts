/**
 * Every failure of the audit module carries one of these codes, so callers switch on the code rather than on
 * message text (as sigstore-js `packages/verify/src/error.ts` does). Trusted callers that break a precondition
 * get an {@link AuditError}; verifiers of attacker-controlled input return an {@link AuditFailure} instead.
 */
export type AuditErrorCode =
  | 'audit.invalid_argument'
  | 'audit.index_out_of_range'
  | 'audit.size_out_of_range'
  | 'audit.range_not_aligned'
  | 'audit.not_canonicalizable'
  | 'audit.entry_malformed'
  | 'audit.entry_not_canonical'
  | 'audit.key_malformed'
  | 'audit.key_unsupported_algorithm'
  | 'audit.key_id_mismatch'
  | 'audit.note_text_invalid'
  | 'audit.checkpoint_invalid';

/** Why a Merkle proof was rejected by `verifyInclusion` / `verifyConsistency`. */
export type AuditVerifyCode =
  | 'audit.proof_input_malformed'
  | 'audit.index_out_of_range'
  | 'audit.size_out_of_range'
  | 'audit.hash_wrong_size'
  | 'audit.proof_too_long'
  | 'audit.proof_wrong_length'
  | 'audit.proof_not_empty'
  | 'audit.consistency_from_empty_tree'
  | 'audit.root_mismatch';

/** Why a signed note was rejected by `openNote`. */
export type NoteOpenCode =
  | 'audit.note_malformed'
  | 'audit.note_too_large'
  | 'audit.note_too_many_signatures'
  | 'audit.note_ambiguous_key'
  | 'audit.note_invalid_signature'
  | 'audit.note_unverified';

/** Why a checkpoint was rejected by `parseCheckpointBody` / `openCheckpoint`. */
export type CheckpointOpenCode =
  | NoteOpenCode
  | 'audit.checkpoint_malformed'
  | 'audit.checkpoint_origin_mismatch';

/** The failing half of every result the audit module returns. */
export interface AuditFailure<Code extends string> {
  readonly ok: false;
  readonly code: Code;
  readonly message: string;
}

/**
 * Thrown when a trusted caller breaks a precondition (a size out of range, a value that is not canonical JSON,
 * a malformed key in configuration).
 *
 * @example
 * try { inclusionProofPlan(5, 3); } catch (error) {
 *   if (error instanceof AuditError && error.code === 'audit.index_out_of_range') { ... }
 * }
 */
export class AuditError extends Error {
  override readonly name = 'AuditError';
  readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Builds the failing half of a result. */
export function failure<Code extends string>(code: Code, message: string): AuditFailure<Code> {
  return { ok: false, code, message };
}
