import { loadInventoryServiceConfig } from '@ecommerce/inventory-service';
import { loadNotificationServiceConfig } from '@ecommerce/notification-service';
import { loadOrderServiceConfig } from '@ecommerce/order-service';
import type { DlqService } from './dlq-cli';

/** What the CLI needs of a service's settings. */
export interface AdminSettings {
  port: number;
  adminToken: string;
}

/**
 * Each service's own config loader, so PORT and ADMIN_TOKEN come from the environment, the
 * service's `.env`, the repository's `.env` and the defaults exactly as the service reads them.
 */
const LOADERS: Record<DlqService, () => AdminSettings> = {
  'order-service': loadOrderServiceConfig,
  'inventory-service': loadInventoryServiceConfig,
  'notification-service': loadNotificationServiceConfig,
};

export function loadAdminSettings(service: DlqService): AdminSettings {
  return LOADERS[service]();
}
