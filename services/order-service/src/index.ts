// The order service's public entry (the package's export): what tools such as
// scripts/migrate-queues.ts and scripts/dlq use, so they read its settings and its subscriptions
// as the service itself does, and the shape of its documents (scripts/bench fills a store in it).
// Running the service is main.ts.
export { SERVICE_NAME, loadOrderServiceConfig } from './config';
export type { OrderServiceConfig } from './config';
export type { OrderDocument } from './data-access/order-model';
export { subscribeOrderHandlers } from './entry-points/events/subscriptions';
export { startOrderService } from './start';
