import path from 'node:path';
import Joi from 'joi';
import type { ConfigOf } from '@ecommerce/shared';
import { loadServiceConfig, serviceSettings, setting } from '@ecommerce/shared';
import { SERVICE_NAME } from './service-name';

export { SERVICE_NAME };

export const orderServiceSettings = {
  ...serviceSettings({ port: 3001, database: SERVICE_NAME }),
  orderPendingTimeoutMs: setting(
    'ORDER_PENDING_TIMEOUT_MS',
    'How long an order may stay PENDING (no answer from the inventory) before it is cancelled as expired',
    Joi.number()
      .integer()
      .min(100)
      .max(30 * 24 * 3_600_000)
      .default(15 * 60_000),
  ),
  priceCacheTtlMs: setting(
    'PRICE_CACHE_TTL_MS',
    "How long an instance prices orders from a product's price it read, before reading it again (a change this instance applies is used at once; 0: read for every order)",
    Joi.number().integer().min(0).max(60_000).default(1000),
  ),
};

export type OrderServiceConfig = ConfigOf<typeof orderServiceSettings>;

export function loadOrderServiceConfig(env: NodeJS.ProcessEnv = process.env): OrderServiceConfig {
  return loadServiceConfig(orderServiceSettings, path.resolve(__dirname, '..'), env);
}
