import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DomainError, domainErrorCodes, isDomainError } from './errors.js';

describe('domain errors', () => {
  it('carry a code, a message and details', () => {
    const error = new DomainError('hold.not_found', 'no hold H1', { holdId: 'H1' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'DomainError',
      code: 'hold.not_found',
      message: 'no hold H1',
      details: { holdId: 'H1' },
    });
    expect(isDomainError(error)).toBe(true);
    expect(isDomainError(error, 'hold.not_found')).toBe(true);
    expect(isDomainError(error, 'visit.on_hold')).toBe(false);
    expect(isDomainError(new Error('x'))).toBe(false);
  });

  it('every code is namespaced and unique', () => {
    expect(new Set(domainErrorCodes).size).toBe(domainErrorCodes.length);
    for (const code of domainErrorCodes)
      expect(code).toMatch(
        /^(container|visit|yard|hold|access|approval|user|release|appointment|gate|credential)\.[a-z_]+$/,
      );
  });

  it('every code is exercised by a test beside the code', () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const tests = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.test.ts') && name !== 'errors.test.ts')
      .map((name) => readFileSync(`${dir}/${name}`, 'utf8'))
      .join('\n');
    const untested = domainErrorCodes.filter((code) => !tests.includes(`'${code}'`));
    expect(untested).toEqual([]);
  });
});
