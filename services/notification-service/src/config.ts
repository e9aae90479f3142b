import path from 'node:path';
import type { ConfigOf } from '@ecommerce/shared';
import { loadServiceConfig, serviceSettings } from '@ecommerce/shared';

export const SERVICE_NAME = 'notification-service';

export const notificationServiceSettings = serviceSettings({ port: 3003, database: SERVICE_NAME });

export type NotificationServiceConfig = ConfigOf<typeof notificationServiceSettings>;

export function loadNotificationServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
): NotificationServiceConfig {
  return loadServiceConfig(notificationServiceSettings, path.resolve(__dirname, '..'), env);
}
