import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Express } from 'express';
import type { Logger } from '@ecommerce/shared';
import type { ConsoleConfig } from './config';
import type { ProxiedService } from './service-proxy';
import { PROXIED_SERVICES, serviceProxy } from './service-proxy';

/** The page's own routes: each one loads the page, which then shows the right view. */
export const PAGE_ROUTES = ['/', '/inventory', '/dead-letters'] as const;

export interface ConsoleAppOptions {
  config: Pick<ConsoleConfig, 'orderServiceUrl' | 'inventoryServiceUrl' | 'notificationServiceUrl'>;
  logger: Logger;
  /** The folder Vite built the page into. */
  webRoot: string;
}

/**
 * The console's one origin: the built page, and the three services under `/<service>/…`, so
 * the page needs no CORS and holds no service address. No body parser: bodies stream through.
 */
export function createConsoleApp({ config, logger, webRoot }: ConsoleAppOptions): Express {
  const baseUrls: Record<ProxiedService, string> = {
    'order-service': config.orderServiceUrl,
    'inventory-service': config.inventoryServiceUrl,
    'notification-service': config.notificationServiceUrl,
  };
  const indexHtml = path.join(webRoot, 'index.html');
  if (!fs.existsSync(indexHtml)) {
    throw new Error(`The page is not built (${indexHtml} is missing): run npm run build`);
  }

  const app = express();
  app.disable('x-powered-by');
  for (const service of PROXIED_SERVICES) {
    app.use(`/${service}`, serviceProxy(service, baseUrls[service], logger));
  }
  app.get('/api/health/live', (_request, response) => {
    response.json({ status: 'ok', service: 'console' });
  });
  app.get([...PAGE_ROUTES], (_request, response) => {
    // The page changes with every build; its hashed assets do not.
    response.setHeader('cache-control', 'no-cache');
    response.sendFile(indexHtml);
  });
  app.use(express.static(webRoot, { index: false, immutable: true, maxAge: '1y' }));
  app.use((request, response) => {
    response.status(404).json({
      error: { code: 'NOT_FOUND', message: `Nothing at ${request.method} ${request.path}` },
    });
  });
  return app;
}
