import { randomUUID } from 'node:crypto';
import type { ConsumerPolicy, RunningService } from '@ecommerce/shared';
import { startService } from '@ecommerce/shared';
import type { InventoryServiceConfig } from './config';
import { SERVICE_NAME } from './config';
import { ProductRepository } from './data-access/product-repository';
import { ReservationRepository } from './data-access/reservation-repository';
import { SEED_PRODUCTS } from './domain/catalogue-rules';
import { seedProducts } from './domain/save-product';
import { inventoryRouter } from './entry-points/api/inventory-routes';
import { inventoryApiDocument } from './entry-points/api/inventory-openapi';
import { subscribeInventoryHandlers } from './entry-points/events/subscriptions';

/**
 * Its stock updates are conditional writes of one document: safe from concurrent instances only
 * where the database applies them atomically.
 */
export const INVENTORY_CONSUMERS: ConsumerPolicy = 'one-at-a-time-without-atomic-updates';

/** The inventory service's composition root. */
export function startInventoryService(config: InventoryServiceConfig): Promise<RunningService> {
  return startService({
    name: SERVICE_NAME,
    config,
    consumers: INVENTORY_CONSUMERS,
    compose: ({ db, bus, stores, logger }) => {
      const products = new ProductRepository(db, stores);
      const reservations = new ReservationRepository(db, stores);
      const dependencies = { products, reservations };
      const catalogue = { defaultCurrency: config.currency };
      subscribeInventoryHandlers(bus, dependencies);
      return {
        apiDocument: inventoryApiDocument,
        routers: [inventoryRouter(dependencies, { adminToken: config.adminToken, catalogue })],
        onStart: async () => {
          if (await products.isEmpty()) {
            await seedProducts(SEED_PRODUCTS, dependencies, {
              ...catalogue,
              correlationId: randomUUID(),
            });
            logger.info('Seeded test products', { count: SEED_PRODUCTS.length });
          }
        },
      };
    },
  });
}
