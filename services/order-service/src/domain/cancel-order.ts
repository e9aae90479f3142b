import { notFound } from '@ecommerce/shared';
import { changeOrderStatus } from './change-order-status';
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
  const order = await changeOrderStatus(orders, orderId, cancellationOf, { correlationId });
  if (!order) throw notFound(`Order ${orderId} not found`, 'ORDER_NOT_FOUND');
  return order;
}
