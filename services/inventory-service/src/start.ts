import type { RunningService } from '@ecommerce/shared';
import { startService } from '@ecommerce/shared';
import type { InventoryServiceConfig } from './config';
import { SERVICE_NAME } from './config';
import { ProductRepository } from './data-access/product-repository';
import { ReservationRepository } from './data-access/reservation-repository';
import { SEED_PRODUCTS } from './domain/inventory-rules';
import { inventoryRouter } from './entry-points/api/inventory-routes';
import { subscribeInventoryHandlers } from './entry-points/events/subscriptions';

/** The inventory service's composition root. */
export function startInventoryService(config: InventoryServiceConfig): Promise<RunningService> {
  return startService({
    name: SERVICE_NAME,
    config,
    compose: ({ db, bus, locks, logger, publishOutboxSoon }) => {
      const products = new ProductRepository(db, locks);
      const reservations = new ReservationRepository(db, locks, publishOutboxSoon);
      const dependencies = { products, reservations, locks };
      subscribeInventoryHandlers(bus, dependencies);
      return {
        routers: [inventoryRouter(dependencies, config.adminToken)],
        outboxes: [reservations.outbox],
        onStart: async () => {
          if (await products.isEmpty()) {
            await products.seed(SEED_PRODUCTS);
            logger.info('Seeded test products', { count: SEED_PRODUCTS.length });
          }
        },
      };
    },
  });
}
