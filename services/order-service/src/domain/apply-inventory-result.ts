import type { EventEnvelope } from '@ecommerce/shared';
import { OrderNotFoundError } from './order-errors';
import type { OrderDependencies } from './order-ports';
import { finalise, statusChangeFromInventory } from './order-rules';

/** The inventory reserved the order's stock, or could not: confirm or cancel the order. */
export async function applyInventoryResult(
  event: EventEnvelope<'inventory.status.updated'>,
  { orders, lifecycle }: Pick<OrderDependencies, 'orders' | 'lifecycle'>,
): Promise<void> {
  const { orderId } = event.data;
  const cause = { correlationId: event.correlationId, event };
  const updated = await orders.update(orderId, (order) =>
    finalise(order, statusChangeFromInventory(order, event.data), cause),
  );
  // The inventory only answers order.created, which is published after the order is stored.
  if (!updated) throw new OrderNotFoundError(orderId);
  if (updated.changed) lifecycle.statusReached(updated.state);
}
