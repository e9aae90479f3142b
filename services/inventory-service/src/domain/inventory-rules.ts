import type { InventorySummary, Product, Reservation } from './inventory';

export function insufficientInventoryReason(
  productId: string,
  requested: number,
  available: number,
): string {
  return `Insufficient inventory for product ${productId}: requested ${requested}, available ${available}`;
}

export function unknownProductReason(productId: string): string {
  return `Unknown product ${productId}`;
}

/**
 * What an order.created means given what the inventory already knows about the order: reserve
 * (first time), resume (a crash interrupted the reservation), or nothing (already decided, or
 * the order was cancelled before this event arrived).
 */
export function onOrderCreated(existing: Reservation | null): 'reserve' | 'resume' | 'ignore' {
  if (!existing) return 'reserve';
  return existing.status === 'RESERVING' ? 'resume' : 'ignore';
}

/**
 * What a final order status means for the order's reservation: CONFIRMED takes the held units out
 * of stock, CANCELLED gives them back, and a cancellation seen before the order.created leaves a
 * tombstone. `wait` asks for a retry: the reservation is still being placed elsewhere.
 */
export function onOrderFinalised(
  existing: Reservation | null,
  status: 'CONFIRMED' | 'CANCELLED',
): 'commit' | 'release' | 'void' | 'ignore' | 'wait' {
  if (!existing) return status === 'CANCELLED' ? 'void' : 'ignore';
  switch (existing.status) {
    case 'RESERVING':
      return 'wait';
    case 'RESERVED':
      return status === 'CONFIRMED' ? 'commit' : 'release';
    default:
      return 'ignore';
  }
}

export function summarise(items: Product[]): InventorySummary {
  return {
    items,
    totalProducts: items.length,
    totalAvailable: items.reduce((sum, product) => sum + product.available, 0),
    totalReserved: items.reduce((sum, product) => sum + product.reserved, 0),
  };
}

/** Test products, created on first start when the inventory is empty. */
export const SEED_PRODUCTS: ReadonlyArray<Pick<Product, 'productId' | 'name' | 'available'>> = [
  { productId: 'prod1', name: 'Laptop', available: 50 },
  { productId: 'prod2', name: 'Wireless Mouse', available: 0 },
  { productId: 'prod3', name: 'Mechanical Keyboard', available: 25 },
  { productId: 'prod4', name: '27-inch Monitor', available: 10 },
  { productId: 'prod5', name: 'USB-C Hub', available: 100 },
];
