// The end-to-end harness as other packages see it (the package's export): the benchmark and the
// chaos run (scripts/bench, scripts/chaos) start and drive the same system the tests do, and the
// benchmark loads the console's pages in the same browser.
export { ADMIN_TOKEN, SERVICES, System, freePort } from './system';
export type { ServiceName } from './system';
export { ConsoleProcess, launchChromium } from './console';
export { checkpoint } from './ferretdb-tables';
