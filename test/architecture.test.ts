import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script, without type declarations
import { cruiseProject } from '../scripts/cruise.mjs';

/**
 * The import rules live in .dependency-cruiser.cjs: the layer table (arrows point inward), no cycles in src/ or
 * web/src, domain and audit free of I/O, capabilities used through their index, the demo kept out of the product,
 * no orphans. These tests run them over the project and over a copy with each kind of violation planted.
 */
const projectRoot = resolve(import.meta.dirname, '..');
const cruise = cruiseProject as (root?: string) => string[];

describe('architecture', () => {
  it('has every import pointing inward, no cycle and no orphan', () => {
    expect(cruise(projectRoot), 'import rule violations').toEqual([]);
  }, 60_000);

  it('keeps every file of app/ and domain/ in a capability folder, but the shared kernel', () => {
    const loose = (layer: string) =>
      readdirSync(join(projectRoot, 'src', layer), { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
        .sort();
    // The kernel every capability uses: errors, the ports of the store, the decider type, JSON and field checks.
    expect(loose('app')).toEqual(['errors.ts', 'ports.ts']);
    expect(loose('domain')).toEqual([
      'decider.ts',
      'errors.test.ts',
      'errors.ts',
      'field-checks.ts',
      'index.ts',
      'json.ts',
      'pickup-fields.ts',
    ]);
  });

  describe('in a copy with violations planted', () => {
    let copy: string;
    let violations: string[];

    beforeAll(() => {
      copy = mkdtempSync(join(tmpdir(), 'portledger-architecture-'));
      for (const part of ['src', 'test', 'bench', 'web', '.dependency-cruiser.cjs']) {
        cpSync(join(projectRoot, part), join(copy, part), {
          recursive: true,
          filter: (path) => !/[\\/](node_modules|dist)([\\/]|$)/.test(path),
        });
      }
      // A cycle between two capabilities: the ledger, which every capability uses, using the gate back.
      appendFileSync(
        join(copy, 'src/app/ledger/ledger.ts'),
        "\nexport { gateTransaction } from '../gate/index.js';\n",
      );
      // The pure core reading a file, and pointing outward at the store.
      appendFileSync(
        join(copy, 'src/domain/visits/visit.ts'),
        "\nimport { readFileSync } from 'node:fs';\nimport { preparedStatement } from '../../store/prepared-statements.js';\nexport const planted = [readFileSync, preparedStatement];\n",
      );
      // A capability reaching into another's private file rather than its index.
      appendFileSync(
        join(copy, 'src/app/yard/yard-map.usecases.ts'),
        "\nexport { foldVisit as plantedFold } from '../visits/visits.usecases.js';\n",
      );
      // The product importing the demo.
      appendFileSync(
        join(copy, 'src/app/gate/gate.usecases.ts'),
        "\nexport { demoTerminal } from '../../demo/demo-port.js';\n",
      );
      // A module nobody imports, and a cycle inside the console.
      writeFileSync(join(copy, 'src/app/forgotten.ts'), 'export const forgotten = 1;\n');
      writeFileSync(
        join(copy, 'web/src/planted-a.ts'),
        "import { b } from './planted-b.js';\nexport const a = () => b;\n",
      );
      writeFileSync(
        join(copy, 'web/src/planted-b.ts'),
        "import { a } from './planted-a.js';\nexport const b = () => a;\n",
      );
      appendFileSync(join(copy, 'web/src/main.tsx'), "\nimport './planted-a.js';\n");
      violations = cruise(copy);
    }, 120_000);

    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    it('finds a capability using one after it in the chain', () => {
      expect(violations).toContain('order-app-ledger: src/app/ledger/ledger.ts → src/app/gate/index.ts');
    });

    it('finds the cycle between two capabilities', () => {
      const cycles = violations.filter((line) => line.startsWith('no-circular: '));
      expect(cycles).toContainEqual(
        expect.stringMatching(/src\/app\/ledger\/ledger\.ts.*src\/app\/gate\/index\.ts/),
      );
    });

    it('finds the I/O and the outward arrow in the domain', () => {
      expect(violations).toContain('pure-domain: src/domain/visits/visit.ts → fs');
      expect(violations).toContainEqual(
        expect.stringMatching(/^layer-domain: src\/domain\/visits\/visit\.ts → src\/store\//),
      );
    });

    it('finds a capability reaching into another capability’s files', () => {
      expect(violations).toContain(
        'capability-private: src/app/yard/yard-map.usecases.ts → src/app/visits/visits.usecases.ts',
      );
    });

    it('finds the product importing the demo', () => {
      expect(violations).toContain('demo-not-product: src/app/gate/gate.usecases.ts → src/demo/demo-port.ts');
    });

    it('finds an orphan and a cycle in the console', () => {
      expect(violations).toContain('no-orphans: src/app/forgotten.ts');
      expect(violations).toContainEqual(expect.stringMatching(/^no-circular: web\/src\/planted-[ab]\.js/));
    });
  });
});
