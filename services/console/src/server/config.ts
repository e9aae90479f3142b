import path from 'node:path';
import Joi from 'joi';
import type { ConfigOf } from '@ecommerce/shared';
import { loadServiceConfig, setting } from '@ecommerce/shared';

export const CONSOLE_NAME = 'console';

const serviceUrl = (fallback: string) =>
  Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .default(fallback);

/** The console's settings: its port and where the three services answer. It owns no database. */
export const consoleSettings = {
  port: setting('CONSOLE_PORT', 'HTTP port of the console', Joi.number().port().default(3000)),
  orderServiceUrl: setting(
    'ORDER_SERVICE_URL',
    'Base URL of the order service',
    serviceUrl('http://127.0.0.1:3001'),
  ),
  inventoryServiceUrl: setting(
    'INVENTORY_SERVICE_URL',
    'Base URL of the inventory service',
    serviceUrl('http://127.0.0.1:3002'),
  ),
  notificationServiceUrl: setting(
    'NOTIFICATION_SERVICE_URL',
    'Base URL of the notification service',
    serviceUrl('http://127.0.0.1:3003'),
  ),
  logLevel: setting(
    'LOG_LEVEL',
    'winston log level (silent: no logs, for tests)',
    Joi.string().valid('silent', 'error', 'warn', 'info', 'debug').default('info'),
  ),
};

export type ConsoleConfig = ConfigOf<typeof consoleSettings>;

export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  return loadServiceConfig(consoleSettings, path.resolve(__dirname, '../..'), env);
}
