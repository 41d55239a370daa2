/**
 * Field checks shared by the access deciders. Commands arrive from people, forms and the CLI, so every field is
 * re-checked and normalised before it goes into an event; each check throws the caller's own `*.invalid` code
 * so a refusal names the aggregate that refused it. Internal to `access/`: not re-exported.
 */
import { DomainError, type DomainErrorCode } from '../errors.js';
import type { JsonObject, JsonValue } from '../json.js';

/** The error code a module uses for a malformed field. */
export type InvalidCode = Extract<
  DomainErrorCode,
  'access.invalid' | 'access.organisation_invalid' | 'approval.command_invalid' | 'user.command_invalid'
>;

/** Longest texts we accept, so one request cannot bloat an audit leaf. */
export const MAX_TEXT = { id: 100, code: 10, name: 200, reason: 500 } as const;

/**
 * A refusal of one field.
 *
 * @example
 * ```ts
 * throw invalid('user.command_invalid', 'label', 'must be a text of 1 to 200 characters');
 * ```
 */
export function invalid(code: InvalidCode, field: string, why: string): DomainError {
  return new DomainError(code, `${field} ${why}`, { field });
}

// ISO 8601 instant with a zone designator; normalised to UTC with milliseconds, like the visit decider does.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 instant normalised to `toISOString()` form.
 *
 * @example
 * ```ts
 * instant('approval.command_invalid', 'at', '2025-03-01T09:00+01:00'); // '2025-03-01T08:00:00.000Z'
 * ```
 */
export function instant(code: InvalidCode, field: string, value: unknown): string {
  return new Date(instantMs(code, field, value)).toISOString();
}

/**
 * An ISO 8601 instant as epoch milliseconds.
 *
 * @example
 * ```ts
 * instantMs('access.invalid', 'now', '1970-01-01T00:00:01Z'); // 1000
 * ```
 */
export function instantMs(code: InvalidCode, field: string, value: unknown): number {
  const ms = typeof value === 'string' && INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw invalid(code, field, 'must be an ISO 8601 instant such as 2025-03-01T08:00:00Z');
  return ms;
}

// Control characters: nothing a person types, and they can hide or reorder text in an audit view.
const CONTROL = /\p{Cc}/u;

/**
 * A trimmed, non-empty text without control characters.
 *
 * @example
 * ```ts
 * text('user.command_invalid', 'displayName', '  An Peeters ', MAX_TEXT.name); // 'An Peeters'
 * ```
 */
export function text(code: InvalidCode, field: string, value: unknown, max: number): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed === '' || trimmed.length > max || CONTROL.test(trimmed)) {
    throw invalid(code, field, `must be a text of 1 to ${max} characters`);
  }
  return trimmed;
}

// Ids come from our own generators or from WebAuthn (base64url credential ids); nothing else belongs in them.
// Visit references end in a Crockford check symbol, which may be * ~ $ = or U.
const ID = /^[A-Za-z0-9._:~*$=-]+$/;

/**
 * An identifier: 1 to 100 (or `max`) characters of letters, digits and `. _ : ~ -`.
 *
 * @example
 * ```ts
 * id('user.command_invalid', 'userId', 'u-17'); // 'u-17'
 * ```
 */
export function id(code: InvalidCode, field: string, value: unknown, max: number = MAX_TEXT.id): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !ID.test(value)) {
    throw invalid(code, field, `must be an identifier of 1 to ${max} letters, digits or . _ : ~ * $ = -`);
  }
  return value;
}

/**
 * One of a closed list of strings.
 *
 * @example
 * ```ts
 * oneOf('approval.command_invalid', 'kind', 'role.grant', approvalKinds); // 'role.grant'
 * ```
 */
export function oneOf<T extends string>(
  code: InvalidCode,
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) throw invalid(code, field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * A list of distinct strings, each checked by `each`.
 *
 * @example
 * ```ts
 * distinct('access.invalid', 'terminals', ['T1'], (v, f) => v as string); // ['T1']
 * ```
 */
export function distinct<T extends string>(
  code: InvalidCode,
  field: string,
  value: unknown,
  each: (item: unknown, field: string) => T,
): T[] {
  if (!Array.isArray(value)) throw invalid(code, field, 'must be a list');
  const items = value.map((item, i) => each(item, `${field}[${i}]`));
  if (new Set(items).size !== items.length) throw invalid(code, field, 'must not repeat an entry');
  return items;
}

// An approval's before/after is shown to the approver and stored in the log; a bound keeps it reviewable.
const MAX_JSON_CHARS = 16_384;

/**
 * A deep copy of `value` if it is a plain JSON object (no `undefined`, functions, class instances, non-finite
 * numbers or cycles) of at most 16 KiB serialised; it becomes part of an audit leaf (RFC 8785 canonical bytes).
 *
 * @example
 * ```ts
 * jsonObject('approval.command_invalid', 'change', { before: 'A-4-2-1', after: 'A-8-3-2' });
 * ```
 */
export function jsonObject(code: InvalidCode, field: string, value: unknown): JsonObject {
  const seen = new Set<unknown>();
  const copy = (v: unknown, path: string): JsonValue => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw invalid(code, path, 'must be a finite number');
      return v;
    }
    if (typeof v !== 'object' || seen.has(v)) throw invalid(code, path, 'must be plain JSON');
    seen.add(v);
    let out: JsonValue;
    if (Array.isArray(v)) {
      out = v.map((item, i) => copy(item, `${path}[${i}]`));
    } else {
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) {
        throw invalid(code, path, 'must be plain JSON');
      }
      const object: JsonObject = {};
      for (const [key, item] of Object.entries(v)) {
        // `JSON.parse` makes `__proto__` an own key; assigning it would swap the copy's prototype instead.
        if (key === '__proto__') throw invalid(code, `${path}.${key}`, 'is not an allowed key');
        object[key] = copy(item, `${path}.${key}`);
      }
      out = object;
    }
    // Only cycles are refused: the same object reached twice along different paths is fine.
    seen.delete(v);
    return out;
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(code, field, 'must be a JSON object');
  }
  const result = copy(value, field) as JsonObject;
  if (JSON.stringify(result).length > MAX_JSON_CHARS) {
    throw invalid(code, field, `must serialise to at most ${MAX_JSON_CHARS} characters`);
  }
  return result;
}
