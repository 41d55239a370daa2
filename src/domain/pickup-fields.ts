/**
 * Field checks of the appointment and gate modules: the shapes of `../field-checks.ts`, bound to the codes these
 * modules refuse with. Commands arrive from people, forms and (later) COPINO messages, so every field is
 * re-checked and normalised before it goes into an event. Internal: not re-exported.
 */
import type { DomainError, DomainErrorCode } from './errors.js';
import {
  fieldInvalid,
  idField,
  instantField,
  instantMsField,
  integerField,
  textField,
} from './field-checks.js';

/** The error code a module uses for a malformed field. */
export type FieldCode = Extract<
  DomainErrorCode,
  'appointment.command_invalid' | 'appointment.config_invalid' | 'gate.input_invalid'
>;

/** Longest texts we accept, so one request cannot bloat an audit leaf or a QR code. */
export const MAX_TEXT = { id: 64, reason: 500 } as const;

/** A refusal of one field. */
export function invalid(code: FieldCode, field: string, why: string): DomainError {
  return fieldInvalid(code, field, why);
}

/** An ISO 8601 instant as epoch milliseconds. */
export function instantMs(code: FieldCode, field: string, value: unknown): number {
  return instantMsField(code, field, value);
}

/** An ISO 8601 instant normalised to `toISOString()` form. */
export function instant(code: FieldCode, field: string, value: unknown): string {
  return instantField(code, field, value);
}

/** A trimmed, non-empty text without control characters. */
export function text(code: FieldCode, field: string, value: unknown, max: number): string {
  return textField(code, field, value, max);
}

/** An identifier of 1 to `max` letters, digits or `. _ : ~ * $ = -`. */
export function id(code: FieldCode, field: string, value: unknown, max: number = MAX_TEXT.id): string {
  return idField(code, field, value, max);
}

/** A whole number from `min` to `max`. */
export function integer(code: FieldCode, field: string, value: unknown, min: number, max: number): number {
  return integerField(code, field, value, min, max);
}
