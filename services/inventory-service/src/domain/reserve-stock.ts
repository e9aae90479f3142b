import type { EventEnvelope, OrderLine } from '@ecommerce/shared';
import type { ProductRepository } from '../data-access/product-repository';
import { inventoryStatusUpdated } from './inventory-events';
import type { ReservationOutcome } from './inventory-events';
import type { InventoryDependencies } from './inventory-ports';
import { orderLock } from './inventory-ports';
import {
  insufficientInventoryReason,
  onOrderCreated,
  unknownProductReason,
} from './inventory-rules';

/**
 * An order was placed: hold every line's units, all or nothing, and answer with
 * `inventory.status.updated` SUCCESS or FAILURE (with the first shortfall as the reason).
 * Safe to repeat: a decided reservation is not touched again, an interrupted one is resumed, and
 * an order cancelled before this event arrived (its tombstone) reserves nothing.
 */
export async function reserveStock(
  event: EventEnvelope<'order.created'>,
  { products, reservations, locks }: InventoryDependencies,
): Promise<void> {
  const { orderId } = event.data;
  await locks.run(orderLock(orderId), async () => {
    let reservation = await reservations.findByOrderId(orderId);
    if (!reservation && !(await reservations.create(orderId, 'RESERVING', event.data.products))) {
      reservation = await reservations.findByOrderId(orderId); // created meanwhile elsewhere
    }
    if (onOrderCreated(reservation) === 'ignore') return;
    const lines = reservation?.lines ?? event.data.products;

    const outcome = await holdAll(products, orderId, lines);
    const answered = await reservations.transition(
      orderId,
      'RESERVING',
      outcome.status === 'SUCCESS'
        ? { status: 'RESERVED' }
        : { status: 'REJECTED', reason: outcome.reason },
      (sequence) =>
        inventoryStatusUpdated(orderId, outcome, {
          sequence,
          correlationId: event.correlationId,
          causationId: event.eventId,
        }),
    );
    if (!answered) {
      // Another instance decided first. If it did not keep the holds, drop any we placed.
      const decided = await reservations.findByOrderId(orderId);
      if (decided?.status !== 'RESERVED' && decided?.status !== 'COMMITTED') {
        await releaseAll(products, orderId, lines);
      }
    }
  });
}

async function holdAll(
  products: ProductRepository,
  orderId: string,
  lines: OrderLine[],
): Promise<ReservationOutcome> {
  const held: OrderLine[] = [];
  for (const line of lines) {
    const result = await products.hold(line.productId, orderId, line.quantity);
    if (!result.held) {
      await releaseAll(products, orderId, held);
      return {
        status: 'FAILURE',
        reason:
          result.available === null
            ? unknownProductReason(line.productId)
            : insufficientInventoryReason(line.productId, line.quantity, result.available),
      };
    }
    held.push(line);
  }
  return { status: 'SUCCESS' };
}

export async function releaseAll(
  products: ProductRepository,
  orderId: string,
  lines: OrderLine[],
): Promise<void> {
  for (const line of lines) await products.release(line.productId, orderId);
}
