/**
 * The house rules for imports, checked by dependency-cruiser in `npm test` (test/architecture.test.ts) and drawn
 * by `npm run graph`. Arrows point inward: `domain`, `audit` and `edifact` (the UN/EDIFACT syntax, issue 17) are the pure core, `app` holds the use cases and
 * their ports, grouped by capability; `store`, `security`, `http`, `witness`, `demo` and `cli` are the shell.
 *
 * The console (web/src) is checked from a copy with its types and JSX stripped (scripts/cruise.mjs does it), since
 * the parser reads TypeScript but not JSX.
 */

/** Which layers each layer of src/ may import. */
const layers = {
  // domain/edi maps the messages the edifact reader returns (issue 17); edifact is pure and imports nothing.
  domain: ['domain', 'edifact'],
  audit: ['audit'],
  edifact: ['edifact'],
  app: ['app', 'domain', 'audit', 'edifact'],
  config: ['config'],
  store: ['store', 'app', 'domain', 'audit'],
  security: ['security', 'app', 'domain', 'audit'],
  http: ['http', 'app', 'domain', 'audit', 'edifact'],
  witness: ['witness', 'audit'],
  demo: ['demo', 'app', 'domain', 'audit'],
  cli: ['cli', 'http', 'witness', 'store', 'security', 'demo', 'app', 'domain', 'audit', 'edifact', 'config'],
};

/** The only packages the pure layers may import: no files, databases, network or clock. */
const purePackages = {
  domain: [],
  audit: ['crypto', 'canonicalize'],
  edifact: [],
  app: ['buffer'],
};

/**
 * The capabilities of app/ and domain/, in the order they build on each other: each may use only those before it
 * (through its index), and any capability's `*.ports.ts`, which are types the stores implement.
 */
const capabilityOrder = {
  app: [
    'ledger',
    'alerts',
    'access',
    'visits',
    'yard',
    'releases',
    'appointments',
    'gate',
    'audit',
    'detection',
    'partners',
    'edi',
  ],
  domain: ['yard', 'visits', 'access', 'releases', 'appointments', 'gate', 'detection', 'partners', 'edi'],
};

// Test files and test support may use the test runner and reach into what they test.
const TESTS = '(\\.test\\.ts$|/testing/|\\.contract\\.ts$)';

/** A module as a path regex that matches the `node:`-prefixed core name and its resolved package. */
function packagePattern(name) {
  return `^(node:)?${name}$|node_modules/${name}/`;
}

const layerRules = Object.entries(layers).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `${layer} may import only ${allowed.join(', ')} (arrows point inward)`,
  severity: 'error',
  from: { path: `^src/${layer}/`, pathNot: TESTS },
  to: {
    path: '^src/',
    pathNot: `^src/(${allowed.join('|')})/`,
  },
}));

const pureRules = Object.entries(purePackages).map(([layer, packages]) => ({
  name: `pure-${layer}`,
  comment: `${layer} stays free of side effects: it may import ${packages.length ? packages.join(', ') : 'no package'} and its own layers`,
  severity: 'error',
  from: { path: `^src/${layer}/`, pathNot: TESTS },
  to: {
    pathNot: ['^src/', ...packages.map(packagePattern)],
  },
}));

const orderRules = Object.entries(capabilityOrder).flatMap(([layer, order]) =>
  order.slice(0, -1).map((capability, position) => ({
    name: `order-${layer}-${capability}`,
    comment: `${layer}/${capability} may use only the capabilities before it: ${order.slice(0, position).join(', ') || 'none'}`,
    severity: 'error',
    from: { path: `^src/${layer}/${capability}/`, pathNot: TESTS },
    to: {
      path: `^src/${layer}/(${order.slice(position + 1).join('|')})/`,
      pathNot: '\\.ports\\.ts$',
    },
  })),
);

module.exports = {
  forbidden: [
    ...layerRules,
    ...pureRules,
    ...orderRules,
    {
      name: 'no-circular',
      comment: 'No import cycles: a module that needs another that needs it back is one module in two files',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'capability-private',
      comment:
        'A capability of app/ or domain/ uses another through its index (or its *.ports.ts, the contracts the stores implement)',
      severity: 'error',
      from: { path: '^src/(app|domain)/([^/]+)/', pathNot: TESTS },
      to: {
        path: '^src/(app|domain)/[^/]+/',
        pathNot: ['^src/$1/$2/', '/index\\.ts$', '\\.ports\\.ts$', '/testing/'],
      },
    },
    {
      name: 'shell-through-index',
      comment:
        'The shell (http, cli, store, security, demo) uses a capability through its index or its ports',
      severity: 'error',
      from: { path: '^(src/(http|cli|store|security|demo|witness|config)|bench|test)/', pathNot: TESTS },
      to: {
        path: '^src/(app|domain)/[^/]+/',
        pathNot: ['/index\\.ts$', '\\.ports\\.ts$', '/testing/'],
      },
    },
    {
      name: 'demo-not-product',
      comment: 'The demo port is not the product: nothing but the CLI and tests imports src/demo',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(demo|cli)/', TESTS] },
      to: { path: '^src/demo/' },
    },
    {
      name: 'no-orphans',
      comment: 'A module nobody imports and that imports nothing is dead code or a forgotten entry point',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [TESTS, '\\.d\\.ts$', '(^|/)(vite|vitest)\\.config\\.ts$', '^web/src/main\\.js$'],
      },
      to: {},
    },
    {
      name: 'resolvable',
      comment: 'Every relative import names a file that exists',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7's compiler is native and has no API for dependency-cruiser; swc parses TypeScript (not JSX).
    parser: 'swc',
    // Type-only imports count: a cycle through types is still two modules that cannot change apart.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
    },
    reporterOptions: {
      dot: {
        theme: {
          graph: { rankdir: 'LR', fontname: 'Helvetica' },
          modules: [
            { criteria: { source: '^src/domain/' }, attributes: { fillcolor: '#e8f1ff' } },
            { criteria: { source: '^src/audit/' }, attributes: { fillcolor: '#e8f1ff' } },
            { criteria: { source: '^src/app/' }, attributes: { fillcolor: '#eaf7ea' } },
            { criteria: { source: '^src/demo/' }, attributes: { fillcolor: '#fff4d6' } },
          ],
        },
      },
    },
  },
};
