import type { EventEnvelope } from '@ecommerce/shared';
import type { OrderDependencies } from './order-ports';
import { expiryOf, finalise } from './order-rules';

/**
 * The order's expiry timer is due: an order still PENDING is cancelled, and its
 * `order.status.updated` makes the inventory release what it holds for it. An order that is final
 * already is left as it is, so a confirmation that came first wins; the compare-and-set of the
 * order's store makes a cancellation or confirmation racing this one either win or see it.
 */
export async function expireOrder(
  event: EventEnvelope<'order.expiry.due'>,
  { orders, lifecycle }: Pick<OrderDependencies, 'orders' | 'lifecycle'>,
): Promise<void> {
  const { orderId, dueAt } = event.data;
  const cause = { correlationId: event.correlationId, event };
  const updated = await orders.update(orderId, (order) =>
    finalise(order, expiryOf(order, new Date(dueAt)), cause),
  );
  // The timer is written with its order: an order that is gone was deleted by hand.
  if (updated?.changed) lifecycle.statusReached(updated.state);
}
