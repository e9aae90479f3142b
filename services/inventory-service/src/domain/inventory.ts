import type { OrderLine } from '@ecommerce/shared';

/** A product's stock: `available` can be sold, `reserved` is held for orders still PENDING. */
export interface Product {
  productId: string;
  name: string;
  available: number;
  reserved: number;
  updatedAt: Date;
}

/**
 * What the inventory did about one order. RESERVING is the short moment while holds are being
 * placed (a crash there is resumed on redelivery); VOIDED is the tombstone of an order cancelled
 * before its order.created arrived, so that the late event reserves nothing.
 */
export type ReservationStatus =
  'RESERVING' | 'RESERVED' | 'REJECTED' | 'COMMITTED' | 'RELEASED' | 'VOIDED';

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  lines: OrderLine[];
  reason?: string;
}

export interface InventorySummary {
  items: Product[];
  totalProducts: number;
  totalAvailable: number;
  totalReserved: number;
}
