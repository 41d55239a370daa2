import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname ?? path.dirname(fileURLToPath(import.meta.url));
const sourceFiles = readdirSync(here).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
const ALLOWED_PACKAGES = new Set(['node:crypto', 'canonicalize']);

describe('src/audit stays pure', () => {
  it.each(sourceFiles)('%s imports only node:crypto, canonicalize and its siblings', (file) => {
    const source = readFileSync(path.join(here, file), 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map(
      (m) => m[1]!,
    );
    const outward = specifiers.filter(
      (specifier) => !ALLOWED_PACKAGES.has(specifier) && !/^\.\/[a-z-]+\.js$/.test(specifier),
    );
    expect(
      outward,
      `${file} imports ${outward.join(', ')}; audit may import only node:crypto and canonicalize`,
    ).toEqual([]);
  });

  it.each(sourceFiles)('%s reads no clock and draws no randomness', (file) => {
    const source = readFileSync(path.join(here, file), 'utf8');
    expect(source).not.toMatch(/\bDate\.now\(|new Date\(|Math\.random\(|randomBytes|process\.env/);
  });
});
