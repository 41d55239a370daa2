import canonicalize from 'canonicalize';
import { isWellFormedText, utf8 } from './bytes.js';
import { AuditError } from './errors.js';

// Deeper values are refused rather than risking a stack overflow in the recursive serialiser.
const MAX_DEPTH = 512;

function reject(path: string, why: string): never {
  throw new AuditError('audit.not_canonicalizable', `${path}: ${why}`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that `value` is plain JSON data, so that RFC 8785 serialisation is total and means what it says:
 * `canonicalize` would otherwise drop `undefined` members, call `toJSON` (turning a Date into a string), or
 * render a Map as `{}`.
 */
function assertJsonData(value: unknown, path: string, ancestors: Set<object>, depth: number): void {
  switch (typeof value) {
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) reject(path, `${value} has no JSON form (RFC 8785 §3.2.2.3)`);
      return;
    case 'string':
      if (!isWellFormedText(value)) reject(path, 'string has a lone surrogate (RFC 8785 §3.2.2.2)');
      return;
    case 'object':
      break;
    default:
      reject(path, `${typeof value} is not JSON`);
  }
  if (value === null) return;
  if (depth >= MAX_DEPTH) reject(path, `nested deeper than ${MAX_DEPTH}`);
  if (ancestors.has(value)) reject(path, 'circular reference');
  ancestors.add(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) reject(path, 'not a plain array');
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) reject(`${path}[${i}]`, 'array hole');
      assertJsonData(value[i], `${path}[${i}]`, ancestors, depth + 1);
    }
  } else {
    if (!isPlainObject(value)) reject(path, `${value.constructor?.name ?? 'object'} is not a plain object`);
    for (const [key, member] of Object.entries(value)) {
      if (!isWellFormedText(key)) reject(path, 'member name has a lone surrogate');
      assertJsonData(member, `${path}.${key}`, ancestors, depth + 1);
    }
  }
  ancestors.delete(value);
}

/**
 * The RFC 8785 (JCS) canonical JSON text of a value: members sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form (`1e+21`, `1e-7`, `-0` → `0`).
 *
 * @throws AuditError `audit.not_canonicalizable` for undefined, functions, symbols, bigint, non-finite numbers,
 * lone surrogates, cycles, and objects that are not plain (Date, Map, class instances).
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  assertJsonData(value, '$', new Set(), 0);
  const text = canonicalize(value);
  if (text === undefined) reject('$', 'no JSON form');
  return text;
}

/** The UTF-8 bytes of {@link canonicalJson}(value): what gets hashed or signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

/** Whether every object in `value`, at any depth up to `MAX_DEPTH`, has its members in RFC 8785 order (§3.2.3). */
function membersInOrder(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => membersInOrder(item, depth + 1));
  let previous: string | undefined;
  for (const key in value) {
    // JavaScript compares strings by UTF-16 code units, as RFC 8785 §3.2.3 sorts member names.
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    if (!membersInOrder((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * Whether `text`, once parsed as `parsed`, is the RFC 8785 text of its own value, known without serialising it
 * again (issue 13: a verifier checks every leaf of the log this way). RFC 8785 writes strings and numbers as
 * `JSON.stringify` does (§3.2.2.2, §3.2.2.3), so a text that `JSON.stringify` reproduces from its value, whose
 * members are in order and which escapes no lone surrogate (`\ud800`–`\udfff`, which RFC 8785 has no form for),
 * is canonical. False says only that the full check must decide: members out of order, integer-like names that
 * JavaScript reorders, a name given twice, another spacing, or `\ud` in a string.
 */
export function isCanonicalJsonText(text: string, parsed: unknown): boolean {
  // Members first: their walk stops at MAX_DEPTH, before JSON.stringify could overflow the stack.
  return !text.includes('\\ud') && membersInOrder(parsed, 0) && JSON.stringify(parsed) === text;
}
