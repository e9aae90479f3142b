import type { Change } from '@ecommerce/shared';
import type { Hold, Product, StockedProduct } from './inventory';

/**
 * What holding units for an order came to: held (`placed` when by this call, not found from an
 * earlier one), or the units that were available instead.
 */
export type HoldResult = { held: true; placed: boolean } | { held: false; available: number };

/**
 * Holds `quantity` units of the product for the order: moves them from available to reserved
 * and records the hold. A repeat (a redelivered order.created) finds the hold and takes nothing
 * more; a shortfall changes nothing and says what is available.
 */
export function holdUnits(
  orderId: string,
  quantity: number,
  now: Date = new Date(),
): (product: StockedProduct) => Change<StockedProduct, HoldResult> {
  return (product) => {
    if (holdOf(product, orderId)) return { result: { held: true, placed: false } };
    if (product.available < quantity) {
      return { result: { held: false, available: product.available } };
    }
    return {
      next: {
        ...product,
        available: product.available - quantity,
        reserved: product.reserved + quantity,
        holds: [...product.holds, { orderId, quantity }],
        updatedAt: now,
      },
      result: { held: true, placed: true },
    };
  };
}

/** Gives the order's held units back to available (order cancelled, or reservation undone). */
export function releaseHold(orderId: string, now: Date = new Date()) {
  return dropHold(orderId, now, (product, hold) => ({
    available: product.available + hold.quantity,
    reserved: product.reserved - hold.quantity,
  }));
}

/** Takes the order's held units out of stock for good (order confirmed). */
export function commitHold(orderId: string, now: Date = new Date()) {
  return dropHold(orderId, now, (product, hold) => ({
    available: product.available,
    reserved: product.reserved - hold.quantity,
  }));
}

/** A product as the API shows it: without the holds, which name orders. */
export function publicView({
  productId,
  name,
  price,
  currency,
  available,
  reserved,
  updatedAt,
}: StockedProduct): Product {
  return { productId, name, price, currency, available, reserved, updatedAt };
}

function holdOf(product: StockedProduct, orderId: string): Hold | undefined {
  return product.holds.find((hold) => hold.orderId === orderId);
}

/** Removes the order's hold, if it is there, with the stock counts `counts` gives; else nothing. */
function dropHold(
  orderId: string,
  now: Date,
  counts: (product: StockedProduct, hold: Hold) => Pick<Product, 'available' | 'reserved'>,
) {
  return (product: StockedProduct): Change<StockedProduct> | null => {
    const hold = holdOf(product, orderId);
    if (!hold) return null;
    return {
      next: {
        ...product,
        ...counts(product, hold),
        holds: product.holds.filter((candidate) => candidate !== hold),
        updatedAt: now,
      },
    };
  };
}
