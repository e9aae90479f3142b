// The end-to-end harness as other packages see it (the package's export): the benchmark and the
// chaos run (scripts/bench, scripts/chaos) start and drive the same system the tests do.
export { ADMIN_TOKEN, SERVICES, System, freePort } from './system';
export type { ServiceName } from './system';
