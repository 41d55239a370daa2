/**
 * Field checks shared by the appointment and gate modules. Commands arrive from people, forms and (later) COPINO
 * messages, so every field is re-checked and normalised before it goes into an event; each check throws the
 * caller's own code so a refusal names the module that refused it. Internal: not re-exported.
 */
import { DomainError, type DomainErrorCode } from '../errors.js';

/** The error code a module uses for a malformed field. */
export type FieldCode = Extract<
  DomainErrorCode,
  'appointment.command_invalid' | 'appointment.config_invalid' | 'gate.input_invalid'
>;

/** Longest texts we accept, so one request cannot bloat an audit leaf or a QR code. */
export const MAX_TEXT = { id: 64, reason: 500 } as const;

/** A refusal of one field. */
export function invalid(code: FieldCode, field: string, why: string): DomainError {
  return new DomainError(code, `${field} ${why}`, { field });
}

// ISO 8601 instant with a zone designator; normalised to UTC with milliseconds, like the visit decider does.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant as epoch milliseconds. */
export function instantMs(code: FieldCode, field: string, value: unknown): number {
  const ms = typeof value === 'string' && INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw invalid(code, field, 'must be an ISO 8601 instant such as 2025-03-01T08:00:00Z');
  return ms;
}

/** An ISO 8601 instant normalised to `toISOString()` form. */
export function instant(code: FieldCode, field: string, value: unknown): string {
  return new Date(instantMs(code, field, value)).toISOString();
}

// Control characters: nothing a person types, and they can hide or reorder text in an audit view.
const CONTROL = /\p{Cc}/u;

/** A trimmed, non-empty text without control characters. */
export function text(code: FieldCode, field: string, value: unknown, max: number): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed === '' || trimmed.length > max || CONTROL.test(trimmed)) {
    throw invalid(code, field, `must be a text of 1 to ${max} characters`);
  }
  return trimmed;
}

// Same alphabet as access ids: our generators, visit references (Crockford check symbols * ~ $ = U).
const ID = /^[A-Za-z0-9._:~*$=-]+$/;

/** An identifier of 1 to `max` letters, digits or `. _ : ~ * $ = -`. */
export function id(code: FieldCode, field: string, value: unknown, max: number = MAX_TEXT.id): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !ID.test(value)) {
    throw invalid(code, field, `must be an identifier of 1 to ${max} letters, digits or . _ : ~ * $ = -`);
  }
  return value;
}

/** A whole number from `min` to `max`. */
export function integer(code: FieldCode, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(code, field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}
