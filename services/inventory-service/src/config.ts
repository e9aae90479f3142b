import path from 'node:path';
import type { ConfigOf } from '@ecommerce/shared';
import { loadServiceConfig, serviceSettings } from '@ecommerce/shared';
import { SERVICE_NAME } from './service-name';

export { SERVICE_NAME };

export const inventoryServiceSettings = serviceSettings({ port: 3002, database: SERVICE_NAME });

export type InventoryServiceConfig = ConfigOf<typeof inventoryServiceSettings>;

export function loadInventoryServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
): InventoryServiceConfig {
  return loadServiceConfig(inventoryServiceSettings, path.resolve(__dirname, '..'), env);
}
