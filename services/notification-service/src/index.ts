// The notification service's public entry (the package's export): what tools such as
// scripts/migrate-queues.ts and scripts/dlq use, so they read its settings and its subscriptions
// as the service itself does, and the shape of its documents (scripts/bench fills a store in it).
// Running the service is main.ts.
export { SERVICE_NAME, loadNotificationServiceConfig } from './config';
export type { NotificationServiceConfig } from './config';
export type { NotificationDocument } from './data-access/notification-model';
export { subscribeNotificationHandlers } from './entry-points/events/subscriptions';
export { startNotificationService } from './start';
export type { NotificationServiceOptions } from './start';
