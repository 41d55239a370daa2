/**
 * Visit references: the identifier of one stay of one box in the port.
 *
 * The reference must not be guessable (MISSION §1: the Antwerp gang looked containers up and collected them
 * with whatever identifier they had learned), so it carries 100 random bits, and it must survive being read
 * out over a radio or typed at a gate, so it is written in Crockford's base32
 * (https://www.crockford.com/base32.html): no I, L, O or U, case-insensitive, with I/L read as 1 and O as 0,
 * plus Crockford's mod-37 check symbol to catch a mistyped character.
 *
 * Canonical form: `V-` + 20 data symbols in five groups of four + `-` + check symbol, e.g.
 * `V-7K3M-QW9P-0D5T-HZ2B-RC8N-J` (29 characters). The check symbol may be one of `* ~ $ = U`, all of
 * which are legal in a URL path (RFC 3986 §3.3). A reference has nothing to do with the container number:
 * knowing a box's number does not tell you its visit.
 */
import { DomainError } from '../errors.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// Crockford: check symbols 32..36 extend the alphabet with * ~ $ = U.
const CHECK_ALPHABET = `${ALPHABET}*~$=U`;
const DATA_SYMBOLS = 20;
const DATA_BITS = 100n;
/** How many random bytes {@link newVisitReference} needs (100 bits are used). */
export const VISIT_REFERENCE_RANDOM_BYTES = 13;
const PREFIX = 'V';
const MAX_INPUT_LENGTH = 64;

/**
 * Makes a new visit reference from 13 random bytes (the caller supplies them, from a CSPRNG, so the domain
 * stays free of side effects). The first 100 bits are used.
 *
 * @example
 * ```ts
 * newVisitReference(crypto.getRandomValues(new Uint8Array(VISIT_REFERENCE_RANDOM_BYTES)));
 * // 'V-7K3M-QW9P-0D5T-HZ2B-RC8N-J'
 * ```
 */
export function newVisitReference(randomBytes: Uint8Array): string {
  if (randomBytes.length < VISIT_REFERENCE_RANDOM_BYTES) {
    throw new RangeError(
      `a visit reference needs ${VISIT_REFERENCE_RANDOM_BYTES} random bytes, got ${randomBytes.length}`,
    );
  }
  let value = 0n;
  for (const byte of randomBytes.subarray(0, VISIT_REFERENCE_RANDOM_BYTES))
    value = (value << 8n) | BigInt(byte);
  value >>= BigInt(VISIT_REFERENCE_RANDOM_BYTES * 8) - DATA_BITS;
  return format(value);
}

/**
 * Parses a visit reference as a person may type it: any case, with or without the `V-` prefix, hyphens and
 * spaces anywhere, I/L for 1 and O for 0. Returns the canonical form; anything else, or a wrong check symbol,
 * is `visit.reference_invalid`.
 *
 * @example
 * ```ts
 * parseVisitReference('v 7k3m qw9p 0d5t hz2b rc8n j'); // 'V-7K3M-QW9P-0D5T-HZ2B-RC8N-J'
 * ```
 */
export function parseVisitReference(input: unknown): string {
  const invalid = (reason: string): DomainError =>
    new DomainError('visit.reference_invalid', `not a visit reference: ${reason}`, {
      input: typeof input === 'string' ? input.slice(0, MAX_INPUT_LENGTH) : typeof input,
      reason,
    });
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH)
    throw invalid('expected a reference such as V-7K3M-QW9P-0D5T-HZ2B-RC8N-J');
  let text = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (text.length === DATA_SYMBOLS + 2 && text.startsWith(PREFIX)) text = text.slice(1);
  if (text.length !== DATA_SYMBOLS + 1) throw invalid(`expected ${DATA_SYMBOLS} symbols and a check symbol`);
  let value = 0n;
  for (const symbol of text.slice(0, DATA_SYMBOLS)) {
    const digit = ALPHABET.indexOf(symbol);
    if (digit < 0) throw invalid(`"${symbol}" is not a Crockford base32 symbol`);
    value = (value << 5n) | BigInt(digit);
  }
  const check = CHECK_ALPHABET.indexOf(text[DATA_SYMBOLS]!);
  if (check < 0 || BigInt(check) !== value % 37n)
    throw invalid('the check symbol does not match; a symbol was mistyped');
  return format(value);
}

function format(value: bigint): string {
  let symbols = '';
  for (let i = DATA_SYMBOLS - 1; i >= 0; i -= 1) symbols += ALPHABET[Number((value >> BigInt(5 * i)) & 31n)];
  const groups = symbols.match(/.{4}/g)!;
  return [PREFIX, ...groups, CHECK_ALPHABET[Number(value % 37n)]].join('-');
}
