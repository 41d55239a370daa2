import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { parseSizeType } from './size-type.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('ISO 6346 size-type codes', () => {
  it.each([
    ['22G1', 20, false, 'G'],
    ['42G1', 40, false, 'G'],
    ['45G1', 40, true, 'G'],
    ['L5G1', 45, true, 'G'],
    ['22R1', 20, false, 'R'],
    ['45R1', 40, true, 'R'],
    ['22T6', 20, false, 'T'],
  ] as const)('reads %s as %i ft', (code, lengthFt, highCube, typeGroup) => {
    expect(parseSizeType(code)).toMatchObject({ code, lengthFt, highCube, typeGroup });
  });

  it('normalises case and surrounding spaces', () => {
    expect(parseSizeType(' l5g1 ').code).toBe('L5G1');
  });

  it('splits the code into height and type', () => {
    expect(parseSizeType('22G1')).toEqual({
      code: '22G1',
      lengthFt: 20,
      heightCode: '2',
      heightMm: 2591,
      highCube: false,
      typeCode: 'G1',
      typeGroup: 'G',
      typeGroupName: 'general purpose',
    });
  });

  it.each(['12G1', '32G1', 'B2G1', 'M5G1'])('refuses %s, a length the yard does not handle', (code) => {
    expect(codeOf(() => parseSizeType(code))).toBe('container.size_type_unsupported');
  });

  it.each(['', '22G', '22G12', '2XG1', '22Z1', '22GX', 'Z2G1', 42, null])(
    'refuses %j as malformed',
    (code) => {
      expect(codeOf(() => parseSizeType(code))).toBe('container.size_type');
    },
  );
});
