// Helpers for the project's integration and end-to-end tests (imported as
// `@ecommerce/shared/testing`). They talk to the real broker and database.
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
