import type { EventEnvelope } from '@ecommerce/shared';
import type { InventoryDependencies } from './inventory-ports';
import { settlement, tombstone } from './inventory-rules';
import { releaseAll } from './reserve-stock';
import { commitHold } from './stock-rules';

/**
 * An order reached its final status: CONFIRMED takes its held units out of stock, CANCELLED
 * returns them to available. A cancellation that arrives before the order's order.created
 * leaves a tombstone, so the late event reserves nothing.
 *
 * The reservation is marked first and the products follow: a crash in between is mended by the
 * redelivery, which finds the reservation settled and applies the product steps again (each is
 * a no-op once its hold is gone). Marking first also means that an order.created redelivered
 * meanwhile sees the reservation settled and gives back whatever it held.
 */
export async function settleReservation(
  event: EventEnvelope<'order.status.updated'>,
  { products, reservations }: InventoryDependencies,
): Promise<void> {
  const { orderId, status } = event.data;
  for (;;) {
    const settled = await reservations.update(orderId, settlement(status));
    if (!settled) {
      // Nothing reserved yet: a confirmation cannot come first, a cancellation leaves a tombstone.
      if (status === 'CONFIRMED' || (await reservations.create(tombstone(orderId)))) return;
      continue; // the reservation was stored meanwhile: settle that one
    }
    const { lines, status: reservationStatus } = settled.state;
    if (reservationStatus === 'COMMITTED') {
      await Promise.all(lines.map((line) => products.update(line.productId, commitHold(orderId))));
    } else if (reservationStatus === 'RELEASED') {
      await releaseAll(products, orderId, lines);
    }
    return;
  }
}
