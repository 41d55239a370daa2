#!/usr/bin/env node
/**
 * Checks the import rules of .dependency-cruiser.cjs over the server (src/, test/, bench/) and the console
 * (web/src), and prints each violation on one line. Exits 1 when there is one.
 *
 *   node scripts/cruise.mjs            # check the project
 *   node scripts/cruise.mjs --root DIR # check a copy of it (the architecture test plants violations in one)
 *
 * The parser (swc) reads TypeScript but not JSX, so the console is first copied to a temporary folder with its
 * types and JSX stripped by oxc-transform, its type-only imports kept as plain imports.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'oxc-transform';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = join(projectRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Runs dependency-cruiser in `cwd` over `paths` and returns its JSON result. */
function cruiseJson(cwd, paths, config, extra = []) {
  const run = spawnSync(
    process.execPath,
    [depcruise, ...paths, '--config', config, '--output-type', 'json', ...extra],
    { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (run.status !== 0 && !run.stdout.trimStart().startsWith('{')) {
    throw new Error(`dependency-cruiser failed in ${cwd}: ${run.stderr.trim()}`);
  }
  return JSON.parse(run.stdout);
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * The console's sources as plain JavaScript in a temporary folder laid out like the project (web/src/…), with
 * src/ and node_modules linked beside it so that its imports of the server's pure modules and of packages resolve.
 */
function strippedConsole(root) {
  const out = mkdtempSync(join(tmpdir(), 'portledger-cruise-'));
  for (const file of filesUnder(join(root, 'web', 'src'))) {
    if (!/\.(ts|tsx)$/.test(file) || file.endsWith('.d.ts')) {
      // Style sheets and assets are imported too; they are copied as they are.
      const target = join(out, relative(root, file));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, readFileSync(file));
      continue;
    }
    // Type-only imports are kept as imports, so that a cycle through types is found as in src/.
    const source = readFileSync(file, 'utf8')
      .replace(/^import type (?=[{*\w])/gm, 'import ')
      .replace(/^export type (?=\{[^}]*\} from)/gm, 'export ');
    const { code, errors } = transformSync(file, source, {
      typescript: { onlyRemoveTypeImports: true },
      jsx: { runtime: 'automatic' },
    });
    if (errors.length > 0) throw new Error(`${relative(root, file)}: ${errors[0].message}`);
    const target = join(out, relative(root, file)).replace(/\.tsx?$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  symlinkSync(join(root, 'src'), join(out, 'src'), 'dir');
  symlinkSync(join(projectRoot, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

function describe(violation) {
  const via = violation.cycle?.length
    ? ` (${[violation.from, ...violation.cycle.map((step) => step.name ?? step)].join(' → ')})`
    : '';
  const target = violation.from === violation.to ? '' : ` → ${violation.to}`;
  return `${violation.rule.name}: ${violation.from}${target}${via}`;
}

/** Every violation of the rules in the project (or copy) at `root`, as one line each. */
export function cruiseProject(root = projectRoot) {
  const config = join(root, '.dependency-cruiser.cjs');
  const server = cruiseJson(root, ['src', 'test', 'bench'], config);
  const stripped = strippedConsole(root);
  try {
    // The console is checked for what applies to it: cycles, orphans and imports that resolve.
    const web = cruiseJson(stripped, ['web/src'], config, ['--do-not-follow', '^(src|node_modules)/']);
    return [...server.summary.violations, ...web.summary.violations].map(describe);
  } finally {
    rmSync(stripped, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rootFlag = process.argv.indexOf('--root');
  const root = rootFlag > 0 ? resolve(process.argv[rootFlag + 1]) : projectRoot;
  const violations = cruiseProject(root);
  for (const line of violations) console.error(line);
  if (violations.length > 0) {
    console.error(`${violations.length} import rule violation(s)`);
    process.exit(1);
  }
  console.log('imports: no violation, no cycle (src, test, bench, web/src)');
}
