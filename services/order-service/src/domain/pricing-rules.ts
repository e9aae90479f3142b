import type { Change, EventEnvelope, OrderLine, PricedLine } from '@ecommerce/shared';
import { fromMinorUnits, toMinorUnits } from '@ecommerce/shared';
import { MixedCurrenciesError, PriceChangedError, UnknownProductError } from './order-errors';
import type { ProductPrice } from './product-price';

export interface PricedOrder {
  products: PricedLine[];
  totalPrice: number;
  currency: string;
}

/**
 * Prices the order's lines from the price list: each line gets its product's price, the order the
 * exact sum (in minor units) and the one currency they share. A product the list lacks, or lines
 * in different currencies, refuse the order.
 */
export function priceOrder(
  lines: OrderLine[],
  prices: ReadonlyMap<string, ProductPrice>,
): PricedOrder {
  const unknown = lines.filter((line) => !prices.has(line.productId));
  if (unknown.length > 0) throw new UnknownProductError(unknown.map((line) => line.productId));
  const priced = lines.map((line) => ({ line, price: prices.get(line.productId) as ProductPrice }));
  const currencies = [...new Set(priced.map(({ price }) => price.currency))];
  if (currencies.length > 1) throw new MixedCurrenciesError(currencies);
  const totalMinor = priced.reduce(
    (sum, { line, price }) => sum + line.quantity * toMinorUnits(price.price),
    0,
  );
  return {
    products: priced.map(({ line, price }) => ({
      productId: line.productId,
      quantity: line.quantity,
      unitPrice: price.price,
    })),
    totalPrice: fromMinorUnits(totalMinor),
    currency: currencies[0],
  };
}

/** A total the customer sent must be the order's: else the price changed since they saw it. */
export function checkExpectedTotal(expected: number | undefined, order: PricedOrder): void {
  if (expected === undefined) return;
  if (toMinorUnits(expected) !== toMinorUnits(order.totalPrice)) {
    throw new PriceChangedError(expected, {
      totalPrice: order.totalPrice,
      currency: order.currency,
    });
  }
}

/** The price list's new entry for a product, from its `product.changed`. */
export function priceFrom(event: EventEnvelope<'product.changed'>, now = new Date()): ProductPrice {
  const { productId, name, price, currency } = event.data;
  return {
    productId,
    name,
    price,
    currency,
    version: event.sequence,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A `product.changed` applies only when it is newer than what the list holds: the inventory
 * numbers each product's events, and a redelivered or late one must not bring back an old price.
 */
export function priceChange(
  event: EventEnvelope<'product.changed'>,
  now = new Date(),
): (current: ProductPrice) => Change<ProductPrice> | null {
  return (current) =>
    event.sequence > current.version
      ? { next: { ...priceFrom(event, now), createdAt: current.createdAt } }
      : null;
}
