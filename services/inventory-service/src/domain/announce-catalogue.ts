import type { EventEnvelope } from '@ecommerce/shared';
import { announcement } from './catalogue-rules';
import type { InventoryDependencies } from './inventory-ports';

/**
 * An order service asked for the whole catalogue (its price list was empty): every product is
 * announced again with `product.changed`, through its own outbox. A redelivered request announces
 * them once more, which the price list ignores (not newer than what it holds).
 */
export async function announceCatalogue(
  event: EventEnvelope<'catalogue.requested'>,
  { products }: Pick<InventoryDependencies, 'products'>,
): Promise<void> {
  const announce = announcement(event.correlationId);
  for await (const productIds of products.idsInPages()) {
    await Promise.all(productIds.map((productId) => products.update(productId, announce)));
  }
}
