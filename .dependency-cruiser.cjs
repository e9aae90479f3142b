// Layer rules, checked by `npm run lint` (after Practica.js and domain-driven-hexagon): each
// service goes entry-points → domain → data-access and never back up to its entry points; no
// service reaches into another; the shared library knows no service.
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
        'PermanentError, express…) is checked by name in shared/test/unit/layering.test.ts.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: '^shared/src/(http|messaging)/|^shared/src/errors/app-error' },
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
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
