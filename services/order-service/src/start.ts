import type { RunningService } from '@ecommerce/shared';
import { startService } from '@ecommerce/shared';
import type { OrderServiceConfig } from './config';
import { SERVICE_NAME } from './config';
import { IdempotencyKeyRepository } from './data-access/idempotency-key-repository';
import { OrderRepository } from './data-access/order-repository';
import { orderRouter } from './entry-points/api/order-routes';
import { orderApiDocument } from './entry-points/api/order-openapi';
import { subscribeOrderHandlers } from './entry-points/events/subscriptions';
import { orderMetrics } from './order-metrics';

/** The order service's composition root: its repositories, handlers and routes on the shared host. */
export function startOrderService(config: OrderServiceConfig): Promise<RunningService> {
  return startService({
    name: SERVICE_NAME,
    config,
    compose: ({ db, bus, stores, metrics }) => {
      const orders = new OrderRepository(db, stores);
      const idempotencyKeys = new IdempotencyKeyRepository(db);
      const dependencies = { orders, idempotencyKeys, lifecycle: orderMetrics(metrics.registry) };
      subscribeOrderHandlers(bus, dependencies);
      return {
        apiDocument: orderApiDocument,
        routers: [orderRouter(dependencies)],
        prune: (cutoff) => idempotencyKeys.pruneOlderThan(cutoff),
      };
    },
  });
}
