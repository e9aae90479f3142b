import type { Change } from '@ecommerce/shared';
import type { ProductRevision, StockedProduct } from './inventory';
import { PriceRequiredError } from './inventory-errors';
import { productChanged } from './inventory-events';

/**
 * A new product from an admin's revision: it needs a price (a product without one could not be
 * sold, or would be sold for nothing); the currency defaults to the shop's, the name to the id,
 * the stock to none. Its `product.changed` tells the order service's price list.
 */
export function newProduct(
  productId: string,
  revision: ProductRevision,
  defaultCurrency: string,
  now: Date = new Date(),
): StockedProduct {
  if (revision.price === undefined) throw new PriceRequiredError(productId);
  return {
    productId,
    name: revision.name ?? productId,
    price: revision.price,
    currency: revision.currency ?? defaultCurrency,
    available: revision.quantity ?? 0,
    reserved: 0,
    holds: [],
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * An admin's revision of an existing product: the stock, the name, the price. Holds stay as they
 * are. A change to what the catalogue shows (name, price, currency) is announced with
 * `product.changed`; a stock change alone is not.
 */
export function revise(
  revision: ProductRevision,
  correlationId: string,
  now: Date = new Date(),
): (product: StockedProduct) => Change<StockedProduct> {
  return (product) => {
    const next: StockedProduct = {
      ...product,
      ...(revision.quantity !== undefined && { available: revision.quantity }),
      ...(revision.name !== undefined && { name: revision.name }),
      ...(revision.price !== undefined && { price: revision.price }),
      ...(revision.currency !== undefined && { currency: revision.currency }),
      updatedAt: now,
    };
    return {
      next,
      ...(isListedDifferently(product, next) && { events: [productChanged(next, correlationId)] }),
    };
  };
}

/** The product announced again as it is (the order service asked for the whole catalogue). */
export function announcement(
  correlationId: string,
): (product: StockedProduct) => Change<StockedProduct> {
  return (product) => ({ next: product, events: [productChanged(product, correlationId)] });
}

function isListedDifferently(before: StockedProduct, after: StockedProduct): boolean {
  return (
    before.name !== after.name || before.price !== after.price || before.currency !== after.currency
  );
}

/** Test products, created on first start when the inventory is empty. `prod1` is the README's. */
export const SEED_PRODUCTS: ReadonlyArray<
  Required<Pick<ProductRevision, 'name' | 'price' | 'quantity'>> & { productId: string }
> = [
  { productId: 'prod1', name: 'Laptop', price: 999.99, quantity: 50 },
  { productId: 'prod2', name: 'Wireless Mouse', price: 24.99, quantity: 0 },
  { productId: 'prod3', name: 'Mechanical Keyboard', price: 89.5, quantity: 25 },
  { productId: 'prod4', name: '27-inch Monitor', price: 329, quantity: 10 },
  { productId: 'prod5', name: 'USB-C Hub', price: 39.9, quantity: 100 },
];
