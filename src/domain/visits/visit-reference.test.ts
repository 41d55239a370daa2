import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { newVisitReference, parseVisitReference, VISIT_REFERENCE_RANDOM_BYTES } from './visit-reference.js';

const bytes = (values: number[]): Uint8Array => Uint8Array.from(values);
const randomBytes = fc.uint8Array({
  minLength: VISIT_REFERENCE_RANDOM_BYTES,
  maxLength: VISIT_REFERENCE_RANDOM_BYTES,
});

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('visit references', () => {
  it('encodes 100 bits as 20 Crockford symbols in groups of four, plus a mod-37 check symbol', () => {
    expect(newVisitReference(new Uint8Array(13))).toBe('V-0000-0000-0000-0000-0000-0');
    // All ones: 2^100 − 1 ≡ 11 (mod 37), symbol B, and the 4 low bits of the last byte are not used.
    expect(newVisitReference(new Uint8Array(13).fill(0xff))).toBe('V-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-B');
    // Value 1 sits in bit 4 of the last byte; value 32 (bit 1 of byte 11) takes the first extra check symbol.
    expect(newVisitReference(bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]))).toBe(
      'V-0000-0000-0000-0000-0001-1',
    );
    expect(newVisitReference(bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0]))).toBe(
      'V-0000-0000-0000-0000-0010-*',
    );
  });

  it('needs 13 random bytes', () => {
    expect(() => newVisitReference(new Uint8Array(12))).toThrow(RangeError);
  });

  it('round-trips every reference it makes', () => {
    fc.assert(
      fc.property(randomBytes, (random) => {
        const ref = newVisitReference(random);
        expect(ref).toMatch(/^V(-[0-9A-HJKMNP-TV-Z]{4}){5}-[0-9A-HJKMNP-TV-Z*~$=U]$/);
        expect(parseVisitReference(ref)).toBe(ref);
      }),
    );
  });

  it('reads what a person types: case, spaces, no prefix, I/L for 1, O for 0', () => {
    const ref = 'V-0000-0000-0000-0000-0001-1';
    expect(parseVisitReference('v 0000 0000 0000 0000 0001 1')).toBe(ref);
    expect(parseVisitReference('OOOO-oooo-0000-0000-000I-l')).toBe(ref);
    expect(parseVisitReference(`${'0'.repeat(19)}11`)).toBe(ref);
  });

  it.each([
    ['V-0000-0000-0000-0000-0001-2', 'wrong check symbol'],
    ['V-0000-0000-0000-0000-000U-1', 'U is not a data symbol'],
    ['V-0000-0000-0000-0000-0001', 'no check symbol'],
    ['V-0000-0000-0000-0000-0001-1-1', 'too long'],
    ['CSQU3054383', 'a container number'],
    ['', 'empty'],
    ['V'.repeat(500), 'absurdly long'],
  ])('refuses %j (%s)', (input) => {
    expect(codeOf(() => parseVisitReference(input))).toBe('visit.reference_invalid');
  });

  it('catches any single mistyped symbol', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    fc.assert(
      fc.property(randomBytes, fc.nat(19), fc.integer({ min: 1, max: 31 }), (random, position, shift) => {
        const symbols = newVisitReference(random).replace(/-/g, '').slice(1);
        const typo = alphabet[(alphabet.indexOf(symbols[position]!) + shift) % 32]!;
        const mistyped = `${symbols.slice(0, position)}${typo}${symbols.slice(position + 1)}`;
        expect(codeOf(() => parseVisitReference(mistyped))).toBe('visit.reference_invalid');
      }),
    );
  });
});
