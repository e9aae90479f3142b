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
