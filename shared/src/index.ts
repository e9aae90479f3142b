// The public API of the shared library. Services import from here only.
export * from './config/config';
export * from './logging/context';
export * from './logging/logger';
export * from './errors/app-error';
export * from './events/catalogue';
export * from './events/envelope';
export * from './database/connect-database';
export * from './database/mongo-errors';
export * from './database/find-page';
export type { EventBus, EventHandler, EventPublisher } from './messaging/event-bus';
export {
  RabbitEventBus,
  BrokerUnavailableError,
  UnroutableEventError,
} from './messaging/rabbit-event-bus';
export type { DeadLetterRecord } from './messaging/dead-letters';
export type { DeadLetterQueue, DeadLetterSelection } from './messaging/dead-letter-queue';
export { defineServiceTopology } from './messaging/topology';
export type { ServiceTopology } from './messaging/topology';
export * from './outbox/outbox';
export { OutboxRelay, outboxOf, lockKey } from './outbox/outbox-relay';
export type { OutboxSource } from './outbox/outbox-relay';
export { KeyedMutex } from './idempotency/keyed-mutex';
export * from './http/validation';
export * from './http/require-admin';
export * from './http/pagination';
export * from './http/health';
export { ServiceMetrics } from './http/metrics';
export { CORRELATION_HEADER } from './http/create-http-app';
export * from './lifecycle/service-host';
