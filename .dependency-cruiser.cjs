// Layer rules, checked by `npm run lint` (after Practica.js and domain-driven-hexagon): in each
// service the entry points call the domain, and the data access implements the domain's ports
// (domain/*-ports.ts); nothing goes back up to the entry points, and the domain knows neither;
// no service reaches into another; the shared library knows no service.
// The shared library's floors, bottom first: a folder imports its own floor and the floors below,
// never one above, so each floor can be read (and tested) without what stands on it.
const SHARED_FLOORS = [
  ['errors', 'concurrency', 'config', 'observability', 'logging', 'money', 'events'],
  ['database'],
  ['messaging'],
  ['aggregates'],
  ['http'],
  ['lifecycle'],
  ['testing'],
];
const sharedFloorRules = SHARED_FLOORS.slice(0, -1).map((floor, index) => ({
  name: `shared-${floor[0]}-floor-not-up`,
  comment: `shared/src/{${floor.join(',')}} stands below ${SHARED_FLOORS.slice(index + 1)
    .map((above) => above.join('/'))
    .join(', ')}: it does not import them.`,
  severity: 'error',
  from: { path: `^shared/src/(${floor.join('|')})/` },
  to: {
    path: `^shared/src/(${SHARED_FLOORS.slice(index + 1)
      .flat()
      .join('|')})/`,
  },
}));

// Inside each service, imports that may not exist: [from, to, why].
const serviceLayerRules = [
  ['domain', 'entry-points', 'Use cases and rules do not know how they are called (HTTP, events).'],
  ['data-access', 'entry-points', 'Repositories do not know how they are called.'],
  [
    'entry-points',
    'data-access',
    'Routes and subscriptions call use cases with the ports they were given; only the ' +
      'composition root (start.ts) builds the repositories.',
  ],
  [
    'domain',
    'data-access',
    'Use cases depend on the ports of domain/*-ports.ts, which the repositories implement.',
  ],
].map(([from, to, comment]) => ({
  name: `${from}-not-to-${to}`,
  comment,
  severity: 'error',
  from: { path: `^services/[^/]+/src/${from}/` },
  to: { path: `^services/[^/]+/src/${to}/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...sharedFloorRules,
    {
      name: 'shared-folders-have-a-floor',
      comment: 'A new folder of shared/src gets its floor in SHARED_FLOORS before it imports.',
      severity: 'error',
      from: {
        path: '^shared/src/',
        pathNot: `^shared/src/((${SHARED_FLOORS.flat().join('|')})/|index\\.ts$)`,
      },
      to: {},
    },
    ...serviceLayerRules,
    {
      name: 'no-service-to-service',
      comment: "Services talk through events only, never through each other's code.",
      severity: 'error',
      from: { path: '^services/([^/]+)/src/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'shared-knows-no-service',
      comment: 'The shared library serves every service and depends on none.',
      severity: 'error',
      from: { path: '^shared/src/' },
      to: { path: '^services/' },
    },
    {
      name: 'services-use-shared-exports',
      comment:
        'A service reaches the shared library only through what its package exports (the index, ' +
        'testing, tracing), so what the index does not export (the store internals) stays out.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/' },
      to: {
        path: '^shared/',
        pathNot: '^shared/src/(index|testing/index|observability/tracing)\\.ts$',
      },
    },
    {
      name: 'tools-use-package-exports',
      comment:
        "Tools (scripts/) use a package only through what its package.json exports: a service's " +
        'src/index.ts, the shared index, testing and tracing, the e2e harness (support/index.ts); ' +
        'its other files may change with no thought for the tools.',
      severity: 'error',
      from: { path: '^scripts/' },
      to: {
        path: '^(services|shared|tests-e2e)/',
        pathNot:
          '^(services/[^/]+/src/index|shared/src/(index|testing/index|observability/tracing)|' +
          'tests-e2e/support/index)\\.ts$',
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(shared|services)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // scripts/ferretdb/bin: the build's copy of FerretDB's sources (scripts/ferretdb/build.sh).
    exclude: { path: '(^|/)(dist|node_modules)/|^scripts/ferretdb/bin/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // A workspace package by name resolves as type-checking does: to its source (package.json
    // "types"), not its build, so the rules above see which file a tool reaches.
    enhancedResolveOptions: { mainFields: ['types', 'main'] },
  },
};
