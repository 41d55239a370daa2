/**
 * Container identification numbers, ISO 6346:
 * owner code (3 letters) + equipment category (U freight, J detachable equipment, Z trailer/chassis,
 * R reefer, as ISO 6346:2022 lists them) + serial (6 digits) + check digit.
 */
import { DomainError } from '../errors.js';

/** A valid ISO 6346 container number, split into its parts. */
export interface ContainerNumber {
  /** Normalised form, 11 characters, e.g. `CSQU3054383`. */
  readonly text: string;
  readonly ownerCode: string;
  readonly category: 'U' | 'J' | 'Z' | 'R';
  readonly serialNumber: string;
  readonly checkDigit: number;
}

// Bounds the work done on attacker-controlled input before any parsing.
const MAX_INPUT_LENGTH = 64;
const SHAPE = /^([A-Z]{3})([UJZR])(\d{6})(\d)$/;
const FIRST_TEN = /^[A-Z]{3}[UJZR]\d{6}$/;

/**
 * ISO 6346 Annex A letter values: A = 10, then counting up but skipping the multiples of 11
 * (11, 22, 33), so that B = 12, K = 21, L = 23, U = 32, V = 34, Z = 38.
 */
const LETTER_VALUES: ReadonlyMap<string, number> = (() => {
  const values = new Map<string, number>();
  let value = 10;
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (value % 11 === 0) value += 1;
    values.set(letter, value);
    value += 1;
  }
  return values;
})();

/**
 * The ISO 6346 check digit of the first ten characters (owner code, category, serial).
 *
 * Each character's value (digits as themselves, letters per Annex A) is weighted by 2^position, the sum is
 * taken modulo 11, and a remainder of 10 is written as 0.
 *
 * @example
 * ```ts
 * computeCheckDigit('CSQU305438'); // 3
 * ```
 */
export function computeCheckDigit(first10: string): number {
  const normalised = normalise(first10);
  if (!FIRST_TEN.test(normalised)) {
    throw new DomainError(
      'container.malformed',
      `"${preview(first10)}" is not an owner code, a category letter (U, J, Z, R) and a 6-digit serial`,
      { input: preview(first10) },
    );
  }
  let sum = 0;
  for (let i = 0; i < 10; i += 1) {
    const char = normalised[i]!;
    const value = LETTER_VALUES.get(char) ?? Number(char);
    sum += value * 2 ** i;
  }
  return (sum % 11) % 10;
}

/**
 * Parses a container number typed by a person or read from a message: upper-cases it and strips spaces and
 * hyphens, then checks its shape (`container.malformed`) and its check digit (`container.check_digit`,
 * whose message and `details.expected` name the right digit).
 *
 * @example
 * ```ts
 * parseContainerNumber('csqu 305438-3').text; // 'CSQU3054383'
 * parseContainerNumber('CBHU1234567'); // throws container.check_digit: "check digit of CBHU123456 is 1, not 7"
 * ```
 */
export function parseContainerNumber(input: unknown): ContainerNumber {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) {
    throw new DomainError('container.malformed', 'a container number is a short text such as CSQU3054383', {
      input: typeof input === 'string' ? preview(input) : typeof input,
    });
  }
  const text = normalise(input);
  const match = SHAPE.exec(text);
  if (match === null) {
    throw new DomainError(
      'container.malformed',
      `"${preview(input)}" is not an ISO 6346 container number (3-letter owner code, U/J/Z/R, 6-digit serial, check digit)`,
      { input: preview(input) },
    );
  }
  const [, ownerCode, category, serialNumber, digit] = match as unknown as [
    string,
    string,
    ContainerNumber['category'],
    string,
    string,
  ];
  const first10 = text.slice(0, 10);
  const expected = computeCheckDigit(first10);
  const actual = Number(digit);
  if (expected !== actual) {
    throw new DomainError(
      'container.check_digit',
      `check digit of ${first10} is ${expected}, not ${actual}`,
      {
        input: preview(input),
        expected,
        actual,
        corrected: `${first10}${expected}`,
      },
    );
  }
  return { text, ownerCode, category, serialNumber, checkDigit: actual };
}

/**
 * Formats a container number the way it is painted on the box: `CSQU 305438 3`.
 *
 * @example
 * ```ts
 * formatContainerNumber(parseContainerNumber('CSQU3054383')); // 'CSQU 305438 3'
 * ```
 */
export function formatContainerNumber(number: ContainerNumber): string {
  return `${number.ownerCode}${number.category} ${number.serialNumber} ${number.checkDigit}`;
}

function normalise(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

function preview(input: string): string {
  return input.length > MAX_INPUT_LENGTH ? `${input.slice(0, MAX_INPUT_LENGTH)}…` : input;
}
