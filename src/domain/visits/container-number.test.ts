import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, isDomainError } from '../errors.js';
import { computeCheckDigit, formatContainerNumber, parseContainerNumber } from './container-number.js';

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('ISO 6346 container numbers', () => {
  it('accepts CSQU3054383, the example of ISO 6346 Annex A', () => {
    expect(parseContainerNumber('CSQU3054383')).toEqual({
      text: 'CSQU3054383',
      ownerCode: 'CSQ',
      category: 'U',
      serialNumber: '305438',
      checkDigit: 3,
    });
    expect(computeCheckDigit('CSQU305438')).toBe(3);
  });

  it('normalises case, spaces and hyphens', () => {
    expect(parseContainerNumber(' csqu 305438-3 ').text).toBe('CSQU3054383');
    expect(formatContainerNumber(parseContainerNumber('CSQU3054383'))).toBe('CSQU 305438 3');
  });

  it('uses the Annex A letter values, which skip multiples of 11', () => {
    // Owner codes chosen so that each differs only in one letter whose value sits next to a skipped multiple.
    const values: Record<string, number> = { A: 10, B: 12, K: 21, L: 23, U: 32, V: 34, Z: 38 };
    for (const [letter, value] of Object.entries(values)) {
      const first10 = `${letter}AAU000000`;
      const expected = ((value + 10 * 2 + 10 * 4 + 32 * 8) % 11) % 10;
      expect(computeCheckDigit(first10), letter).toBe(expected);
    }
  });

  it('writes a remainder of 10 as 0', () => {
    // CSQU weighs 13 + 30·2 + 28·4 + 32·8 = 441 ≡ 1 and the final 7 weighs 7·2^9 = 3584 ≡ 9 (mod 11): 10.
    expect(computeCheckDigit('CSQU000007')).toBe(0);
    expect(parseContainerNumber('CSQU0000070').checkDigit).toBe(0);
  });

  it.each([
    ['', 'empty'],
    ['CSQU305438', 'no check digit'],
    ['CSQX3054383', 'unknown category letter'],
    ['CS1U3054383', 'digit in the owner code'],
    ['CSQU30543A3', 'letter in the serial'],
    ['CSQU30543833', 'too long'],
    ['CSQU 3054.383', 'punctuation other than hyphens and spaces'],
    ['X'.repeat(1000), 'absurdly long'],
  ])('refuses %j (%s) as container.malformed', (input) => {
    expect(failure(() => parseContainerNumber(input)).code).toBe('container.malformed');
  });

  it('refuses values that are not text as container.malformed', () => {
    expect(failure(() => parseContainerNumber(42)).code).toBe('container.malformed');
    expect(failure(() => parseContainerNumber(null)).code).toBe('container.malformed');
  });

  it('names the expected digit when the check digit is wrong', () => {
    const error = failure(() => parseContainerNumber('CBHU1234567'));
    expect(error.code).toBe('container.check_digit');
    expect(error.message).toBe('check digit of CBHU123456 is 1, not 7');
    expect(error.details).toMatchObject({ expected: 1, actual: 7, corrected: 'CBHU1234561' });
  });

  it('for any valid number, every other check digit fails and names the right one', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{3}[UJZR]\d{6}$/),
        fc.integer({ min: 1, max: 9 }),
        (first10, shift) => {
          const right = computeCheckDigit(first10);
          expect(parseContainerNumber(`${first10}${right}`).checkDigit).toBe(right);
          const wrong = (right + shift) % 10;
          const error = failure(() => parseContainerNumber(`${first10}${wrong}`));
          expect(error.code).toBe('container.check_digit');
          expect(error.details.expected).toBe(right);
          expect(error.message).toContain(`is ${right}, not ${wrong}`);
        },
      ),
    );
  });
});

// Conformance data lives outside the repository (see ../shared/conformance/README.md) and is never copied in.
const conformanceDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'shared',
  'conformance',
);
const containersFile = join(conformanceDir, 'iso6346', 'containers.json');
const hasConformance = existsSync(containersFile);

describe.skipIf(!hasConformance)(
  hasConformance
    ? 'ISO 6346 conformance: shared/conformance/iso6346/containers.json'
    : `ISO 6346 conformance (conformance data missing: ${containersFile})`,
  () => {
    const data = hasConformance
      ? (JSON.parse(readFileSync(containersFile, 'utf8')) as { valid: string[]; invalid: string[] })
      : { valid: [], invalid: [] };

    it(`accepts all ${data.valid.length} valid numbers`, () => {
      expect(data.valid.length).toBeGreaterThan(0);
      const refused = data.valid.filter((n) => {
        try {
          return parseContainerNumber(n).text !== n;
        } catch {
          return true;
        }
      });
      expect(refused).toEqual([]);
    });

    it(`refuses all ${data.invalid.length} invalid numbers on the check digit alone`, () => {
      expect(data.invalid.length).toBeGreaterThan(0);
      for (const n of data.invalid) {
        const error = failure(() => parseContainerNumber(n));
        expect(isDomainError(error, 'container.check_digit'), `${n}: ${error.message}`).toBe(true);
      }
    });
  },
);
