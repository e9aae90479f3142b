// The inventory service's public entry (the package's export): what tools such as
// scripts/migrate-queues.ts and scripts/dlq use, so they read its settings, its subscriptions and
// how its instances share the queue as the service itself does, and the shape of its reservations
// (scripts/bench fills a store with them). Running the service is main.ts.
export { SERVICE_NAME, loadInventoryServiceConfig } from './config';
export type { InventoryServiceConfig } from './config';
export type { ReservationDocument } from './data-access/reservation-repository';
export { subscribeInventoryHandlers } from './entry-points/events/subscriptions';
export { INVENTORY_CONSUMERS, startInventoryService } from './start';
