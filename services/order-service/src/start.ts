import type { RunningService } from '@ecommerce/shared';
import { startService } from '@ecommerce/shared';
import type { OrderServiceConfig } from './config';
import { SERVICE_NAME } from './config';
import { CachedPriceList } from './data-access/cached-price-list';
import { CatalogueRequestRepository } from './data-access/catalogue-request-repository';
import { IdempotencyKeyRepository } from './data-access/idempotency-key-repository';
import { OrderRepository } from './data-access/order-repository';
import { PriceRepository } from './data-access/price-repository';
import { expireOverdueOrders } from './domain/expire-overdue-orders';
import { expiryCheckIntervalMs } from './domain/order-rules';
import { requestCatalogueIfEmpty } from './domain/request-catalogue';
import { orderRouter } from './entry-points/api/order-routes';
import { orderApiDocument } from './entry-points/api/order-openapi';
import { priceRouter } from './entry-points/api/price-routes';
import { subscribeOrderHandlers } from './entry-points/events/subscriptions';
import { orderMetrics } from './order-metrics';

/** The order service's composition root: its repositories, handlers and routes on the shared host. */
export function startOrderService(config: OrderServiceConfig): Promise<RunningService> {
  return startService({
    name: SERVICE_NAME,
    config,
    compose: ({ db, bus, stores, metrics, logger }) => {
      const idempotencyKeys = new IdempotencyKeyRepository(db);
      const dependencies = {
        orders: new OrderRepository(db, stores),
        idempotencyKeys,
        prices: new CachedPriceList(new PriceRepository(db, stores), config.priceCacheTtlMs),
        lifecycle: orderMetrics(metrics.registry),
        policy: { pendingTimeoutMs: config.orderPendingTimeoutMs },
      };
      const catalogueRequests = new CatalogueRequestRepository(db, stores);
      subscribeOrderHandlers(bus, dependencies);
      return {
        apiDocument: orderApiDocument,
        routers: [orderRouter(dependencies), priceRouter(dependencies)],
        onStart: async () => {
          const requestId = await requestCatalogueIfEmpty(dependencies, catalogueRequests);
          if (requestId) logger.info('Price list empty: asked for the catalogue', { requestId });
        },
        prune: (cutoff) => idempotencyKeys.pruneOlderThan(cutoff),
        periodicTasks: [
          {
            name: 'expire overdue orders',
            everyMs: expiryCheckIntervalMs(config.orderPendingTimeoutMs),
            run: async (now) => {
              const expired = await expireOverdueOrders(now, dependencies);
              if (expired > 0) logger.info('Expired overdue orders', { expired });
            },
          },
        ],
      };
    },
  });
}
