import path from 'node:path';
import type { ConfigOf } from '@ecommerce/shared';
import { loadConfig, serviceSettings } from '@ecommerce/shared';

export const SERVICE_NAME = 'order-service';

export const orderServiceSettings = serviceSettings({ port: 3001, database: SERVICE_NAME });

export type OrderServiceConfig = ConfigOf<typeof orderServiceSettings>;

/** The service's `.env`, then the repository's, fill in what the environment does not set. */
export function loadOrderServiceConfig(env: NodeJS.ProcessEnv = process.env): OrderServiceConfig {
  const serviceRoot = path.resolve(__dirname, '..');
  return loadConfig(orderServiceSettings, {
    env,
    envFiles: [path.join(serviceRoot, '.env'), path.join(serviceRoot, '../../.env')],
  });
}
