/**
 * The field checks every decider applies to what arrives from people, forms, the CLI and (later) EDIFACT: the one
 * place that says what an instant, a text, an identifier and a carrier code look like in an event. Each check takes
 * the caller's own error code, so a refusal names the aggregate that refused it (`visit.command_invalid`,
 * `release.command_invalid`, …); the modules' `fields.ts` bind their code and their length limits.
 */
import { DomainError, type DomainErrorCode } from './errors.js';

/**
 * A refusal of one malformed field.
 *
 * @example
 * ```ts
 * throw fieldInvalid('user.command_invalid', 'label', 'must be a text of 1 to 200 characters');
 * ```
 */
export function fieldInvalid(code: DomainErrorCode, field: string, why: string): DomainError {
  return new DomainError(code, `${field} ${why}`, { field });
}

// ISO 8601 instant with a zone designator; normalised to UTC with milliseconds, like the log's `recordedAt`.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 instant as epoch milliseconds.
 *
 * @example
 * ```ts
 * instantMsField('access.invalid', 'now', '1970-01-01T00:00:01Z'); // 1000
 * ```
 */
export function instantMsField(code: DomainErrorCode, field: string, value: unknown): number {
  const ms = typeof value === 'string' && INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw fieldInvalid(code, field, 'must be an ISO 8601 instant such as 2025-03-01T08:00:00Z');
  return ms;
}

/**
 * An ISO 8601 instant normalised to `toISOString()` form.
 *
 * @example
 * ```ts
 * instantField('approval.command_invalid', 'at', '2025-03-01T09:00+01:00'); // '2025-03-01T08:00:00.000Z'
 * ```
 */
export function instantField(code: DomainErrorCode, field: string, value: unknown): string {
  return new Date(instantMsField(code, field, value)).toISOString();
}

// Control characters: nothing a person types, and they can hide or reorder text in an audit view.
const CONTROL = /\p{Cc}/u;

/**
 * A trimmed, non-empty text of at most `max` characters, without control characters.
 *
 * @example
 * ```ts
 * textField('user.command_invalid', 'displayName', '  An Peeters ', 200); // 'An Peeters'
 * ```
 */
export function textField(code: DomainErrorCode, field: string, value: unknown, max: number): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed === '' || trimmed.length > max || CONTROL.test(trimmed)) {
    throw fieldInvalid(code, field, `must be a text of 1 to ${max} characters`);
  }
  return trimmed;
}

// Ids come from our own generators or from WebAuthn (base64url credential ids); nothing else belongs in them.
// Visit references end in a Crockford check symbol, which may be * ~ $ = or U.
const ID = /^[A-Za-z0-9._:~*$=-]+$/;

/**
 * An identifier of 1 to `max` letters, digits or `. _ : ~ * $ = -`.
 *
 * @example
 * ```ts
 * idField('user.command_invalid', 'userId', 'u-17', 100); // 'u-17'
 * ```
 */
export function idField(code: DomainErrorCode, field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !ID.test(value)) {
    throw fieldInvalid(
      code,
      field,
      `must be an identifier of 1 to ${max} letters, digits or . _ : ~ * $ = -`,
    );
  }
  return value;
}

/**
 * One of a closed list of strings.
 *
 * @example
 * ```ts
 * oneOfField('visit.command_invalid', 'fullEmpty', 'full', ['full', 'empty']); // 'full'
 * ```
 */
export function oneOfField<T extends string>(
  code: DomainErrorCode,
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) throw fieldInvalid(code, field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * A whole number from `min` to `max`.
 *
 * @example
 * ```ts
 * integerField('appointment.config_invalid', 'slotMinutes', 30, 5, 240); // 30
 * ```
 */
export function integerField(
  code: DomainErrorCode,
  field: string,
  value: unknown,
  min: number,
  max: number,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw fieldInvalid(code, field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * A carrier code, trimmed and upper-cased: the shape of `Visit.line` and `Organisation.code`. SCAC codes are 2–4
 * letters (NMFTA) and SMDG line codes up to 3; the rest is room for longer carrier codes.
 *
 * @example
 * ```ts
 * carrierCodeField('release.command_invalid', 'line', ' maeu '); // 'MAEU'
 * ```
 */
export function carrierCodeField(code: DomainErrorCode, field: string, value: unknown): string {
  const carrier = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!/^[A-Z0-9]{2,10}$/.test(carrier))
    throw fieldInvalid(code, field, 'must be a carrier code such as MAEU');
  return carrier;
}
