import type { OrderLine } from '@ecommerce/shared';

/**
 * A product of the catalogue: its price (a decimal with at most two decimals, in `currency`) and
 * its stock: `available` can be sold, `reserved` is held for orders still PENDING.
 */
export interface Product {
  productId: string;
  name: string;
  price: number;
  currency: string;
  available: number;
  reserved: number;
  updatedAt: Date;
}

/** What an admin sets on a product; what is left out stays as it is. */
export interface ProductRevision {
  quantity?: number;
  name?: string;
  price?: number;
  currency?: string;
}

/** The units one PENDING order holds in a product; at most one per order in a product. */
export interface Hold {
  orderId: string;
  quantity: number;
}

/**
 * A product as its store keeps it: with the holds of the orders still PENDING, which make every
 * stock step idempotent (an order's hold is either there or not).
 */
export interface StockedProduct extends Product {
  holds: Hold[];
  /** When the product was created: the catalogue lists the newest first. */
  createdAt: Date;
}

/**
 * What the inventory did about one order, stored once already decided: RESERVED (its holds are
 * in the products) or REJECTED (with why), then COMMITTED or RELEASED when the order is final.
 * VOIDED is the tombstone of an order cancelled before its order.created arrived, so that the
 * late event reserves nothing.
 */
export type ReservationStatus = 'RESERVED' | 'REJECTED' | 'COMMITTED' | 'RELEASED' | 'VOIDED';

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  lines: OrderLine[];
  reason?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The whole catalogue's stock, added up. */
export interface InventoryTotals {
  totalProducts: number;
  totalAvailable: number;
  totalReserved: number;
}
