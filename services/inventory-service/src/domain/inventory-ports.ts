import type { Decide, EventDraft, Updated } from '@ecommerce/shared';
import type { Reservation, StockedProduct } from './inventory';

/**
 * Where the products' stock is kept. Every stock step is a `decide` on the product's current
 * state, so concurrent orders for one product are applied one after another, never lost.
 */
export interface ProductRepositoryPort {
  /** Every product, by id. */
  list(): Promise<StockedProduct[]>;
  findById(productId: string): Promise<StockedProduct | null>;
  /** Stores a new product; false when one with that id exists. */
  create(product: StockedProduct): Promise<boolean>;
  /** Decides the product's change against its current state and writes it (null: no such product). */
  update<R = undefined>(
    productId: string,
    decide: Decide<StockedProduct, R>,
  ): Promise<Updated<StockedProduct, R> | null>;
}

/** What the inventory decided per order, keyed by the order id, with the events it owes. */
export interface ReservationRepositoryPort {
  findByOrderId(orderId: string): Promise<Reservation | null>;
  /** Stores the reservation with its events; false when the order has one already. */
  create(reservation: Reservation, events?: EventDraft[]): Promise<boolean>;
  /** Decides the reservation's change against its current state and writes it (null: none yet). */
  update<R = undefined>(
    orderId: string,
    decide: Decide<Reservation, R>,
  ): Promise<Updated<Reservation, R> | null>;
}

/** What the inventory use cases need from the outside world. */
export interface InventoryDependencies {
  products: ProductRepositoryPort;
  reservations: ReservationRepositoryPort;
}
