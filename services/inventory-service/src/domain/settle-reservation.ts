import type { EventEnvelope } from '@ecommerce/shared';
import type { InventoryDependencies } from './inventory-ports';
import { orderLock } from './inventory-ports';
import { onOrderFinalised } from './inventory-rules';
import { releaseAll } from './reserve-stock';

/**
 * An order reached its final status: CONFIRMED takes its held units out of stock, CANCELLED
 * returns them to available. A cancellation that arrives before the order's order.created
 * leaves a tombstone, so the late event reserves nothing.
 */
export async function settleReservation(
  event: EventEnvelope<'order.status.updated'>,
  { products, reservations, locks }: InventoryDependencies,
): Promise<void> {
  const { orderId, status } = event.data;
  await locks.run(orderLock(orderId), async () => {
    const reservation = await reservations.findByOrderId(orderId);
    const action = onOrderFinalised(reservation, status);
    switch (action) {
      case 'ignore':
        return;
      case 'wait':
        // Being reserved by another instance right now: the broker retries this in a moment.
        throw new Error(`Reservation of order ${orderId} is still being placed`);
      case 'void':
        if (!(await reservations.create(orderId, 'VOIDED', []))) {
          throw new Error(`Reservation of order ${orderId} appeared meanwhile; retrying`);
        }
        return;
      case 'commit':
      case 'release': {
        const lines = reservation?.lines ?? [];
        if (action === 'commit') {
          for (const line of lines) await products.commit(line.productId, orderId);
        } else {
          await releaseAll(products, orderId, lines);
        }
        await reservations.transition(orderId, 'RESERVED', {
          status: action === 'commit' ? 'COMMITTED' : 'RELEASED',
        });
      }
    }
  });
}
