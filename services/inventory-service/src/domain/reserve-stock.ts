import type { EventEnvelope, OrderLine } from '@ecommerce/shared';
import { inventoryStatusUpdated } from './inventory-events';
import type { ReservationOutcome } from './inventory-events';
import type { InventoryDependencies } from './inventory-ports';
import {
  decidedReservation,
  insufficientInventoryReason,
  linesToGiveBack,
  unknownProductReason,
} from './inventory-rules';
import { holdUnits, releaseHold } from './stock-rules';

/**
 * An order was placed: hold every line's units, all or nothing, then store the reservation
 * already decided, with its `inventory.status.updated` SUCCESS or FAILURE (the first shortfall
 * as the reason) in the same write.
 *
 * Safe to repeat and to crash anywhere: holds are idempotent per order, so a redelivered event
 * re-finds the holds it placed before a crash and stores the reservation then. When a reservation
 * of the order is already there (a repeat, or the tombstone of a cancellation that came first),
 * the holds this attempt has are given back as that reservation requires (linesToGiveBack).
 */
export async function reserveStock(
  event: EventEnvelope<'order.created'>,
  { products, reservations }: InventoryDependencies,
): Promise<void> {
  const { orderId } = event.data;
  const lines = event.data.products.map(({ productId, quantity }) => ({ productId, quantity }));
  const { outcome, placed } = await holdAll(products, orderId, lines);
  const answered = await reservations.create(decidedReservation(orderId, lines, outcome), [
    inventoryStatusUpdated(orderId, outcome, {
      correlationId: event.correlationId,
      causationId: event.eventId,
    }),
  ]);
  if (answered || outcome.status === 'FAILURE') return;
  const existing = await reservations.findByOrderId(orderId);
  await releaseAll(products, orderId, linesToGiveBack(existing, lines, placed));
}

/** Holds every line at once (each product in its own store); on a shortfall releases them all. */
async function holdAll(
  products: InventoryDependencies['products'],
  orderId: string,
  lines: OrderLine[],
): Promise<{ outcome: ReservationOutcome; placed: OrderLine[] }> {
  const results = await Promise.all(
    lines.map(
      async (line) =>
        (await products.update(line.productId, holdUnits(orderId, line.quantity)))?.result,
    ),
  );
  const placed = lines.filter((_, index) => {
    const result = results[index];
    return result?.held === true && result.placed;
  });
  const shortfall = results.findIndex((result) => result?.held !== true);
  if (shortfall === -1) return { outcome: { status: 'SUCCESS' }, placed };
  await releaseAll(products, orderId, lines);
  const line = lines[shortfall];
  const result = results[shortfall];
  const reason =
    result && !result.held
      ? insufficientInventoryReason(line.productId, line.quantity, result.available)
      : unknownProductReason(line.productId);
  return { outcome: { status: 'FAILURE', reason }, placed: [] };
}

export async function releaseAll(
  products: InventoryDependencies['products'],
  orderId: string,
  lines: OrderLine[],
): Promise<void> {
  await Promise.all(lines.map((line) => products.update(line.productId, releaseHold(orderId))));
}
