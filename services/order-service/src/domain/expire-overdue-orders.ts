import { randomUUID } from 'node:crypto';
import type { OrderDependencies } from './order-ports';
import { expiryOf, finalise } from './order-rules';

/** How many overdue orders one read fetches; a round reads again while they keep coming. */
export const EXPIRY_BATCH_SIZE = 100;

/**
 * Cancels every PENDING order whose `expiresAt` has passed; its
 * `order.status.updated` makes the inventory release what it holds for it and tells the customer.
 * Run by every instance on a clock (expiryCheckIntervalMs): the orders themselves are the timers,
 * found through an index, so nothing is lost when every process restarts. Each cancellation is
 * the store's compare-and-set, so an inventory answer racing it, or another instance expiring
 * the same order, either wins or sees it. Returns how many orders this round expired.
 */
export async function expireOverdueOrders(
  now: Date,
  { orders, lifecycle }: Pick<OrderDependencies, 'orders' | 'lifecycle'>,
): Promise<number> {
  let expired = 0;
  for (;;) {
    const overdue = await orders.findOverdue(now, EXPIRY_BATCH_SIZE);
    const updates = await Promise.all(
      overdue.map((orderId) =>
        orders.update(orderId, (order) =>
          // Each expiry starts its own chain of events: nothing else caused it.
          finalise(order, expiryOf(order, now), { correlationId: randomUUID() }, now),
        ),
      ),
    );
    const changed = updates.flatMap((updated) => (updated?.changed ? [updated.state] : []));
    changed.forEach((order) => lifecycle.statusReached(order));
    expired += changed.length;
    // A full batch may have more behind it, unless another instance took all of this one.
    if (overdue.length < EXPIRY_BATCH_SIZE || changed.length === 0) return expired;
  }
}
