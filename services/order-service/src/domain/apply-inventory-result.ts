import type { EventEnvelope } from '@ecommerce/shared';
import { PermanentError } from '@ecommerce/shared';
import { orderStatusUpdated } from './order-events';
import type { OrderDependencies } from './order-ports';
import { statusChangeFromInventory } from './order-rules';

/** The inventory reserved the order's stock, or could not: confirm or cancel the order. */
export async function applyInventoryResult(
  event: EventEnvelope<'inventory.status.updated'>,
  { orders }: Pick<OrderDependencies, 'orders'>,
): Promise<void> {
  const { orderId } = event.data;
  const order = await orders.changeStatus(
    orderId,
    (current) => statusChangeFromInventory(current, event.data),
    (current, change, sequence) =>
      orderStatusUpdated(current, change, {
        sequence,
        correlationId: event.correlationId,
        causationId: event.eventId,
      }),
  );
  // The inventory only answers order.created, which is published after the order is stored.
  if (!order) throw new PermanentError(`Order ${orderId} does not exist`);
}
