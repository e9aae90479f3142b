// Helpers for the project's tests (imported as `@ecommerce/shared/testing`): the harness of the
// integration and end-to-end tests, which talk to the real broker and database, and fakes that
// stand in for them in unit tests (in-memory-aggregates: the aggregate store).
export * from './eventually';
export * from './gate';
export * from './test-environment';
export * from './event-probe';
export * from './service-under-test';
export * from './tcp-proxy';
export * from './test-events';
export * from './openapi-conformance';
export * from './api-document-checks';
export * from './metrics-text';
export * from './in-memory-aggregates';
// How long a burst lasts after its last new connection, for tests of the API as a foreground.
export { BURST_QUIET_MS } from '../http/admission-queue';
