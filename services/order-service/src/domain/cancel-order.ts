import { notFound } from '@ecommerce/shared';
import { orderStatusUpdated } from './order-events';
import type { Order } from './order';
import type { OrderDependencies } from './order-ports';
import { cancellationOf } from './order-rules';

/**
 * The customer cancels a PENDING order. Its `order.status.updated` (CANCELLED) makes the
 * inventory release whatever it reserved for it, whichever of the two events it sees first.
 */
export async function cancelOrder(
  orderId: string,
  { orders }: Pick<OrderDependencies, 'orders'>,
  correlationId: string,
): Promise<Order> {
  const order = await orders.changeStatus(orderId, cancellationOf, (current, change, sequence) =>
    orderStatusUpdated(current, change, { sequence, correlationId }),
  );
  if (!order) throw notFound(`Order ${orderId} not found`, 'ORDER_NOT_FOUND');
  return order;
}
