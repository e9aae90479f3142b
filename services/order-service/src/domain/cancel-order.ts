import type { Order } from './order';
import { OrderNotFoundError } from './order-errors';
import type { OrderDependencies } from './order-ports';
import { cancellationOf, finalise } from './order-rules';

/**
 * The customer cancels a PENDING order. Its `order.status.updated` (CANCELLED) makes the
 * inventory release whatever it reserved for it, whichever of the two events it sees first.
 */
export async function cancelOrder(
  orderId: string,
  { orders, lifecycle }: Pick<OrderDependencies, 'orders' | 'lifecycle'>,
  correlationId: string,
): Promise<Order> {
  const updated = await orders.update(orderId, (order) =>
    finalise(order, cancellationOf(order), { correlationId }),
  );
  if (!updated) throw new OrderNotFoundError(orderId);
  if (updated.changed) lifecycle.statusReached(updated.state);
  return updated.state;
}
