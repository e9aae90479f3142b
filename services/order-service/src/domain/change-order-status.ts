import type { OrderRepository } from '../data-access/order-repository';
import type { Order } from './order';
import { orderStatusUpdated } from './order-events';
import type { StatusChange } from './order-rules';

const MAX_TRIES = 5;

export interface Cause {
  correlationId: string;
  /** The event that caused the change, if an event did. */
  causationId?: string;
}

/**
 * Reads the order, asks `decide` what should change, and writes the change with its
 * `order.status.updated` event, provided the order did not change in the meantime; if it did,
 * reads it again and decides again. Returns the order as it ends up, or null if it does not exist.
 */
export async function changeOrderStatus(
  orders: OrderRepository,
  orderId: string,
  decide: (order: Order) => StatusChange | null,
  cause: Cause,
): Promise<Order | null> {
  for (let tries = 1; tries <= MAX_TRIES; tries++) {
    const order = await orders.findById(orderId);
    if (!order) return null;
    const change = decide(order);
    if (!change) return order;
    const updated = await orders.changeStatus(order.id, order.status, change, (current, sequence) =>
      orderStatusUpdated(current, change, { sequence, ...cause }),
    );
    if (updated) return updated;
  }
  throw new Error(`Order ${orderId} kept changing while its status was being updated`);
}
