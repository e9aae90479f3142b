import path from 'node:path';
import type { ConfigOf } from '@ecommerce/shared';
import { loadServiceConfig, serviceSettings } from '@ecommerce/shared';
import { SERVICE_NAME } from './service-name';

export { SERVICE_NAME };

export const orderServiceSettings = serviceSettings({ port: 3001, database: SERVICE_NAME });

export type OrderServiceConfig = ConfigOf<typeof orderServiceSettings>;

export function loadOrderServiceConfig(env: NodeJS.ProcessEnv = process.env): OrderServiceConfig {
  return loadServiceConfig(orderServiceSettings, path.resolve(__dirname, '..'), env);
}
