import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Arrows point inward. `domain` and `audit` are the pure core; `app` holds the use cases and their ports;
 * `store`, `http` and `cli` are the shell. A layer may import only the layers listed for it, and the core may
 * import only the packages listed for it: nothing that touches files, databases, the network or the clock.
 */
const layers = {
  domain: { layers: ['domain'], packages: [] as string[] },
  audit: { layers: ['audit'], packages: ['node:crypto', 'canonicalize'] },
  app: { layers: ['app', 'domain', 'audit'], packages: ['node:buffer'] },
  config: { layers: ['config'], packages: [] },
  store: { layers: ['store', 'app', 'domain', 'audit'], packages: ['*'] },
  security: { layers: ['security', 'app', 'domain', 'audit'], packages: ['*'] },
  http: { layers: ['http', 'app', 'domain', 'audit'], packages: ['*'] },
  witness: { layers: ['witness', 'audit'], packages: ['*'] },
  cli: {
    layers: ['cli', 'http', 'witness', 'store', 'security', 'app', 'domain', 'audit', 'config'],
    packages: ['*'],
  },
} as const satisfies Record<string, { layers: readonly string[]; packages: readonly string[] }>;

type Layer = keyof typeof layers;

const projectSrc = resolve(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specifiers.map((match) => match[1] as string);
}

function layerOf(srcRoot: string, file: string): Layer | undefined {
  const top = relative(srcRoot, file).split(/[\\/]/)[0];
  return top && top in layers ? (top as Layer) : undefined;
}

function violations(srcRoot: string): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(srcRoot)) {
    const layer = layerOf(srcRoot, file);
    if (!layer) continue;
    const rule = layers[layer];
    // Test support inside a layer may use the test runner.
    const isTestSupport = /[\\/]testing[\\/]/.test(file) || file.endsWith('.contract.ts');
    for (const specifier of importsOf(file)) {
      const where = relative(resolve(srcRoot, '..'), file);
      if (specifier.startsWith('.')) {
        const target = layerOf(srcRoot, resolve(dirname(file), specifier));
        if (target && !(rule.layers as readonly string[]).includes(target)) {
          found.push(
            `${where} imports '${specifier}': ${layer} may not depend on ${target} (arrows point inward)`,
          );
        }
        continue;
      }
      if ((rule.packages as readonly string[]).includes('*')) continue;
      if (isTestSupport && (specifier === 'vitest' || specifier === 'fast-check')) continue;
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0];
      if (!(rule.packages as readonly string[]).includes(name as string)) {
        found.push(
          `${where} imports '${specifier}': ${layer} must stay free of side effects and may import only ${
            rule.packages.length ? rule.packages.join(', ') : 'its own files'
          }`,
        );
      }
    }
  }
  return found;
}

describe('architecture', () => {
  it('has every import pointing inward', () => {
    expect(violations(projectSrc), 'imports that point outward').toEqual([]);
  });

  it('names the file, the import and the rule when an arrow points outward', () => {
    const root = mkdtempSync(join(tmpdir(), 'arch-'));
    try {
      for (const dir of ['domain', 'audit', 'store']) mkdirSync(join(root, 'src', dir), { recursive: true });
      writeFileSync(
        join(root, 'src', 'domain', 'visit.ts'),
        "import { readFileSync } from 'node:fs';\nimport { x } from '../store/db.js';\n",
      );
      writeFileSync(join(root, 'src', 'audit', 'clock.ts'), "import pino from 'pino';\n");
      writeFileSync(join(root, 'src', 'store', 'db.ts'), "import { y } from '../domain/visit.js';\n");
      expect(violations(join(root, 'src'))).toEqual([
        "src/audit/clock.ts imports 'pino': audit must stay free of side effects and may import only node:crypto, canonicalize",
        "src/domain/visit.ts imports 'node:fs': domain must stay free of side effects and may import only its own files",
        "src/domain/visit.ts imports '../store/db.js': domain may not depend on store (arrows point inward)",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
