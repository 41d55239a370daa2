/**
 * Field checks of the access deciders: the shapes of `../field-checks.ts`, bound to the `*.invalid` codes of
 * access, plus the lists and JSON objects only access takes. Internal to `access/`: not re-exported.
 */
import type { DomainError, DomainErrorCode } from '../errors.js';
import {
  fieldInvalid,
  idField,
  instantField,
  instantMsField,
  oneOfField,
  textField,
} from '../field-checks.js';
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
  return fieldInvalid(code, field, why);
}

/**
 * An ISO 8601 instant normalised to `toISOString()` form.
 *
 * @example
 * ```ts
 * instant('approval.command_invalid', 'at', '2025-03-01T09:00+01:00'); // '2025-03-01T08:00:00.000Z'
 * ```
 */
export function instant(code: InvalidCode, field: string, value: unknown): string {
  return instantField(code, field, value);
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
  return instantMsField(code, field, value);
}

/**
 * A trimmed, non-empty text without control characters.
 *
 * @example
 * ```ts
 * text('user.command_invalid', 'displayName', '  An Peeters ', MAX_TEXT.name); // 'An Peeters'
 * ```
 */
export function text(code: InvalidCode, field: string, value: unknown, max: number): string {
  return textField(code, field, value, max);
}

/**
 * An identifier: 1 to 100 (or `max`) characters of letters, digits and `. _ : ~ -`.
 *
 * @example
 * ```ts
 * id('user.command_invalid', 'userId', 'u-17'); // 'u-17'
 * ```
 */
export function id(code: InvalidCode, field: string, value: unknown, max: number = MAX_TEXT.id): string {
  return idField(code, field, value, max);
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
  return oneOfField(code, field, value, allowed);
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
