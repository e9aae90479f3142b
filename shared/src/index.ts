// The public API of the shared library. Services import from here only.
export * from './config/config';
export * from './logging/context';
export * from './logging/logger';
export * from './errors/app-error';
export * from './events/catalogue';
export * from './events/envelope';
export * from './money/money';
export * from './database/connect-database';
export {
  CONNECTION_POOL_SIZE,
  needsSingleActiveConsumer,
  readDatabaseCapabilities,
} from './database/database-capabilities';
export type { ConsumerPolicy, DatabaseCapabilities } from './database/database-capabilities';
export * from './database/mongo-errors';
export * from './database/find-page';
export type {
  EventBus,
  EventHandler,
  EventPublisher,
  SubscribeOptions,
} from './messaging/event-bus';
export { RabbitEventBus, BrokerUnavailableError } from './messaging/rabbit-event-bus';
export type { DeadLetterRecord } from './messaging/dead-letters';
export type { DeadLetterQueue, DeadLetterSelection } from './messaging/dead-letter-queue';
export { UnroutableMessageError } from './messaging/amqp-helpers';
export { DEFAULT_LANE, defineServiceTopology, laneOf } from './messaging/topology';
export type { ServiceTopology, TopologyOptions, WorkQueue } from './messaging/topology';
export { MAX_ATTEMPTS_LIMIT, shortestRetrySpanMs } from './messaging/retry-schedule';
export {
  migrateWorkQueue,
  migrateWorkQueues,
  MigrationRefusedError,
} from './messaging/queue-migration';
export type { MigrationOutcome } from './messaging/queue-migration';
export type { AggregateStore, Change, Decide, Updated } from './aggregates/aggregate-store';
export { aggregateSchema } from './aggregates/aggregate-schema';
export type { StoredFields } from './aggregates/aggregate-schema';
export * from './errors/domain-errors';
export * from './http/validation';
export * from './http/require-admin';
export * from './http/pagination';
export * from './http/health';
export { ServiceMetrics } from './observability/metrics';
export * from './lifecycle/service-settings';
export * from './lifecycle/service-definition';
export type { PeriodicTask } from './lifecycle/periodic-task';
export * from './lifecycle/service-host';
export * from './lifecycle/run-service';
export * from './http/openapi';
export { serviceApiDocument } from './http/host-openapi';
export type { ServiceApi } from './http/host-openapi';
export { apiDocsRouter } from './http/api-docs-routes';
