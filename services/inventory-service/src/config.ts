import path from 'node:path';
import type { ConfigOf } from '@ecommerce/shared';
import { currencySchema, loadServiceConfig, serviceSettings, setting } from '@ecommerce/shared';
import { SERVICE_NAME } from './service-name';

export { SERVICE_NAME };

export const inventoryServiceSettings = {
  ...serviceSettings({ port: 3002, database: SERVICE_NAME }),
  currency: setting(
    'CURRENCY',
    'ISO 4217 code of the prices of new products that name no currency',
    currencySchema.default('EUR'),
  ),
};

export type InventoryServiceConfig = ConfigOf<typeof inventoryServiceSettings>;

export function loadInventoryServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
): InventoryServiceConfig {
  return loadServiceConfig(inventoryServiceSettings, path.resolve(__dirname, '..'), env);
}
