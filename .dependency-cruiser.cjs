// Layer rules, checked by `npm run lint` (after Practica.js and domain-driven-hexagon): in each
// service the entry points call the domain, and the data access implements the domain's ports
// (domain/*-ports.ts); nothing goes back up to the entry points, and the domain knows neither;
// no service reaches into another; the shared library knows no service.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-not-to-entry-points',
      comment: 'Use cases and rules do not know how they are called (HTTP, events).',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: '^services/[^/]+/src/entry-points/' },
    },
    {
      name: 'data-access-not-to-entry-points',
      comment: 'Repositories do not know how they are called.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/data-access/' },
      to: { path: '^services/[^/]+/src/entry-points/' },
    },
    {
      name: 'domain-not-to-data-access',
      comment:
        'Use cases depend on the ports of domain/*-ports.ts, which the repositories implement; ' +
        'only the composition root (start.ts) builds the repositories.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: '^services/[^/]+/src/data-access/' },
    },
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
      name: 'services-not-to-write-internals',
      comment:
        'Per-document locks, the outbox and the store internals belong to the aggregate store: a ' +
        'service writes through AggregateStore (from the shared index) and nothing else.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/' },
      to: {
        path: '^shared/src/(concurrency/keyed-mutex|aggregates/|messaging/recently-handled-events)',
      },
    },
    {
      name: 'write-internals-stay-in-the-store',
      comment:
        'Only the aggregate store uses the outbox entries, and only it and the messaging layer ' +
        '(for its own consumer changes) the per-key mutex; nothing else in shared reaches them.',
      severity: 'error',
      from: {
        path: '^shared/src/',
        pathNot: '^shared/src/(aggregates/|messaging/|index\\.ts$)',
      },
      to: { path: '^shared/src/(concurrency/keyed-mutex|aggregates/outbox-entry)' },
    },
    {
      name: 'domain-knows-no-transport',
      comment:
        'Use cases and rules throw domain errors (shared/src/errors/domain-errors); HTTP and bus ' +
        'errors are mapped at the entry points. What comes through the shared index (AppError, ' +
        'PermanentError…) and express or amqplib are refused by name in eslint.config.mjs.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: '^shared/src/(http|messaging)/|^shared/src/errors/app-error' },
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
