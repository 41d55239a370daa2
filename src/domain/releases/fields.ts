/**
 * Field checks of the release folder: the shapes of `../field-checks.ts`, with every refusal
 * `release.command_invalid`, so it names the aggregate that refused it. Internal to `release/`: not re-exported.
 */
import { type OrgKind, orgKinds } from '../access/index.js';
import type { DomainError } from '../errors.js';
import { carrierCodeField, fieldInvalid, idField, instantField, textField } from '../field-checks.js';
import type { RecordedParty } from './release.events.js';

const INVALID = 'release.command_invalid';

/** Longest texts we accept, so one request cannot bloat an audit leaf. */
export const MAX_TEXT = { id: 100, reason: 500 } as const;

/** A refusal of one malformed field. */
export function invalid(field: string, why: string): DomainError {
  return fieldInvalid(INVALID, field, why);
}

/** An ISO 8601 instant normalised to `toISOString()` form. */
export function instant(field: string, value: unknown): string {
  return instantField(INVALID, field, value);
}

/** A trimmed, non-empty text without control characters. */
export function text(field: string, value: unknown, max: number = MAX_TEXT.reason): string {
  return textField(INVALID, field, value, max);
}

/** An identifier: 1 to 100 letters, digits or `. _ : ~ * $ = -`, the alphabet of the access ids. */
export function id(field: string, value: unknown): string {
  return idField(INVALID, field, value, MAX_TEXT.id);
}

/** A carrier code, trimmed and upper-cased: the shape of `Visit.line` and `Organisation.code`. */
export function carrierCode(field: string, value: unknown): string {
  return carrierCodeField(INVALID, field, value);
}

/** The acting party of a command, as it is recorded in the event. */
export function party(field: string, value: unknown): RecordedParty {
  const actor = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (!orgKinds.includes(actor.orgKind as OrgKind)) {
    throw invalid(`${field}.orgKind`, `must be one of ${orgKinds.join(', ')}`);
  }
  return {
    userId: id(`${field}.userId`, actor.userId),
    orgId: id(`${field}.orgId`, actor.orgId),
    orgKind: actor.orgKind as OrgKind,
  };
}
