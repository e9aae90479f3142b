import type { EventEnvelope } from '@ecommerce/shared';
import type { OrderDependencies } from './order-ports';
import { priceChange, priceFrom } from './pricing-rules';

/**
 * The inventory announced a product (new, renamed or repriced): the price list takes it when it
 * is newer than its entry. Orders placed before keep their prices.
 */
export async function applyProductChange(
  event: EventEnvelope<'product.changed'>,
  { prices }: Pick<OrderDependencies, 'prices'>,
): Promise<void> {
  const { productId } = event.data;
  for (;;) {
    if (await prices.update(productId, priceChange(event))) return;
    if (await prices.create(priceFrom(event))) return;
    // Created meanwhile by another delivery: decide against that one.
  }
}
