/**
 * Field checks of the release folder. The same shapes as `access/fields.ts` and `visit.ts` (instants normalised
 * to UTC with milliseconds, trimmed texts without control characters, identifiers of a closed alphabet), but
 * every refusal is `release.command_invalid`, so it names the aggregate that refused it. Internal to
 * `release/`: not re-exported.
 */
import { type OrgKind, orgKinds } from '../access/organisations.js';
import { DomainError } from '../errors.js';
import type { RecordedParty } from './release.events.js';

const INVALID = 'release.command_invalid';

/** Longest texts we accept, so one request cannot bloat an audit leaf. */
export const MAX_TEXT = { id: 100, reason: 500 } as const;

/** A refusal of one malformed field. */
export function invalid(field: string, why: string): DomainError {
  return new DomainError(INVALID, `${field} ${why}`, { field });
}

// ISO 8601 instant with a zone designator, as in `visit.ts` and `access/fields.ts`.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant normalised to `toISOString()` form. */
export function instant(field: string, value: unknown): string {
  const ms = typeof value === 'string' && INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(field, 'must be an ISO 8601 instant such as 2025-03-01T08:00:00Z');
  return new Date(ms).toISOString();
}

// Control characters: nothing a person types, and they can hide or reorder text in an audit view.
const CONTROL = /\p{Cc}/u;

/** A trimmed, non-empty text without control characters. */
export function text(field: string, value: unknown, max: number = MAX_TEXT.reason): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed === '' || trimmed.length > max || CONTROL.test(trimmed)) {
    throw invalid(field, `must be a text of 1 to ${max} characters`);
  }
  return trimmed;
}

// The alphabet of `access/fields.ts`, so an orgId or userId compares equal across the two.
const ID = /^[A-Za-z0-9._:~*$=-]+$/;

/** An identifier: 1 to 100 letters, digits or `. _ : ~ * $ = -`. */
export function id(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT.id || !ID.test(value)) {
    throw invalid(field, `must be an identifier of 1 to ${MAX_TEXT.id} letters, digits or . _ : ~ * $ = -`);
  }
  return value;
}

/** A carrier code, trimmed and upper-cased: the shape of `Visit.line` and `Organisation.code`. */
export function carrierCode(field: string, value: unknown): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!/^[A-Z0-9]{2,10}$/.test(code)) throw invalid(field, 'must be a carrier code such as MAEU');
  return code;
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
