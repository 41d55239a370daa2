#!/usr/bin/env node
/**
 * `npm run graph`: draws the module graph for the README, as SVG, from what dependency-cruiser reads.
 *
 *   docs/layer-graph.svg       src/ by layer: the pure core, the use cases, the shell
 *   docs/capability-graph.svg  src/app by capability: each folder one box, the shared kernel beside them
 *   docs/module-graph.svg      every module of src/, tests left out
 *
 * Graphviz runs as WebAssembly (@viz-js/viz), so no system package is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instance } from '@viz-js/viz';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function dot(includeOnly, extra) {
  const run = spawnSync(
    process.execPath,
    [
      depcruise,
      'src',
      '--config',
      '.dependency-cruiser.cjs',
      '--include-only',
      includeOnly,
      '--exclude',
      '(\\.test\\.ts$|/testing/|\\.contract\\.ts$|/migrations/)',
      '--output-type',
      'dot',
      ...extra,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (run.status !== 0) throw new Error(`dependency-cruiser failed: ${run.stderr.trim()}`);
  return run.stdout;
}

const viz = await instance();
const graphs = {
  'layer-graph.svg': dot('^src/', ['--collapse', '^src/[^/]+/']),
  'capability-graph.svg': dot('^src/app/', ['--collapse', '^src/app/[^/]+/']),
  'module-graph.svg': dot('^src/', []),
};
mkdirSync(join(root, 'docs'), { recursive: true });
for (const [name, source] of Object.entries(graphs)) {
  writeFileSync(join(root, 'docs', name), viz.renderString(source, { format: 'svg', engine: 'dot' }));
  console.log(`docs/${name}`);
}
